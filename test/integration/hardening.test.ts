// Faults a musician can cause, against a real scsynth: each is reported as what it is, and
// nothing is left running or unhandled.
import { strict as assert } from 'node:assert';
import { SCServer } from '../../src/core/scServer';
import { jackEnv } from './jackHooks';
import { MemoryLogger, freshPort, isAlive, quitAll, track } from './serverHarness';

describe('Hardening with a real scsynth', function () {
  this.timeout(60_000);
  afterEach(quitAll);

  it('a scsynth that is ready but answers on another port fails the boot cleanly (no unhandled rejection)', async () => {
    const port = freshPort();
    const elsewhere = freshPort();
    const server = track(new SCServer({ udpPort: port, otherOptions: ['-u', String(elsewhere)] }, { logger: new MemoryLogger(), replyTimeoutMs: 1000 }));
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      await assert.rejects(server.boot({ env: jackEnv(), timeoutMs: 15_000 }), /No reply to \/notify/);
      assert.equal(server.state, 'stopped');
      assert.equal(server.pid, undefined);
      // The wait for the tree query's reply fails after its own timeout: give it time to.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      assert.deepEqual(rejections, []);
    } finally {
      process.off('unhandledRejection', onRejection);
    }
  });

  it('quit() during boot() cancels the boot and leaves no process', async () => {
    const server = track(new SCServer({ udpPort: freshPort() }, { logger: new MemoryLogger() }));
    const states: string[] = [];
    server.onDidChangeState((change) => states.push(change.state));
    const booting = server.boot({ env: jackEnv(), timeoutMs: 15_000 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    let pid: number | undefined;
    const pidSeen = setInterval(() => (pid ??= server.pid), 1);
    await server.quit();
    clearInterval(pidSeen);
    await assert.rejects(booting, /quit while booting|cancelled/i);
    assert.equal(server.state, 'stopped');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(server.state, 'stopped', 'the boot did not finish afterwards');
    assert.equal(server.pid, undefined);
    if (pid) assert.equal(isAlive(pid), false, 'its scsynth was stopped');
    assert.ok(!states.includes('running'), `never running: ${states.join(' > ')}`);
  });
});
