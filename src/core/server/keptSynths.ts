// The synths this client keeps on the server for itself (the volume, the meters, the scope's
// tap, the recording): Free All and Hush leave them running (SCServer frees everything else);
// on a new run, and when another client frees one (sclang's Cmd-.), each is put back. One place
// says how; each keeper says what.
import type { Logger } from '../events';
import type { OscMessage } from '../osc/oscCodec';
import { AddAction } from '../scsynth/scsynthCommands';

/** Where a keeper adds its synths: before the first synth of a keeper after it, else at the root's tail. */
export interface KeptSynthPlace {
  addAction: AddAction;
  target: number;
}

export const TAIL_OF_ROOT: KeptSynthPlace = { addAction: AddAction.tail, target: 0 };

export interface KeptSynths {
  /** A name for log lines ("the volume"). */
  readonly what: string;
  readonly synthIds: readonly number[];
  /** Puts its synths on the server if they are wanted and missing. */
  apply(): Promise<void> | void;
  /** Its synths are gone with everything else (a /g_freeAll 0 of ours); anything else it holds stays. */
  forget(): void;
  /** The run ended: whatever it had on that server is gone. */
  runEnded(): void;
  /** A node ended; true if it was one of its synths. */
  nodeEnded(nodeId: number): boolean;
  /** For a bundle that frees everything (Free All or Hush without a node model): messages that bring its synths back. */
  recreateMessages(): OscMessage[];
  /**
   * Where apply() adds its synths; KeptSynthSet sets it so that a keeper started late (the
   * volume leaving 0 dB after the meters run) still lands before the keepers after it.
   */
  place: () => KeptSynthPlace;
}

export class KeptSynthSet {
  /** `keepers` in the order their synths run: the volume first, the others hear what it lets through. */
  constructor(private readonly keepers: readonly KeptSynths[], private readonly logger: Logger) {
    keepers.forEach((keeper, index) => (keeper.place = () => this.placeBefore(index + 1)));
  }

  /** Before the first synth of the keepers from `index` on; at the root's tail when none has one. */
  private placeBefore(index: number): KeptSynthPlace {
    for (const later of this.keepers.slice(index)) {
      if (later.synthIds.length) return { addAction: AddAction.before, target: later.synthIds[0] };
    }
    return TAIL_OF_ROOT;
  }

  get synthIds(): number[] {
    return this.keepers.flatMap((keeper) => keeper.synthIds);
  }

  /** In order, each before the synths of the keepers after it, so the volume comes first. */
  async applyAll(): Promise<void> {
    for (const keeper of this.keepers) await keeper.apply();
  }

  forgetAll(): void {
    for (const keeper of this.keepers) keeper.forget();
  }

  runEnded(): void {
    for (const keeper of this.keepers) keeper.runEnded();
  }

  /** After everything is freed: each keeper's synths at the root's tail, in the keepers' order. */
  recreateMessages(): OscMessage[] {
    return this.keepers.flatMap((keeper) => keeper.recreateMessages());
  }

  /** Puts back the synth another client freed. */
  nodeEnded(nodeId: number): void {
    for (const keeper of this.keepers) {
      if (!keeper.nodeEnded(nodeId)) continue;
      void Promise.resolve()
        .then(() => keeper.apply())
        .catch((error: Error) => this.logger.warn(`Putting back ${keeper.what} failed: ${error.message}`));
    }
  }
}
