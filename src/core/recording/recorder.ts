// Recording the server's outputs to a sound file, as sclang's Recorder does: a buffer whose
// file stays open (/b_write ... leaveOpen), a DiskOut synth at the tail of the root group, and
// /b_close at the end, which writes the header's lengths. No take is lost: its file never
// overwrites another (takeFiles.ts); it survives Free All and Hush (its synth is kept or put
// back, see freeAll.ts); a quit closes it after its last half; across a reboot it goes on
// in a next part; the free space is watched, and a full disk stops it saying what was saved;
// if scsynth dies, the header is repaired.
import { statSync, statfsSync, unlinkSync } from 'node:fs';
import * as path from 'node:path';
import { Emitter, Event, Disposable, Logger } from '../events';
import type { DecodedMessage, OscMessage } from '../osc/oscCodec';
import * as cmd from '../scsynth/scsynthCommands';
import { TAIL_OF_ROOT } from '../server/keptSynths';
import type { KeptAcrossReboot, KeptSynthPlace, KeptSynthRow, KeptSynths } from '../server/keptSynths';
import { readSoundFileInfo, repairSoundFileHeader } from './soundFileHeader';
import { claimTakeFile, takePartPath } from './takeFiles';

export const MAX_RECORDING_CHANNELS = 16;
/**
 * DiskOut's buffer. It goes to disk a half at a time, and a half not yet full when the synth
 * ends is never written: sclang's Recorder (65,536 frames) cuts up to 0.7 s off the end of a
 * take. Here the halves are 4,096 frames (85 ms at 48 kHz), and the recording goes on for one
 * half after Stop, Pause, Quit or Reboot, so the take ends just after the moment asked, never
 * before. (scsynth 3.13's DiskOut also writes its part-filled half when freed.)
 */
export const DISK_BUFFER_FRAMES = 8192;

/** Below this much recording time left on the disk, the musician is warned (once a take). */
export const LOW_SPACE_WARNING_SECONDS = 10 * 60;
/** How often the free space and the file's growth are checked while recording. */
const DISK_CHECK_MS = 1000;

export interface RecordingOptions {
  /** The file wanted; if it exists, a numbered name beside it is used (see claimTakeFile). */
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
  /** The file being written (a take across a reboot has one per part). */
  path?: string;
  /** When it ended: how (stopped; the server ended under it and the header was repaired; the disk filled). */
  ended?: 'stopped' | 'serverEnded' | 'diskFull';
  /** When it ended: every file of the take, in order, and the seconds they hold together. */
  paths?: readonly string[];
  savedSeconds?: number;
}

export interface LowSpaceWarning {
  folder: string;
  /** Minutes of recording (at this take's channels and format) the free space still holds. */
  minutesLeft: number;
}

/** What a take carries over a reboot to a recorder of the next run (see suspendForRestart). */
export interface TakeContinuation {
  readonly take: Take;
  readonly elapsedMs: number;
  readonly paused: boolean;
}

/** What the recorder needs of the server. */
export interface RecorderServerAccess {
  readonly canSend: boolean;
  /** Whether the connection is open (also while quitting, when canSend is already false). */
  readonly isOpen: boolean;
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

/** A take: one or more files (parts), one per server run it spans. */
interface Take {
  readonly options: Required<Omit<RecordingOptions, 'path'>>;
  readonly paths: string[];
  lowSpaceWarned: boolean;
}

/** The part being written now. */
interface Recording {
  take: Take;
  path: string;
  bufnum: number;
  nodeId: number | undefined;
  defName: string;
  /** Recorded in earlier parts of the take, in ms. */
  elapsedBeforeMs: number;
  startedAt: number;
  pausedAt: number | undefined;
  pausedMs: number;
  diskCheck: NodeJS.Timeout | undefined;
  lastSize: number;
}

export class Recorder implements KeptSynths, Disposable {
  readonly what = 'the recording';
  /** Last of the kept synths, so always the root's tail: it records what the volume lets through. */
  place: () => KeptSynthPlace = () => TAIL_OF_ROOT;
  private recording: Recording | undefined;
  private readonly onDidChangeEmitter = new Emitter<RecorderChange>();
  readonly onDidChange: Event<RecorderChange> = this.onDidChangeEmitter.event;
  private readonly onLowSpaceEmitter = new Emitter<LowSpaceWarning>();
  /** The disk holds less than LOW_SPACE_WARNING_SECONDS of this take: once a take. */
  readonly onLowSpace: Event<LowSpaceWarning> = this.onLowSpaceEmitter.event;

  constructor(private readonly server: RecorderServerAccess, private readonly now: () => number = Date.now) {}

  get state(): RecorderState {
    return !this.recording ? 'idle' : this.recording.pausedAt !== undefined ? 'paused' : 'recording';
  }

  get path(): string | undefined {
    return this.recording?.path;
  }

  /** Time recorded so far in this take (pauses and reboots not counted), in ms. */
  get elapsedMs(): number {
    const r = this.recording;
    if (!r) return 0;
    return r.elapsedBeforeMs + (r.pausedAt ?? this.now()) - r.startedAt - r.pausedMs;
  }

  get synthIds(): readonly number[] {
    return this.recording?.nodeId !== undefined ? [this.recording.nodeId] : [];
  }

  treeRow(): KeptSynthRow {
    return { label: 'recording', description: this.state, icon: 'record', tooltip: `Records to ${this.path}` };
  }

  /** Before a quit: scsynth closes the file while it still runs. */
  async beforeQuit(): Promise<void> {
    if (this.server.isOpen) await this.stop();
  }

  /** Before a reboot: the take is closed here and goes on in a next file of the new run. */
  async holdForReboot(): Promise<KeptAcrossReboot | undefined> {
    const take = await this.suspendForRestart();
    return take && { resume: () => this.continueTake(take), abandon: () => this.endSuspendedTake(take) };
  }

  /** Starts a take; resolves with the file it writes (a numbered name if `options.path` exists). */
  async start(options: RecordingOptions): Promise<string> {
    if (this.recording) throw new Error(`Already recording to ${this.recording.path}. Stop that recording first.`);
    if (!this.server.canSend) throw new Error('Cannot record: the server is not running. Boot it first.');
    const { channels } = options;
    if (!Number.isInteger(channels) || channels < 1 || channels > MAX_RECORDING_CHANNELS) {
      throw Object.assign(new RangeError(`Cannot record ${channels} channels: choose 1 to ${MAX_RECORDING_CHANNELS}.`), { option: 'recordingChannels' });
    }
    const take: Take = {
      options: { channels, bus: options.bus ?? 0, headerFormat: options.headerFormat ?? 'wav', sampleFormat: options.sampleFormat ?? 'int24' },
      paths: [],
      lowSpaceWarned: false,
    };
    return this.startPart(take, options.path, 0, false);
  }

  /** Pauses; the synth runs on for one half of the disk buffer, so what came before is written. */
  pause(): void {
    const r = this.requireRecording('pause');
    if (r.pausedAt !== undefined) return;
    r.pausedAt = this.now();
    const nodeId = r.nodeId;
    if (nodeId !== undefined) {
      setTimeout(() => {
        if (this.recording === r && r.pausedAt !== undefined && r.nodeId === nodeId && this.server.canSend) this.server.send(cmd.nodeRun(nodeId, false));
      }, this.halfBufferMs()).unref();
    }
    this.fire();
  }

  resume(): void {
    const r = this.requireRecording('resume');
    if (r.pausedAt === undefined) return;
    if (r.nodeId !== undefined) this.server.send(cmd.nodeRun(r.nodeId, true));
    r.pausedMs += this.now() - r.pausedAt;
    r.pausedAt = undefined;
    r.lastSize = fileSize(r.path);
    this.fire();
  }

  /** Stops and closes the file; resolves with its path (the take's last part). */
  async stop(): Promise<string | undefined> {
    const r = this.recording;
    if (!r) return undefined;
    this.recording = undefined;
    await this.closePart(r);
    this.server.logger.info(`Recording stopped: ${r.take.paths.join(', ')}.`);
    this.fireEnded(r, 'stopped');
    return r.path;
  }

  /**
   * Before a reboot: closes the part being written after its last half, and gives what the
   * next run's recorder needs to go on with the take in a next file (continueTake).
   */
  async suspendForRestart(): Promise<TakeContinuation | undefined> {
    const r = this.recording;
    if (!r) return undefined;
    const elapsedMs = this.elapsedMs;
    const paused = r.pausedAt !== undefined;
    this.recording = undefined;
    await this.closePart(r);
    this.server.logger.info(`Recording: ${r.path} closed for the reboot; the take goes on in a next file.`);
    this.fire();
    return { take: r.take, elapsedMs, paused };
  }

  /**
   * Before a frozen server is killed (Reboot and Restore): the part being written ends without
   * scsynth, which can no longer write its last half, and the take goes on in a next file of the
   * new run (continueTake). Its header is repaired once the server is gone (repairFrozenPart):
   * a saturated scsynth's disk thread may still write until then.
   */
  suspendFrozen(): TakeContinuation | undefined {
    const r = this.recording;
    if (!r) return undefined;
    const elapsedMs = this.elapsedMs;
    const paused = r.pausedAt !== undefined;
    this.recording = undefined;
    clearInterval(r.diskCheck);
    this.fire();
    return { take: r.take, elapsedMs, paused };
  }

  /** After the frozen server is gone: the header of the part it left is put right from what reached the file. */
  repairFrozenPart(continuation: TakeContinuation): void {
    const part = continuation.take.paths[continuation.take.paths.length - 1];
    this.repair(part);
    this.server.logger.info(`Recording: ${part} ended with its frozen server (header repaired); the take goes on in a next file.`);
  }

  /** After a reboot: the take goes on in its next part (SC_..._part2.wav). */
  async continueTake(continuation: TakeContinuation): Promise<string> {
    if (this.recording) throw new Error(`Already recording to ${this.recording.path}.`);
    const { take } = continuation;
    const part = takePartPath(take.paths[0], take.paths.length + 1);
    try {
      return await this.startPart(take, part, continuation.elapsedMs, continuation.paused);
    } catch (error) {
      this.endSuspendedTake(continuation);
      throw error;
    }
  }

  /** The take cannot go on (the reboot failed): it ends with the parts it has. */
  endSuspendedTake(continuation: TakeContinuation): void {
    const { paths } = continuation.take;
    this.onDidChangeEmitter.fire({ state: 'idle', path: paths[paths.length - 1], ended: 'stopped', paths: [...paths], savedSeconds: savedSeconds(paths) });
  }

  /** The server ended under the recording (crash, or quit by another client): the file is made readable. */
  serverEnded(): void {
    const r = this.recording;
    if (!r) return;
    this.recording = undefined;
    clearInterval(r.diskCheck);
    this.repair(r.path);
    this.fireEnded(r, 'serverEnded');
  }

  /** Messages that (re)create the recording synth: a new recording, or after a bundle that frees everything. */
  recreateMessages(): OscMessage[] {
    const r = this.recording;
    if (!r) return [];
    r.nodeId = this.server.allocateNodeId();
    const messages: OscMessage[] = [cmd.synthNew(r.defName, r.nodeId, cmd.AddAction.tail, 0, { bus: r.take.options.bus, bufnum: r.bufnum })];
    if (r.pausedAt !== undefined) messages.push(cmd.nodeRun(r.nodeId, false));
    return messages;
  }

  /** The run ended under a recording (however): the file is made readable. */
  runEnded(): void {
    this.serverEnded();
  }

  /** The recording synth is gone with everything else (a /g_freeAll 0): its file stays open. */
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
    if (!this.recording || this.recording.nodeId !== undefined || !this.server.canSend) return;
    for (const message of this.recreateMessages()) this.server.send(message);
  }

  dispose(): void {
    this.serverEnded();
    this.onDidChangeEmitter.dispose();
    this.onLowSpaceEmitter.dispose();
  }

  /** Opens `desired` (or a free name beside it) and starts writing the take into it. */
  private async startPart(take: Take, desired: string, elapsedBeforeMs: number, paused: boolean): Promise<string> {
    if (!this.server.canSend) throw new Error('Cannot record: the server is not running. Boot it first.');
    const { channels, headerFormat, sampleFormat } = take.options;
    const file = claimTakeFile(desired);
    const bufnum = this.server.allocateBufferId();
    try {
      this.checkSpaceBeforeStart(take, file);
      await this.server.synthdefsLoaded;
      await this.server.request(cmd.bufferAlloc(bufnum, DISK_BUFFER_FRAMES, channels));
      await this.server.request(cmd.bufferWrite(bufnum, file, headerFormat, sampleFormat, true));
    } catch (error) {
      await this.server.request(cmd.bufferFree(bufnum)).catch(() => undefined);
      this.server.freeBufferId(bufnum);
      removeIfEmpty(file);
      throw error;
    }
    take.paths.push(file);
    const startedAt = this.now();
    const r: Recording = {
      take, path: file, bufnum, nodeId: undefined, defName: `sclive_recorder_${channels}ch`, elapsedBeforeMs,
      startedAt, pausedAt: paused ? startedAt : undefined, pausedMs: 0, diskCheck: undefined, lastSize: fileSize(file),
    };
    this.recording = r;
    for (const message of this.recreateMessages()) this.server.send(message);
    r.diskCheck = setInterval(() => this.checkDisk(r), DISK_CHECK_MS);
    r.diskCheck.unref();
    this.server.logger.info(`Recording ${channels} channel${channels === 1 ? '' : 's'} to ${file}.`);
    this.fire();
    return file;
  }

  /** Lets the synth write its last half, frees it and closes the file (scsynth writes the header). */
  private async closePart(r: Recording): Promise<void> {
    clearInterval(r.diskCheck);
    // The audio up to now is in the half being filled: it is written once that half is full.
    // While quitting the server still runs (canSend is already false): the half is waited for too.
    if (r.pausedAt === undefined && this.server.isOpen) await new Promise((resolve) => setTimeout(resolve, this.halfBufferMs()));
    try {
      if (r.nodeId !== undefined) this.server.send(cmd.nodeFree(r.nodeId));
      r.nodeId = undefined;
      await this.server.request(cmd.bufferClose(r.bufnum));
      await this.server.request(cmd.bufferFree(r.bufnum));
    } catch (error) {
      // The server went away meanwhile: the header is put right here instead.
      this.server.logger.warn(`Closing the recording through scsynth failed (${(error as Error).message}); repairing its header.`);
    }
    // A header scsynth could not finish (a full disk) is put right from the file's size.
    this.repair(r.path);
    this.server.freeBufferId(r.bufnum);
  }

  /** Refuses a take the disk cannot hold a second of; warns when it holds only minutes. */
  private checkSpaceBeforeStart(take: Take, file: string): void {
    const free = freeBytes(path.dirname(file));
    if (free === undefined) return;
    const perSecond = this.bytesPerSecond(take);
    if (free < perSecond) {
      throw new Error(`Cannot record: only ${formatBytes(free)} free in ${path.dirname(file)}, less than a second of recording. Free some space or choose another recording folder.`);
    }
    this.warnIfLow(take, path.dirname(file), free);
  }

  /**
   * Each second: warns when the free space holds only minutes; when the file stopped growing
   * and the disk is full, writing failed: the take is stopped and says what it saved.
   */
  private checkDisk(r: Recording): void {
    if (this.recording !== r) return;
    const folder = path.dirname(r.path);
    const free = freeBytes(folder);
    const size = fileSize(r.path);
    const grew = size - r.lastSize;
    r.lastSize = size;
    if (free === undefined) return;
    this.warnIfLow(r.take, folder, free);
    const perSecond = this.bytesPerSecond(r.take);
    const writing = r.pausedAt === undefined && r.nodeId !== undefined;
    if (writing && free < perSecond && grew < perSecond / 4) void this.stopOnFullDisk(r, free);
  }

  private async stopOnFullDisk(r: Recording, free: number): Promise<void> {
    if (this.recording !== r) return;
    this.recording = undefined;
    clearInterval(r.diskCheck);
    // Nothing more can be written: no half is waited for.
    try {
      if (r.nodeId !== undefined) this.server.send(cmd.nodeFree(r.nodeId));
      await this.server.request(cmd.bufferClose(r.bufnum));
      await this.server.request(cmd.bufferFree(r.bufnum));
    } catch (error) {
      this.server.logger.warn(`Closing the recording through scsynth failed (${(error as Error).message}).`);
    }
    this.repair(r.path);
    this.server.freeBufferId(r.bufnum);
    const seconds = savedSeconds(r.take.paths);
    this.server.logger.error(`The disk is full (${formatBytes(free)} free in ${path.dirname(r.path)}): the recording stopped; ${seconds.toFixed(1)} s are saved in ${r.take.paths.join(', ')}.`);
    this.fireEnded(r, 'diskFull');
  }

  private warnIfLow(take: Take, folder: string, free: number): void {
    const secondsLeft = free / this.bytesPerSecond(take);
    if (take.lowSpaceWarned || secondsLeft >= LOW_SPACE_WARNING_SECONDS) return;
    take.lowSpaceWarned = true;
    const minutesLeft = Math.floor(secondsLeft / 60);
    this.server.logger.warn(`${minutesLeft < 1 ? 'Less than a minute' : `Only about ${minutesLeft} min`} of recording fit in the free space of ${folder} (${formatBytes(free)}).`);
    this.onLowSpaceEmitter.fire({ folder, minutesLeft });
  }

  private bytesPerSecond(take: Take): number {
    const bytesPerSample = take.options.sampleFormat === 'int24' ? 3 : 4;
    return (this.server.sampleRate ?? 48000) * take.options.channels * bytesPerSample;
  }

  /** One half of the disk buffer, with a little room for the block that completes it. */
  private halfBufferMs(): number {
    return ((DISK_BUFFER_FRAMES / 2) / (this.server.sampleRate ?? 44100)) * 1000 + 10;
  }

  private repair(file: string): void {
    try {
      const before = readSoundFileInfo(file);
      const info = repairSoundFileHeader(file);
      if (info.frames !== before.frames) this.server.logger.warn(`The recording ${file} was not closed by scsynth; its header now says ${info.durationSeconds.toFixed(1)} s.`);
    } catch (error) {
      this.server.logger.error(`The recording ${file} could not be repaired: ${(error as Error).message}`);
    }
  }

  private requireRecording(action: string): Recording {
    if (!this.recording) throw new Error(`Cannot ${action} the recording: nothing is being recorded.`);
    return this.recording;
  }

  private fire(): void {
    this.onDidChangeEmitter.fire({ state: this.state, path: this.recording?.path });
  }

  private fireEnded(r: Recording, ended: 'stopped' | 'serverEnded' | 'diskFull'): void {
    this.onDidChangeEmitter.fire({ state: 'idle', path: r.path, ended, paths: [...r.take.paths], savedSeconds: savedSeconds(r.take.paths) });
  }
}

/** Seconds held by a take's files, as their headers say (a file that cannot be read counts 0). */
export function savedSeconds(paths: readonly string[]): number {
  let seconds = 0;
  for (const file of paths) {
    try {
      seconds += readSoundFileInfo(file).durationSeconds;
    } catch {
      // An unreadable part adds nothing.
    }
  }
  return seconds;
}

function freeBytes(folder: string): number | undefined {
  try {
    const stats = statfsSync(folder);
    return stats.bavail * stats.bsize;
  } catch {
    return undefined;
  }
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** The empty file claimed for a take that could not start goes again. */
function removeIfEmpty(file: string): void {
  try {
    if (statSync(file).size === 0) unlinkSync(file);
  } catch {
    // Already gone.
  }
}

function formatBytes(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.round(bytes / 1e3)} kB`;
}
