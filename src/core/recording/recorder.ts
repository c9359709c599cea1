// Recording the server's outputs to a sound file, as sclang's Recorder does: a buffer whose
// file stays open (/b_write ... leaveOpen), a DiskOut synth at the tail of the root group, and
// /b_close at the end, which writes the header's lengths. The recording survives Free All and
// Hush (its synth is put back); a quit stops it first; if scsynth dies, the header is repaired.
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { Emitter, Event, Disposable, Logger } from '../events';
import type { DecodedMessage, OscMessage } from '../osc/oscCodec';
import * as cmd from '../scsynth/scsynthCommands';
import { TAIL_OF_ROOT } from '../server/keptSynths';
import type { KeptSynthPlace } from '../server/keptSynths';
import { repairSoundFileHeader } from './soundFileHeader';

export const MAX_RECORDING_CHANNELS = 16;
/**
 * DiskOut's buffer. It goes to disk a half at a time, and a half not yet full when the synth
 * ends is never written: sclang's Recorder (65,536 frames) cuts up to 0.7 s off the end of a
 * take. Here the halves are 4,096 frames (85 ms at 48 kHz), and the recording goes on for one
 * half after Stop or Pause, so the take ends just after the moment asked, never before.
 */
export const DISK_BUFFER_FRAMES = 8192;

export interface RecordingOptions {
  path: string;
  /** Output channels recorded, from `bus` (default: the first output). */
  channels: number;
  bus?: number;
  headerFormat?: cmd.HeaderFormat;
  sampleFormat?: cmd.SampleFormat;
}

export type RecorderState = 'idle' | 'recording' | 'paused';

export interface RecorderChange {
  state: RecorderState;
  path?: string;
  /** When it ended: how (stopped, or the server ended under it and the header was repaired). */
  ended?: 'stopped' | 'serverEnded';
}

/** What the recorder needs of the session. */
export interface RecorderSession {
  readonly canSend: boolean;
  readonly synthdefsLoaded: Promise<void>;
  readonly logger: Logger;
  /** The server's sample rate, when known (the length of a half of the disk buffer depends on it). */
  readonly sampleRate: number | undefined;
  allocateNodeId(): number;
  allocateBufferId(): number;
  freeBufferId(id: number): void;
  request(request: cmd.Request): Promise<DecodedMessage>;
  send(message: OscMessage): void;
}

interface Recording {
  path: string;
  bufnum: number;
  nodeId: number | undefined;
  defName: string;
  bus: number;
  startedAt: number;
  pausedAt: number | undefined;
  pausedMs: number;
}

export class Recorder implements Disposable {
  readonly what = 'the recording';
  /** Last of the kept synths, so always the root's tail: it records what the volume lets through. */
  place: () => KeptSynthPlace = () => TAIL_OF_ROOT;
  private recording: Recording | undefined;
  private readonly onDidChangeEmitter = new Emitter<RecorderChange>();
  readonly onDidChange: Event<RecorderChange> = this.onDidChangeEmitter.event;

  constructor(private readonly session: RecorderSession, private readonly now: () => number = Date.now) {}

  get state(): RecorderState {
    return !this.recording ? 'idle' : this.recording.pausedAt !== undefined ? 'paused' : 'recording';
  }

  get path(): string | undefined {
    return this.recording?.path;
  }

  /** Time recorded so far (pauses not counted), in ms. */
  get elapsedMs(): number {
    const r = this.recording;
    if (!r) return 0;
    return (r.pausedAt ?? this.now()) - r.startedAt - r.pausedMs;
  }

  get synthIds(): readonly number[] {
    return this.recording?.nodeId !== undefined ? [this.recording.nodeId] : [];
  }

  async start(options: RecordingOptions): Promise<void> {
    if (this.recording) throw new Error(`Already recording to ${this.recording.path}. Stop that recording first.`);
    if (!this.session.canSend) throw new Error('Cannot record: the server is not running. Boot it first.');
    const { channels } = options;
    if (!Number.isInteger(channels) || channels < 1 || channels > MAX_RECORDING_CHANNELS) {
      throw Object.assign(new RangeError(`Cannot record ${channels} channels: choose 1 to ${MAX_RECORDING_CHANNELS}.`), { option: 'recordingChannels' });
    }
    mkdirSync(path.dirname(options.path), { recursive: true });
    await this.session.synthdefsLoaded;
    const bufnum = this.session.allocateBufferId();
    try {
      await this.session.request(cmd.bufferAlloc(bufnum, DISK_BUFFER_FRAMES, channels));
      await this.session.request(cmd.bufferWrite(bufnum, options.path, options.headerFormat ?? 'wav', options.sampleFormat ?? 'int24', true));
    } catch (error) {
      await this.session.request(cmd.bufferFree(bufnum)).catch(() => undefined);
      this.session.freeBufferId(bufnum);
      throw error;
    }
    this.recording = { path: options.path, bufnum, nodeId: undefined, defName: `sclive_recorder_${channels}ch`, bus: options.bus ?? 0, startedAt: this.now(), pausedAt: undefined, pausedMs: 0 };
    for (const message of this.recreateMessages()) this.session.send(message);
    this.session.logger.info(`Recording ${channels} channel${channels === 1 ? '' : 's'} to ${options.path}.`);
    this.fire();
  }

  /** Pauses; the synth runs on for one half of the disk buffer, so what came before is written. */
  pause(): void {
    const r = this.requireRecording('pause');
    if (r.pausedAt !== undefined) return;
    r.pausedAt = this.now();
    const nodeId = r.nodeId;
    if (nodeId !== undefined) {
      setTimeout(() => {
        if (this.recording === r && r.pausedAt !== undefined && r.nodeId === nodeId && this.session.canSend) this.session.send(cmd.nodeRun(nodeId, false));
      }, this.halfBufferMs()).unref();
    }
    this.fire();
  }

  resume(): void {
    const r = this.requireRecording('resume');
    if (r.pausedAt === undefined) return;
    if (r.nodeId !== undefined) this.session.send(cmd.nodeRun(r.nodeId, true));
    r.pausedMs += this.now() - r.pausedAt;
    r.pausedAt = undefined;
    this.fire();
  }

  /** Stops and closes the file; resolves with its path. */
  async stop(): Promise<string | undefined> {
    const r = this.recording;
    if (!r) return undefined;
    this.recording = undefined;
    // The audio up to now is in the half being filled: it is written once that half is full.
    if (r.pausedAt === undefined && this.session.canSend) await new Promise((resolve) => setTimeout(resolve, this.halfBufferMs()));
    try {
      if (r.nodeId !== undefined) this.session.send(cmd.nodeFree(r.nodeId));
      await this.session.request(cmd.bufferClose(r.bufnum));
      await this.session.request(cmd.bufferFree(r.bufnum));
    } catch (error) {
      // The server went away meanwhile: the header is put right here instead.
      this.session.logger.warn(`Closing the recording through scsynth failed (${(error as Error).message}); repairing its header.`);
      this.repair(r.path);
    }
    this.session.freeBufferId(r.bufnum);
    this.session.logger.info(`Recording stopped: ${r.path}.`);
    this.onDidChangeEmitter.fire({ state: 'idle', path: r.path, ended: 'stopped' });
    return r.path;
  }

  /** The server ended under the recording (crash, or quit by another client): the file is made readable. */
  serverEnded(): void {
    const r = this.recording;
    if (!r) return;
    this.recording = undefined;
    this.repair(r.path);
    this.onDidChangeEmitter.fire({ state: 'idle', path: r.path, ended: 'serverEnded' });
  }

  /** Messages that (re)create the recording synth: a new recording, or after a bundle that frees everything. */
  recreateMessages(): OscMessage[] {
    const r = this.recording;
    if (!r) return [];
    r.nodeId = this.session.allocateNodeId();
    const messages: OscMessage[] = [cmd.synthNew(r.defName, r.nodeId, cmd.AddAction.tail, 0, { bus: r.bus, bufnum: r.bufnum })];
    if (r.pausedAt !== undefined) messages.push(cmd.nodeRun(r.nodeId, false));
    return messages;
  }

  /** The run ended under a recording (however): the file is made readable. */
  runEnded(): void {
    this.serverEnded();
  }

  /** The recording synth is gone with everything else (Free All): its file stays open. */
  forget(): void {
    if (this.recording) this.recording.nodeId = undefined;
  }

  /** A node ended: true if it was the recording synth (apply() puts it back). */
  nodeEnded(nodeId: number): boolean {
    if (this.recording?.nodeId !== nodeId) return false;
    this.recording.nodeId = undefined;
    return true;
  }

  /** Puts the recording synth back if a recording runs without one. */
  apply(): void {
    if (!this.recording || this.recording.nodeId !== undefined || !this.session.canSend) return;
    for (const message of this.recreateMessages()) this.session.send(message);
  }

  dispose(): void {
    this.serverEnded();
    this.onDidChangeEmitter.dispose();
  }

  /** One half of the disk buffer, with a little room for the block that completes it. */
  private halfBufferMs(): number {
    return ((DISK_BUFFER_FRAMES / 2) / (this.session.sampleRate ?? 44100)) * 1000 + 10;
  }

  private repair(file: string): void {
    try {
      const info = repairSoundFileHeader(file);
      this.session.logger.warn(`The recording ${file} was not closed by scsynth; its header now says ${info.durationSeconds.toFixed(1)} s.`);
    } catch (error) {
      this.session.logger.error(`The recording ${file} could not be repaired: ${(error as Error).message}`);
    }
  }

  private requireRecording(action: string): Recording {
    if (!this.recording) throw new Error(`Cannot ${action} the recording: nothing is being recorded.`);
    return this.recording;
  }

  private fire(): void {
    this.onDidChangeEmitter.fire({ state: this.state, path: this.recording?.path });
  }
}
