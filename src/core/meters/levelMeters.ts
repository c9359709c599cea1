// Level meters for the server's outputs and inputs: synths this client runs at the tail of the
// root group send peak and RMS (SendPeakRMS, as sclang's ServerMeter), so they work for a
// remote server too. Kept on the server across Free All, Hush and reboots, like the volume.
import { Emitter, Event, Disposable } from '../events';
import type { OscMessage } from '../osc/oscCodec';
import { nodeFree, synthNew } from '../scsynth/scsynthCommands';
import { TAIL_OF_ROOT } from '../server/keptSynths';
import type { KeptSynthPlace, KeptSynthRow, KeptSynths } from '../server/keptSynths';

export const METER_REPLY = '/sclive/meter';
export const DEFAULT_METER_RATE = 24;

export interface ChannelLevel {
  kind: 'out' | 'in';
  /** 1-based, as a musician counts channels. */
  channel: number;
  /** Linear amplitude (1 = 0 dBFS). */
  peak: number;
  rms: number;
}

/** What the meters need of the server. */
export interface MeterServerAccess {
  readonly canSend: boolean;
  readonly numOutputBuses: number;
  readonly numInputBuses: number;
  readonly synthdefsLoaded: Promise<void>;
  allocateNodeId(): number;
  send(packet: OscMessage): void;
}

interface MeterSynth {
  nodeId: number;
  defName: string;
  bus: number;
  /** Index of its first channel in the list of all channels (outputs, then inputs): its reply id. */
  first: number;
}

export class LevelMeters implements KeptSynths, Disposable {
  readonly what = 'the meters';
  private wanted = false;
  private rate = DEFAULT_METER_RATE;
  private synths: MeterSynth[] = [];
  /** Set by KeptSynthSet: after the volume, before the scope's tap and the recorder. */
  place: () => KeptSynthPlace = () => TAIL_OF_ROOT;
  private levelsValue: ChannelLevel[] = [];
  /** Meter synths heard from since the last onLevels: one event per round of all of them. */
  private readonly reported = new Set<number>();
  private readonly onLevelsEmitter = new Emitter<readonly ChannelLevel[]>();
  /** Every channel's level, each time a meter synth reports (about `rate` times a second). */
  readonly onLevels: Event<readonly ChannelLevel[]> = this.onLevelsEmitter.event;
  private readonly onDidChangeRunningEmitter = new Emitter<boolean>();
  /** Metering was started or stopped (the scope reads by the meters' updates while they run). */
  readonly onDidChangeRunning: Event<boolean> = this.onDidChangeRunningEmitter.event;

  constructor(private readonly server: MeterServerAccess) {}

  get running(): boolean {
    return this.wanted;
  }

  get levels(): readonly ChannelLevel[] {
    return this.levelsValue;
  }

  get synthIds(): readonly number[] {
    return this.synths.map((synth) => synth.nodeId);
  }

  readonly reply = { address: METER_REPLY, handle: (args: readonly unknown[]) => this.handleReply(args) };

  treeRow(): KeptSynthRow {
    return { label: 'meter', description: 'levels', icon: 'pulse', tooltip: 'Measures levels for the Meters view' };
  }

  /** Starts metering (and keeps it going across Free All, Hush and new runs) until stop(). */
  async start(rate = DEFAULT_METER_RATE): Promise<void> {
    if (!(rate > 0 && rate <= 100)) throw new RangeError(`meter rate must be 1 to 100 updates a second, got ${rate}`);
    this.rate = rate;
    const changed = !this.wanted;
    this.wanted = true;
    this.resetLevels();
    if (changed) this.onDidChangeRunningEmitter.fire(true);
    await this.apply();
  }

  stop(): void {
    const changed = this.wanted;
    this.wanted = false;
    const ids = this.synthIds;
    this.synths = [];
    if (ids.length && this.server.canSend) this.server.send(nodeFree(...ids));
    if (changed) this.onDidChangeRunningEmitter.fire(false);
  }

  /** Puts the meter synths on the server if metering is wanted and they are not there. */
  async apply(): Promise<void> {
    if (!this.wanted || this.synths.length || !this.server.canSend) return;
    await this.server.synthdefsLoaded;
    if (!this.server.canSend || this.synths.length) return;
    for (const message of this.recreateMessages(this.place())) this.server.send(message);
  }

  /** For a bundle that frees everything (hush), or a new start: messages that create the meter synths. */
  recreateMessages(place: KeptSynthPlace = TAIL_OF_ROOT): OscMessage[] {
    if (!this.wanted) return [];
    const { numOutputBuses, numInputBuses } = this.server;
    // scsynth's input buses follow its output buses, so one run covers both: as few synths
    // (and replies, each a wake-up of this process) as the shipped 8/4/2/1-channel meters allow.
    this.reported.clear();
    this.synths = layout(numOutputBuses + numInputBuses, 0, 0).map((entry) => ({ ...entry, nodeId: this.server.allocateNodeId() }));
    return this.synths.map((synth) => synthNew(synth.defName, synth.nodeId, place.addAction, place.target, { bus: synth.bus, rate: this.rate, id: synth.first }));
  }

  /** A reply of a meter synth: `nodeID replyID peak rms peak rms ...`. */
  handleReply(args: readonly unknown[]): void {
    const nodeId = args[0];
    const first = args[1];
    if (typeof nodeId !== 'number' || typeof first !== 'number' || !this.synths.some((synth) => synth.nodeId === nodeId)) return;
    // A synth heard twice before the others means they are gone or late: report what is known.
    if (this.reported.has(nodeId)) this.flush();
    for (let i = 2; i + 1 < args.length; i += 2) {
      const level = this.levelsValue[first + (i - 2) / 2];
      const peak = args[i];
      const rms = args[i + 1];
      if (!level || typeof peak !== 'number' || typeof rms !== 'number') continue;
      level.peak = peak;
      level.rms = rms;
    }
    this.reported.add(nodeId);
    if (this.reported.size >= this.synths.length) this.flush();
  }

  private flush(): void {
    this.reported.clear();
    this.onLevelsEmitter.fire(this.levelsValue);
  }

  /** The meter synths are gone with everything else (a new run, Free All). */
  forget(): void {
    this.synths = [];
  }

  runEnded(): void {
    this.forget();
  }

  /** A node ended: true if it was a meter synth (they are put back by apply()). */
  nodeEnded(nodeId: number): boolean {
    if (!this.synths.some((synth) => synth.nodeId === nodeId)) return false;
    // One gone means the others are going too (Free All), or were freed by another client.
    const others = this.synths.filter((synth) => synth.nodeId !== nodeId).map((synth) => synth.nodeId);
    this.synths = [];
    if (others.length && this.server.canSend) this.server.send(nodeFree(...others));
    return true;
  }

  dispose(): void {
    this.onLevelsEmitter.dispose();
    this.onDidChangeRunningEmitter.dispose();
  }

  private resetLevels(): void {
    const { numOutputBuses, numInputBuses } = this.server;
    this.levelsValue = [
      ...Array.from({ length: numOutputBuses }, (_, i) => ({ kind: 'out' as const, channel: i + 1, peak: 0, rms: 0 })),
      ...Array.from({ length: numInputBuses }, (_, i) => ({ kind: 'in' as const, channel: i + 1, peak: 0, rms: 0 })),
    ];
  }
}

/** Runs of 8, 4, 2 and 1 channels (the shipped meter synths) covering `count` buses from `bus`. */
function layout(count: number, bus: number, first: number): Array<Omit<MeterSynth, 'nodeId'>> {
  const result: Array<Omit<MeterSynth, 'nodeId'>> = [];
  let remaining = count;
  for (const channels of [8, 4, 2, 1]) {
    while (remaining >= channels) {
      result.push({ defName: `sclive_meter_${channels}ch`, bus, first });
      bus += channels;
      first += channels;
      remaining -= channels;
    }
  }
  return result;
}

/** The meters' floor: the bars start here, and a level below it reads as silent, not as a number. */
export const METER_FLOOR_DB = -60;

/** dBFS of a linear amplitude (-Infinity for silence). */
export function ampToDb(amp: number): number {
  return 20 * Math.log10(amp);
}

/**
 * "-12.0 dB", or "silent" below the meters' floor: a muted output's peak falls slowly (SendPeakRMS's
 * 3 s decay) through numbers like -263.2 dB that tell a musician nothing but "not silent".
 */
export function formatLevel(amp: number): string {
  const dB = ampToDb(amp);
  return dB >= METER_FLOOR_DB ? `${dB.toFixed(1)} dB` : 'silent';
}

/** "out 1: -12.0 dB peak, -15.0 dB RMS" (for screen readers and tests). */
export function describeLevel(level: ChannelLevel): string {
  return `${level.kind} ${level.channel}: ${formatLevel(level.peak)} peak, ${formatLevel(level.rms)} RMS`;
}
