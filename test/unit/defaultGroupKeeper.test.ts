import { strict as assert } from 'node:assert';
import { silentLogger } from '../../src/core/events';
import type { OscMessage } from '../../src/core/osc/oscCodec';
import { DefaultGroupKeeper } from '../../src/core/server/defaultGroupKeeper';
import type { Timeouts } from '../../src/core/events';

class FakeTimers implements Timeouts {
  pending: Array<() => void> = [];
  setTimeout(callback: () => void): unknown {
    this.pending.push(callback);
    return callback;
  }
  clearTimeout(handle: unknown): void {
    this.pending = this.pending.filter((callback) => callback !== handle);
  }
  fire(): void {
    const due = this.pending.splice(0);
    for (const callback of due) callback();
  }
}

function setup(maxLogins = 4) {
  const live = new Set<number>([0, 1, 2 ** 26 + 1, 2 * 2 ** 26 + 1, 3 * 2 ** 26 + 1]);
  const sent: OscMessage[][] = [];
  const timers = new FakeTimers();
  const keeper = new DefaultGroupKeeper({
    canSend: true,
    maxLogins,
    logger: silentLogger,
    has: (id) => live.has(id),
    sendMany: async (messages) => void sent.push([...messages]),
  }, 150, timers);
  return { live, sent, timers, keeper };
}

describe('DefaultGroupKeeper', () => {
  it('puts back the default groups another client freed without re-creating them', () => {
    const { live, sent, timers, keeper } = setup();
    for (const id of [1, 2 ** 26 + 1, 3 * 2 ** 26 + 1]) {
      live.delete(id);
      keeper.nodeEnded(id);
    }
    // sclang re-created its own (group 1) in the same bundle as its /g_freeAll 0.
    live.add(1);
    timers.fire();
    assert.deepEqual(sent, [[
      { address: '/g_new', args: [{ type: 'i', value: 3 * 2 ** 26 + 1 }, { type: 'i', value: 0 }, { type: 'i', value: 0 }] },
      { address: '/g_new', args: [{ type: 'i', value: 2 ** 26 + 1 }, { type: 'i', value: 0 }, { type: 'i', value: 0 }] },
    ]], 'one bundle, only the groups still missing, never group 1 twice');
  });

  it('leaves other groups and clients beyond maxLogins alone, and nothing is sent when all came back', () => {
    const { live, sent, timers, keeper } = setup(2);
    keeper.nodeEnded(1000);
    keeper.nodeEnded(2 * 2 ** 26 + 1);
    assert.equal(timers.pending.length, 0, 'not default groups of this server');
    live.delete(2 ** 26 + 1);
    keeper.nodeEnded(2 ** 26 + 1);
    live.add(2 ** 26 + 1);
    timers.fire();
    assert.deepEqual(sent, []);
  });

  it('forgets what was missing when the run ends', () => {
    const { live, sent, timers, keeper } = setup();
    live.delete(1);
    keeper.nodeEnded(1);
    keeper.reset();
    timers.fire();
    assert.deepEqual(sent, []);
  });
});
