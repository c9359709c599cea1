import { strict as assert } from 'node:assert';
import { DEFAULT_RECONNECT_POLICY, reconnectDelayMs } from '../../src/core/osc/reconnectPolicy';

describe('reconnect policy', () => {
  it('doubles the wait from the initial delay up to the ceiling', () => {
    const policy = { initialDelayMs: 100, maxDelayMs: 1000, unreachableAfterAttempts: 3 };
    assert.deepEqual([0, 1, 2, 3, 4, 5, 100].map((attempt) => reconnectDelayMs(policy, attempt)), [100, 200, 400, 800, 1000, 1000, 1000]);
  });

  it('by default tries first within a tenth of a second and waits at most 5 s', () => {
    assert.equal(reconnectDelayMs(DEFAULT_RECONNECT_POLICY, 0), 100);
    assert.equal(reconnectDelayMs(DEFAULT_RECONNECT_POLICY, 1000), 5000);
  });
});
