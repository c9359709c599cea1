// Faults a musician can cause, against a real scsynth: each is reported as what it is, and
// nothing is left running or unhandled.
import { strict as assert } from 'node:assert';
import { existsSync, rmSync } from 'node:fs';
import { SCServer, StateChange } from '../../src/core/server/scServer';
import { startDummyJack } from '../../tools/dummyJack';
import { jackEnv } from './jackHooks';
import { MemoryLogger, freshPort, isAlive, quitAll, track, waitFor } from './serverHarness';
import * as cmd from '../../src/core/scsynth/scsynthCommands';

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
      // scsynth named its shared memory after the port it really used, which the core never knew.
      rmSync(`/dev/shm/SuperColliderServer_${elsewhere}`, { force: true });
    }
  });

  it('a bind address of no interface here is refused before scsynth starts, in the system\'s words, not as a port in use', async () => {
    const logger = new MemoryLogger();
    const server = track(new SCServer({ udpPort: freshPort(), bindAddress: '10.255.255.254' }, { logger }));
    await assert.rejects(server.boot({ env: jackEnv(), timeoutMs: 15_000 }), (error: Error) => {
      assert.match(error.message, /cannot listen on the bind address 10\.255\.255\.254: the system said "Cannot assign requested address"/);
      assert.doesNotMatch(error.message, /in use/);
      return true;
    });
    assert.equal(server.state, 'stopped');
    assert.ok(!logger.lines.some((line) => line.includes('Booting:')), 'scsynth was not started');
  });

  it('remote() to a host that does not resolve, or with a port given as text, says so at once', async () => {
    const server = track(new SCServer({}, { logger: new MemoryLogger() }));
    const started = performance.now();
    await assert.rejects(server.remote('no-such-host.invalid', 57110), /The host name no-such-host\.invalid could not be resolved \((ENOTFOUND|EAI_AGAIN)\)/);
    assert.ok(performance.now() - started < 1500, 'no 2 s wait for an answer that cannot come');
    assert.equal(server.state, 'stopped');
    await assert.rejects(server.remote('127.0.0.1', '57110' as unknown as number), /port must be a whole number from 1 to 65535, got "57110" \(string\)/);
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

describe('Hardening: what a killed scsynth leaves behind', function () {
  this.timeout(60_000);
  afterEach(quitAll);

  it('its 8 MB shared memory segment is removed once the core sees it die', async function () {
    if (process.platform !== 'linux') this.skip();
    const port = freshPort();
    const server = track(new SCServer({ udpPort: port }, { logger: new MemoryLogger() }));
    await server.boot({ env: jackEnv(), timeoutMs: 15_000 });
    const segment = `/dev/shm/SuperColliderServer_${port}`;
    assert.ok(existsSync(segment), 'scsynth made it');
    process.kill(server.pid!, 'SIGKILL');
    await waitFor('the crash', () => server.state === 'crashed', 3000);
    assert.equal(existsSync(segment), false);
  });
});

describe('Status polling on a running server', function () {
  this.timeout(60_000);
  afterEach(quitAll);

  it('changing the poll interval applies at once: 0 stops polling, a new interval starts it again', async () => {
    const server = track(new SCServer({ udpPort: freshPort() }, { logger: new MemoryLogger(), statusIntervalMs: 100 }));
    await server.boot({ env: jackEnv(), timeoutMs: 15_000 });
    let polls = 0;
    server.onDidChangeStatus(() => polls++);
    await waitFor('polls every 100 ms', () => polls >= 3, 2000);
    server.statusIntervalMs = 0;
    await new Promise((resolve) => setTimeout(resolve, 150));
    const stoppedAt = polls;
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(polls, stoppedAt, 'no polls at an interval of 0');
    server.statusIntervalMs = 50;
    await waitFor('polling again', () => polls >= stoppedAt + 5, 2000);
  });
});

describe('Hardening: resynchronising the node model', function () {
  this.timeout(60_000);
  afterEach(quitAll);

  it('paused synths are still paused after a resync', async () => {
    const server = track(new SCServer({ udpPort: freshPort() }, { logger: new MemoryLogger(), statusIntervalMs: 200 }));
    await server.boot({ env: jackEnv(), timeoutMs: 15_000 });
    const ids = Array.from({ length: 10 }, () => server.allocateNodeId());
    await server.sendMany([
      ...ids.map((id) => cmd.synthNew('sclive_sine', id, cmd.AddAction.tail, server.defaultGroup, { amp: 0 })),
      ...ids.map((id) => cmd.nodeRun(id, false)),
    ]);
    await waitFor('ten paused synths in the model', () => ids.every((id) => server.nodeWatcher.get(id)?.running === false));
    await server.resyncNodeTree();
    assert.deepEqual(ids.map((id) => server.nodeWatcher.get(id)?.running), ids.map(() => false), '10 of 10 still paused');
  });
});

describe('Hardening: the audio driver dies under scsynth', function () {
  this.timeout(60_000);
  afterEach(quitAll);

  it('a killed JACK server is reported as a crash of the audio driver, not a clean quit', async () => {
    // One name every run: the slot this killed JACK keeps is reclaimed by the next run.
    const jack = await startDummyJack({ name: 'sclive-killed-by-test' });
    try {
      const server = track(new SCServer({ udpPort: freshPort() }, { logger: new MemoryLogger() }));
      await server.boot({ env: jack.env, timeoutMs: 15_000 });
      const changed = new Promise<StateChange>((resolve) => server.onDidChangeState((change) => change.state !== 'running' && resolve(change)));
      const killedAt = performance.now();
      process.kill(jack.pid, 'SIGKILL');
      const change = await changed;
      const reportedMs = performance.now() - killedAt;
      assert.equal(change.state, 'crashed', `${change.state}: ${change.reason}`);
      assert.match(change.reason ?? '', /audio driver \(JACK\) stopped/);
      assert.ok(reportedMs < 2000, `reported after ${reportedMs.toFixed(0)} ms`);
    } finally {
      await jack.stop();
    }
  });
});
