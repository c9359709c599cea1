// supernova's parallel groups (ParGroup, made with /p_new), as supernova 3.13 reports them:
// - /n_go, /n_end, /n_info... of a parallel group carry head and tail -2 (an empty ordinary
//   group has -1 and -1), and a node inside one has previous and next -2: it has no siblings
//   in order, since its group's children may run at once on different threads.
// - /g_queryTree.reply shows a parallel group exactly as a group (no mark), so the groups of a
//   queried tree are told apart by /n_query each (its /n_info carries the -2 head and tail).
// - /g_dumpTree prints "<id> parallel group".
// See docs/supernova.md.
import type { DecodedMessage, OscMessage, OscValue } from '../osc/oscCodec';
import * as cmd from '../scsynth/scsynthCommands';
import { GroupNode, TreeNode, walkTree } from './nodeTree';

/** The head, tail, previous or next id supernova reports where the order is the parallel group's own. */
export const PARALLEL_LINK = -2;

/** `/p_new id addAction target`: a parallel group (supernova only; scsynth answers /fail). */
export function parallelGroupNew(id: number, addAction: cmd.AddAction = cmd.AddAction.head, target = 0): OscMessage {
  return { address: '/p_new', args: [{ type: 'i', value: id }, { type: 'i', value: addAction }, { type: 'i', value: target }] };
}

/**
 * Whether a node notification (or /n_info) `nodeId parentId prevId nextId isGroup [headId tailId]`
 * is about a parallel group.
 */
export function isParallelGroupNotice(args: readonly OscValue[]): boolean {
  return args[4] === 1 && args[5] === PARALLEL_LINK && args[6] === PARALLEL_LINK;
}

/**
 * The ids of the parallel groups in a queried tree: `query` sends /n_query for a group and
 * resolves with its /n_info (a group that ended meanwhile is left out).
 */
export async function findParallelGroups(tree: GroupNode, query: (request: cmd.Request) => Promise<DecodedMessage>): Promise<Set<number>> {
  const groups: number[] = [];
  for (const { node } of walkTree(tree)) if (node.kind === 'group' && node.nodeId !== 0) groups.push(node.nodeId);
  const infos = await Promise.all(groups.map((id) => query(cmd.nodeQuery(id)).catch(() => undefined)));
  const parallel = new Set<number>();
  infos.forEach((info, index) => {
    if (info && isParallelGroupNotice(info.args)) parallel.add(groups[index]);
  });
  return parallel;
}

/** A copy of the tree with the given groups marked parallel. */
export function markParallelGroups(tree: GroupNode, parallelIds: ReadonlySet<number>): GroupNode {
  const mark = (node: TreeNode): TreeNode => {
    if (node.kind !== 'group') return node;
    const group: GroupNode = { kind: 'group', nodeId: node.nodeId, children: node.children.map(mark) };
    if (node.parallel || parallelIds.has(node.nodeId)) group.parallel = true;
    return group;
  };
  return mark(tree) as GroupNode;
}
