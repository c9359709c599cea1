// The level of each monitored proxy (Ndef, ProxySpace proxy) for the Proxies view: one of the
// shipped meter synths (sclive_meter_Nch, SendPeakRMS) per proxy, reading the proxy's own audio
// bus. A keeper of this client's synths (keptSynths.ts), like the output meters: shown in the
// Node Tree as the extension's own, left running by Free All and Hush, put back after another
// client freed them. Which proxies follows sclang's player state: a meter made for a proxy that
// starts to be heard, freed when it stops or its bus moves.
import { Emitter, Event, Disposable } from '../events';
import type { OscMessage } from '../osc/oscCodec';
import { nodeFree, synthNew } from '../scsynth/scsynthCommands';
import { TAIL_OF_ROOT } from '../server/keptSynths';
import type { KeptSynthPlace, KeptSynthRow, KeptSynths } from '../server/keptSynths';
import { METER_REPLY } from './levelMeters';

/** A proxy to meter: `name` is its key in the levels (as the Proxies view names its rows). */
export interface ProxyMeterTarget {
  name: string;
  /** How the Node Tree names the proxy on its meter's row (`Ndef(\\drone)`); else `name`. */
  label?: string;
  bus: number;
  channels: number;
}

export interface ProxyLevel {
  /** Linear amplitude (1 = 0 dBFS): the loudest of its channels. */
  peak: number;
  rms: number;
}

/** What the levels need of the server: the meters' access, less its bus counts. */
export interface ProxyLevelSession {
  readonly canSend: boolean;
  allocateNodeId(): number;
  send(packet: OscMessage): void;
}

/** Replies a second of each proxy's meter: enough for a row of text. */
export const PROXY_LEVEL_RATE = 6;
/** The meters' reply ids of these synths start here (the output meters use 0 up: one per channel). */
const REPLY_ID_BASE = 100_000;
/** A synth asked for but not seen on the server by then is asked for again. */
const UNSEEN_MS = 2000;

interface ProxyMeterSynth extends ProxyMeterTarget {
  nodeId: number;
  sentAt: number;
  seen: boolean;
}

/** The shipped meter of the most channels not over `channels` (1, 2, 4 or 8): its first channels are read. */
export function proxyMeterChannels(channels: number): number {
  return channels >= 8 ? 8 : channels >= 4 ? 4 : channels >= 2 ? 2 : 1;
}

export class ProxyLevels implements KeptSynths, Disposable {
  readonly what = 'the proxies\' levels';
  /** Set by KeptSynthSet: after the output meters, before the scope's tap and the recorder. */
  place: () => KeptSynthPlace = () => TAIL_OF_ROOT;
  /** The proxies to meter, by name (the last follow()). */
  private targets = new Map<string, ProxyMeterTarget>();
  private readonly synths = new Map<string, ProxyMeterSynth>();
  private readonly byNode = new Map<number, ProxyMeterSynth>();
  private readonly levelsValue = new Map<string, ProxyLevel>();
  private readonly onLevelsEmitter = new Emitter<ReadonlyMap<string, ProxyLevel>>();
  /** A proxy's meter reported (about PROXY_LEVEL_RATE times a second each). */
  readonly onLevels: Event<ReadonlyMap<string, ProxyLevel>> = this.onLevelsEmitter.event;

  constructor(private readonly session: ProxyLevelSession, private readonly now: () => number = () => performance.now()) {}

  readonly reply = { address: METER_REPLY, handle: (args: readonly unknown[]) => void this.handleReply(args) };

  get levels(): ReadonlyMap<string, ProxyLevel> {
    return this.levelsValue;
  }

  /** The node ids of the meter synths (this client's). */
  get synthIds(): number[] {
    return [...this.byNode.keys()];
  }

  treeRow(nodeId: number): KeptSynthRow {
    const synth = this.byNode.get(nodeId);
    return { label: 'proxy meter', description: synth?.label ?? synth?.name ?? '', icon: 'pulse', tooltip: 'Measures a proxy\'s level for the Proxies view' };
  }

  /** Meters exactly these proxies: makes the missing synths, frees the others. */
  follow(targets: readonly ProxyMeterTarget[]): void {
    this.targets = new Map(targets.filter((t) => t.channels > 0 && t.bus >= 0).map((t) => [t.name, t]));
    const free: number[] = [];
    for (const [name, synth] of this.synths) {
      const target = this.targets.get(name);
      const lost = !synth.seen && this.now() - synth.sentAt > UNSEEN_MS;
      if (!target || target.bus !== synth.bus || proxyMeterChannels(target.channels) !== proxyMeterChannels(synth.channels) || lost) {
        if (!lost) free.push(synth.nodeId);
        this.forgetSynth(synth);
      }
    }
    // A proxy no longer metered loses its level (one kept for a re-made meter stays until its next reply).
    for (const name of this.levelsValue.keys()) if (!this.targets.has(name)) this.levelsValue.delete(name);
    if (free.length && this.session.canSend) this.session.send(nodeFree(...free));
    this.apply();
  }

  /** Puts on the server the meter of each proxy to meter that has none. */
  apply(): void {
    if (!this.session.canSend) return;
    for (const message of this.newSynths(this.place())) this.session.send(message);
  }

  /** After everything was freed in the same bundle: every meter made again at the root's tail. */
  recreateMessages(): OscMessage[] {
    this.forget();
    return this.newSynths(TAIL_OF_ROOT);
  }

  /** A node started: one of ours is on the server. */
  nodeStarted(nodeId: number): void {
    const synth = this.byNode.get(nodeId);
    if (synth) synth.seen = true;
  }

  /** A node ended: true if it was one of ours (put back by apply()). */
  nodeEnded(nodeId: number): boolean {
    const synth = this.byNode.get(nodeId);
    if (synth) this.forgetSynth(synth);
    return synth !== undefined;
  }

  /** Its synths are gone with everything else; the proxies to meter stay. */
  forget(): void {
    this.synths.clear();
    this.byNode.clear();
  }

  /** The server is gone (or a new run): no synth of ours is left, and no level is known. */
  runEnded(): void {
    this.forget();
    this.levelsValue.clear();
  }

  /** A reply of a meter synth (`nodeID replyID peak rms peak rms ...`); false if it is not one of ours. */
  handleReply(args: readonly unknown[]): boolean {
    const synth = typeof args[0] === 'number' ? this.byNode.get(args[0]) : undefined;
    if (!synth) return false;
    synth.seen = true;
    let peak = 0;
    let rms = 0;
    for (let i = 2; i + 1 < args.length; i += 2) {
      const p = args[i];
      const r = args[i + 1];
      if (typeof p === 'number' && p > peak) peak = p;
      if (typeof r === 'number' && r > rms) rms = r;
    }
    this.levelsValue.set(synth.name, { peak, rms });
    this.onLevelsEmitter.fire(this.levelsValue);
    return true;
  }

  /** Meters no proxy: frees every synth of ours. */
  stop(): void {
    const ids = this.synthIds;
    this.targets.clear();
    this.runEnded();
    if (ids.length && this.session.canSend) this.session.send(nodeFree(...ids));
  }

  dispose(): void {
    this.stop();
    this.onLevelsEmitter.dispose();
  }

  /** A synth for each proxy to meter that has none, added at `place`. */
  private newSynths(place: KeptSynthPlace): OscMessage[] {
    const messages: OscMessage[] = [];
    for (const target of this.targets.values()) {
      if (this.synths.has(target.name)) continue;
      const nodeId = this.session.allocateNodeId();
      const synth: ProxyMeterSynth = { ...target, nodeId, sentAt: this.now(), seen: false };
      this.synths.set(target.name, synth);
      this.byNode.set(nodeId, synth);
      const channels = proxyMeterChannels(target.channels);
      messages.push(synthNew(`sclive_meter_${channels}ch`, nodeId, place.addAction, place.target, { bus: target.bus, rate: PROXY_LEVEL_RATE, id: REPLY_ID_BASE }));
    }
    return messages;
  }

  private forgetSynth(synth: ProxyMeterSynth): void {
    if (this.synths.get(synth.name) === synth) this.synths.delete(synth.name);
    this.byNode.delete(synth.nodeId);
  }
}
