// Keeping the node model true: a resync (a fresh tree query) when the model notices a gap,
// and the def names of synths other clients made (notifications carry none). The only owner
// of resync state; ServerWiring gives it a small view of the server.
import type { Disposable, Logger } from '../events';
import { ServerFailError } from '../osc/oscConnection';
import type { ServerStatus } from '../scsynth/serverStatus';
import { GroupNode, walkTree } from './nodeTree';
import type { NodeWatcher } from './nodeWatcher';

/** A group that overflowed a reply is named from the printed tree at most this often. */
const DEF_NAME_DUMP_INTERVAL_MS = 2000;
/** A gap is resynchronised once the burst that caused it has settled this long. */
const RESYNC_DELAY_MS = 100;
/** Def names are looked up this long after the first synth without one. */
const DEF_NAME_DELAY_MS = 50;

/** What node syncing needs of the server. */
export interface NodeSyncServerAccess {
  /** Whether messages can reach a running server now. */
  readonly canSend: boolean;
  readonly logger: Logger;
  /** The whole tree, however large (see SCServer.queryAllNodes). */
  queryAllNodes(includeControls: boolean): Promise<GroupNode>;
  /** One group's direct children; rejects with scsynth's "buffer overflow" when too large. */
  queryGroup(groupId: number): Promise<GroupNode>;
  /** The tree scsynth prints; undefined where it cannot (a server this program did not start). */
  printedTree(): Promise<GroupNode> | undefined;
}

export class NodeSync implements Disposable {
  private resyncTimer: NodeJS.Timeout | undefined;
  private resyncing: Promise<void> | undefined;
  private defNameTimer: NodeJS.Timeout | undefined;
  private readonly groupsMissingDefNames = new Set<number>();
  private lastDefNameDump = -Infinity;
  /** Groups whose /g_queryTree reply overflowed, with how many children they had then. */
  private readonly oversizedGroups = new Map<number, number>();
  private readonly subscriptions: Disposable[] = [];

  constructor(private readonly watcher: NodeWatcher, private readonly server: NodeSyncServerAccess) {
    this.subscriptions.push(watcher.onGap((reason) => this.scheduleResync(reason)));
    this.subscriptions.push(watcher.onDidChange((change) => {
      if (change.kind === 'added' && !change.node.isGroup && change.node.defName === undefined) this.scheduleDefNameLookup(change.node.parentId);
    }));
  }

  /** A polled status: the model is checked against its counts (not while a resync runs). */
  statusArrived(status: ServerStatus): void {
    if (!this.resyncing) this.watcher.checkAgainstStatus(status.numSynths, status.numGroups);
  }

  /** Replaces the node model with a fresh tree query. */
  resync(): Promise<void> {
    if (this.resyncing) return this.resyncing;
    this.watcher.beginResync();
    this.resyncing = (async () => {
      let tree: GroupNode | undefined;
      try {
        tree = await this.server.queryAllNodes(false);
      } catch (error) {
        this.server.logger.warn(`Could not query the node tree: ${(error as Error).message}`);
      } finally {
        this.watcher.finishResync(tree);
        this.resyncing = undefined;
      }
    })();
    return this.resyncing;
  }

  /** A new run: nothing pending. */
  reset(): void {
    clearTimeout(this.resyncTimer);
    clearTimeout(this.defNameTimer);
    this.resyncTimer = undefined;
    this.defNameTimer = undefined;
    this.groupsMissingDefNames.clear();
    this.oversizedGroups.clear();
  }

  dispose(): void {
    this.reset();
    for (const subscription of this.subscriptions.splice(0)) subscription.dispose();
  }

  private scheduleResync(reason: string): void {
    this.server.logger.debug(`Node model out of step (${reason}); resynchronising.`);
    if (this.resyncTimer || !this.server.canSend) return;
    // Wait for the burst that caused the gap to settle, then query once.
    this.resyncTimer = setTimeout(() => {
      this.resyncTimer = undefined;
      void this.resync();
    }, RESYNC_DELAY_MS);
    this.resyncTimer.unref();
  }

  private scheduleDefNameLookup(groupId: number, delayMs = DEF_NAME_DELAY_MS): void {
    this.groupsMissingDefNames.add(groupId);
    if (this.defNameTimer || !this.server.canSend) return;
    this.defNameTimer = setTimeout(() => {
      this.defNameTimer = undefined;
      void this.lookUpDefNames();
    }, delayMs);
    this.defNameTimer.unref();
  }

  /** Fills in def names of synths other clients created, from a query of their group. */
  private async lookUpDefNames(): Promise<void> {
    const groups = [...this.groupsMissingDefNames];
    this.groupsMissingDefNames.clear();
    for (const groupId of groups) {
      if (!this.server.canSend) return;
      // A group that overflowed a reply is not queried again while it is about as large.
      const overflowedAt = this.oversizedGroups.get(groupId);
      if (overflowedAt !== undefined && this.watcher.children(groupId).length >= overflowedAt * 0.9) {
        await this.lookUpDefNamesInPrintedTree(groupId);
        continue;
      }
      try {
        const tree = await this.server.queryGroup(groupId);
        this.oversizedGroups.delete(groupId);
        for (const child of tree.children) if (child.kind === 'synth') this.watcher.setDefName(child.nodeId, child.defName);
      } catch (error) {
        if (isOverflow(error)) {
          this.oversizedGroups.set(groupId, this.watcher.children(groupId).length);
          await this.lookUpDefNamesInPrintedTree(groupId);
        } else {
          this.server.logger.debug(`Def names of group ${groupId} unknown: ${(error as Error).message}`);
        }
      }
    }
  }

  /**
   * A group too large for one /g_queryTree reply (about 3,000 synths): the def names come from
   * the tree scsynth prints (a server this program started), at most once every 2 s, so a
   * large pattern does not fill the log with "buffer overflow" ten times a second.
   */
  private async lookUpDefNamesInPrintedTree(groupId: number): Promise<void> {
    const sinceLast = performance.now() - this.lastDefNameDump;
    if (sinceLast < DEF_NAME_DUMP_INTERVAL_MS) {
      // Too soon after the last printout: the group waits for the next one (it is not dropped,
      // or the synths made last in a burst would stay unnamed).
      this.scheduleDefNameLookup(groupId, DEF_NAME_DUMP_INTERVAL_MS - sinceLast);
      return;
    }
    const printing = this.server.printedTree();
    if (!printing) return;
    this.lastDefNameDump = performance.now();
    try {
      for (const { node } of walkTree(await printing)) if (node.kind === 'synth') this.watcher.setDefName(node.nodeId, node.defName);
    } catch (error) {
      this.server.logger.debug(`Def names from the printed tree unknown: ${(error as Error).message}`);
    }
  }
}

/** scsynth's answer when a reply would not fit one datagram. */
export function isOverflow(error: unknown): boolean {
  return error instanceof ServerFailError && /overflow/i.test(error.serverMessage);
}
