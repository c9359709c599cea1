// Turns the node model's changes into view updates a tree view can keep up with: the groups
// whose children changed and the nodes whose own row changed, at most once per interval.
import { Disposable, nodeTimeouts, Timeouts } from '../events';
import type { LiveNode, NodeChange, NodeWatcher } from './nodeWatcher';

export interface NodeTreeUpdate {
  /** Everything may have changed (a resync, or too many groups): refresh the whole tree. */
  full: boolean;
  /** Groups whose children changed, and synths or groups whose own row changed (paused, renamed). */
  elements: LiveNode[];
  /** When the oldest change in this update arrived (performance.now()). */
  since: number;
}

/**
 * VS Code's tree view debounces onDidChangeTreeData by 200 ms (leading edge, then a trailing
 * fire once 200 ms pass without events): events closer together than that postpone the view's
 * refresh for as long as they keep coming, which froze the tree while a pattern played.
 * Updates here are spaced just past that window, so each one is rendered at once.
 */
export const VIEW_DEBOUNCE_MS = 200;
export const UPDATE_INTERVAL_MS = VIEW_DEBOUNCE_MS + 20;
/** Past this many changed elements, one full refresh is cheaper than many partial ones. */
const FULL_UPDATE_AFTER = 100;

/**
 * A throttle with a leading and a trailing edge: the first change after a quiet interval is
 * sent at once (next tick, so a bundle's notifications go together), later ones are gathered
 * and sent when the interval since the last update has passed.
 */
export class NodeChangeBatcher implements Disposable {
  private readonly dirty = new Set<LiveNode>();
  private full = false;
  private since = 0;
  private lastUpdate = -Infinity;
  private timer: unknown;
  private readonly subscription: Disposable;

  constructor(
    private readonly watcher: Pick<NodeWatcher, 'onDidChange' | 'get'>,
    private readonly onUpdate: (update: NodeTreeUpdate) => void,
    private readonly intervalMs = UPDATE_INTERVAL_MS,
    private readonly now: () => number = () => performance.now(),
    private readonly timers: Timeouts = nodeTimeouts,
  ) {
    this.subscription = watcher.onDidChange((change) => this.add(change));
  }

  /** Records one change of the model. */
  add(change: NodeChange): void {
    this.begin();
    if (change.kind === 'reset') {
      this.full = true;
      this.dirty.clear();
    } else if (!this.full) {
      if (change.kind === 'updated') this.mark(change.node);
      else this.markGroup(change.node.parentId);
      // A group that just got its first child is re-rendered from its parent: VS Code keeps
      // the row of a group first shown empty without children otherwise.
      if (change.kind !== 'removed') {
        const group = this.watcher.get(change.node.parentId);
        if (group && group.headId === change.node.nodeId && group.tailId === change.node.nodeId) this.markGroup(group.parentId);
      }
      if (change.kind === 'moved') this.markGroup(change.oldParentId);
      if (this.dirty.size > FULL_UPDATE_AFTER) {
        this.full = true;
        this.dirty.clear();
      }
    }
    this.schedule();
  }

  /** Marks a node's own row as changed (its controls, say), sent with the next update. */
  touch(node: LiveNode): void {
    this.begin();
    this.mark(node);
    this.schedule();
  }

  /** The first change since the last update starts the clock of this one. */
  private begin(): void {
    if (this.timer === undefined) this.since = this.now();
  }

  /** At once after a quiet interval, else when the interval since the last update has passed. */
  private schedule(): void {
    this.timer ??= this.timers.setTimeout(() => this.flush(), Math.max(0, this.lastUpdate + this.intervalMs - this.now()));
  }

  /** Sends what has gathered now (also used when the view must show it at once). */
  flush(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.full && this.dirty.size === 0) return;
    // Elements that left the model went with their parent, which is refreshed too.
    const elements = this.full ? [] : [...this.dirty].filter((node) => this.watcher.get(node.nodeId) === node);
    const update: NodeTreeUpdate = { full: this.full, elements, since: this.since };
    this.full = false;
    this.dirty.clear();
    this.lastUpdate = this.now();
    if (update.full || elements.length) this.onUpdate(update);
  }

  dispose(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.subscription.dispose();
  }

  private markGroup(groupId: number): void {
    // The root group is the tree itself.
    if (groupId === 0) {
      this.full = true;
      this.dirty.clear();
      return;
    }
    const group = this.watcher.get(groupId);
    if (group) this.mark(group);
  }

  private mark(node: LiveNode): void {
    if (!this.full) this.dirty.add(node);
  }
}

/**
 * One tree view's change events, whichever server they come from, spaced past VS Code's
 * debounce and merged (an element list, or everything). Each server's NodeChangeBatcher spaces
 * its own updates, but with several servers playing their updates interleave: closer together
 * than the debounce, they would postpone the view's refresh for as long as patterns play.
 */
export class TreeChangeSpacer<T> implements Disposable {
  private pending: Set<T> | 'all' | undefined;
  private since = 0;
  private lastFire = -Infinity;
  private timer: unknown;

  /** `emit(elements, since)`: undefined elements is everything; `since` when the oldest change came. */
  constructor(
    private readonly emit: (elements: T[] | undefined, since: number) => void,
    private readonly intervalMs = UPDATE_INTERVAL_MS,
    private readonly now: () => number = () => performance.now(),
    private readonly timers: Timeouts = nodeTimeouts,
  ) {}

  /** These elements changed (undefined: everything), since `since` (now when not told). */
  fire(elements?: readonly T[], since = this.now()): void {
    if (this.pending === undefined) this.since = since;
    else this.since = Math.min(this.since, since);
    if (elements === undefined) this.pending = 'all';
    else if (this.pending !== 'all') {
      this.pending ??= new Set();
      for (const element of elements) this.pending.add(element);
    }
    if (this.timer !== undefined) return;
    const wait = this.lastFire + this.intervalMs - this.now();
    if (wait <= 0) this.flush();
    else this.timer = this.timers.setTimeout(() => this.flush(), wait);
  }

  /** Sends what has gathered now. */
  flush(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    const pending = this.pending;
    this.pending = undefined;
    if (pending === undefined) return;
    this.lastFire = this.now();
    this.emit(pending === 'all' ? undefined : [...pending], this.since);
  }

  dispose(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
  }
}
