import { strict as assert } from 'node:assert';
import { ConnectionClosedError, OscTimeoutError, ReplyRouter, ServerFailError } from '../../src/core/osc/replyRouter';

describe('ReplyRouter', () => {
  it('gives each waiting request its own reply, matched by the id the reply carries', async () => {
    const router = new ReplyRouter('127.0.0.1:57110');
    const first = router.expect('/sync', { address: '/synced', match: (args) => args[0] === 1 }, 1000);
    const second = router.expect('/sync', { address: '/synced', match: (args) => args[0] === 2 }, 1000);
    assert.equal(router.reply({ address: '/synced', args: [2] }), true);
    assert.equal(router.reply({ address: '/synced', args: [1] }), true);
    assert.equal(router.reply({ address: '/synced', args: [3] }), false, 'nobody waits for 3');
    assert.deepEqual([(await first).args, (await second).args], [[1], [2]]);
    assert.equal(router.size, 0);
  });

  it('fails the oldest request for the command a /fail names, and says when none waited', async () => {
    const router = new ReplyRouter('here');
    const load = router.expect('/d_load', { address: '/done', failCommand: '/d_load' }, 1000);
    const result = router.fail({ address: '/fail', args: ['/d_load', 'file not found'] });
    assert.equal(result.matched, true);
    await assert.rejects(load, (error: unknown) => error instanceof ServerFailError && error.serverMessage === 'file not found');
    assert.equal(router.fail({ address: '/fail', args: ['/s_new', 'SynthDef not found'] }).matched, false);
  });

  it('times out with what it waited for, and rejects everything when the connection closes', async () => {
    const router = new ReplyRouter('127.0.0.1:57110');
    await assert.rejects(router.expect('/status', { address: '/status.reply' }, 20), (error: unknown) => error instanceof OscTimeoutError && /No reply to \/status from 127.0.0.1:57110 within 20 ms/.test((error as Error).message));
    const waiting = router.expect('/sync', { address: '/synced' }, 1000);
    router.rejectAll('the server quit');
    await assert.rejects(waiting, (error: unknown) => error instanceof ConnectionClosedError && /the server quit/.test((error).message));
  });
});
