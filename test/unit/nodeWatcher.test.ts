import { strict as assert } from 'node:assert';
import { NodeChange, NodeWatcher } from '../../src/core/server/nodeWatcher';
import { parseQueryTreeReply } from '../../src/core/server/nodeTree';
import type { OscValue } from '../../src/core/osc/oscCodec';

const NONE = -1;

/** `/n_go nodeId parentId prevId nextId isGroup [headId tailId]` argument lists, as scsynth sends them. */
const synthArgs = (id: number, parent: number, prev = NONE, next = NONE): OscValue[] => [id, parent, prev, next, 0];
const groupArgs = (id: number, parent: number, prev = NONE, next = NONE, head = NONE, tail = NONE): OscValue[] => [id, parent, prev, next, 1, head, tail];

interface Recorder {
  watcher: NodeWatcher;
  changes: NodeChange[];
  gaps: string[];
  /** Kinds and node ids of the changes since the last call. */
  take(): string[];
}

function setup(): Recorder {
  const watcher = new NodeWatcher();
  const changes: NodeChange[] = [];
  const gaps: string[] = [];
  watcher.onDidChange((change) => changes.push(change));
  watcher.onGap((reason) => gaps.push(reason));
  let seen = 0;
  return {
    watcher,
    changes,
    gaps,
    take() {
      const fresh = changes.slice(seen);
      seen = changes.length;
      return fresh.map((change) => (change.kind === 'reset' ? 'reset' : `${change.kind} ${change.node.nodeId}`));
    },
  };
}

function ids(watcher: NodeWatcher, groupId: number): number[] {
  return watcher.children(groupId).map((node) => node.nodeId);
}

/** Checks that every group's head/tail and sibling links agree in both directions. */
function assertConsistent(watcher: NodeWatcher, groupId = 0): void {
  const group = watcher.get(groupId);
  assert.ok(group?.isGroup);
  const children = watcher.children(groupId);
  assert.equal(group.headId, children.length ? children[0].nodeId : NONE, `head of ${groupId}`);
  assert.equal(group.tailId, children.length ? children[children.length - 1].nodeId : NONE, `tail of ${groupId}`);
  children.forEach((child, index) => {
    assert.equal(child.parentId, groupId);
    assert.equal(child.prevId, index > 0 ? children[index - 1].nodeId : NONE, `prev of ${child.nodeId}`);
    assert.equal(child.nextId, index < children.length - 1 ? children[index + 1].nodeId : NONE, `next of ${child.nodeId}`);
    if (child.isGroup) assertConsistent(watcher, child.nodeId);
  });
}

describe('NodeWatcher', () => {
  it('starts with the root group alone (counted as a group)', () => {
    const watcher = new NodeWatcher();
    assert.equal(watcher.numGroups, 1);
    assert.equal(watcher.numSynths, 0);
    assert.ok(watcher.get(0)?.isGroup);
    assert.deepEqual(ids(watcher, 0), []);
  });

  it('keeps sibling order for synths added at head, tail, before and after', () => {
    const { watcher, take } = setup();
    watcher.handleNotification('/n_go', groupArgs(1, 0));
    watcher.handleNotification('/n_go', synthArgs(1000, 1)); // head of empty group
    watcher.handleNotification('/n_go', synthArgs(1001, 1, 1000)); // tail
    watcher.handleNotification('/n_go', synthArgs(1002, 1, NONE, 1000)); // head
    assert.deepEqual(ids(watcher, 1), [1002, 1000, 1001]);
    watcher.handleNotification('/n_go', synthArgs(1003, 1, 1000, 1001)); // before 1001
    assert.deepEqual(ids(watcher, 1), [1002, 1000, 1003, 1001]);
    watcher.handleNotification('/n_go', synthArgs(1004, 1, 1002, 1000)); // after 1002
    assert.deepEqual(ids(watcher, 1), [1002, 1004, 1000, 1003, 1001]);
    assertConsistent(watcher);
    assert.deepEqual(take(), ['added 1', 'added 1000', 'added 1001', 'added 1002', 'added 1003', 'added 1004']);
    assert.equal(watcher.numSynths, 5);
    assert.equal(watcher.numGroups, 2);
    assert.deepEqual(ids(watcher, 0), [1]);
  });

  it('removes nodes on /n_end (head, middle, tail)', () => {
    const { watcher, take, gaps } = setup();
    watcher.handleNotification('/n_go', groupArgs(1, 0));
    for (let n = 0; n < 5; n++) watcher.handleNotification('/n_go', synthArgs(1000 + n, 1, n === 0 ? NONE : 999 + n));
    assert.deepEqual(ids(watcher, 1), [1000, 1001, 1002, 1003, 1004]);
    take();
    watcher.handleNotification('/n_end', synthArgs(1002, 1, 1001, 1003));
    assert.deepEqual(ids(watcher, 1), [1000, 1001, 1003, 1004]);
    watcher.handleNotification('/n_end', synthArgs(1000, 1, NONE, 1001));
    watcher.handleNotification('/n_end', synthArgs(1004, 1, 1003, NONE));
    assert.deepEqual(ids(watcher, 1), [1001, 1003]);
    assertConsistent(watcher);
    assert.deepEqual(take(), ['removed 1002', 'removed 1000', 'removed 1004']);
    assert.equal(watcher.has(1002), false);
    assert.equal(watcher.numSynths, 2);
    assert.deepEqual(gaps, []);
  });

  it('reorders and reparents on /n_move', () => {
    const { watcher, take, changes, gaps } = setup();
    watcher.handleNotification('/n_go', groupArgs(1, 0));
    watcher.handleNotification('/n_go', synthArgs(1000, 1));
    watcher.handleNotification('/n_go', synthArgs(1001, 1, 1000));
    watcher.handleNotification('/n_go', synthArgs(1002, 1, 1001));
    watcher.handleNotification('/n_go', groupArgs(2, 0, 1));
    take();
    // /n_before 1002 1000: 1002 moves to the head.
    watcher.handleNotification('/n_move', synthArgs(1002, 1, NONE, 1000));
    assert.deepEqual(ids(watcher, 1), [1002, 1000, 1001]);
    // /n_after 1002 1000: back behind 1000.
    watcher.handleNotification('/n_move', synthArgs(1002, 1, 1000, 1001));
    assert.deepEqual(ids(watcher, 1), [1000, 1002, 1001]);
    // /g_head 2 1001: into the other group.
    watcher.handleNotification('/n_move', synthArgs(1001, 2));
    assert.deepEqual(ids(watcher, 1), [1000, 1002]);
    assert.deepEqual(ids(watcher, 2), [1001]);
    assert.equal(watcher.get(1001)?.parentId, 2);
    // /g_tail 0 1: a group with its children moves inside root.
    watcher.handleNotification('/n_move', groupArgs(1, 0, 2, NONE, 1000, 1002));
    assert.deepEqual(ids(watcher, 0), [2, 1]);
    assert.deepEqual(ids(watcher, 1), [1000, 1002]);
    assertConsistent(watcher);
    assert.deepEqual(take(), ['moved 1002', 'moved 1002', 'moved 1001', 'moved 1']);
    const reparent = changes.find((change) => change.kind === 'moved' && change.node.nodeId === 1001);
    assert.ok(reparent?.kind === 'moved');
    assert.equal(reparent.oldParentId, 1);
    assert.equal(watcher.numSynths, 3);
    assert.equal(watcher.numGroups, 3);
    // A move to where the node already is changes nothing.
    watcher.handleNotification('/n_move', synthArgs(1001, 2));
    assert.deepEqual(take(), []);
    assert.deepEqual(gaps, []);
  });

  it('toggles running on /n_off and /n_on, firing updated only on a change', () => {
    const { watcher, take } = setup();
    watcher.handleNotification('/n_go', synthArgs(1000, 0));
    take();
    assert.equal(watcher.get(1000)?.running, true);
    watcher.handleNotification('/n_off', synthArgs(1000, 0));
    assert.equal(watcher.get(1000)?.running, false);
    watcher.handleNotification('/n_off', synthArgs(1000, 0));
    watcher.handleNotification('/n_on', synthArgs(1000, 0));
    assert.equal(watcher.get(1000)?.running, true);
    assert.deepEqual(take(), ['updated 1000', 'updated 1000']);
  });

  it('freeing a group removes its children; their later /n_end is not a gap', () => {
    const { watcher, take, gaps } = setup();
    watcher.handleNotification('/n_go', groupArgs(1, 0));
    watcher.handleNotification('/n_go', groupArgs(2, 0, 1));
    watcher.handleNotification('/n_go', synthArgs(1000, 2));
    watcher.handleNotification('/n_go', groupArgs(3, 2, 1000));
    watcher.handleNotification('/n_go', synthArgs(1001, 3));
    watcher.handleNotification('/n_go', synthArgs(1002, 1));
    assert.equal(watcher.numSynths, 3);
    assert.equal(watcher.numGroups, 4);
    take();
    watcher.handleNotification('/n_end', groupArgs(2, 0, 1, NONE, 1000, 3));
    assert.deepEqual(ids(watcher, 0), [1]);
    for (const id of [2, 3, 1000, 1001]) assert.equal(watcher.has(id), false, `${id} still there`);
    assert.deepEqual(take().sort(), ['removed 1000', 'removed 1001', 'removed 2', 'removed 3']);
    assert.equal(watcher.numSynths, 1);
    assert.equal(watcher.numGroups, 2);
    watcher.handleNotification('/n_end', synthArgs(1000, 2));
    watcher.handleNotification('/n_end', synthArgs(1001, 3));
    watcher.handleNotification('/n_end', groupArgs(3, 2));
    assert.deepEqual(gaps, []);
    assert.equal(watcher.gapsDetected, 0);
    assert.deepEqual(take(), []);
    assertConsistent(watcher);
    // A second /n_end for the same child is a gap again.
    watcher.handleNotification('/n_end', synthArgs(1000, 2));
    assert.equal(gaps.length, 1);
  });

  it('handles scsynth\'s own order too: children end before their group', () => {
    const { watcher, gaps } = setup();
    watcher.handleNotification('/n_go', groupArgs(2, 0));
    watcher.handleNotification('/n_go', synthArgs(1000, 2));
    watcher.handleNotification('/n_go', synthArgs(1001, 2, 1000));
    watcher.handleNotification('/n_end', synthArgs(1000, 2, NONE, 1001));
    watcher.handleNotification('/n_end', synthArgs(1001, 2));
    watcher.handleNotification('/n_end', groupArgs(2, 0));
    assert.deepEqual(ids(watcher, 0), []);
    assert.equal(watcher.numSynths, 0);
    assert.equal(watcher.numGroups, 1);
    assert.deepEqual(gaps, []);
  });

  describe('gaps', () => {
    it('fires onGap for /n_end of a node never seen', () => {
      const { watcher, gaps } = setup();
      watcher.handleNotification('/n_end', synthArgs(9999, 0));
      assert.equal(gaps.length, 1);
      assert.match(gaps[0], /9999/);
      assert.equal(watcher.gapsDetected, 1);
    });

    it('fires onGap for a duplicate /n_go and keeps one copy of the node', () => {
      const { watcher, gaps } = setup();
      watcher.handleNotification('/n_go', synthArgs(1000, 0));
      watcher.handleNotification('/n_go', synthArgs(1001, 0, 1000));
      watcher.handleNotification('/n_go', synthArgs(1000, 0, NONE, 1001));
      assert.equal(gaps.length, 1);
      assert.match(gaps[0], /1000/);
      assert.deepEqual(ids(watcher, 0), [1000, 1001]);
      assert.equal(watcher.numSynths, 2);
      assertConsistent(watcher);
    });

    it('fires onGap for /n_go into a group the model does not hold, and does not add the node', () => {
      const { watcher, gaps } = setup();
      watcher.handleNotification('/n_go', synthArgs(1000, 77));
      assert.equal(gaps.length, 1);
      assert.match(gaps[0], /77/);
      assert.equal(watcher.has(1000), false);
      assert.equal(watcher.numSynths, 0);
    });

    it('fires onGap for /n_move, /n_on and /n_off of a node never seen', () => {
      const { watcher, gaps } = setup();
      watcher.handleNotification('/n_move', synthArgs(1000, 0));
      watcher.handleNotification('/n_on', synthArgs(1001, 0));
      watcher.handleNotification('/n_off', synthArgs(1002, 0));
      assert.equal(gaps.length, 3);
      assert.equal(watcher.numSynths, 0);
    });

    it('/n_info of a node never seen is not a gap', () => {
      const { watcher, gaps } = setup();
      watcher.handleNotification('/n_info', synthArgs(1000, 0));
      assert.deepEqual(gaps, []);
      assert.equal(watcher.has(1000), false);
    });
  });

  it('reset(tree) replaces the model and fires one reset', () => {
    const { watcher, take, gaps } = setup();
    watcher.handleNotification('/n_go', synthArgs(500, 0));
    take();
    const tree = parseQueryTreeReply([0, 0, 2, 1, 2, 1000, -1, 'sclive_sine', 2, 1, 1001, -1, 'sclive_saw', 67108865, 0]);
    watcher.reset(tree);
    assert.deepEqual(take(), ['reset']);
    assert.equal(watcher.has(500), false);
    assert.deepEqual(ids(watcher, 0), [1, 67108865]);
    assert.deepEqual(ids(watcher, 1), [1000, 2]);
    assert.deepEqual(ids(watcher, 2), [1001]);
    assert.equal(watcher.get(1000)?.defName, 'sclive_sine');
    assert.equal(watcher.numSynths, 2);
    assert.equal(watcher.numGroups, 4);
    assertConsistent(watcher);
    assert.deepEqual(watcher.toTree(), tree);
    // The model goes on from the reset tree.
    watcher.handleNotification('/n_go', synthArgs(1002, 2, 1001));
    assert.deepEqual(ids(watcher, 2), [1001, 1002]);
    assert.deepEqual(gaps, []);
  });

  it('a resync keeps the run state of the nodes it knew, and marks new ones as unknown', () => {
    const { watcher } = setup();
    watcher.handleNotification('/n_go', groupArgs(1, 0));
    for (let id = 1000; id < 1010; id++) watcher.handleNotification('/n_go', synthArgs(id, 1, id === 1000 ? NONE : id - 1));
    for (let id = 1000; id < 1010; id++) if (id % 2 === 0) watcher.handleNotification('/n_off', synthArgs(id, 1));
    const children: Array<number | string> = [];
    for (let id = 1000; id < 1011; id++) children.push(id, -1, 'sclive_sine');
    watcher.reset(parseQueryTreeReply([0, 0, 1, 1, 11, ...children]));
    for (let id = 1000; id < 1010; id++) {
      assert.equal(watcher.get(id)?.running, id % 2 !== 0, `synth ${id} is ${id % 2 === 0 ? 'paused' : 'running'} as before`);
      assert.equal(watcher.get(id)?.runStateKnown, undefined);
    }
    assert.equal(watcher.get(1010)?.runStateKnown, false, 'a synth first seen in the query: its run state is not known');
    watcher.handleNotification('/n_off', synthArgs(1010, 1));
    assert.equal(watcher.get(1010)?.running, false);
    assert.equal(watcher.get(1010)?.runStateKnown, undefined, 'known from its /n_off');
  });

  it('the /n_go of a node the query already reported is no gap (scsynth sends it after the reply)', () => {
    const { watcher, gaps } = setup();
    watcher.reset(parseQueryTreeReply([0, 0, 2, 1, 0, 67108865, 0]));
    watcher.handleNotification('/n_go', groupArgs(1, 0, NONE, 67108865));
    watcher.handleNotification('/n_go', groupArgs(67108865, 0, 1, NONE));
    assert.deepEqual(gaps, []);
    assert.deepEqual(ids(watcher, 0), [1, 67108865]);
    watcher.handleNotification('/n_go', groupArgs(1, 0, NONE, 67108865));
    assert.equal(gaps.length, 1, 'a second /n_go for it is a gap again');
  });

  it('a node created while the resync query ran is known to run (its /n_go is replayed)', () => {
    const { watcher } = setup();
    watcher.handleNotification('/n_go', groupArgs(1, 0));
    watcher.beginResync();
    watcher.handleNotification('/n_go', synthArgs(1000, 1));
    watcher.finishResync(parseQueryTreeReply([0, 0, 1, 1, 1, 1000, -1, 'temp__0']));
    assert.equal(watcher.get(1000)?.running, true);
    assert.equal(watcher.get(1000)?.runStateKnown, undefined);
  });

  it('beginResync buffers notifications and finishResync replays them on the queried tree', () => {
    const { watcher, take, gaps } = setup();
    watcher.beginResync();
    // Meanwhile: 1000 is created (the query sees it), then 1001, then 1000 ends.
    watcher.handleNotification('/n_go', synthArgs(1000, 1));
    watcher.handleNotification('/n_go', synthArgs(1001, 1, 1000));
    watcher.handleNotification('/n_end', synthArgs(1000, 1, NONE, 1001));
    // Nothing applied yet.
    assert.equal(watcher.has(1001), false);
    assert.deepEqual(take(), []);
    // And /status comparisons are off while buffering.
    assert.equal(watcher.checkAgainstStatus(50, 50), true);
    assert.equal(watcher.checkAgainstStatus(50, 50), true);
    const tree = parseQueryTreeReply([0, 0, 1, 1, 1, 1000, -1, 'sclive_sine']);
    watcher.finishResync(tree);
    assert.deepEqual(ids(watcher, 1), [1001]);
    assert.equal(watcher.numSynths, 1);
    assert.equal(watcher.numGroups, 2);
    assertConsistent(watcher);
    assert.deepEqual(gaps, []);
    assert.deepEqual(take(), ['reset', 'added 1001', 'removed 1000']);
    // Afterwards notifications apply directly again.
    watcher.handleNotification('/n_go', synthArgs(1002, 1, 1001));
    assert.deepEqual(ids(watcher, 1), [1001, 1002]);
  });

  describe('checkAgainstStatus', () => {
    function withOneSynth(): Recorder {
      const recorder = setup();
      recorder.watcher.handleNotification('/n_go', groupArgs(1, 0));
      recorder.watcher.handleNotification('/n_go', synthArgs(1000, 1));
      return recorder;
    }

    it('agrees when the counts match (root counted as a group)', () => {
      const { watcher, gaps } = withOneSynth();
      for (let n = 0; n < 3; n++) assert.equal(watcher.checkAgainstStatus(1, 2), true);
      assert.deepEqual(gaps, []);
    });

    it('reports a gap after two consecutive disagreeing checks with no notification between', () => {
      const { watcher, gaps } = withOneSynth();
      assert.equal(watcher.checkAgainstStatus(2, 2), false);
      assert.deepEqual(gaps, []);
      assert.equal(watcher.checkAgainstStatus(2, 2), false);
      assert.equal(gaps.length, 1);
      assert.match(gaps[0], /1 synths and 2 groups, scsynth reports 2 and 2/);
    });

    it('does not report a gap when a notification came between the checks', () => {
      const { watcher, gaps } = withOneSynth();
      watcher.checkAgainstStatus(2, 2);
      watcher.handleNotification('/n_on', synthArgs(1000, 1));
      watcher.checkAgainstStatus(2, 2);
      assert.deepEqual(gaps, []);
      watcher.checkAgainstStatus(2, 2);
      assert.equal(gaps.length, 1);
    });

    it('does not report a gap when an agreeing check came between', () => {
      const { watcher, gaps } = withOneSynth();
      watcher.checkAgainstStatus(1, 3);
      watcher.checkAgainstStatus(1, 2);
      watcher.checkAgainstStatus(1, 3);
      assert.deepEqual(gaps, []);
    });
  });

  it('expectSynth gives the def name on /n_go; unknown synths show ? in toTree', () => {
    const { watcher, changes } = setup();
    watcher.expectSynth(1000, 'sclive_sine');
    watcher.handleNotification('/n_go', synthArgs(1000, 0));
    watcher.handleNotification('/n_go', synthArgs(1001, 0, 1000));
    assert.equal(watcher.get(1000)?.defName, 'sclive_sine');
    const added = changes[0];
    assert.ok(added.kind === 'added');
    assert.equal(added.node.defName, 'sclive_sine');
    assert.equal(watcher.get(1001)?.defName, undefined);
    assert.deepEqual(watcher.toTree(), {
      kind: 'group',
      nodeId: 0,
      children: [
        { kind: 'synth', nodeId: 1000, defName: 'sclive_sine' },
        { kind: 'synth', nodeId: 1001, defName: '?' },
      ],
    });
    watcher.setDefName(1001, 'sclive_saw');
    assert.equal(watcher.get(1001)?.defName, 'sclive_saw');
    assert.deepEqual(changes.map((c) => c.kind), ['added', 'added', 'updated']);
  });

  it('counts synths and groups through adds and removes', () => {
    const { watcher } = setup();
    watcher.handleNotification('/n_go', groupArgs(1, 0));
    watcher.handleNotification('/n_go', groupArgs(67108865, 0, 1));
    for (let n = 0; n < 10; n++) watcher.handleNotification('/n_go', synthArgs(67109864 + n, 67108865, n ? 67109863 + n : NONE));
    assert.equal(watcher.numSynths, 10);
    assert.equal(watcher.numGroups, 3);
    watcher.handleNotification('/n_end', synthArgs(67109865, 67108865));
    assert.equal(watcher.numSynths, 9);
    watcher.handleNotification('/n_end', groupArgs(67108865, 0));
    assert.equal(watcher.numSynths, 0);
    assert.equal(watcher.numGroups, 2);
    assert.ok(watcher.checkAgainstStatus(0, 2));
  });
});
