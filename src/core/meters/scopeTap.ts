// The scope's signal over OSC (so a remote server works too; sclang's scope reads shared memory
// and refuses remote servers): a synth writes the buses round and round into a buffer whose last
// frame holds the index of the newest frame. A read is one /b_getn of the whole buffer: scsynth
// answers it between control blocks, so ring and index agree and no report has to say where to
// read. Each wake-up of this process costs more than the work it does (0.1-0.5 ms of CPU on a
// shared 2-vCPU machine), so the reads cost as few as they can: the ring holds two pictures where
// they fit one reply (a read brings both, shown one after the other), and while the meters run
// their updates pace the reads instead of a tick of the scope synth's own.
import { Emitter, Event, Disposable, Logger } from '../events';
import type { DecodedMessage, OscMessage } from '../osc/oscCodec';
import * as cmd from '../scsynth/scsynthCommands';
import { TAIL_OF_ROOT } from '../server/keptSynths';
import type { KeptSynthPlace, KeptSynthRow, KeptSynths } from '../server/keptSynths';

export const SCOPE_REPLY = '/sclive/scope';

export interface ScopeSettings {
  /** First bus shown (0 = output 1). */
  bus: number;
  channels: 1 | 2;
  /** Frames per picture. */
  frames: number;
  /** Pictures per second asked for. */
  rate: number;
}

/** What one read brings. */
export interface ScopeRead {
  bus: number;
  /** Consecutive pictures, oldest first; each one array per channel of `frames` samples, oldest first. */
  pictures: Float32Array[][];
  /** How far apart to show the pictures, in ms (one over the rate asked for). */
  intervalMs: number;
}

/** What the scope needs of the server. */
export interface ScopeServerAccess {
  readonly canSend: boolean;
  readonly synthdefsLoaded: Promise<void>;
  readonly logger: Logger;
  allocateNodeId(): number;
  allocateBufferId(): number;
  freeBufferId(id: number): void;
  request(request: cmd.Request): Promise<DecodedMessage>;
  send(message: OscMessage): void;
}

/** Something else that wakes this process regularly and can pace the reads (the meters). */
export interface ScopeClock {
  readonly running: boolean;
  readonly onDidChangeRunning: Event<boolean>;
  readonly onLevels: Event<unknown>;
}

/** Paced by a clock, a tick this much of the read interval after the last read is taken. */
const CLOCK_TOLERANCE = 0.75;
/** Floats one /b_setn reply may carry: 5 bytes each (value and type tag) in a 64 KB datagram (one picture of 4,096 x 2 always fits). */
const MAX_REPLY_FLOATS = 12_000;

export class ScopeTap implements KeptSynths, Disposable {
  readonly what = 'the scope';
  /** 22 pictures a second: 20+ asked, and each read costs this process a send and a wake-up or two. */
  private settings: ScopeSettings = { bus: 0, channels: 2, frames: 1024, rate: 22 };
  private wanted = false;
  private bufnum: number | undefined;
  private nodeId: number | undefined;
  /** Set by KeptSynthSet: after the volume and the meters, before the recorder. */
  place: () => KeptSynthPlace = () => TAIL_OF_ROOT;
  private reading = false;
  /** A tick came while a read was out: read again right after it. */
  private readAgain = false;
  private lastReadAt = -Infinity;
  private picturesShown = 0;
  private ticksSkipped = 0;
  private readonly onReadEmitter = new Emitter<ScopeRead>();
  /** Every read's pictures (about `rate` pictures a second). */
  readonly onRead: Event<ScopeRead> = this.onReadEmitter.event;
  private readonly clockListeners: Disposable[] = [];

  constructor(
    private readonly server: ScopeServerAccess,
    private readonly clock?: ScopeClock,
  ) {
    if (clock) {
      this.clockListeners.push(
        clock.onLevels(() => {
          if (performance.now() - this.lastReadAt >= CLOCK_TOLERANCE * this.readIntervalMs) this.tick();
        }),
        clock.onDidChangeRunning(() => {
          if (this.nodeId !== undefined && this.server.canSend) this.server.send(cmd.nodeSet(this.nodeId, { rate: this.ownTickRate }));
        }),
      );
    }
  }

  get running(): boolean {
    return this.wanted;
  }

  get synthIds(): readonly number[] {
    return this.nodeId !== undefined ? [this.nodeId] : [];
  }

  readonly reply = { address: SCOPE_REPLY, handle: (args: readonly unknown[]) => this.handleReply(args) };

  treeRow(): KeptSynthRow {
    return { label: 'scope', description: 'signal', icon: 'graph-line', tooltip: 'Reads the signal for the Scope view' };
  }

  /** Pictures delivered, and ticks that came while a read was out and one already waited. */
  get counters(): { pictures: number; skipped: number } {
    return { pictures: this.picturesShown, skipped: this.ticksSkipped };
  }

  /** True while another clock (the meters) paces the reads. */
  get pacedByClock(): boolean {
    return this.clock?.running === true;
  }

  /** Pictures one read brings: two where they fit one reply. */
  get picturesPerRead(): number {
    const { frames, channels } = this.settings;
    return (2 * frames + 1) * channels <= MAX_REPLY_FLOATS ? 2 : 1;
  }

  private get readIntervalMs(): number {
    return (this.picturesPerRead * 1000) / this.settings.rate;
  }

  /** The synth's own ticks a second: none while the clock paces the reads. */
  private get ownTickRate(): number {
    return this.pacedByClock ? 0 : this.settings.rate / this.picturesPerRead;
  }

  async start(settings: Partial<ScopeSettings> = {}): Promise<void> {
    const next = { ...this.settings, ...settings };
    if (next.channels !== 1 && next.channels !== 2) throw new RangeError(`the scope shows 1 or 2 channels, not ${String(next.channels)}`);
    if (!Number.isInteger(next.frames) || next.frames < 64 || next.frames > 4096) throw new RangeError(`the scope shows 64 to 4096 frames, not ${next.frames}`);
    if (!(next.rate > 0 && next.rate <= 60)) throw new RangeError(`the scope shows 1 to 60 pictures a second, not ${next.rate}`);
    const before = { channels: this.settings.channels, ringFrames: this.ringFrames };
    this.settings = next;
    const restart = this.wanted && (next.channels !== before.channels || this.ringFrames !== before.ringFrames);
    this.wanted = true;
    if (restart) await this.release();
    else if (this.nodeId !== undefined) this.server.send(cmd.nodeSet(this.nodeId, { bus: next.bus, rate: this.ownTickRate }));
    await this.apply();
  }

  private get ringFrames(): number {
    return this.settings.frames * this.picturesPerRead;
  }

  async stop(): Promise<void> {
    this.wanted = false;
    await this.release();
  }

  /** Puts the tap (buffer and synth) on the server if wanted and missing. */
  async apply(): Promise<void> {
    if (!this.wanted || !this.server.canSend || this.nodeId !== undefined) return;
    await this.server.synthdefsLoaded;
    if (this.bufnum === undefined) {
      const bufnum = this.server.allocateBufferId();
      this.bufnum = bufnum;
      try {
        // The ring, and one frame more for the index of its newest frame.
        await this.server.request(cmd.bufferAlloc(bufnum, this.ringFrames + 1, this.settings.channels));
      } catch (error) {
        this.bufnum = undefined;
        this.server.freeBufferId(bufnum);
        throw error;
      }
    }
    if (this.nodeId !== undefined || !this.wanted) return;
    for (const message of this.recreateMessages(this.place())) this.server.send(message);
  }

  /** For a bundle that frees everything (hush): the synth again, on the buffer that survived. */
  recreateMessages(place: KeptSynthPlace = TAIL_OF_ROOT): OscMessage[] {
    if (!this.wanted || this.bufnum === undefined) return [];
    this.nodeId = this.server.allocateNodeId();
    const { bus, channels } = this.settings;
    return [cmd.synthNew(`sclive_scope_${channels}ch`, this.nodeId, place.addAction, place.target, { bus, bufnum: this.bufnum, rate: this.ownTickRate, id: 0 })];
  }

  /** The synth's own tick: `nodeID replyID 0`. */
  handleReply(args: readonly unknown[]): void {
    if (args[0] === this.nodeId && !this.pacedByClock) this.tick();
  }

  /** The synth is gone with everything else (Free All); the buffer stays. */
  forget(): void {
    this.nodeId = undefined;
  }

  /** A new run: buffer and synth are both gone with the old server. */
  runEnded(): void {
    this.nodeId = undefined;
    this.bufnum = undefined;
    this.reading = false;
    this.readAgain = false;
  }

  nodeEnded(nodeId: number): boolean {
    if (nodeId !== this.nodeId) return false;
    this.nodeId = undefined;
    return true;
  }

  dispose(): void {
    for (const listener of this.clockListeners) listener.dispose();
    this.onReadEmitter.dispose();
  }

  /** Reads now, or right after the read that is out (a tick more is skipped, counted). */
  private tick(): void {
    if (this.nodeId === undefined || this.bufnum === undefined) return;
    if (this.reading) {
      if (this.readAgain) this.ticksSkipped++;
      this.readAgain = true;
      return;
    }
    this.startRead(this.bufnum);
  }

  private startRead(bufnum: number): void {
    this.reading = true;
    this.readAgain = false;
    this.lastReadAt = performance.now();
    void this.read(bufnum)
      .catch((error: Error) => this.server.logger.debug(`A scope read failed: ${error.message}`))
      .finally(() => {
        this.reading = false;
        if (this.readAgain && this.bufnum === bufnum && this.nodeId !== undefined) this.startRead(bufnum);
      });
  }

  private async release(): Promise<void> {
    const { nodeId, bufnum } = this;
    this.nodeId = undefined;
    this.bufnum = undefined;
    if (!this.server.canSend) return;
    if (nodeId !== undefined) this.server.send(cmd.nodeFree(nodeId));
    if (bufnum !== undefined) {
      await this.server.request(cmd.bufferFree(bufnum)).catch(() => undefined);
      this.server.freeBufferId(bufnum);
    }
  }

  private async read(bufnum: number): Promise<void> {
    const { frames, channels, bus } = this.settings;
    const ring = this.ringFrames;
    const count = this.picturesPerRead;
    const reply = await this.server.request(cmd.bufferGetn(bufnum, 0, (ring + 1) * channels));
    // Settings changed while the read was out: the reply is of the old ring.
    if (ring !== this.ringFrames || channels !== this.settings.channels) return;
    // After bufnum, start and count: the ring interleaved, then the newest frame's index.
    const args = reply.args;
    const newest = args[3 + ring * channels];
    if (typeof newest !== 'number' || args.length !== 3 + (ring + 1) * channels) throw new Error(`a scope read of ${args.length - 3} values, not ${(ring + 1) * channels}`);
    const pictures = Array.from({ length: count }, () => Array.from({ length: channels }, () => new Float32Array(frames)));
    // Oldest first: the frame after the newest, round the ring.
    const end = 3 + ring * channels;
    let from = 3 + ((Math.floor(newest) + 1) % ring) * channels;
    for (const picture of pictures) {
      for (let frame = 0; frame < frames; frame++) {
        if (from >= end) from = 3;
        for (let c = 0; c < channels; c++) picture[c][frame] = args[from + c] as number;
        from += channels;
      }
    }
    this.picturesShown += count;
    this.onReadEmitter.fire({ bus, pictures, intervalMs: 1000 / this.settings.rate });
  }
}
