// The scope's signal over OSC (so a remote server works too; sclang's scope reads shared memory
// and refuses remote servers): a synth writes the buses round and round into a buffer and reports
// its write position a few dozen times a second; the newest frames before it are read with
// /b_getn. A report that comes while a read is out is kept for right after it; a newer one
// supersedes it (counted): never more than one waits.
import { Emitter, Event, Disposable, Logger } from '../events';
import type { DecodedMessage, OscMessage } from '../osc/oscCodec';
import * as cmd from '../scsynth/scsynthCommands';

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

export interface ScopeFrame {
  bus: number;
  /** One array per channel, `frames` samples each, oldest first. */
  channels: Float32Array[];
}

/** What the scope needs of the session. */
export interface ScopeSession {
  readonly canSend: boolean;
  readonly synthdefsLoaded: Promise<void>;
  readonly logger: Logger;
  allocateNodeId(): number;
  allocateBufferId(): number;
  freeBufferId(id: number): void;
  request(request: cmd.Request): Promise<DecodedMessage>;
  /** Requests sent together in one bundle. */
  requestAll(requests: readonly cmd.Request[]): Promise<DecodedMessage[]>;
  send(message: OscMessage): void;
}

/** The ring holds this many pictures, so a read is done long before the synth writes over it. */
const RING_PICTURES = 4;

export class ScopeTap implements Disposable {
  readonly what = 'the scope';
  /** 22 reports a second give 20+ pictures: each costs a send and two receives, so no more than needed. */
  private settings: ScopeSettings = { bus: 0, channels: 2, frames: 1024, rate: 22 };
  private wanted = false;
  private bufnum: number | undefined;
  private nodeId: number | undefined;
  private reading = false;
  private framesShown = 0;
  private reportsSkipped = 0;
  private readonly onFrameEmitter = new Emitter<ScopeFrame>();
  readonly onFrame: Event<ScopeFrame> = this.onFrameEmitter.event;

  constructor(private readonly session: ScopeSession) {}

  get running(): boolean {
    return this.wanted;
  }

  get synthIds(): readonly number[] {
    return this.nodeId !== undefined ? [this.nodeId] : [];
  }

  /** Pictures delivered, and position reports skipped because a read was still out. */
  get counters(): { frames: number; skipped: number } {
    return { frames: this.framesShown, skipped: this.reportsSkipped };
  }

  async start(settings: Partial<ScopeSettings> = {}): Promise<void> {
    const next = { ...this.settings, ...settings };
    if (next.channels !== 1 && next.channels !== 2) throw new RangeError(`the scope shows 1 or 2 channels, not ${next.channels}`);
    if (!Number.isInteger(next.frames) || next.frames < 64 || next.frames > 4096) throw new RangeError(`the scope shows 64 to 4096 frames, not ${next.frames}`);
    // One /b_setn reply must fit a UDP datagram: at most 8,192 floats (32 KB).
    if (next.frames * next.channels > 8192) throw new RangeError(`${next.frames} frames of ${next.channels} channels do not fit one reply`);
    const restart = this.wanted && (next.channels !== this.settings.channels || next.frames !== this.settings.frames);
    this.settings = next;
    this.wanted = true;
    if (restart) await this.release();
    else if (this.nodeId !== undefined) this.session.send(cmd.nodeSet(this.nodeId, { bus: next.bus, rate: next.rate }));
    await this.apply();
  }

  async stop(): Promise<void> {
    this.wanted = false;
    await this.release();
  }

  /** Puts the tap (buffer and synth) on the server if wanted and missing. */
  async apply(): Promise<void> {
    if (!this.wanted || !this.session.canSend || this.nodeId !== undefined) return;
    await this.session.synthdefsLoaded;
    if (this.bufnum === undefined) {
      const bufnum = this.session.allocateBufferId();
      this.bufnum = bufnum;
      try {
        await this.session.request(cmd.bufferAlloc(bufnum, this.settings.frames * RING_PICTURES, this.settings.channels));
      } catch (error) {
        this.bufnum = undefined;
        this.session.freeBufferId(bufnum);
        throw error;
      }
    }
    if (this.nodeId !== undefined || !this.wanted) return;
    for (const message of this.recreateMessages()) this.session.send(message);
  }

  /** For a bundle that frees everything (hush): the synth again, on the buffer that survived. */
  recreateMessages(): OscMessage[] {
    if (!this.wanted || this.bufnum === undefined) return [];
    this.nodeId = this.session.allocateNodeId();
    const { bus, rate, channels } = this.settings;
    return [cmd.synthNew(`sclive_scope_${channels}ch`, this.nodeId, cmd.AddAction.tail, 0, { bus, bufnum: this.bufnum, rate, id: 0 })];
  }

  /** `nodeID replyID position`: reads the `frames` frames written before `position`. */
  handleReply(args: readonly unknown[]): void {
    const [nodeId, , position] = args;
    if (nodeId !== this.nodeId || typeof position !== 'number' || this.bufnum === undefined) return;
    if (this.reading) {
      // Kept for right after the read that is out; an older one waiting is superseded.
      if (this.waitingPosition !== undefined) this.reportsSkipped++;
      this.waitingPosition = Math.floor(position);
      return;
    }
    this.startRead(this.bufnum, Math.floor(position));
  }

  private waitingPosition: number | undefined;

  private startRead(bufnum: number, position: number): void {
    this.reading = true;
    void this.read(bufnum, position)
      .catch((error: Error) => this.session.logger.debug(`A scope read failed: ${error.message}`))
      .finally(() => {
        this.reading = false;
        const next = this.waitingPosition;
        this.waitingPosition = undefined;
        if (next !== undefined && this.bufnum === bufnum && this.nodeId !== undefined) this.startRead(bufnum, next);
      });
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
  }

  nodeEnded(nodeId: number): boolean {
    if (nodeId !== this.nodeId) return false;
    this.nodeId = undefined;
    return true;
  }

  dispose(): void {
    this.onFrameEmitter.dispose();
  }

  private async release(): Promise<void> {
    const { nodeId, bufnum } = this;
    this.nodeId = undefined;
    this.bufnum = undefined;
    if (!this.session.canSend) return;
    if (nodeId !== undefined) this.session.send(cmd.nodeFree(nodeId));
    if (bufnum !== undefined) {
      await this.session.request(cmd.bufferFree(bufnum)).catch(() => undefined);
      this.session.freeBufferId(bufnum);
    }
  }

  private async read(bufnum: number, position: number): Promise<void> {
    const { frames, channels, bus } = this.settings;
    const ring = frames * RING_PICTURES;
    const start = (position - frames + ring) % ring;
    // Two reads where the newest frames wrap around the end of the ring.
    const parts = start + frames <= ring ? [[start, frames]] : [[start, ring - start], [0, frames - (ring - start)]];
    // One datagram either way: each costs this process a system call and scsynth a wake-up.
    const replies = await this.session.requestAll(parts.map(([from, count]) => cmd.bufferGetn(bufnum, from * channels, count * channels)));
    const out = Array.from({ length: channels }, () => new Float32Array(frames));
    // De-interleave straight from the replies' arguments (after bufnum, start, count).
    let frame = 0;
    for (const reply of replies) {
      const args = reply.args;
      for (let i = 3; i + channels <= args.length && frame < frames; i += channels, frame++) {
        for (let c = 0; c < channels; c++) out[c][frame] = args[i + c] as number;
      }
    }
    this.framesShown++;
    this.onFrameEmitter.fire({ bus, channels: out });
  }
}
