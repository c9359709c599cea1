import { strict as assert } from 'node:assert';
import { NodeChangeBatcher, NodeTreeUpdate, UPDATE_INTERVAL_MS, VIEW_DEBOUNCE_MS } from '../../src/core/server/nodeChangeBatcher';
import { NodeWatcher } from '../../src/core/server/nodeWatcher';
import { ViewDebounceModel } from '../../bench/viewDebounceModel';
import { HandClock } from './handClock';

// The tree view's side of the live loop: node notifications become view updates that VS Code
// renders at once. VS Code's tree debounces onDidChangeTreeData (200 ms, leading edge); the
// model of it below is the same rule, so these tests show what the musician would see.

const NONE = -1;
const GROUP = 1000;

function watcherWithGroup(): NodeWatcher {
  const watcher = new NodeWatcher();
  watcher.handleNotification('/n_go', [GROUP, 0, NONE, NONE, 1, NONE, NONE]);
  watcher.handleNotification('/n_go', [GROUP + 1, 0, GROUP, NONE, 1, NONE, NONE]);
  return watcher;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('NodeChangeBatcher', () => {
  it('sends the first change at once, with the groups whose children changed', async () => {
    const watcher = watcherWithGroup();
    watcher.handleNotification('/n_go', [1999, GROUP, NONE, NONE, 0]);
    const updates: NodeTreeUpdate[] = [];
    const batcher = new NodeChangeBatcher(watcher, (update) => updates.push(update), 50);
    try {
      watcher.handleNotification('/n_go', [2000, GROUP, NONE, NONE, 0]);
      watcher.handleNotification('/n_go', [2001, GROUP, 2000, NONE, 0]);
      await sleep(5);
      assert.equal(updates.length, 1, 'one update for the two notifications of one packet');
      assert.equal(updates[0].full, false);
      assert.deepEqual(updates[0].elements.map((node) => node.nodeId), [GROUP], 'only the group that changed');
    } finally {
      batcher.dispose();
    }
  });

  it('keeps updates at least an interval apart and sends the last change within one interval', () => {
    const watcher = watcherWithGroup();
    const clock = new HandClock();
    const times: number[] = [];
    const interval = 60;
    const batcher = new NodeChangeBatcher(watcher, () => times.push(clock.now()), interval, clock.now, clock.timersApi);
    try {
      let id = 3000;
      while (clock.now() < 400) {
        watcher.handleNotification('/n_go', [id++, GROUP, NONE, NONE, 0]);
        clock.advance(5);
      }
      const lastChange = clock.now() - 5;
      clock.advance(interval * 2);
      assert.ok(times.length >= 6, `updates kept coming while changes did (${times.length})`);
      for (let i = 1; i < times.length; i++) assert.ok(times[i] - times[i - 1] >= interval, `updates ${i - 1} and ${i} are ${times[i] - times[i - 1]} ms apart`);
      assert.ok(times[times.length - 1] >= lastChange, 'the last change was sent');
      assert.ok(times[times.length - 1] - lastChange <= interval, 'within one interval of the last change');
    } finally {
      batcher.dispose();
    }
  });

  it('asks for a full refresh after a reset, a change at the top level, or too many groups', async () => {
    const watcher = watcherWithGroup();
    const updates: NodeTreeUpdate[] = [];
    const batcher = new NodeChangeBatcher(watcher, (update) => updates.push(update), 20);
    try {
      watcher.handleNotification('/n_go', [GROUP + 2, 0, GROUP + 1, NONE, 1, NONE, NONE]);
      await sleep(30);
      assert.equal(updates.pop()?.full, true, 'a new top-level group');
      for (let g = 0; g < 150; g++) watcher.handleNotification('/n_go', [5000 + g, GROUP, NONE, NONE, 1, NONE, NONE]);
      await sleep(30);
      updates.length = 0;
      for (let g = 0; g < 150; g++) watcher.handleNotification('/n_go', [9000 + g, 5000 + g, NONE, NONE, 0]);
      await sleep(30);
      assert.equal(updates.length, 1);
      assert.equal(updates[0].full, true, '150 changed groups: one full refresh');
      watcher.reset({ kind: 'group', nodeId: 0, children: [] });
      await sleep(30);
      assert.equal(updates.pop()?.full, true, 'a resync');
    } finally {
      batcher.dispose();
    }
  });

  it('re-renders a group that gets its first child from its parent (its row, not only its children)', async () => {
    const watcher = watcherWithGroup();
    watcher.handleNotification('/n_go', [8000, GROUP, NONE, NONE, 1, NONE, NONE]);
    const updates: NodeTreeUpdate[] = [];
    const batcher = new NodeChangeBatcher(watcher, (update) => updates.push(update), 20);
    try {
      watcher.handleNotification('/n_go', [8001, 8000, NONE, NONE, 0]);
      await sleep(30);
      assert.deepEqual(updates.pop()?.elements.map((node) => node.nodeId).sort(), [GROUP, 8000]);
      watcher.handleNotification('/n_go', [8002, 8000, 8001, NONE, 0]);
      await sleep(30);
      assert.deepEqual(updates.pop()?.elements.map((node) => node.nodeId), [8000], 'a second child: the group alone');
      watcher.handleNotification('/n_go', [8003, GROUP + 1, NONE, NONE, 0]);
      await sleep(30);
      assert.equal(updates.pop()?.full, true, 'a top-level group\'s first child: the whole tree');
    } finally {
      batcher.dispose();
    }
  });

  it('leaves out groups that went away before the update', async () => {
    const watcher = watcherWithGroup();
    const updates: NodeTreeUpdate[] = [];
    const batcher = new NodeChangeBatcher(watcher, (update) => updates.push(update), 20);
    try {
      watcher.handleNotification('/n_go', [7000, GROUP, NONE, NONE, 1, NONE, NONE]);
      await sleep(30);
      updates.length = 0;
      watcher.handleNotification('/n_go', [7001, 7000, NONE, NONE, 0]);
      watcher.handleNotification('/n_end', [7000, GROUP, NONE, NONE, 1, NONE, NONE]);
      await sleep(30);
      assert.deepEqual(updates.map((update) => update.elements.map((node) => node.nodeId)), [[GROUP]], 'the group that held it, not the freed group');
    } finally {
      batcher.dispose();
    }
  });

  it('gets every update through the view\'s 200 ms debounce while a pattern plays (5 synths a second)', () => {
    const watcher = watcherWithGroup();
    const clock = new HandClock();
    const view = new ViewDebounceModel(VIEW_DEBOUNCE_MS, clock.now, clock.timersApi);
    const batcher = new NodeChangeBatcher(watcher, (update) => view.fire(update.since), UPDATE_INTERVAL_MS, clock.now, clock.timersApi);
    try {
      // A pattern at \dur 0.2 (each synth lives 0.5 s) with a chord of 3 notes: 15 notifications a second.
      let id = 20_000;
      const live: number[] = [];
      for (let step = 0; step < 12; step++) {
        for (let note = 0; note < 3; note++) {
          watcher.handleNotification('/n_go', [id, GROUP, NONE, NONE, 0]);
          live.push(id++);
        }
        if (live.length > 6) for (const ended of live.splice(0, 3)) watcher.handleNotification('/n_end', [ended, GROUP, NONE, NONE, 0]);
        clock.advance(200);
      }
      clock.advance(UPDATE_INTERVAL_MS + 50);
      assert.ok(view.delays.length >= 10, `the view rendered ${view.delays.length} times in 2.4 s`);
      const worst = Math.max(...view.delays);
      assert.ok(worst <= 250, `each change was on screen within 250 ms (worst ${worst.toFixed(0)} ms)`);
    } finally {
      batcher.dispose();
      view.dispose();
    }
  });

  it('the old batching (an update every 40 ms) starves the view\'s debounce: the reason for the interval', () => {
    const watcher = watcherWithGroup();
    const clock = new HandClock();
    const view = new ViewDebounceModel(VIEW_DEBOUNCE_MS, clock.now, clock.timersApi);
    const batcher = new NodeChangeBatcher(watcher, (update) => view.fire(update.since), 40, clock.now, clock.timersApi);
    try {
      let id = 30_000;
      while (clock.now() < 1500) {
        watcher.handleNotification('/n_go', [id++, GROUP, NONE, NONE, 0]);
        clock.advance(30);
      }
      assert.equal(view.delays.length, 1, 'only the first change was rendered while changes kept coming');
    } finally {
      batcher.dispose();
      view.dispose();
    }
  });
});
