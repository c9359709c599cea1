// sc3nb's NodeWatcher: a live model of the server's node tree, kept from node notifications.
import { Emitter, Event } from '../events';
import type { OscValue } from '../osc/oscCodec';
import { GroupNode, TreeNode } from './nodeTree';
import { isParallelGroupNotice } from './parallelGroups';

export interface LiveNode {
  nodeId: number;
  isGroup: boolean;
  parentId: number;
  prevId: number;
  nextId: number;
  /** First and last child, groups only (-1 when empty). */
  headId: number;
  tailId: number;
  running: boolean;
  /**
   * False for a node first learnt from a tree query during a resync: scsynth's replies do not
   * say whether a node is paused, and no /n_off was seen for it (it may be paused).
   */
  runStateKnown?: false;
  /** Increases with each node the model learns of: larger is newer. */
  order: number;
  /** Known when the synth was created by this client or seen in a tree query. */
  defName?: string;
  /** A supernova parallel group (its notifications carry head and tail -2; parallelGroups.ts). */
  parallel?: true;
}

export type NodeChange =
  | { kind: 'added'; node: LiveNode }
  | { kind: 'removed'; node: LiveNode }
  | { kind: 'moved'; node: LiveNode; oldParentId: number }
  | { kind: 'updated'; node: LiveNode }
  | { kind: 'reset' };

export const NODE_NOTIFICATIONS = ['/n_go', '/n_end', '/n_on', '/n_off', '/n_move', '/n_info'] as const;
const ROOT_ID = 0;
const NONE = -1;

/**
 * Applies `/n_go /n_end /n_on /n_off /n_move /n_info` to a model of the tree. Each
 * notification carries parent, previous and next, which is enough to keep sibling order.
 * Anything that cannot be explained by the model (a node never seen, a duplicate n_go,
 * counts that disagree with /status) is a gap: it is reported on `onGap` so the owner can
 * resynchronise with a tree query.
 */
export class NodeWatcher {
  private nodes = new Map<number, LiveNode>();
  private synthCount = 0;
  private groupCount = 0;
  private readonly onDidChangeEmitter = new Emitter<NodeChange>();
  readonly onDidChange: Event<NodeChange> = this.onDidChangeEmitter.event;
  private readonly onGapEmitter = new Emitter<string>();
  /** Fired with a reason when the model no longer matches the server. */
  readonly onGap: Event<string> = this.onGapEmitter.event;
  /** Notifications applied since the model was created. */
  notificationsReceived = 0;
  gapsDetected = 0;
  private notificationsAtLastStatus = -1;
  private statusMismatches = 0;
  /** While a resync query is in flight, notifications are kept here and replayed after it. */
  private buffered: Array<[string, readonly OscValue[]]> | undefined;
  /** Def names of synths this client created, until their /n_go arrives. */
  private readonly expectedDefNames = new Map<number, string>();
  /** Nodes removed with their group, whose own /n_end may still come. */
  private readonly endedWithParent = new Set<number>();
  /**
   * Nodes learnt from a tree query whose /n_go may still come: scsynth answers a query at once
   * but sends the notifications of the same period after it, so the groups created in the
   * query's own packet (at boot) announce themselves after the model already has them.
   */
  private awaitingGo = new Set<number>();
  private nextOrder = 0;

  constructor() {
    this.clear();
  }

  get numSynths(): number {
    return this.synthCount;
  }

  get numGroups(): number {
    return this.groupCount;
  }

  get(nodeId: number): LiveNode | undefined {
    return this.nodes.get(nodeId);
  }

  /** Every node id in the model (root included). */
  nodeIds(): IterableIterator<number> {
    return this.nodes.keys();
  }

  has(nodeId: number): boolean {
    return this.nodes.has(nodeId);
  }

  /** Children of a group in server order. */
  children(groupId: number): LiveNode[] {
    const group = this.nodes.get(groupId);
    const result: LiveNode[] = [];
    if (!group?.isGroup) return result;
    const seen = new Set<number>();
    for (let id = group.headId; id !== NONE && !seen.has(id);) {
      seen.add(id);
      const node = this.nodes.get(id);
      if (!node) break;
      result.push(node);
      id = node.nextId;
    }
    return result;
  }

  /** The model as a tree (for logs and tests). */
  toTree(rootId = ROOT_ID): GroupNode {
    const build = (node: LiveNode): TreeNode =>
      node.isGroup
        ? { kind: 'group', nodeId: node.nodeId, children: this.children(node.nodeId).map(build), ...(node.parallel ? { parallel: true } : {}) }
        : { kind: 'synth', nodeId: node.nodeId, defName: node.defName ?? '?' };
    const root = this.nodes.get(rootId);
    return root ? (build(root) as GroupNode) : { kind: 'group', nodeId: rootId, children: [] };
  }

  /** Records the def name of a synth this client is about to create. */
  expectSynth(nodeId: number, defName: string): void {
    this.expectedDefNames.set(nodeId, defName);
    if (this.expectedDefNames.size > 100_000) {
      // Bound the memory if notifications are off: drop the oldest.
      const oldest = this.expectedDefNames.keys().next().value as number;
      this.expectedDefNames.delete(oldest);
    }
  }

  /** Sets the def name of a synth learnt from a query; fires `updated`. */
  setDefName(nodeId: number, defName: string): void {
    const node = this.nodes.get(nodeId);
    if (!node || node.isGroup || node.defName === defName) return;
    node.defName = defName;
    this.onDidChangeEmitter.fire({ kind: 'updated', node });
  }

  /** Empties the model to the root group alone. */
  clear(): void {
    this.nodes = new Map([[ROOT_ID, this.makeNode(ROOT_ID, true, NONE, NONE, NONE)]]);
    this.synthCount = 0;
    this.groupCount = 1;
    this.statusMismatches = 0;
  }

  /** Begins a resync: notifications are buffered until `finishResync`. */
  beginResync(): void {
    this.buffered ??= [];
  }

  /** Replaces the model with a queried tree, then replays notifications that came meanwhile. */
  finishResync(tree: GroupNode | undefined): void {
    const buffered = this.buffered ?? [];
    this.buffered = undefined;
    if (tree) this.reset(tree);
    for (const [address, args] of buffered) this.apply(address, args, true);
  }

  /**
   * Replaces the model with a queried tree and fires one `reset` change. A query does not tell
   * paused from running, so nodes the model knew keep their run state; nodes new to a model that
   * was live are marked as of unknown run state.
   */
  reset(tree: GroupNode): void {
    const previous = this.nodes;
    const wasLive = previous.size > 1;
    this.clear();
    this.awaitingGo = new Set();
    const root = this.nodes.get(ROOT_ID)!;
    const add = (node: TreeNode, parent: LiveNode): void => {
      const live = this.makeNode(node.nodeId, node.kind === 'group', parent.nodeId, parent.tailId, NONE);
      this.awaitingGo.add(node.nodeId);
      const known = previous.get(node.nodeId);
      if (known && known.isGroup === live.isGroup) {
        live.running = known.running;
        if (known.runStateKnown === false) live.runStateKnown = false;
      } else if (wasLive) {
        live.runStateKnown = false;
      }
      if (node.kind === 'synth') live.defName = node.defName;
      // A query does not mark parallel groups: keep what the notifications said.
      if (node.kind === 'group' && (node.parallel || (known?.isGroup && known.parallel))) live.parallel = true;
      this.link(live);
      if (node.kind === 'group') for (const child of node.children) add(child, live);
    };
    if (tree.nodeId === ROOT_ID) {
      for (const child of tree.children) add(child, root);
    } else {
      add(tree, root);
    }
    this.statusMismatches = 0;
    this.onDidChangeEmitter.fire({ kind: 'reset' });
  }

  /** sc3nb's handle_notification: applies one notification. */
  handleNotification(address: string, args: readonly OscValue[]): void {
    this.notificationsReceived++;
    if (this.buffered) {
      this.buffered.push([address, args]);
      return;
    }
    this.apply(address, args, false);
  }

  /**
   * Compares the model with counts from /status. Counts race with notifications in flight,
   * so only a disagreement seen twice in a row with no notification in between is a gap.
   */
  checkAgainstStatus(numSynths: number, numGroups: number): boolean {
    if (this.buffered) return true;
    const agrees = numSynths === this.synthCount && numGroups === this.groupCount;
    if (agrees) {
      this.statusMismatches = 0;
    } else if (this.notificationsAtLastStatus === this.notificationsReceived) {
      this.statusMismatches++;
      if (this.statusMismatches >= 2) {
        this.statusMismatches = 0;
        this.reportGap(`the model has ${this.synthCount} synths and ${this.groupCount} groups, scsynth reports ${numSynths} and ${numGroups}`);
      }
    } else {
      this.statusMismatches = 1;
    }
    this.notificationsAtLastStatus = this.notificationsReceived;
    return agrees;
  }

  dispose(): void {
    this.onDidChangeEmitter.dispose();
    this.onGapEmitter.dispose();
  }

  private apply(address: string, args: readonly OscValue[], replaying: boolean): void {
    const nodeId = args[0];
    if (typeof nodeId !== 'number') return;
    const [parentId, prevId, nextId, isGroupFlag] = args.slice(1, 5).map((v) => (typeof v === 'number' ? v : NONE));
    const isGroup = isGroupFlag === 1;
    const existing = this.nodes.get(nodeId);
    switch (address) {
      case '/n_go': {
        this.endedWithParent.delete(nodeId);
        if (existing && ((this.awaitingGo.delete(nodeId) && existing.parentId === parentId) || replaying)) {
          // The query already had it: it was created just now, so it runs (an /n_off, if any, follows).
          this.relink(existing, parentId, prevId, nextId);
          if (existing.runStateKnown === false) {
            delete existing.runStateKnown;
            existing.running = true;
          }
          return;
        }
        if (existing) {
          this.reportGap(`/n_go for node ${nodeId}, which the model already holds (an /n_end was missed)`);
          this.remove(existing);
        }
        if (!this.nodes.get(parentId)?.isGroup) {
          if (!replaying) this.reportGap(`/n_go for node ${nodeId} in group ${parentId}, which the model does not hold`);
          return;
        }
        const node = this.makeNode(nodeId, isGroup, parentId, prevId, nextId);
        if (isGroup && isParallelGroupNotice(args)) node.parallel = true;
        if (!isGroup) {
          node.defName = this.expectedDefNames.get(nodeId);
          this.expectedDefNames.delete(nodeId);
        }
        this.link(node);
        this.onDidChangeEmitter.fire({ kind: 'added', node });
        return;
      }
      case '/n_end': {
        this.expectedDefNames.delete(nodeId);
        this.awaitingGo.delete(nodeId);
        if (!existing) {
          // Children of a freed group may end after the group itself, which removed them.
          if (this.endedWithParent.delete(nodeId)) return;
          if (!replaying) this.reportGap(`/n_end for node ${nodeId}, which the model never saw`);
          return;
        }
        this.remove(existing);
        return;
      }
      case '/n_move':
      case '/n_info': {
        if (!existing) {
          if (!replaying && address === '/n_move') this.reportGap(`/n_move for node ${nodeId}, which the model never saw`);
          return;
        }
        if (existing.isGroup && !existing.parallel && isParallelGroupNotice(args)) {
          existing.parallel = true;
          this.onDidChangeEmitter.fire({ kind: 'updated', node: existing });
        }
        if (existing.parentId === parentId && existing.prevId === prevId && existing.nextId === nextId) return;
        const oldParentId = existing.parentId;
        if (!this.relink(existing, parentId, prevId, nextId)) return;
        this.onDidChangeEmitter.fire({ kind: 'moved', node: existing, oldParentId });
        return;
      }
      case '/n_on':
      case '/n_off': {
        if (!existing) {
          if (!replaying) this.reportGap(`${address} for node ${nodeId}, which the model never saw`);
          return;
        }
        const running = address === '/n_on';
        if (existing.running === running && existing.runStateKnown !== false) return;
        existing.running = running;
        delete existing.runStateKnown;
        this.onDidChangeEmitter.fire({ kind: 'updated', node: existing });
        return;
      }
      default:
        return; // other addresses are not node notifications
    }
  }

  private reportGap(reason: string): void {
    this.gapsDetected++;
    this.onGapEmitter.fire(reason);
  }

  private makeNode(nodeId: number, isGroup: boolean, parentId: number, prevId: number, nextId: number): LiveNode {
    return { nodeId, isGroup, parentId, prevId, nextId, headId: NONE, tailId: NONE, running: true, order: this.nextOrder++ };
  }

  /** Inserts a node between its prevId and nextId (as scsynth placed it) and counts it. */
  private link(node: LiveNode): void {
    const parent = this.nodes.get(node.parentId)!;
    // Trust prev when the model has it in this parent, else next; unknown neighbours put
    // the node at the head (prev -1) or the tail.
    const prev = node.prevId !== NONE ? this.nodes.get(node.prevId) : undefined;
    const next = node.nextId !== NONE ? this.nodes.get(node.nextId) : undefined;
    if (prev && prev.parentId === parent.nodeId) {
      node.nextId = prev.nextId;
    } else if (next && next.parentId === parent.nodeId) {
      node.prevId = next.prevId;
    } else if (node.prevId === NONE && node.nextId !== NONE) {
      node.nextId = parent.headId;
    } else {
      node.prevId = parent.tailId;
      node.nextId = NONE;
    }
    if (node.prevId !== NONE) this.nodes.get(node.prevId)!.nextId = node.nodeId;
    else parent.headId = node.nodeId;
    if (node.nextId !== NONE) this.nodes.get(node.nextId)!.prevId = node.nodeId;
    else parent.tailId = node.nodeId;
    this.nodes.set(node.nodeId, node);
    if (node.isGroup) this.groupCount++;
    else this.synthCount++;
  }

  private unlink(node: LiveNode): void {
    const parent = this.nodes.get(node.parentId);
    const prev = node.prevId !== NONE ? this.nodes.get(node.prevId) : undefined;
    const next = node.nextId !== NONE ? this.nodes.get(node.nextId) : undefined;
    if (prev) prev.nextId = node.nextId;
    else if (parent) parent.headId = next ? next.nodeId : NONE;
    if (next) next.prevId = node.prevId;
    else if (parent) parent.tailId = prev ? prev.nodeId : NONE;
    this.nodes.delete(node.nodeId);
    if (node.isGroup) this.groupCount--;
    else this.synthCount--;
  }

  private relink(node: LiveNode, parentId: number, prevId: number, nextId: number): boolean {
    if (!this.nodes.get(parentId)?.isGroup || this.isAncestorOrSelf(node.nodeId, parentId)) return false;
    const { headId, tailId } = node;
    this.unlink(node);
    node.parentId = parentId;
    node.prevId = prevId;
    node.nextId = nextId;
    this.link(node);
    node.headId = headId;
    node.tailId = tailId;
    return true;
  }

  private isAncestorOrSelf(ancestorId: number, nodeId: number): boolean {
    for (let id = nodeId; id !== NONE;) {
      if (id === ancestorId) return true;
      const node = this.nodes.get(id);
      if (!node) return false;
      id = node.parentId;
    }
    return false;
  }

  /** Removes a node and, for a group, everything in it (scsynth ends each child too). */
  private remove(node: LiveNode): void {
    if (node.isGroup) {
      for (const child of this.children(node.nodeId)) {
        if (this.endedWithParent.size > 100_000) this.endedWithParent.clear();
        this.endedWithParent.add(child.nodeId);
        this.remove(child);
      }
    }
    this.unlink(node);
    this.onDidChangeEmitter.fire({ kind: 'removed', node });
  }
}
