// The server's volume and mute, as sclang's Volume does it: a volume synth after all groups
// while the volume is not 0 dB (or muted), none otherwise. One of the kept synths (keptSynths.ts).
// Owns its own state; ServerWiring gives it a small view of the server, so it is tested without sockets.
import { Emitter, Event, Disposable } from '../events';
import type { OscMessage } from '../osc/oscCodec';
import { TAIL_OF_ROOT } from './keptSynths';
import type { KeptSynthPlace, KeptSynthRow, KeptSynths } from './keptSynths';
import { clipVolume, volumeAmp, volumeReleaseMessages, volumeSetMessages, volumeSynthLayout, volumeSynthMessages } from './volume';

/** What the volume needs of the server. */
export interface VolumeServerAccess {
  /** Whether messages can reach a running server now. */
  readonly canSend: boolean;
  readonly numOutputBuses: number;
  /** Resolves when the shipped volume SynthDefs are on the server. */
  readonly synthdefsLoaded: Promise<void>;
  allocateNodeId(): number;
  sendMany(messages: readonly OscMessage[]): Promise<void>;
}

export class VolumeControl implements KeptSynths, Disposable {
  readonly what = 'the volume';
  private volumeDb = 0;
  private mutedValue = false;
  private nodeIds: number[] = [];
  /** Set by KeptSynthSet: before the meters, scope and recorder when they already run. */
  place: () => KeptSynthPlace = () => TAIL_OF_ROOT;

  private readonly onDidChangeEmitter = new Emitter<{ volume: number; muted: boolean }>();
  readonly onDidChange: Event<{ volume: number; muted: boolean }> = this.onDidChangeEmitter.event;

  constructor(private readonly server: VolumeServerAccess) {}

  /** Volume in dB (-90..+6). */
  get volume(): number {
    return this.volumeDb;
  }

  get muted(): boolean {
    return this.mutedValue;
  }

  /** Node ids of the volume synths now on the server. */
  get synthIds(): readonly number[] {
    return this.nodeIds;
  }

  treeRow(): KeptSynthRow {
    return {
      label: 'volume',
      description: this.mutedValue ? 'muted' : `${Math.round(this.volumeDb * 10) / 10} dB`,
      icon: this.mutedValue ? 'mute' : 'unmute',
      tooltip: "The server's volume: set it with Set Volume or Mute",
    };
  }

  async setVolume(dB: number): Promise<void> {
    this.volumeDb = clipVolume(dB);
    await this.apply();
  }

  async setMuted(muted: boolean): Promise<void> {
    this.mutedValue = muted;
    await this.apply();
  }

  /** Puts the volume synths in place (or removes them at 0 dB unmuted, where they cost nothing). */
  async apply(): Promise<void> {
    const amp = volumeAmp(this.volumeDb, this.mutedValue);
    this.onDidChangeEmitter.fire({ volume: this.volumeDb, muted: this.mutedValue });
    if (!this.server.canSend) return;
    if (amp === 1) {
      if (this.nodeIds.length === 0) return;
      const ids = this.nodeIds;
      this.nodeIds = [];
      await this.server.sendMany(volumeReleaseMessages(ids));
    } else if (this.nodeIds.length) {
      await this.server.sendMany(volumeSetMessages(this.nodeIds, amp));
    } else {
      await this.server.synthdefsLoaded;
      const place = this.place();
      this.nodeIds = volumeSynthLayout(this.server.numOutputBuses).map(() => this.server.allocateNodeId());
      await this.server.sendMany(volumeSynthMessages(this.nodeIds, this.server.numOutputBuses, amp, place));
    }
  }

  /** The volume synths are gone with everything else (a new run, Free All): none is known. */
  forget(): void {
    this.nodeIds = [];
  }

  runEnded(): void {
    this.forget();
  }

  /**
   * A node ended: if it was a volume synth (freed by another client, e.g. sclang's Cmd-.), the
   * volume must still apply, so the synths are put back. True when it was ours.
   */
  nodeEnded(nodeId: number): boolean {
    if (!this.nodeIds.includes(nodeId)) return false;
    this.nodeIds = [];
    return true;
  }

  /** For a bundle that frees everything (hush): messages that bring the volume synths back. */
  recreateMessages(): OscMessage[] {
    const amp = volumeAmp(this.volumeDb, this.mutedValue);
    this.nodeIds = amp === 1 ? [] : volumeSynthLayout(this.server.numOutputBuses).map(() => this.server.allocateNodeId());
    return this.nodeIds.length ? volumeSynthMessages(this.nodeIds, this.server.numOutputBuses, amp) : [];
  }

  dispose(): void {
    this.onDidChangeEmitter.dispose();
  }
}
