// The level of each monitored proxy (Ndef, ProxySpace proxy) for the Proxies view: one of the
// shipped meter synths (sclive_meter_Nch, SendPeakRMS) per proxy, run by this client at the tail
// of the root group, reading the proxy's own audio bus. Synths follow sclang's player state:
// made for a proxy that starts to be heard, freed when it stops or its bus moves; one freed by
// someone else (Free All, Hush, sclang's Cmd-.) is made again at the next state read.
import { Emitter, Event, Disposable } from '../events';
import type { OscMessage } from '../osc/oscCodec';
import { AddAction, nodeFree, synthNew } from '../scsynth/scsynthCommands';

/** A proxy to meter: `name` is its key in the levels (as the Proxies view names its rows). */
export interface ProxyMeterTarget {
  name: string;
  bus: number;
  channels: number;
}

export interface ProxyLevel {
  /** Linear amplitude (1 = 0 dBFS): the loudest of its channels. */
  peak: number;
  rms: number;
}

/** What the levels need of the server: the meters' session, less its bus counts. */
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

export class ProxyLevels implements Disposable {
  private readonly synths = new Map<string, ProxyMeterSynth>();
  private readonly byNode = new Map<number, ProxyMeterSynth>();
  private readonly levelsValue = new Map<string, ProxyLevel>();
  private readonly onLevelsEmitter = new Emitter<ReadonlyMap<string, ProxyLevel>>();
  /** A proxy's meter reported (about PROXY_LEVEL_RATE times a second each). */
  readonly onLevels: Event<ReadonlyMap<string, ProxyLevel>> = this.onLevelsEmitter.event;

  constructor(private readonly session: ProxyLevelSession, private readonly now: () => number = () => performance.now()) {}

  get levels(): ReadonlyMap<string, ProxyLevel> {
    return this.levelsValue;
  }

  /** The node ids of the meter synths (this client's): the sounding marks and tests look past them. */
  get synthIds(): number[] {
    return [...this.byNode.keys()];
  }

  /** Meters exactly these proxies: makes the missing synths, frees the others. */
  follow(targets: readonly ProxyMeterTarget[]): void {
    const wanted = new Map(targets.filter((t) => t.channels > 0 && t.bus >= 0).map((t) => [t.name, t]));
    const free: number[] = [];
    for (const [name, synth] of this.synths) {
      const target = wanted.get(name);
      const lost = !synth.seen && this.now() - synth.sentAt > UNSEEN_MS;
      if (!target || target.bus !== synth.bus || proxyMeterChannels(target.channels) !== proxyMeterChannels(synth.channels) || lost) {
        if (!lost) free.push(synth.nodeId);
        this.forgetSynth(synth);
        if (!target) this.levelsValue.delete(name);
      }
    }
    if (free.length && this.session.canSend) this.session.send(nodeFree(...free));
    if (!this.session.canSend) return;
    for (const target of wanted.values()) {
      if (this.synths.has(target.name)) continue;
      const nodeId = this.session.allocateNodeId();
      const synth: ProxyMeterSynth = { ...target, nodeId, sentAt: this.now(), seen: false };
      this.synths.set(target.name, synth);
      this.byNode.set(nodeId, synth);
      const channels = proxyMeterChannels(target.channels);
      this.session.send(synthNew(`sclive_meter_${channels}ch`, nodeId, AddAction.tail, 0, { bus: target.bus, rate: PROXY_LEVEL_RATE, id: REPLY_ID_BASE }));
    }
  }

  /** A node started: one of ours is on the server. */
  nodeStarted(nodeId: number): void {
    const synth = this.byNode.get(nodeId);
    if (synth) synth.seen = true;
  }

  /** A node ended: one of ours is made again at the next follow(). */
  nodeEnded(nodeId: number): void {
    const synth = this.byNode.get(nodeId);
    if (synth) this.forgetSynth(synth);
  }

  /** The server is gone (or a new run): no synth of ours is left. */
  runEnded(): void {
    this.synths.clear();
    this.byNode.clear();
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

  /** Frees every synth of ours. */
  stop(): void {
    const ids = this.synthIds;
    this.runEnded();
    if (ids.length && this.session.canSend) this.session.send(nodeFree(...ids));
  }

  dispose(): void {
    this.stop();
    this.onLevelsEmitter.dispose();
  }

  private forgetSynth(synth: ProxyMeterSynth): void {
    if (this.synths.get(synth.name) === synth) this.synths.delete(synth.name);
    this.byNode.delete(synth.nodeId);
  }
}
