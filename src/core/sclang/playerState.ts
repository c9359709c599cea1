// What plays in sclang: its Ndefs and ProxySpace proxies, Pdefs (Pbindefs among them) and
// Tdefs, read from sclang itself (one query, one line of JSON), never guessed from the text.
// Self-contained so that other features (the Node Tree's Ndef labels) can share the query.
import { Disposable, Emitter, Event } from '../events';

/** A JITLib proxy: an Ndef (`space` is its server's name) or a ProxySpace proxy (`space` is the space's name, or `current`). */
export interface ProxyState {
  kind: 'Ndef' | 'ProxySpace';
  key: string;
  space: string;
  /** Its monitor plays (it is heard). */
  playing: boolean;
  vol: number | null;
  fadeTime: number | null;
  /** Its group's node id on the server, while it has one. */
  group: number | null;
  bus: number | null;
  channels: number | null;
  rate: string;
}

/** A Pdef (a Pbindef is one too) or a Tdef. */
export interface PatternPlayerState {
  kind: 'Pdef' | 'Pbindef' | 'Tdef';
  key: string;
  playing: boolean;
}

export type PlayerEntry = ProxyState | PatternPlayerState;

/** A player an evaluation returned (by the evaluation's id), while it plays. */
export interface EvaluationPlayerState {
  evaluationId: number;
  /** As sclang prints it: `an EventStreamPlayer`, `Pdef('mel')`. */
  what: string;
}

/** The node ids an evaluation allocated in sclang: from `from` up to, not with, `to`. */
export interface EvaluationNodes {
  evaluationId: number;
  from: number;
  to: number;
}

export interface PlayerState {
  proxies: ProxyState[];
  patterns: PatternPlayerState[];
  evaluations: EvaluationPlayerState[];
  /** Told once, at the first read after each evaluation (not part of what plays). */
  evaluationNodes: EvaluationNodes[];
}

export const EMPTY_PLAYER_STATE: PlayerState = { proxies: [], patterns: [], evaluations: [], evaluationNodes: [] };

/**
 * The Library function the sclang PRELUDE defines: it answers the state as one JSON string (as
 * the evaluation's result, so it is never posted). About 0.1 ms in sclang for a few players.
 */
export const PLAYER_STATE_PRELUDE = String.raw`
Library.put(\sclive, \playerState, {
  var str = { |v| "\"" ++ v.asString.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", " ").replace(">>", "> >") ++ "\"" };
  var num = { |v| if(v.isNumber and: { v.isNaN.not and: { v.abs != inf } }) { v.asFloat.asStringPrec(6) } { "null" } };
  var rows = List.new, seen = IdentitySet.new, done = [];
  var proxy = { |p, key, kind, space|
    if(p.isKindOf(NodeProxy) and: { seen.includes(p).not }) {
      seen.add(p);
      rows.add("{\"kind\":%,\"key\":%,\"space\":%,\"playing\":%,\"vol\":%,\"fadeTime\":%,\"group\":%,\"bus\":%,\"channels\":%,\"rate\":%}".format(
        str.(kind), str.(key), str.(space), p.monitor.notNil and: { p.monitor.isPlaying }, num.(p.vol), num.(p.fadeTime),
        num.(p.group !? { |g| g.nodeID }), num.(p.bus !? { |b| b.index }), num.(p.numChannels), str.(p.rate ? "")))
    }
  };
  var player = { |p, key, kind| rows.add("{\"kind\":%,\"key\":%,\"playing\":%}".format(str.(kind), str.(key), p.isPlaying == true)) };
  if(currentEnvironment.isKindOf(ProxySpace)) { currentEnvironment.envir.keysValuesDo { |key, p| proxy.(p, key, "ProxySpace", "current") } };
  Ndef.all.keysValuesDo { |name, space| space.envir.keysValuesDo { |key, p| proxy.(p, key, "Ndef", name) } };
  ProxySpace.all.keysValuesDo { |name, space| space.envir.keysValuesDo { |key, p| proxy.(p, key, "ProxySpace", name) } };
  Pdef.all.keysValuesDo { |key, p| player.(p, key, if(p.source.isKindOf(PbindProxy)) { "Pbindef" } { "Pdef" }) };
  Tdef.all.keysValuesDo { |key, p| player.(p, key, "Tdef") };
  // The players evaluations returned (keepPlayer): reported while they play, then forgotten.
  (Library.at(\sclive, \players) ? ()).keysValuesDo { |id, p|
    if(Library.at(\sclive, \plays).value(p)) {
      rows.add("{\"kind\":\"Eval\",\"key\":\"%\",\"playing\":true,\"what\":%}".format(id, str.(p)))
    } {
      // A Routine just played has not run yet (state 0): it stays until it has.
      if(p.isKindOf(Routine).not or: { p.state != 0 }) { done = done.add(id) }
    }
  };
  done.do { |id| Library.global.removeAt(\sclive, \players, id) };
  // The node ids each evaluation since the last read allocated (evalNodes), told once.
  (Library.at(\sclive, \evalNodeRanges) ? []).do { |range|
    rows.add("{\"kind\":\"Nodes\",\"key\":\"%\",\"playing\":false,\"from\":%,\"to\":%}".format(*range))
  };
  Library.put(\sclive, \evalNodeRanges, []);
  "[" ++ rows.join(",") ++ "]"
});
// The id the default server's allocator gives next (nil for an allocator of another kind): the
// node ids an evaluation allocated are those from its value before to its value after, so the
// editor ties the server's /n_go of exactly those synths to the block.
Library.put(\sclive, \nextNode, {
  var allocator = Server.default.nodeAllocator;
  if(allocator.isKindOf(NodeIDAllocator)) { allocator.instVarAt(\temp) + allocator.idOffset }
});
Library.put(\sclive, \evalNodes, { |id, first|
  var next = Library.at(\sclive, \nextNode).value, ranges;
  // (An allocator that wrapped around during the evaluation tells nothing.)
  if(first.notNil and: { next.notNil and: { next >= first } }) {
    ranges = (Library.at(\sclive, \evalNodeRanges) ? []).add([id, first, next]);
    Library.put(\sclive, \evalNodeRanges, if(ranges.size > 100) { ranges.drop(ranges.size - 100) } { ranges });
  }
});
Library.put(\sclive, \plays, { |p|
  case
  { p.isKindOf(NodeProxy) } { p.isMonitoring }
  { p.isKindOf(Routine) } { p.state == 3 or: { p.state == 5 } }
  { p.isPlaying == true }
});
// The player an evaluation returned (a pattern's or routine's player, a Pdef, Tdef or Ndef), kept
// under the evaluation's id while it plays: its block counts as sounding, its Stop stops it.
Library.put(\sclive, \keepPlayer, { |id, result|
  if(result.isKindOf(PauseStream) or: { result.isKindOf(Routine) } or: { result.isKindOf(PatternProxy) } or: { result.isKindOf(NodeProxy) }) {
    Library.put(\sclive, \players, id, result)
  }
});
Library.put(\sclive, \stopPlayers, { |ids|
  ids.do { |id| Library.at(\sclive, \players, id) !? { |p| p.stop; Library.global.removeAt(\sclive, \players, id) } }
});
`;

/** The code that asks for the state (its result is the JSON text parsePlayerState reads). */
export const PLAYER_STATE_QUERY = 'Library.at(\\sclive, \\playerState).value';

const numberOrNull = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/** The state in sclang's answer; an error says what is wrong with it. Entries of unknown kinds are skipped. */
export function parsePlayerState(text: string): PlayerState {
  let rows: unknown;
  try {
    rows = JSON.parse(text);
  } catch (error) {
    throw new Error(`sclang's player state is not JSON (${(error as Error).message})`, { cause: error });
  }
  if (!Array.isArray(rows)) throw new Error("sclang's player state is not a list");
  const state: PlayerState = { proxies: [], patterns: [], evaluations: [], evaluationNodes: [] };
  for (const row of rows as Array<Record<string, unknown>>) {
    if (!row || typeof row !== 'object' || typeof row.key !== 'string' || typeof row.playing !== 'boolean') continue;
    if (row.kind === 'Ndef' || row.kind === 'ProxySpace') {
      state.proxies.push({
        kind: row.kind,
        key: row.key,
        space: typeof row.space === 'string' ? row.space : '',
        playing: row.playing,
        vol: numberOrNull(row.vol),
        fadeTime: numberOrNull(row.fadeTime),
        group: numberOrNull(row.group),
        bus: numberOrNull(row.bus),
        channels: numberOrNull(row.channels),
        rate: typeof row.rate === 'string' ? row.rate : '',
      });
    } else if (row.kind === 'Pdef' || row.kind === 'Pbindef' || row.kind === 'Tdef') {
      state.patterns.push({ kind: row.kind, key: row.key, playing: row.playing });
    } else if (row.kind === 'Eval' && row.playing && /^\d+$/.test(row.key)) {
      state.evaluations.push({ evaluationId: Number(row.key), what: typeof row.what === 'string' ? row.what : 'a player' });
    } else if (row.kind === 'Nodes' && /^\d+$/.test(row.key) && Number.isInteger(row.from) && Number.isInteger(row.to) && (row.to as number) >= (row.from as number)) {
      state.evaluationNodes.push({ evaluationId: Number(row.key), from: row.from as number, to: row.to as number });
    }
  }
  const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  state.proxies.sort(byKey);
  state.patterns.sort(byKey);
  state.evaluations.sort((a, b) => a.evaluationId - b.evaluationId);
  return state;
}

/** A symbol literal for sclang (`'drone'`), whatever the name holds. */
export function sclangSymbol(name: string): string {
  return `'${name.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The sclang expression that reaches this player (to play, stop or set it). */
export function playerExpression(entry: PlayerEntry | { kind: PlayerEntry['kind']; key: string; space?: string }): string {
  const key = sclangSymbol(entry.key);
  switch (entry.kind) {
    case 'Pdef':
    case 'Pbindef':
      return `Pdef(${key})`;
    case 'Tdef':
      return `Tdef(${key})`;
    case 'Ndef': {
      const space = 'space' in entry && entry.space ? entry.space : undefined;
      return space ? `(Ndef.all.at(${sclangSymbol(space)}) !? { |space| space.envir.at(${key}) } ? Ndef(${key}))` : `Ndef(${key})`;
    }
    case 'ProxySpace': {
      const space = 'space' in entry && entry.space ? entry.space : 'current';
      return space === 'current' ? `currentEnvironment.envir.at(${key})` : `ProxySpace.all.at(${sclangSymbol(space)}).envir.at(${key})`;
    }
  }
}

/** The state of the player a line of code names (the first one found of that kind and key). */
export function findPlayer(state: PlayerState, kind: PlayerEntry['kind'], key: string): PlayerEntry | undefined {
  if (kind === 'Ndef') return state.proxies.find((p) => p.kind === 'Ndef' && p.key === key);
  if (kind === 'ProxySpace') return state.proxies.find((p) => p.kind === 'ProxySpace' && p.key === key);
  // A Pbindef is a Pdef: a line `Pdef(\x` names the Pbindef \x too.
  if (kind === 'Pdef' || kind === 'Pbindef') return state.patterns.find((p) => (p.kind === 'Pdef' || p.kind === 'Pbindef') && p.key === key);
  return state.patterns.find((p) => p.kind === kind && p.key === key);
}

export function samePlayerState(a: PlayerState, b: PlayerState): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export interface PlayerStatePollerOptions {
  /**
   * Asks sclang; undefined when it cannot answer now (busy with an evaluation, not running):
   * the poller never queues a query behind the musician's code.
   */
  query(): Promise<string | undefined>;
  intervalMs?: number;
  onError?(error: Error): void;
}

/**
 * Polls sclang's player state while something needs it (a view shows, lenses are drawn), and
 * soon after each evaluation; fires when the state changed.
 */
export class PlayerStatePoller implements Disposable {
  private stateValue: PlayerState = EMPTY_PLAYER_STATE;
  private demand = 0;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private disposed = false;
  private readonly onDidChangeEmitter = new Emitter<PlayerState>();
  readonly onDidChange: Event<PlayerState> = this.onDidChangeEmitter.event;
  private readonly onDidReadEmitter = new Emitter<PlayerState>();
  /** Each answer of sclang's, changed or not, with the node ids of the evaluations since the last. */
  readonly onDidRead: Event<PlayerState> = this.onDidReadEmitter.event;

  constructor(private readonly options: PlayerStatePollerOptions) {}

  get state(): PlayerState {
    return this.stateValue;
  }

  /** Polls while the returned disposable lives (several may ask at once). */
  need(): Disposable {
    this.demand++;
    if (this.demand === 1) this.schedule(0);
    let released = false;
    return {
      dispose: () => {
        if (released) return;
        released = true;
        this.demand--;
        if (this.demand === 0) {
          clearTimeout(this.timer);
          this.timer = undefined;
        }
      },
    };
  }

  /** Reads the state now (after an evaluation, a play or stop); resolves once read (or not answerable). */
  refresh(): Promise<void> {
    // One read at a time (never one queued behind another: each read's own end makes sclang
    // idle again, which asks for a read). A read under way when an evaluation ended may have
    // been answered before it; the next poll tells.
    this.inFlight ??= this.poll().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  /** sclang is gone: nothing plays in it. */
  reset(): void {
    this.set(EMPTY_PLAYER_STATE);
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    if (this.disposed || this.demand === 0) return;
    this.timer = setTimeout(() => {
      void this.refresh().finally(() => this.schedule(this.options.intervalMs ?? 500));
    }, delayMs);
  }

  private async poll(): Promise<void> {
    let text: string | undefined;
    try {
      text = await this.options.query();
      if (text === undefined || this.disposed) return;
      const read = parsePlayerState(text);
      // The evaluations' node ids are news of this read only, not part of what plays.
      this.set({ ...read, evaluationNodes: [] });
      this.onDidReadEmitter.fire(read);
    } catch (error) {
      this.options.onError?.(error as Error);
    }
  }

  private set(state: PlayerState): void {
    if (samePlayerState(state, this.stateValue)) return;
    this.stateValue = state;
    this.onDidChangeEmitter.fire(state);
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    this.onDidChangeEmitter.dispose();
    this.onDidReadEmitter.dispose();
  }
}
