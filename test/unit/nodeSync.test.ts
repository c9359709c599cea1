import { strict as assert } from 'node:assert';
import { silentLogger } from '../../src/core/events';
import { ServerFailError } from '../../src/core/osc/oscConnection';
import type { GroupNode } from '../../src/core/server/nodeTree';
import { NodeSync, NodeSyncServerAccess } from '../../src/core/server/nodeSync';
import { NodeWatcher } from '../../src/core/server/nodeWatcher';

const NONE = -1;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const overflow = () => new ServerFailError('/g_queryTree', 'buffer overflow', ['/g_queryTree', 'buffer overflow']);

/** A session answering from a tree the test holds; counts what was asked. */
function setup(serverTree: GroupNode, options: { groupTooLarge?: boolean; printed?: boolean } = {}) {
  const asked = { all: 0, group: 0, printed: 0 };
  const session: NodeSyncServerAccess = {
    canSend: true,
    logger: silentLogger,
    queryAllNodes: async () => {
      asked.all++;
      return serverTree;
    },
    queryGroup: async (groupId) => {
      asked.group++;
      if (options.groupTooLarge) throw overflow();
      const group = serverTree.children.find((child) => child.nodeId === groupId);
      if (!group || group.kind !== 'group') throw new ServerFailError('/g_queryTree', 'Group not found', []);
      return group;
    },
    printedTree: () => {
      if (!options.printed) return undefined;
      asked.printed++;
      return Promise.resolve(serverTree);
    },
  };
  const watcher = new NodeWatcher();
  watcher.handleNotification('/n_go', [1, 0, NONE, NONE, 1, NONE, NONE]);
  const sync = new NodeSync(watcher, session);
  return { watcher, sync, asked };
}

const tree = (synths: Array<[number, string]>): GroupNode => ({
  kind: 'group',
  nodeId: 0,
  children: [{ kind: 'group', nodeId: 1, children: synths.map(([nodeId, defName]) => ({ kind: 'synth' as const, nodeId, defName })) }],
});

describe('NodeSync', () => {
  it('names a synth another client made from a query of its group', async () => {
    const { watcher, sync, asked } = setup(tree([[1000, 'default']]));
    try {
      watcher.handleNotification('/n_go', [1000, 1, NONE, NONE, 0]);
      await sleep(80);
      assert.equal(watcher.get(1000)?.defName, 'default');
      assert.equal(asked.group, 1);
    } finally {
      sync.dispose();
    }
  });

  it('names synths of a group too large for a reply from the printed tree, at most every 2 s', async () => {
    const { watcher, sync, asked } = setup(tree([[1000, 'default'], [1001, 'default']]), { groupTooLarge: true, printed: true });
    try {
      watcher.handleNotification('/n_go', [1000, 1, NONE, NONE, 0]);
      await sleep(80);
      watcher.handleNotification('/n_go', [1001, 1, 1000, NONE, 0]);
      await sleep(80);
      assert.equal(watcher.get(1000)?.defName, 'default');
      assert.equal(asked.printed, 1, 'printed once');
      assert.equal(asked.group, 1, 'the large group is not queried again while it is as large');
    } finally {
      sync.dispose();
    }
  });

  it('names the synths that come within 2 s of a printout from the next printout (the last of a burst are not left unnamed)', async function () {
    this.timeout(5000);
    const serverTree = tree([[1000, 'default']]);
    const { watcher, sync, asked } = setup(serverTree, { groupTooLarge: true, printed: true });
    try {
      watcher.handleNotification('/n_go', [1000, 1, NONE, NONE, 0]);
      await sleep(80);
      assert.equal(asked.printed, 1);
      // The last synth of the burst: scsynth prints it only in the next printout.
      (serverTree.children[0] as GroupNode).children.push({ kind: 'synth', nodeId: 1001, defName: 'pad' });
      watcher.handleNotification('/n_go', [1001, 1, 1000, NONE, 0]);
      await sleep(300);
      assert.equal(watcher.get(1001)?.defName, undefined, 'not before the 2 s are over');
      await sleep(2000);
      assert.equal(watcher.get(1001)?.defName, 'pad');
      assert.equal(asked.printed, 2);
    } finally {
      sync.dispose();
    }
  });

  it('resynchronises once after a gap, and checks the model against /status only outside a resync', async () => {
    const { watcher, sync, asked } = setup(tree([[1000, 'default']]));
    try {
      watcher.handleNotification('/n_end', [4242, 1, NONE, NONE, 0]); // a node never seen: a gap
      watcher.handleNotification('/n_end', [4243, 1, NONE, NONE, 0]);
      await sleep(150);
      assert.equal(asked.all, 1, 'one query for the burst');
      assert.equal(watcher.get(1000)?.defName, 'default', 'the model is the queried tree');
      const status = { numUgens: 0, numSynths: 5, numGroups: 2, numSynthdefs: 0, avgCpu: 0, peakCpu: 0, nominalSr: 48000, actualSr: 48000 };
      sync.statusArrived(status);
      sync.statusArrived(status);
      await sleep(150);
      assert.equal(asked.all, 2, 'two disagreeing statuses in a row: another resync');
    } finally {
      sync.dispose();
    }
  });
});
