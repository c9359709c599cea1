import { strict as assert } from 'node:assert';
import { silentLogger } from '../../src/core/events';
import type { OscBundle, OscMessage } from '../../src/core/osc/oscCodec';
import { ServerFailError } from '../../src/core/osc/oscConnection';
import type { Request } from '../../src/core/scsynth/scsynthCommands';
import { TreeQueries, TreeQueryServerAccess } from '../../src/core/server/treeQueries';
import { NodeWatcher } from '../../src/core/server/nodeWatcher';

const STATUS = { numUgens: 0, numSynths: 2, numGroups: 2, numSynthdefs: 0, avgCpu: 0, peakCpu: 0, nominalSr: 48000, actualSr: 48000 };

/** A session whose scsynth refuses every /g_queryTree as too large, and prints when asked. */
function setup(print: (queries: TreeQueries, marker: number) => void) {
  const sent: Array<OscMessage | OscBundle> = [];
  // eslint-disable-next-line prefer-const -- assigned once, below, after the session that reads it is built
  let queries!: TreeQueries;
  const session: TreeQueryServerAccess = {
    logger: silentLogger,
    canPrint: true,
    isOpen: true,
    request: async (request: Request) => {
      throw new ServerFailError(request.message.address, 'buffer overflow', []);
    },
    send: (packet) => {
      sent.push(packet);
      // The marker group's dump comes in a later period, after the whole tree.
      if ('packets' in packet) setImmediate(() => print(queries, 5000));
    },
    sync: async () => undefined,
    status: async () => STATUS,
    allocateNodeId: () => 5000,
  };
  queries = new TreeQueries(new NodeWatcher(), session);
  return { queries, sent };
}

describe('TreeQueries', () => {
  it('reads a tree too large for a reply from what scsynth prints, and takes those lines (they are not shown)', async () => {
    const taken: boolean[] = [];
    const { queries, sent } = setup((q, marker) => {
      for (const line of ['SuperCollider says hello', 'NODE TREE Group 0', '   1 group', '      1000 default', '      1001 default', `NODE TREE Group ${marker}`, 'later output']) {
        taken.push(q.takePrintedLine(line));
      }
    });
    const tree = await queries.queryAllNodes(false);
    assert.deepEqual(tree, { kind: 'group', nodeId: 0, children: [{ kind: 'group', nodeId: 1, children: [{ kind: 'synth', nodeId: 1000, defName: 'default' }, { kind: 'synth', nodeId: 1001, defName: 'default' }] }] });
    assert.deepEqual(taken, [false, true, true, true, true, true, false], 'only the printed tree is taken');
    assert.ok(sent.some((packet) => 'address' in packet && packet.address === '/n_free'), 'the marker group is freed');
  });

  it('falls back to group-by-group when the printed tree disagrees with /status (paused groups print empty)', async () => {
    const { queries } = setup((q, marker) => {
      for (const line of ['NODE TREE Group 0', '   1 group', `NODE TREE Group ${marker}`]) q.takePrintedLine(line);
    });
    // Every group query overflows too: the live model (empty here) lists the nodes.
    const tree = await queries.queryAllNodes(false);
    assert.deepEqual(tree, { kind: 'group', nodeId: 0, children: [] });
  });
});
