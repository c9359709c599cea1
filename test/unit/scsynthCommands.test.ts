import { strict as assert } from 'node:assert';
import { decodePacket, encodePacket, OscArgument, OscMessage } from '../../src/core/osc/oscCodec';
import {
  AddAction,
  expectedReply,
  groupNew,
  groupQueryTree,
  nodeFree,
  nodeQuery,
  nodeRun,
  nodeSet,
  notify,
  quit,
  status,
  sync,
  synthGet,
  synthNew,
  synthdefLoadDir,
  version,
} from '../../src/core/scsynth/scsynthCommands';

const i = (value: number): OscArgument => ({ type: 'i', value });

function wireArgs(message: OscMessage): unknown[] {
  const decoded = decodePacket(encodePacket(message));
  assert.ok(!('packets' in decoded));
  return decoded.args;
}

describe('scsynthCommands', () => {
  describe('expectedReply', () => {
    it('/sync waits for /synced with the same id', () => {
      const reply = expectedReply('/sync', [i(7)]);
      assert.ok(reply?.match);
      assert.equal(reply.address, '/synced');
      assert.equal(reply.failCommand, '/sync');
      assert.equal(reply.match([7]), true);
      assert.equal(reply.match([8]), false);
      // A bare number works the same.
      assert.equal(expectedReply('/sync', [7])?.match?.([7]), true);
      assert.equal(expectedReply('/sync', [7])?.match?.([8]), false);
    });

    it('/s_get waits for /n_set of the same node', () => {
      const reply = expectedReply('/s_get', [i(67109864), 'freq']);
      assert.ok(reply?.match);
      assert.equal(reply.address, '/n_set');
      assert.equal(reply.match([67109864, 'freq', 440]), true);
      assert.equal(reply.match([1000, 'freq', 440]), false);
    });

    it('/g_queryTree matches the group id at reply index 1 (index 0 is the flag)', () => {
      const reply = expectedReply('/g_queryTree', [i(0), i(1)]);
      assert.ok(reply?.match);
      assert.equal(reply.address, '/g_queryTree.reply');
      assert.equal(reply.match([1, 0, 0]), true);
      // Group 1 queried without controls: flag 0, id 1; not ours.
      assert.equal(reply.match([0, 1, 0]), false);
      const builder = groupQueryTree(5, false);
      assert.ok(builder.reply.match);
      assert.equal(builder.reply.match([0, 5, 0]), true);
      assert.equal(builder.reply.match([5, 0, 0]), false);
    });

    it('/b_alloc waits for /done /b_alloc with the same bufnum', () => {
      const reply = expectedReply('/b_alloc', [i(3), i(44100), i(2)]);
      assert.ok(reply?.match);
      assert.equal(reply.address, '/done');
      assert.equal(reply.failCommand, '/b_alloc');
      assert.equal(reply.match(['/b_alloc', 3]), true);
      assert.equal(reply.match(['/b_alloc', 4]), false);
      assert.equal(reply.match(['/b_free', 3]), false);
    });

    it('/notify waits for /done /notify', () => {
      const reply = expectedReply('/notify', [i(1), i(1)]);
      assert.ok(reply?.match);
      assert.equal(reply.address, '/done');
      assert.equal(reply.failCommand, '/notify');
      assert.equal(reply.match(['/notify', 1, 6]), true);
      assert.equal(reply.match(['/d_loadDir']), false);
      assert.equal(notify(true, 1).reply.match?.(['/notify', 1, 6]), true);
      assert.equal(notify(true, 1).reply.match?.(['/quit']), false);
    });

    it('query pairs without an id match on the address', () => {
      assert.equal(expectedReply('/status', [])?.address, '/status.reply');
      assert.equal(expectedReply('/version', [])?.address, '/version.reply');
      assert.equal(expectedReply('/n_query', [i(1000)])?.match?.([1000, 0, -1, -1, 0]), true);
      assert.equal(expectedReply('/n_query', [i(1000)])?.match?.([1001, 0, -1, -1, 0]), false);
    });

    it('returns undefined for commands scsynth does not answer', () => {
      for (const address of ['/s_new', '/n_set', '/n_free', '/g_new', '/n_run', '/clearSched', '/dumpOSC', '/nonsense']) {
        assert.equal(expectedReply(address, [i(1)]), undefined, address);
      }
    });
  });

  describe('builders', () => {
    it('type node ids, add actions and targets as int32', () => {
      assert.deepEqual(synthNew('sclive_sine', 67109864, AddAction.tail, 67108865, { freq: 330, out: 'c12' }), {
        address: '/s_new',
        args: ['sclive_sine', i(67109864), i(1), i(67108865), 'freq', { type: 'f', value: 330 }, 'out', 'c12'],
      });
      assert.deepEqual(groupNew(67108865), { address: '/g_new', args: [i(67108865), i(0), i(0)] });
      assert.deepEqual(nodeFree(1000, 2147483647), { address: '/n_free', args: [i(1000), i(2147483647)] });
      assert.deepEqual(nodeSet(1000, { amp: 1 }), { address: '/n_set', args: [i(1000), 'amp', { type: 'f', value: 1 }] });
      assert.deepEqual(wireArgs(synthNew('x', 67109864)), ['x', 67109864, 0, 0]);
    });

    it('nodeRun sends 1 to run and 0 to pause (sc3nb sent 1 for both)', () => {
      assert.deepEqual(nodeRun(1000, true).args, [i(1000), i(1)]);
      assert.deepEqual(nodeRun(1000, false).args, [i(1000), i(0)]);
    });

    it('requests carry their reply expectations', () => {
      assert.deepEqual(sync(3).message, { address: '/sync', args: [i(3)] });
      assert.equal(sync(3).reply.address, '/synced');
      assert.equal(sync(3).reply.match?.([3]), true);
      assert.equal(sync(3).reply.match?.([4]), false);
      assert.equal(status().reply.address, '/status.reply');
      assert.equal(version().reply.address, '/version.reply');
      assert.equal(quit().reply.match?.(['/quit']), true);
      assert.equal(synthdefLoadDir('/tmp/defs').reply.match?.(['/d_loadDir']), true);
      assert.equal(synthdefLoadDir('/tmp/defs').reply.failCommand, '/d_loadDir');
      assert.equal(synthGet(1000, ['freq']).reply.match?.([1000, 'freq', 1]), true);
      assert.equal(nodeQuery(1000).reply.match?.([1001]), false);
      assert.deepEqual(notify(true).message.args, [i(1)]);
      assert.deepEqual(notify(false, 2).message.args, [i(0), i(2)]);
    });
  });
});
