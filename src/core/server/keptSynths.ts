// The synths this client keeps on the server for itself (the volume, the meters, the scope's
// tap, the recording): Free All and Hush leave them running (SCServer frees everything else);
// on a new run, and when another client frees one (sclang's Cmd-.), each is put back. One place
// says how; each keeper says what.
import type { Logger } from '../events';
import type { OscMessage } from '../osc/oscCodec';

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
}

export class KeptSynthSet {
  constructor(private readonly keepers: readonly KeptSynths[], private readonly logger: Logger) {}

  get synthIds(): number[] {
    return this.keepers.flatMap((keeper) => keeper.synthIds);
  }

  /** In order: each is added at the tail of the root group, so the volume comes first. */
  async applyAll(): Promise<void> {
    for (const keeper of this.keepers) await keeper.apply();
  }

  forgetAll(): void {
    for (const keeper of this.keepers) keeper.forget();
  }

  runEnded(): void {
    for (const keeper of this.keepers) keeper.runEnded();
  }

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
