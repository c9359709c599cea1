import { strict as assert } from 'node:assert';
import { DecodedMessage } from '../../src/core/osc/oscCodec';
import { formatTree, parseDumpTree, parseQueryTreeReply } from '../../src/core/server/nodeTree';
import { NodeWatcher } from '../../src/core/server/nodeWatcher';
import { findParallelGroups, isParallelGroupNotice, markParallelGroups, parallelGroupNew } from '../../src/core/server/parallelGroups';
import type { Request } from '../../src/core/scsynth/scsynthCommands';

// Captured from supernova 3.13 (-T 3): /p_new 2000 0 0; /g_new 2001 0 2000; /p_new 2003 1 2000;
// /s_new sclive_blip 2002 0 2000; /s_new sclive_blip 2004 0 2003.
const SUPERNOVA_NOTIFICATIONS: Array<[string, number[]]> = [
  ['/n_go', [2000, 0, -1, -1, 1, -2, -2]],
  ['/n_go', [2001, 2000, -2, -2, 1, -1, -1]],
  ['/n_go', [2003, 2000, -2, -2, 1, -2, -2]],
  ['/n_go', [2002, 2000, -2, -2, 0]],
  ['/n_go', [2004, 2003, -2, -2, 0]],
];
const SUPERNOVA_DUMP = ['NODE TREE Group 0', '   0 group', '      2000 parallel group', '         2003 parallel group', '         2001 group'];
const SUPERNOVA_QUERY_REPLY = [0, 0, 1, 2000, 2, 2003, 0, 2001, 0];

describe('supernova parallel groups', () => {
  it('tells a parallel group notification from a group, an empty group and a synth', () => {
    assert.equal(isParallelGroupNotice([2000, 0, -1, -1, 1, -2, -2]), true);
    assert.equal(isParallelGroupNotice([2001, 2000, -2, -2, 1, -1, -1]), false);
    assert.equal(isParallelGroupNotice([2002, 2000, -2, -2, 0]), false);
    assert.equal(isParallelGroupNotice([1, 0, -1, -1, 1, 1000, 1001]), false);
  });

  it('builds /p_new with int arguments', () => {
    assert.deepEqual(parallelGroupNew(2000, 1, 5), { address: '/p_new', args: [{ type: 'i', value: 2000 }, { type: 'i', value: 1 }, { type: 'i', value: 5 }] });
  });

  it('marks parallel groups in the live model from their /n_go, with every child inside and no gap', () => {
    const watcher = new NodeWatcher();
    const gaps: string[] = [];
    watcher.onGap((reason) => gaps.push(reason));
    for (const [address, args] of SUPERNOVA_NOTIFICATIONS) watcher.handleNotification(address, args);
    assert.deepEqual(gaps, []);
    assert.equal(watcher.get(2000)?.parallel, true);
    assert.equal(watcher.get(2003)?.parallel, true);
    assert.equal(watcher.get(2001)?.parallel, undefined);
    const tree = watcher.toTree();
    const par = tree.children[0];
    assert.ok(par.kind === 'group' && par.parallel === true);
    assert.deepEqual(par.children.map((child) => child.nodeId).sort(), [2001, 2002, 2003]);
    assert.equal(watcher.numSynths, 2);
    assert.equal(watcher.numGroups, 4);
    watcher.handleNotification('/n_end', [2000, 0, -1, -1, 1, -2, -2]);
    assert.equal(watcher.numGroups, 1);
    assert.deepEqual(gaps, []);
  });

  it('keeps the parallel mark through a resync from a query, which does not carry it', () => {
    const watcher = new NodeWatcher();
    for (const [address, args] of SUPERNOVA_NOTIFICATIONS.slice(0, 3)) watcher.handleNotification(address, args);
    watcher.reset(parseQueryTreeReply(SUPERNOVA_QUERY_REPLY));
    assert.equal(watcher.get(2000)?.parallel, true);
    assert.equal(watcher.get(2003)?.parallel, true);
    assert.equal(watcher.get(2001)?.parallel, undefined);
  });

  it('learns the mark from /n_info (an /n_query answer) for a group the model holds unmarked', () => {
    const watcher = new NodeWatcher();
    watcher.reset(parseQueryTreeReply(SUPERNOVA_QUERY_REPLY));
    assert.equal(watcher.get(2000)?.parallel, undefined);
    watcher.handleNotification('/n_info', [2000, 0, -1, -1, 1, -2, -2]);
    assert.equal(watcher.get(2000)?.parallel, true);
  });

  it('reads "parallel group" in supernova\'s printed tree and prints it back', () => {
    const tree = parseDumpTree(SUPERNOVA_DUMP);
    assert.ok(tree);
    const outer = tree.children[0];
    assert.ok(outer.kind === 'group' && outer.nodeId === 0 && outer.parallel === undefined);
    const par = outer.children[0];
    assert.ok(par.kind === 'group' && par.nodeId === 2000 && par.parallel === true);
    assert.deepEqual(par.children.map((child) => [child.nodeId, child.kind === 'group' && child.parallel === true]), [[2003, true], [2001, false]]);
    assert.match(formatTree(tree), /2000 parallel group\n\s+2003 parallel group\n\s+2001 group/);
  });

  it('finds the parallel groups of a queried tree by /n_query of each group', async () => {
    const queried: number[] = [];
    const infos: Record<number, number[]> = { 2000: [2000, 0, -1, -1, 1, -2, -2], 2003: [2003, 2000, -2, -2, 1, -2, -2], 2001: [2001, 2000, -2, -2, 1, -1, -1] };
    const tree = parseQueryTreeReply([0, 0, 1, 2000, 2, 2003, 0, 2001, 0]);
    const parallel = await findParallelGroups(tree, async (request: Request): Promise<DecodedMessage> => {
      const id = request.message.args[0] as { value: number };
      queried.push(id.value);
      if (id.value === 2001) throw new Error('/fail /n_query Node 2001 not found');
      return { address: '/n_info', args: infos[id.value] };
    });
    assert.deepEqual(queried.sort(), [2000, 2001, 2003]);
    assert.deepEqual([...parallel].sort(), [2000, 2003]);
    const marked = markParallelGroups(tree, parallel);
    assert.match(formatTree(marked), /2000 parallel group\n\s+2003 parallel group\n\s+2001 group/);
  });
});
