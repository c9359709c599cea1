// The synths this client keeps on the server for itself (the volume, the meters, the scope's
// tap, the recording): Free All and Hush leave them running (freeAll.ts frees everything else);
// on a new run, and when another client frees one (sclang's Cmd-.), each is put back. Each
// keeper declares itself once (KeptSynths: its reply address, its Node Tree row, how it goes
// back); KeptSynthSet is the one registry that routes replies, puts back, shows and disposes.
import { Disposable, Logger, nodeTimeouts, Timeouts } from '../events';
import type { DecodedMessage, OscMessage } from '../osc/oscCodec';
import { AddAction } from '../scsynth/scsynthCommands';

/** Where a keeper adds its synths: before the first synth of a keeper after it, else at the root's tail. */
export interface KeptSynthPlace {
  addAction: AddAction;
  target: number;
}

export const TAIL_OF_ROOT: KeptSynthPlace = { addAction: AddAction.tail, target: 0 };

/** How the Node Tree shows a kept synth: the extension's own, with no Free or Pause. */
export interface KeptSynthRow {
  label: string;
  description: string;
  /** A codicon id ("pulse"). */
  icon: string;
  /** What the synth is for, one sentence without its full stop. */
  tooltip: string;
}

/** The Node Tree's contextValue of a kept synth's row: no Free or Pause menu matches it. */
export const KEPT_SYNTH_TREE_CONTEXT = 'keptSynth';

/** A take or anything else a keeper carries over a reboot to the next run. */
export interface KeptAcrossReboot {
  /** The new run is up: go on. */
  resume(): Promise<unknown>;
  /** The reboot failed: end what was carried. */
  abandon(): void;
}

export interface KeptSynths extends Disposable {
  /** A name for log lines ("the volume"). */
  readonly what: string;
  readonly synthIds: readonly number[];
  /** The address its synths send replies to (SendReply), and what takes them: subscribed for each run. */
  readonly reply?: { readonly address: string; handle(args: DecodedMessage['args']): void };
  /** How the Node Tree shows one of its synths. */
  treeRow(nodeId: number): KeptSynthRow;
  /** Before a quit, while the server still runs (the recording has scsynth close its file). */
  beforeQuit?(): Promise<unknown>;
  /** Before a reboot of a server this program started: what goes on in the next run (a take). */
  holdForReboot?(): Promise<KeptAcrossReboot | undefined>;
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

export class KeptSynthSet implements Disposable {
  private readonly ended = new Set<KeptSynths>();
  private putBackTimer: unknown;

  /** `keepers` in the order their synths run: the volume first, the others hear what it lets through. */
  constructor(readonly keepers: readonly KeptSynths[], private readonly logger: Logger, private readonly timers: Timeouts = nodeTimeouts) {
    keepers.forEach((keeper, index) => (keeper.place = () => this.placeBefore(index + 1)));
  }

  /** Routes each keeper's replies for one run (the caller disposes them when the run ends). */
  subscribeReplies(connection: { onMessage(address: string, listener: (message: DecodedMessage) => void): Disposable }): Disposable[] {
    return this.keepers.flatMap((keeper) => (keeper.reply ? [connection.onMessage(keeper.reply.address, (message) => keeper.reply?.handle(message.args))] : []));
  }

  /** The Node Tree's row for a kept synth; undefined for any other node. */
  treeRow(nodeId: number): KeptSynthRow | undefined {
    return this.keepers.find((keeper) => keeper.synthIds.includes(nodeId))?.treeRow(nodeId);
  }

  /** Before a quit: each keeper's last words while the server still runs; a failure is logged, the quit goes on. */
  async beforeQuit(): Promise<void> {
    for (const keeper of this.keepers) {
      await keeper.beforeQuit?.().catch((error: Error) => this.logger.warn(`Before the quit, ${keeper.what} failed: ${error.message}`));
    }
  }

  /** Reboots with `reboot`, each keeper carrying over what it holds (a take goes on in a next file). */
  async acrossReboot(reboot: () => Promise<void>): Promise<void> {
    const held: KeptAcrossReboot[] = [];
    for (const keeper of this.keepers) {
      const carried = await keeper.holdForReboot?.();
      if (carried) held.push(carried);
    }
    try {
      await reboot();
    } catch (error) {
      for (const carried of held) carried.abandon();
      throw error;
    }
    for (const carried of held) await carried.resume();
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
    this.cancelPutBack();
    for (const keeper of this.keepers) keeper.runEnded();
  }

  /** After everything is freed: each keeper's synths at the root's tail, in the keepers' order. */
  recreateMessages(): OscMessage[] {
    return this.keepers.flatMap((keeper) => keeper.recreateMessages());
  }

  /**
   * Puts back the synth another client freed. The last keeper (the recording) goes back at once:
   * its place is the root's tail whatever else went. The others wait a moment for the rest of
   * the same free (sclang's Cmd-. frees them all, one /n_end after another): placed before a
   * later keeper's synth whose /n_end had not arrived yet, the volume would be refused
   * ("Node not found") and stay away.
   */
  nodeEnded(nodeId: number): void {
    this.keepers.forEach((keeper, index) => {
      if (!keeper.nodeEnded(nodeId)) return;
      if (index === this.keepers.length - 1) this.putBack([keeper]);
      else {
        this.ended.add(keeper);
        this.putBackTimer ??= this.timers.setTimeout(() => {
          this.putBackTimer = undefined;
          const ended = this.keepers.filter((candidate) => this.ended.has(candidate));
          this.ended.clear();
          this.putBack(ended);
        }, PUT_BACK_DELAY_MS);
      }
    });
  }

  /** The run ended, or the set is done: nothing waits to be put back. */
  cancelPutBack(): void {
    if (this.putBackTimer !== undefined) this.timers.clearTimeout(this.putBackTimer);
    this.putBackTimer = undefined;
    this.ended.clear();
  }

  dispose(): void {
    this.cancelPutBack();
    for (const keeper of this.keepers) keeper.dispose();
  }

  /** In the keepers' order, each after the one before has placed its synths. */
  private putBack(keepers: readonly KeptSynths[]): void {
    void keepers
      .reduce<Promise<void>>((previous, keeper) => previous.then(() => keeper.apply()).catch((error: Error) => this.logger.warn(`Putting back ${keeper.what} failed: ${error.message}`)), Promise.resolve());
  }
}

/** How long the keepers before the last wait for the rest of another client's free. */
const PUT_BACK_DELAY_MS = 10;

