// scsynth's 8 MB /dev/shm file, against real scsynth processes: removed however a scsynth this
// program started ended, and never while a live scsynth uses it.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { SCServer } from '../../src/core/server/scServer';
import { ScsynthLedger, sharedMemoryFile } from '../../src/core/scsynth/sharedMemory';
import { jackEnv } from './jackHooks';
import { MemoryLogger, bootServer, freshPort, isAlive, quitAll, track, waitFor } from './serverHarness';

/** Gone, or a zombie nobody reaped yet (it holds nothing). */
function hasEnded(pid: number): boolean {
  if (!isAlive(pid)) return true;
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

describe('scsynth\'s shared memory file', function () {
  this.timeout(60_000);
  afterEach(quitAll);
  before(function () {
    if (process.platform !== 'linux') this.skip();
  });

  it('is removed after a failed boot (scsynth makes it, then finds no audio driver and aborts)', async () => {
    const port = freshPort();
    const server = track(new SCServer({ udpPort: port }, { logger: new MemoryLogger() }));
    await assert.rejects(server.boot({ env: { JACK_DEFAULT_SERVER: 'sclive-no-such-jack', JACK_NO_START_SERVER: '1' }, timeoutMs: 15_000 }), /could not start its audio driver/);
    assert.equal(existsSync(sharedMemoryFile(port)), false);
  });

  it('is removed when the server is disposed while running (the window closes)', async () => {
    const server = await bootServer();
    const port = server.options.udpPort;
    const pid = server.pid!;
    assert.ok(existsSync(sharedMemoryFile(port)), 'scsynth made it');
    server.dispose();
    await waitFor('scsynth to end', () => hasEnded(pid), 10_000);
    await waitFor('the file to be removed', () => !existsSync(sharedMemoryFile(port)), 3000);
  });

  it('of a scsynth whose parent was killed is removed at the next start once that scsynth is gone, and a live scsynth\'s file never', async () => {
    const ledgerDir = mkdtempSync(path.join(tmpdir(), 'sclive-ledger-'));
    const port = freshPort();
    const parentScript = path.resolve(__dirname, 'fixtures/scsynthParent.js');
    const parent = spawn(process.execPath, [parentScript, String(port), ledgerDir], { env: { ...process.env, ...jackEnv() }, stdio: ['ignore', 'pipe', 'pipe'] });
    let scsynthPid: number | undefined;
    try {
      scsynthPid = await new Promise<number>((resolve, reject) => {
        let said = '';
        parent.stdout.on('data', (chunk: Buffer) => {
          said += chunk.toString();
          const pid = /scsynth ready, pid (\d+)/.exec(said)?.[1];
          if (pid) resolve(Number(pid));
        });
        parent.stderr.on('data', (chunk: Buffer) => (said += chunk.toString()));
        parent.once('exit', () => reject(new Error(`the parent ended: ${said}`)));
      });
      const segment = sharedMemoryFile(port);
      assert.ok(existsSync(segment), 'scsynth made it');
      // The extension host is killed: nothing of it runs to clean up.
      parent.kill('SIGKILL');
      await waitFor('the parent to end', () => parent.exitCode !== null || parent.signalCode !== null, 5000);
      const ledger = new ScsynthLedger(ledgerDir);
      if (!hasEnded(scsynthPid)) {
        assert.deepEqual(await ledger.sweep(), [], 'its scsynth still runs: its file stays');
        assert.ok(existsSync(segment));
        process.kill(scsynthPid, 'SIGKILL');
        await waitFor('the orphaned scsynth to end', () => hasEnded(scsynthPid!), 5000);
      }
      assert.ok(existsSync(segment), 'a killed scsynth leaves it behind');
      // Another scsynth, alive, whose port a stale entry names (a pid that is long gone).
      const live = await bootServer();
      const livePort = live.options.udpPort;
      writeFileSync(path.join(ledgerDir, '999999999.json'), JSON.stringify({ pid: 999999999, port: livePort }));
      assert.deepEqual(await ledger.sweep(), [port], 'the next start removes the dead scsynth\'s file only');
      assert.equal(existsSync(segment), false);
      assert.ok(existsSync(sharedMemoryFile(livePort)), 'the live scsynth\'s file is kept');
      assert.deepEqual(readdirSync(ledgerDir), [], 'both entries are done with');
    } finally {
      if (parent.exitCode === null && parent.signalCode === null) parent.kill('SIGKILL');
      if (scsynthPid && !hasEnded(scsynthPid)) process.kill(scsynthPid, 'SIGKILL');
      rmSync(sharedMemoryFile(port), { force: true });
      rmSync(ledgerDir, { recursive: true, force: true });
    }
  });
});
