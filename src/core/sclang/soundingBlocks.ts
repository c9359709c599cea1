// Which evaluated blocks still sound: the synths a block's evaluation made (the server's /n_go and
// /n_end, for nodes of another client than the editor's own) and the player the evaluation
// returned while it plays (sclang's player state). A synth is tied to a block by its node id:
// sclang tells, in the first state read after an evaluation, which node ids it allocated
// meanwhile; until that read comes (a few ms), a synth that starts while the block is evaluated
// or just after counts to it for the time being, so the mark is drawn at once. Pure bookkeeping:
// the editor draws the marks, the server and sclang feed it.
import { Emitter, Event } from '../events';

/**
 * How long after an evaluation ends a new synth of sclang's may still count to it by time alone
 * (its /n_go may arrive after sclang answered), until (or without) its node ids.
 */
export const ATTRIBUTION_GRACE_MS = 400;
/** How long a block that allocated node ids waits for the /n_go of those not seen yet (a SynthDef still loading). */
export const LATE_SYNTH_MS = 3000;
/** Told node ids are looked up one by one up to this many a block (an evaluation that made more is scanned). */
const RANGE_INDEX_MAX = 256;

export interface NodeRange {
  /** The first node id allocated. */
  from: number;
  /** One past the last. */
  to: number;
}

export interface SoundingBlock<L> {
  /** This evaluation's own key (not sclang's id). */
  key: number;
  location: L;
  /** Synths alive that it made. */
  synths: Set<number>;
  /** sclang's id of the evaluation, once it answered. */
  evaluationId?: number;
  /** The node ids it allocated, once sclang told. */
  nodes?: NodeRange;
  /** The player it returned, while it plays (`an EventStreamPlayer`, `Pdef('mel')`). */
  player?: string;
  /** sclang's state has been read since the evaluation answered (or it answered with no id). */
  judged?: boolean;
}

export function soundingCount(block: SoundingBlock<unknown>): number {
  return block.synths.size + (block.player ? 1 : 0);
}

interface BlockBook {
  endedAt?: number;
  /** State reads since it ended (a read without its node ids: sclang could not tell them). */
  reads: number;
  /** Node ids of its range seen starting. */
  seen: number;
}

const inRange = (range: NodeRange, id: number) => id >= range.from && id < range.to;

export class SoundingBlocks<L> {
  private readonly blocks = new Map<number, SoundingBlock<L>>();
  private readonly books = new Map<number, BlockBook>();
  /** Lookups at 1,000 notifications a second: each counted synth's block, each told node id's block (ranges up to RANGE_INDEX_MAX ids), the blocks waiting for their ids. */
  private readonly owner = new Map<number, SoundingBlock<L>>();
  private readonly rangeOwner = new Map<number, SoundingBlock<L>>();
  private readonly wideRanges = new Set<SoundingBlock<L>>();
  private readonly awaiting = new Set<number>();
  private nextKey = 1;
  /** The evaluation running now (sclang runs one at a time), then the last one during its grace. */
  private open: { key: number; endedAt?: number } | undefined;
  /** sclang's synths no block claimed while some block waits for its node ids (they may be its). */
  private unclaimed = new Map<number, number>();
  /** Node ids of stopped blocks, for a while: a synth of theirs that starts late is stopped too. */
  private stopped: Array<NodeRange & { until: number }> = [];
  /** Stopped blocks whose node ids sclang has not told yet. */
  private stoppedUntold = new Map<number, number>();
  private readonly onDidChangeEmitter = new Emitter<void>();
  readonly onDidChange: Event<void> = this.onDidChangeEmitter.event;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** An evaluation starts at this place. */
  begin(location: L): number {
    const previous = this.open?.key;
    const key = this.nextKey++;
    this.blocks.set(key, { key, location, synths: new Set() });
    this.books.set(key, { reads: 0, seen: 0 });
    this.open = { key };
    if (previous !== undefined) this.dropIfSilent(previous);
    return key;
  }

  /** It ended (sclang answered, with its id when it did). */
  end(key: number, evaluationId?: number): void {
    const block = this.blocks.get(key);
    const book = this.books.get(key);
    if (block && book) {
      block.evaluationId = evaluationId;
      block.judged = evaluationId === undefined;
      book.endedAt = this.now();
      if (evaluationId !== undefined) this.awaiting.add(key);
    }
    if (this.open?.key === key) this.open.endedAt = this.now();
    this.dropIfSilent(key);
  }

  /**
   * A synth of sclang's started on the server: it counts to the block that allocated its id, or
   * (until that is known) to the evaluation running or just ended. True when it belongs to a
   * block whose Stop was clicked: the caller frees it.
   */
  synthStarted(nodeId: number): boolean {
    const now = this.now();
    if (this.stopped.length) {
      this.stopped = this.stopped.filter((range) => range.until > now);
      if (this.stopped.some((range) => inRange(range, nodeId))) return true;
    }
    let told = this.rangeOwner.get(nodeId);
    if (!told) for (const block of this.wideRanges) if (inRange(block.nodes!, nodeId)) told = block;
    if (told) {
      this.count(told, nodeId);
      return false;
    }
    const open = this.open;
    if (open && open.endedAt !== undefined && now - open.endedAt > ATTRIBUTION_GRACE_MS) {
      this.open = undefined;
      this.dropIfSilent(open.key);
    }
    const openBlock = this.open && this.blocks.get(this.open.key);
    if (openBlock && !openBlock.nodes) {
      // For the time being: the node ids, when told, confirm it or give it back.
      this.count(openBlock, nodeId);
      return false;
    }
    if (this.awaitingNodes()) {
      this.unclaimed.set(nodeId, now);
      // Oldest first: those older than a late synth's wait can be no block's any more.
      if (this.unclaimed.size > 256) {
        for (const [id, at] of this.unclaimed) {
          if (now - at < LATE_SYNTH_MS) break;
          this.unclaimed.delete(id);
        }
      }
    }
    return false;
  }

  synthEnded(nodeId: number): void {
    this.unclaimed.delete(nodeId);
    const block = this.owner.get(nodeId);
    if (!block) return;
    this.owner.delete(nodeId);
    block.synths.delete(nodeId);
    this.dropIfSilent(block.key);
    this.onDidChangeEmitter.fire();
  }

  /** The server's tree was read afresh or the server is gone: only these synths still live. */
  synthsAlive(isAlive: (nodeId: number) => boolean): void {
    let changed = false;
    for (const id of [...this.unclaimed.keys()]) if (!isAlive(id)) this.unclaimed.delete(id);
    for (const block of [...this.blocks.values()]) {
      for (const id of block.synths) {
        if (!isAlive(id)) {
          block.synths.delete(id);
          this.owner.delete(id);
          changed = true;
        }
      }
      this.dropIfSilent(block.key);
    }
    if (changed) this.onDidChangeEmitter.fire();
  }

  /**
   * A read of sclang's state: the players evaluations returned that still play, and the node ids
   * of the evaluations since the last read. Answers the synths to free now (late synths of a
   * block whose Stop was clicked before its node ids were told).
   */
  stateRead(players: ReadonlyArray<{ evaluationId: number; what: string }>, nodes: ReadonlyArray<{ evaluationId: number } & NodeRange> = []): number[] {
    const playing = new Map(players.map((p) => [p.evaluationId, p.what]));
    const told = new Map(nodes.map((n) => [n.evaluationId, { from: n.from, to: n.to }]));
    const toFree: number[] = [];
    const now = this.now();
    let changed = false;
    for (const [evaluationId, until] of this.stoppedUntold) {
      const range = told.get(evaluationId);
      if (range) {
        this.stopped.push({ ...range, until: now + LATE_SYNTH_MS });
        for (const id of this.unclaimed.keys()) if (inRange(range, id)) toFree.push(id);
      }
      if (range || until < now) this.stoppedUntold.delete(evaluationId);
    }
    for (const block of [...this.blocks.values()]) {
      const book = this.books.get(block.key)!;
      if (block.evaluationId === undefined) continue;
      book.reads++;
      const range = told.get(block.evaluationId);
      if (range && !block.nodes) {
        this.tell(block, range);
        // Synths counted for the time being that it did not make go back; its own come.
        for (const id of [...block.synths]) {
          if (!inRange(range, id)) {
            block.synths.delete(id);
            this.owner.delete(id);
            changed = true;
          } else book.seen++;
        }
        for (const id of [...this.unclaimed.keys()]) {
          if (inRange(range, id)) {
            this.unclaimed.delete(id);
            block.synths.add(id);
            this.owner.set(id, block);
            book.seen++;
            changed = true;
          }
        }
      }
      // Judged once its node ids came, or a second read did not bring them (sclang could not tell).
      block.judged = !!block.nodes || book.reads >= 2;
      if (block.judged) this.awaiting.delete(block.key);
      const what = playing.get(block.evaluationId);
      if (what !== block.player) {
        block.player = what;
        changed = true;
      }
      this.dropIfSilent(block.key);
    }
    if (!this.awaitingNodes()) this.unclaimed.clear();
    if (changed) this.onDidChangeEmitter.fire();
    return toFree;
  }

  /** sclang stopped: no player of its plays, and no node ids will be told. */
  sclangGone(): void {
    let changed = false;
    this.awaiting.clear();
    for (const block of [...this.blocks.values()]) {
      block.judged = true;
      if (block.player) {
        block.player = undefined;
        changed = true;
      }
      this.dropIfSilent(block.key);
    }
    this.unclaimed.clear();
    if (changed) this.onDidChangeEmitter.fire();
  }

  /** The blocks that sound now (synths alive or a player playing). */
  sounding(): Array<SoundingBlock<L>> {
    return [...this.blocks.values()].filter((block) => soundingCount(block) > 0);
  }

  /** Blocks kept (sounding, or waiting to learn whether they do). */
  get size(): number {
    return this.blocks.size;
  }

  get(key: number): SoundingBlock<L> | undefined {
    return this.blocks.get(key);
  }

  /** Forgets a block (its Stop was clicked): what it held, to stop. Synths of its that start later are answered by synthStarted as to free. */
  take(key: number): { synths: number[]; evaluationId?: number } | undefined {
    const block = this.blocks.get(key);
    if (!block) return undefined;
    const now = this.now();
    if (block.nodes) this.stopped.push({ ...block.nodes, until: now + LATE_SYNTH_MS });
    else if (block.evaluationId !== undefined) this.stoppedUntold.set(block.evaluationId, now + LATE_SYNTH_MS);
    this.forget(key);
    this.onDidChangeEmitter.fire();
    return { synths: [...block.synths], evaluationId: block.player ? block.evaluationId : undefined };
  }

  clear(): void {
    this.blocks.clear();
    this.books.clear();
    this.owner.clear();
    this.rangeOwner.clear();
    this.wideRanges.clear();
    this.awaiting.clear();
    this.unclaimed.clear();
    this.open = undefined;
    this.onDidChangeEmitter.fire();
  }

  private count(block: SoundingBlock<L>, nodeId: number): void {
    block.synths.add(nodeId);
    this.owner.set(nodeId, block);
    if (block.nodes) this.books.get(block.key)!.seen++;
    this.onDidChangeEmitter.fire();
  }

  /** Some ended block (or a stopped one) waits for its node ids. */
  private awaitingNodes(): boolean {
    return this.stoppedUntold.size > 0 || this.awaiting.size > 0;
  }

  /** sclang told the block's node ids. */
  private tell(block: SoundingBlock<L>, range: NodeRange): void {
    block.nodes = range;
    if (range.to - range.from > RANGE_INDEX_MAX) this.wideRanges.add(block);
    else for (let id = range.from; id < range.to; id++) this.rangeOwner.set(id, block);
  }

  private forget(key: number): void {
    const block = this.blocks.get(key);
    if (block) {
      for (const id of block.synths) if (this.owner.get(id) === block) this.owner.delete(id);
      if (block.nodes) {
        this.wideRanges.delete(block);
        if (block.nodes.to - block.nodes.from <= RANGE_INDEX_MAX) for (let id = block.nodes.from; id < block.nodes.to; id++) if (this.rangeOwner.get(id) === block) this.rangeOwner.delete(id);
      }
    }
    this.blocks.delete(key);
    this.books.delete(key);
    this.awaiting.delete(key);
    if (this.open?.key === key) this.open = undefined;
  }

  /**
   * A block that no longer sounds is forgotten once sclang's state has said whether its player
   * plays and synths can no longer come to it: by time (its grace) or, with its node ids known,
   * once each has started (or a while has passed).
   */
  private dropIfSilent(key: number): void {
    const block = this.blocks.get(key);
    const book = this.books.get(key);
    if (!block || !book || soundingCount(block) > 0 || !block.judged) return;
    const now = this.now();
    if (block.nodes) {
      if (book.seen < block.nodes.to - block.nodes.from && book.endedAt !== undefined && now - book.endedAt < LATE_SYNTH_MS) return;
    } else if (this.open?.key === key && (this.open.endedAt === undefined || now - this.open.endedAt <= ATTRIBUTION_GRACE_MS)) {
      return;
    }
    this.forget(key);
  }

  dispose(): void {
    this.onDidChangeEmitter.dispose();
  }
}

/** One mark: a line of a file, what sounds from the blocks evaluated there. */
export interface SoundingMark<L> {
  line: number;
  count: number;
  blocks: Array<SoundingBlock<L>>;
}

/** The marks to draw, by file: blocks evaluated at the same line share one mark. */
export function marksByFile<L extends { uri: string; line: number }>(blocks: ReadonlyArray<SoundingBlock<L>>): Map<string, Array<SoundingMark<L>>> {
  const byFile = new Map<string, Map<number, SoundingMark<L>>>();
  for (const block of blocks) {
    const { uri, line } = block.location;
    let lines = byFile.get(uri);
    if (!lines) byFile.set(uri, (lines = new Map<number, SoundingMark<L>>()));
    let mark = lines.get(line);
    if (!mark) lines.set(line, (mark = { line, count: 0, blocks: [] }));
    mark.count += soundingCount(block);
    mark.blocks.push(block);
  }
  return new Map([...byFile].map(([uri, lines]) => [uri, [...lines.values()]]));
}
