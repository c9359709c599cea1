// sclang, the SuperCollider language, as a child process that evaluates code from the editor.
import { Emitter, Event, Logger, silentLogger } from '../events';
import { ManagedProcess, ProcessExit, ProcessLine } from '../process/managedProcess';
import { findSclang } from './sclangLocator';
import { PLAYER_STATE_PRELUDE } from './playerState';

export type SclangState = 'stopped' | 'compiling' | 'idle' | 'busy';

export interface EvaluationResult {
  /** `ok`, or the kind of error sclang reported. */
  status: 'ok' | 'syntax' | 'error';
  /** The result as sclang prints it (`-> value` without the arrow), for `ok` evaluations. */
  result?: string;
  /** Everything sclang posted while evaluating (errors included), without our markers. */
  output: string[];
  /** The evaluation's id in sclang (the players it returned are kept under it: playerState.ts). */
  id?: number;
}

export class SclangError extends Error {
  constructor(message: string, readonly lastLines: string[] = []) {
    super(message);
    this.name = 'SclangError';
  }
}

export interface SCLangOptions {
  sclangPath?: string;
  /** Extra environment; headless settings are added where there is no display. */
  env?: NodeJS.ProcessEnv;
  /** How long the class library may take to compile, in ms. */
  startTimeoutMs?: number;
  logger?: Logger;
  /** A language config of the editor's own (`-l`): the musician's paths plus the extension's classes. */
  languageConfigPath?: string;
}

/** Marks our own lines in sclang's output: `<<sclive:end:ID:STATUS>>`. */
const MARKER = /<<sclive:([a-zA-Z]+):(.*?)>>/;

/**
 * The code sclang runs once after start: an evaluation function in the Library (invisible
 * to the user's variables) that compiles, runs and reports each piece of code with markers,
 * and a ServerBoot hook that says when sclang itself booted (or found) a server.
 */
const PRELUDE = String.raw`
Library.put(\sclive, \eval, { |id, code, print = true|
  var fn = code.compile, result, failed = false, firstNode = if(print) { Library.at(\sclive, \nextNode).value };
  if(fn.isNil) {
    "<<sclive:end:%:syntax>>".format(id).postln;
  } {
    result = fn.try { |error| failed = true; error.reportError };
    Library.at(\sclive, \evalNodes).value(id, firstNode);
    if(failed) {
      "<<sclive:end:%:error>>".format(id).postln;
    } {
      Library.at(\sclive, \keepPlayer).value(id, result);
      if(print) {
        ("-> " ++ result.asString).postln;
      } {
        "<<sclive:result:%:%>>".format(id, result.asString.replace("\n", " ").replace(">>", "> >")).postln;
      };
      "<<sclive:end:%:ok>>".format(id).postln;
    };
  };
});
// Follows a server this editor booted or joined, as if s.reboot had run in sclang: a new run
// (another runId) first ends the old one (ServerQuit), then the status watcher registers
// with the new server and runs ServerBoot (SynthDescLib sends its defs, \default among
// them), then ServerTree. A server sclang booted itself is left alone.
Library.put(\sclive, \attach, { |port, maxLogins, runId|
  var server = Server.default;
  if(server.pid.isNil or: { server.addr.port != port }) {
    if(Library.at(\sclive, \runId) != runId or: { server.addr.port != port }) {
      Library.at(\sclive, \detach).value;
      Library.put(\sclive, \runId, runId);
      server.addr = NetAddr("127.0.0.1", port);
      server.options.maxLogins = maxLogins;
      server.startAliveThread;
    };
  };
});
// The server this editor booted is gone: sclang's s quits as it does when its own server
// exits (ServerQuit runs, allocators are reset), without sending /quit to anyone.
Library.put(\sclive, \detach, {
  var server = Server.default;
  if(server.pid.isNil and: { server.statusWatcher.hasBooted or: { server.statusWatcher.aliveThread.notNil } }) {
    server.statusWatcher.quit(watchShutDown: false);
    server.sendQuit = nil;
    server.newAllocators;
  };
  Library.put(\sclive, \runId, nil);
});
// A new sclang joining a server where an earlier sclang's nodes still live (Restart sclang):
// its node ids start past theirs, so its next synth is not a "duplicate node ID".
// tops[clientID] is the highest node id (its low 26 bits) alive for that client.
Library.put(\sclive, \skipLiveNodeIds, { |tops|
  var server = Server.default, alloc = server.nodeAllocator, top = tops[server.clientID ? 0];
  if(top.notNil and: { alloc.isKindOf(NodeIDAllocator) and: { alloc.instVarAt(\temp) <= top } }) {
    alloc.instVarPut(\temp, top + 1);
  };
});
// Reboot and Restore: before a frozen server is killed, the proxies whose monitor plays
// (Ndef, ProxySpace) are noted; after the new server's ServerBoot they play again, rebuilt
// from their sources. Patterns and routines need nothing: their clocks run in sclang.
Library.put(\sclive, \notePlaying, {
  var monitored = IdentitySet.new;
  var note = { |proxy| if(proxy.isKindOf(NodeProxy) and: { proxy.monitor.notNil and: { proxy.monitor.isPlaying } }) { monitored.add(proxy) } };
  Ndef.all.do { |space| space.envir.do(note) };
  ProxySpace.all.do { |space| space.envir.do(note) };
  if(currentEnvironment.isKindOf(ProxySpace)) { currentEnvironment.envir.do(note) };
  Library.put(\sclive, \playing, monitored.asArray.collect { |proxy| [proxy, proxy.monitor.vol, proxy.monitor.outs !? { |outs| outs[0] }] });
  monitored.size
});
Library.put(\sclive, \restorePlaying, {
  var playing = Library.at(\sclive, \playing) ? [];
  Library.put(\sclive, \playing, nil);
  playing.do { |entry| entry[0].play(out: entry[2], vol: entry[1]) };
  playing.size
});
// The Node Tree names proxies' groups: "nodeID name" pairs joined by ";" (Ndef(\key), ~key of a
// ProxySpace, and "Ndef(\key) monitor" for the group of its .play); see parseProxyGroups in
// core/server/nodeLabels.ts.
Library.put(\sclive, \proxyGroups, {
  var pairs = List.new;
  var noteGroup = { |group, name| if(group.notNil and: { group.nodeID.notNil }) { pairs.add("% %".format(group.nodeID, name)) } };
  var note = { |key, proxy, name| var monitor = proxy.tryPerform(\monitor); noteGroup.(proxy.tryPerform(\group), name); if(monitor.notNil) { noteGroup.(monitor.group, name + "monitor") } };
  var noteSpace = { |space, prefix, suffix| space.envir.keysValuesDo { |key, proxy| note.(key, proxy, prefix ++ key ++ suffix) } };
  ProxySpace.all.do { |space| noteSpace.(space, "~", "") };
  if(currentEnvironment.isKindOf(ProxySpace)) { noteSpace.(currentEnvironment, "~", "") };
  Ndef.all.do { |space| noteSpace.(space, "Ndef(\\", ")") };
  pairs.join(";")
});
// The Node Tree names a Pdef's synths by its key: the default event's callback (an event's own
// \callback wins) posts the node ids the event made when a Pdef's player plays it.
Library.put(\sclive, \playerKeyOf, { |routine| var found; Pdef.all.keysValuesDo { |key, pdef| var player = pdef.player; if(player.notNil and: { player.tryPerform(\routine) === routine }) { found = "Pdef \\" ++ key } }; found });
Event.default.parent.put(\callback, { |event| var ids = event[\id], key; if(ids.notNil) { key = Library.at(\sclive, \playerKeyOf).value(thisThread); if(key.notNil) { "<<sclive:nodePlayer:%:%>>".format(key, ids.asArray.select(_.isNumber).join(",")).postln } } });
// What plays (Ndefs, proxies, Pdefs, Tdefs): playerState.ts.
${PLAYER_STATE_PRELUDE}
ServerBoot.add({ |server| "<<sclive:serverBooted:%>>".format(server.addr.port).postln }, \all);
ServerQuit.add({ |server| "<<sclive:serverQuit:%>>".format(server.addr.port).postln }, \all);
"<<sclive:ready:>>".postln;
`;

/** A string literal for sclang: backslashes and quotes escaped; control bytes of the stdin protocol dropped. */
export function sclangStringLiteral(code: string): string {
  // eslint-disable-next-line no-control-regex -- form feed and escape are the stdin protocol's delimiters
  return `"${code.replace(/[\x0c\x1b]/g, '').replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** What one evaluation keeps of its output (the post window shows it all, within its scrollback). */
export const MAX_EVALUATION_OUTPUT_LINES = 10_000;
/** ... and in characters: 10,000 lines may each be 100,000 characters long (a 2 GB string). */
export const MAX_EVALUATION_OUTPUT_CHARS = 2_000_000;

interface PendingEvaluation {
  id: number;
  output: string[];
  /** Characters kept in `output`. */
  chars: number;
  /** Lines posted past MAX_EVALUATION_OUTPUT_LINES or MAX_EVALUATION_OUTPUT_CHARS, not kept. */
  dropped: number;
  result?: string;
  /** Asked by the editor, not the musician: it does not make sclang busy (see evaluate). */
  background: boolean;
  /** Its timeout passed; sclang is still running it. */
  overdue?: boolean;
  resolve(result: EvaluationResult): void;
  reject(error: Error): void;
}

export class SCLang {
  private process: ManagedProcess | undefined;
  private stateValue: SclangState = 'stopped';
  private nextId = 1;
  private readonly pending = new Map<number, PendingEvaluation>();
  private readonly logger: Logger;
  private stopping = false;
  private busySinceValue: number | undefined;

  private readonly onPostEmitter = new Emitter<string>();
  /** What sclang posts, line by line (our markers removed). */
  readonly onPost: Event<string> = this.onPostEmitter.event;
  private readonly onDidChangeStateEmitter = new Emitter<SclangState>();
  readonly onDidChangeState: Event<SclangState> = this.onDidChangeStateEmitter.event;
  private readonly onServerBootedEmitter = new Emitter<number>();
  /** sclang booted (or attached to) a server on this port. */
  readonly onServerBooted: Event<number> = this.onServerBootedEmitter.event;
  private readonly onServerQuitEmitter = new Emitter<number>();
  /** sclang's server on this port quit (sclang's s.quit, its process exited, or a detach). */
  readonly onServerQuit: Event<number> = this.onServerQuitEmitter.event;
  private readonly onExitEmitter = new Emitter<ProcessExit & { expected: boolean }>();
  readonly onExit: Event<ProcessExit & { expected: boolean }> = this.onExitEmitter.event;
  private readonly onNodePlayerEmitter = new Emitter<string>();
  /** A Pdef's player made nodes (`<<sclive:nodePlayer:Pdef \mel:1004,1005>>`): its detail, `Pdef \mel:1004,1005`. */
  readonly onNodePlayer: Event<string> = this.onNodePlayerEmitter.event;
  private readonly onGuiRequestEmitter = new Emitter<string>();
  /** A GUI call of sclang's for the editor (`<<sclive:gui:JSON>>`, from sclang/SuperColliderLive): its JSON. */
  readonly onGuiRequest: Event<string> = this.onGuiRequestEmitter.event;

  constructor(private readonly options: SCLangOptions = {}) {
    this.logger = options.logger ?? silentLogger;
  }

  get state(): SclangState {
    return this.stateValue;
  }

  get pid(): number | undefined {
    return this.process?.pid;
  }

  /** When sclang became busy (performance.now()), while it is. */
  get busySince(): number | undefined {
    return this.busySinceValue;
  }

  /** Whether the sclang process is up (compiling, idle or busy); see `state` for which. */
  get processRunning(): boolean {
    return this.process !== undefined && !this.process.hasExited;
  }

  /** Starts sclang, compiles the class library and installs the prelude. */
  async start(): Promise<void> {
    if (this.processRunning) return;
    const executable = findSclang({ explicitPath: this.options.sclangPath });
    const env: NodeJS.ProcessEnv = { ...process.env, ...this.options.env };
    if (process.platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) {
      // No display: Qt renders offscreen; QtWebEngine refuses to run as root with its sandbox.
      env.QT_QPA_PLATFORM ??= 'offscreen';
      env.QTWEBENGINE_DISABLE_SANDBOX ??= '1';
    }
    this.setState('compiling');
    this.stopping = false;
    const timeoutMs = this.options.startTimeoutMs ?? 60_000;
    let started: ManagedProcess;
    try {
      started = await ManagedProcess.start(
        executable,
        ['-i', 'sclive', ...(this.options.languageConfigPath ? ['-l', this.options.languageConfigPath] : [])],
        { readyTimeoutMs: timeoutMs, env, stdin: true },
        {
          ready: /Welcome to SuperCollider/,
          timeout: (ms, lines) => new SclangError(`sclang did not finish compiling its class library within ${ms} ms.`, lines),
          exited: (exit) => new SclangError(`sclang exited while starting (${exit.signal ?? `code ${exit.code}`}). See the post window.`, exit.lastLines),
        },
        (line) => this.onPostEmitter.fire(line.text),
      );
    } catch (error) {
      this.setState('stopped');
      throw error;
    }
    this.process = started;
    started.onLine((line) => this.line(line));
    started.onExit((exit) => this.exited(started, exit));
    const ready = new Promise<void>((resolve, reject) => {
      this.readyWaiter = { resolve, reject };
    });
    started.write(`${PRELUDE}\x1b`);
    await ready;
    this.setState('idle');
  }

  /** A background query ran past its timeout and sclang is still on it: asking again would queue behind it. */
  get backgroundQueryOverdue(): boolean {
    for (const evaluation of this.pending.values()) if (evaluation.background && evaluation.overdue) return true;
    return false;
  }

  private readyWaiter: { resolve(): void; reject(error: Error): void } | undefined;

  /**
   * Evaluates code as the IDE does; resolves when sclang has run it. A `background` query (what
   * plays, a SynthDef's controls: several a second while a file shows) leaves the state alone,
   * so the status bar does not flicker busy/idle and the musician's own evaluation is what
   * "busy" means.
   */
  evaluate(code: string, options: { print?: boolean; timeoutMs?: number; background?: boolean } = {}): Promise<EvaluationResult> {
    if (!this.process || this.process.hasExited || this.stateValue === 'compiling') {
      return Promise.reject(new SclangError('sclang is not running. Start it first (it starts with the first evaluation).'));
    }
    const id = this.nextId++;
    const print = options.print ?? true;
    return new Promise<EvaluationResult>((resolve, reject) => {
      // On a timeout the evaluation stays pending: sclang is still running it, so its state
      // stays busy until the code ends (or sclang is restarted; Hush cannot stop it).
      const timer = options.timeoutMs
        ? setTimeout(() => {
            const evaluation = this.pending.get(id);
            if (evaluation) evaluation.overdue = true;
            reject(new SclangError(`sclang did not finish evaluating within ${options.timeoutMs} ms and is still running that code (an endless loop?). Restarting sclang stops it; its interpreter variables are lost.`));
          }, options.timeoutMs)
        : undefined;
      this.pending.set(id, {
        id,
        output: [],
        chars: 0,
        dropped: 0,
        background: options.background ?? false,
        resolve: (result) => {
          clearTimeout(timer);
          resolve(result);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.updateBusy();
      this.process!.write(`Library.at(\\sclive, \\eval).value(${id}, ${sclangStringLiteral(code)}, ${print});\x1b`);
    });
  }

  /**
   * Makes sclang's default server `s` the server at this port (sclang registers as its own
   * client) and resolves once sclang sees it running, so code evaluated next can play. A new
   * `runId` (another boot of a server on the same port) makes sclang treat it as a reboot: its
   * ServerQuit, then ServerBoot and ServerTree actions run, as after `s.reboot`.
   */
  async attachToServer(port: number, maxLogins: number, runId: string | number = port, timeoutMs = 10_000): Promise<void> {
    await this.evaluate(`Library.at(\\sclive, \\attach).value(${port}, ${maxLogins}, ${sclangStringLiteral(String(runId))})`, { print: false, timeoutMs });
    const deadline = Date.now() + timeoutMs;
    while ((await this.evaluate('Server.default.serverRunning', { print: false, timeoutMs })).result !== 'true') {
      if (Date.now() > deadline) throw new SclangError(`sclang did not see the server on port ${port} running within ${timeoutMs} ms.`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /**
   * Makes sclang's next node ids start past the nodes of its client id that still live on the
   * server (an earlier sclang's synths, after Restart sclang). `tops[k]` is the highest node id
   * alive for client k (its low 26 bits), or undefined.
   */
  async skipLiveNodeIds(tops: ReadonlyArray<number | undefined>, timeoutMs = 5000): Promise<void> {
    const literal = `[${Array.from({ length: tops.length }, (_, k) => (tops[k] === undefined ? 'nil' : String(tops[k]))).join(', ')}]`;
    const result = await this.evaluate(`Library.at(\\sclive, \\skipLiveNodeIds).value(${literal})`, { print: false, timeoutMs });
    if (result.status !== 'ok') throw new SclangError(`sclang could not move its node ids past the live ones: ${result.output.join(' ')}`);
  }

  /** Notes the proxies whose monitor plays, for restorePlaying() on the next server; resolves to how many. */
  async notePlaying(timeoutMs = 2000): Promise<number> {
    const result = await this.evaluate('Library.at(\\sclive, \\notePlaying).value', { print: false, timeoutMs });
    if (result.status !== 'ok') throw new SclangError(`sclang could not note what plays: ${result.output.join(' ')}`);
    return Number(result.result) || 0;
  }

  /** Plays again the proxies notePlaying() noted (after the new server's ServerBoot); resolves to how many. */
  async restorePlaying(timeoutMs = 5000): Promise<number> {
    const result = await this.evaluate('Library.at(\\sclive, \\restorePlaying).value', { print: false, timeoutMs });
    if (result.status !== 'ok') throw new SclangError(`sclang could not restore what played: ${result.output.join(' ')}`);
    return Number(result.result) || 0;
  }

  /** The server `s` was attached to is gone: sclang runs its ServerQuit actions and forgets it. */
  async detachFromServer(timeoutMs = 10_000): Promise<void> {
    await this.evaluate('Library.at(\\sclive, \\detach).value', { print: false, timeoutMs });
  }

  /** CmdPeriod: stops routines, patterns and sclang's synths (what Cmd-. does in the IDE). */
  async hush(): Promise<void> {
    await this.evaluate('CmdPeriod.run', { print: false, timeoutMs: 10_000 });
  }

  /** Restarts sclang, which compiles the class library again. */
  async recompile(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** Asks sclang to exit, then terminates and kills it, each after a timeout. */
  async stop(): Promise<void> {
    const proc = this.process;
    if (!proc || proc.hasExited) return;
    this.stopping = true;
    try {
      // Unregister from a server sclang joined (it did not boot it): otherwise the next sclang
      // is told "already registered" and warns the musician of "a login after a crash".
      proc.write('if(Server.default.serverRunning and: { Server.default.pid.isNil }) { Server.default.sendMsg("/notify", 0) }; 0.exit;\x1b');
    } catch {
      // stdin already closed
    }
    await proc.stop(2000, 2000);
  }

  dispose(): void {
    if (this.process && !this.process.hasExited) {
      this.stopping = true;
      this.process.signal('SIGTERM');
    }
    this.onNodePlayerEmitter.dispose();
    this.onPostEmitter.dispose();
    this.onDidChangeStateEmitter.dispose();
    this.onServerBootedEmitter.dispose();
    this.onServerQuitEmitter.dispose();
    this.onGuiRequestEmitter.dispose();
    this.onExitEmitter.dispose();
  }

  private line(line: ProcessLine): void {
    const match = MARKER.exec(line.text);
    if (!match) {
      this.onPostEmitter.fire(line.text);
      for (const evaluation of this.pending.values()) {
        // Once one line did not fit, later (shorter) ones are not kept either: the output has no gap.
        if (!evaluation.dropped && evaluation.output.length < MAX_EVALUATION_OUTPUT_LINES && evaluation.chars + line.text.length <= MAX_EVALUATION_OUTPUT_CHARS) {
          evaluation.output.push(line.text);
          evaluation.chars += line.text.length;
        } else evaluation.dropped++;
        if (line.text.startsWith('-> ')) evaluation.result = line.text.slice(3);
      }
      return;
    }
    const before = line.text.slice(0, match.index);
    if (before) this.onPostEmitter.fire(before);
    const [, kind, detail] = match;
    if (kind === 'ready') {
      this.readyWaiter?.resolve();
      this.readyWaiter = undefined;
    } else if (kind === 'serverBooted' || kind === 'serverQuit') {
      const port = Number(detail);
      if (Number.isInteger(port)) (kind === 'serverBooted' ? this.onServerBootedEmitter : this.onServerQuitEmitter).fire(port);
    } else if (kind === 'gui') {
      this.onGuiRequestEmitter.fire(detail);
    } else if (kind === 'nodePlayer') {
      this.onNodePlayerEmitter.fire(detail);
    } else if (kind === 'result') {
      // The value of an evaluation that does not print (internal queries): not posted.
      const separator = detail.indexOf(':');
      const evaluation = this.pending.get(Number(detail.slice(0, separator)));
      if (evaluation) evaluation.result = detail.slice(separator + 1);
    } else if (kind === 'end') {
      const [idText, status] = detail.split(':');
      const evaluation = this.pending.get(Number(idText));
      if (!evaluation) return;
      this.pending.delete(evaluation.id);
      this.updateBusy();
      const output = before ? [...evaluation.output, before] : evaluation.output;
      if (evaluation.dropped) output.push(`… [${evaluation.dropped.toLocaleString('en-US')} more lines posted; see the post window]`);
      evaluation.resolve({ status: status as EvaluationResult['status'], result: status === 'ok' ? evaluation.result : undefined, output, id: evaluation.id });
    }
  }

  private exited(proc: ManagedProcess, exit: ProcessExit): void {
    if (proc !== this.process) return;
    this.process = undefined;
    const error = new SclangError(`sclang exited (${exit.signal ?? `code ${exit.code}`}).`, exit.lastLines);
    for (const evaluation of this.pending.values()) evaluation.reject(error);
    this.pending.clear();
    this.readyWaiter?.reject(error);
    this.readyWaiter = undefined;
    if (!this.stopping) this.logger.warn(`sclang exited unexpectedly (${exit.signal ?? `code ${exit.code}`}).`);
    this.setState('stopped');
    this.onExitEmitter.fire({ ...exit, expected: this.stopping });
  }

  private updateBusy(): void {
    if (this.stateValue === 'compiling' || this.stateValue === 'stopped') return;
    const foreground = [...this.pending.values()].some((evaluation) => !evaluation.background);
    this.setState(foreground ? 'busy' : 'idle');
  }

  private setState(state: SclangState): void {
    if (state === this.stateValue) return;
    this.stateValue = state;
    this.busySinceValue = state === 'busy' ? performance.now() : undefined;
    this.onDidChangeStateEmitter.fire(state);
  }
}
