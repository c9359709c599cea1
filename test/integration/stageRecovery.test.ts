// Stage-proofing against real processes: a frozen scsynth is known within seconds and killed
// at once, Reboot and Restore brings back what sclang played (a monitored Ndef, a Pdef), a
// restarted sclang never reuses a node id that still sounds, and every client's default group
// survives any order of recoveries.
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readSoundFileInfo } from '../../src/core/recording/soundFileHeader';
import type { RecorderChange } from '../../src/core/recording/recorder';
import { SCLang } from '../../src/core/sclang/sclang';
import { SCServer, highestNodeIdsByClient, defaultGroupIdOf } from '../../src/core';
import * as cmd from '../../src/core/scsynth/scsynthCommands';
import { IMMEDIATELY } from '../../src/core/osc/oscCodec';
import type { GroupNode, TreeNode } from '../../src/core/server/nodeTree';
import { jackEnv } from './jackHooks';
import { MemoryLogger, bootServer, freshPort, isAlive, quitAll, track, waitFor } from './serverHarness';

function synthsOf(tree: GroupNode): Array<{ nodeId: number; defName: string }> {
  const found: Array<{ nodeId: number; defName: string }> = [];
  const walk = (node: TreeNode) => {
    if (node.kind === 'synth') found.push({ nodeId: node.nodeId, defName: node.defName });
    else node.children.forEach(walk);
  };
  walk(tree);
  return found;
}

function groupIdsOf(tree: GroupNode): Set<number> {
  const ids = new Set<number>();
  const walk = (node: TreeNode) => {
    if (node.kind === 'group') {
      ids.add(node.nodeId);
      node.children.forEach(walk);
    }
  };
  walk(tree);
  return ids;
}

describe('Stage recovery with a real scsynth and sclang', function () {
  this.timeout(90_000);
  const langs: SCLang[] = [];

  afterEach(async () => {
    await Promise.all(langs.splice(0).map((lang) => lang.stop()));
    await quitAll();
  });

  async function startLang(): Promise<{ lang: SCLang; posted: string[] }> {
    const lang = new SCLang({ env: jackEnv(), logger: new MemoryLogger() });
    langs.push(lang);
    const posted: string[] = [];
    lang.onPost((line) => posted.push(line));
    await lang.start();
    return { lang, posted };
  }

  it('Hush and Free All free every root node though the model still holds one the server already ended', async () => {
    const server = await bootServer();
    await server.setVolume(-6);
    for (const step of ['hush', 'freeAll'] as const) {
      // Synths at the root, after a node the model thinks is there but scsynth no longer has
      // (a one-shot that just ended, its /n_end still on the way).
      const ids = [server.allocateNodeId(), server.allocateNodeId(), server.allocateNodeId()];
      server.send({ timeTag: IMMEDIATELY, packets: ids.map((id) => cmd.synthNew('sclive_sine', id, cmd.AddAction.head, 0, { amp: 0 })) });
      await waitFor('the synths in the model', () => ids.every((id) => server.nodeWatcher.has(id)), 3000);
      const ghost = 999_999;
      server.nodeWatcher.handleNotification('/n_go', [ghost, 0, -1, ids[2], 0]);
      assert.equal(server.nodeWatcher.children(0)[0].nodeId, ghost, 'the ended node first in the model\'s root');
      if (step === 'hush') {
        server.hush();
        // Asked at once, so scsynth answers before a second pass could have been sent: silent
        // in the bundle's own control period, not a round trip later.
        const now = await server.status();
        assert.equal(now.numSynths, server.volumeSynthIds.length, `${now.numSynths} synths right after Hush`);
      } else await server.freeAll();
      const status = await waitFor(`only the volume synth left after ${step}`, async () => {
        const s = await server.status();
        return s.numSynths === server.volumeSynthIds.length ? s : undefined;
      }, 3000).catch(async (error: Error) => {
        const tree = await server.queryAllNodes(false);
        throw new Error(`${error.message}: ${synthsOf(tree).map((synth) => `${synth.nodeId} ${synth.defName}`).join(', ')}`);
      });
      assert.equal(status.numSynths, 1);
      await server.resyncNodeTree();
    }
  });

  it('a frozen scsynth is unresponsive within the poll interval plus the grace time, and kill() ends it at once, leaving nothing', async () => {
    const server = await bootServer({}, { statusIntervalMs: 1000, unresponsiveAfterMs: 2000 });
    const pid = server.pid!;
    const port = server.addr[1];
    await server.sync();
    process.kill(pid, 'SIGSTOP');
    const frozenAt = performance.now();
    try {
      await waitFor('unresponsive', () => server.unresponsive, 4000);
    } catch (error) {
      process.kill(pid, 'SIGCONT');
      throw error;
    }
    const knownAfterMs = performance.now() - frozenAt;
    assert.ok(knownAfterMs <= 3000 + 250, `known after ${knownAfterMs.toFixed(0)} ms (interval 1000 + grace 2000)`);
    assert.equal(server.state, 'running', 'still running as far as the process goes: only silent');
    assert.ok(server.silentForMs >= 2000, `silent for ${server.silentForMs} ms`);
    const killStarted = performance.now();
    await server.kill();
    const killMs = performance.now() - killStarted;
    assert.ok(killMs < 1000, `a SIGSTOPped scsynth is gone after ${killMs.toFixed(0)} ms (quit would wait for /quit, then SIGTERM)`);
    assert.equal(server.state, 'stopped');
    assert.equal(isAlive(pid), false);
    assert.equal(existsSync(`/dev/shm/SuperColliderServer_${port}`), false, 'its shared memory is removed');
    await server.boot({ env: jackEnv(), timeoutMs: 15_000 });
    assert.equal(server.isAnswering, true, 'boots again on the same port');
  });

  it('a take running when the server froze goes on in a next file after Reboot and Restore: both files readable, the take ended once', async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'sclive-frozen-take-'));
    try {
      const port = freshPort();
      const first = await bootServer({ udpPort: port }, { statusIntervalMs: 250, unresponsiveAfterMs: 1000 });
      const file = path.join(folder, 'SC_2026-12-04_19-00-00.wav');
      const changes: RecorderChange[] = [];
      first.recorder.onDidChange((change) => changes.push(change));
      await first.recorder.start({ path: file, channels: 2, headerFormat: 'wav', sampleFormat: 'int24' });
      await new Promise((resolve) => setTimeout(resolve, 1000));
      process.kill(first.pid!, 'SIGSTOP');
      await waitFor('the frozen server noticed', () => first.unresponsive, 3000);
      // What ServerController.rebootAndRestore does with a take.
      const take = first.recorder.suspendFrozen();
      assert.ok(take, 'the take is carried over');
      await first.kill();
      first.recorder.repairFrozenPart(take);
      const second = track(new SCServer({ udpPort: port }, { statusIntervalMs: 250, logger: new MemoryLogger() }));
      second.recorder.onDidChange((change) => changes.push(change));
      await second.boot({ env: jackEnv(), timeoutMs: 15_000 });
      const part2 = await second.recorder.continueTake(take);
      assert.equal(part2, path.join(folder, 'SC_2026-12-04_19-00-00_part2.wav'));
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await second.recorder.stop();
      const first1 = readSoundFileInfo(file).durationSeconds;
      const second2 = readSoundFileInfo(part2).durationSeconds;
      // Part 1 holds what reached the disk before the freeze (its last half-buffer, at most 4,096 frames, stayed in the frozen server).
      assert.ok(first1 >= 0.5, `part 1: ${first1.toFixed(3)} s of about 1 s recorded before the freeze`);
      assert.ok(second2 >= 0.6, `part 2: ${second2.toFixed(3)} s of about 1 s after the reboot`);
      const ended = changes.filter((change) => change.ended);
      assert.equal(ended.length, 1, `the take ended once: ${JSON.stringify(ended)}`);
      assert.deepEqual(ended[0].paths, [file, part2]);
      assert.equal(ended[0].ended, 'stopped');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('Reboot and Restore: a monitored Ndef plays again and a Pdef goes on, on the new server, within 5 s', async () => {
    const port = freshPort();
    const first = await bootServer({ udpPort: port }, { statusIntervalMs: 250, unresponsiveAfterMs: 1000 });
    const { lang, posted } = await startLang();
    await lang.attachToServer(port, first.maxLogins, 'run-1');
    const played = await lang.evaluate('Ndef(\\drone, { SinOsc.ar([220, 221], 0, 0.01) }).play; Pdef(\\mel, Pbind(\\dur, 0.2, \\amp, 0.001)).play; "playing"');
    assert.equal(played.status, 'ok', played.output.join('\n'));
    await waitFor('the Ndef and the Pdef on the first server', async () => {
      const defs = synthsOf(await first.queryAllNodes(false)).map((synth) => synth.defName);
      return defs.some((name) => name.includes('drone')) && defs.includes('default');
    }, 5000);

    process.kill(first.pid!, 'SIGSTOP');
    await waitFor('the frozen server noticed', () => first.unresponsive, 3000);
    // What the extension does on "Reboot and Restore".
    const clicked = performance.now();
    assert.equal(await lang.notePlaying(), 1, 'one monitored proxy noted');
    await first.kill();
    await lang.detachFromServer();
    const second = track(new SCServer({ udpPort: port }, { statusIntervalMs: 250, logger: new MemoryLogger() }));
    await second.boot({ env: jackEnv(), timeoutMs: 15_000 });
    await lang.attachToServer(port, second.maxLogins, 'run-2');
    assert.equal(await lang.restorePlaying(), 1);
    let lastSeen: string[] = [];
    const synths = await waitFor('the Ndef\'s synth and the Pdef\'s events on the new server', async () => {
      const found = synthsOf(await second.queryAllNodes(false));
      const names = found.map((synth) => synth.defName);
      lastSeen = names;
      return names.some((name) => name.includes('drone')) && names.includes('default') && names.some((name) => name.startsWith('system_link_audio')) ? found : undefined;
    }, 5000).catch((error: Error) => {
      // What was there says which part did not come back (the Ndef, its monitor, the Pdef's events).
      throw new Error(`${error.message}; synths on the new server: ${JSON.stringify(lastSeen)}; sclang said: ${posted.slice(-15).join(' | ')}`);
    });
    const soundAfterMs = performance.now() - clicked;
    assert.ok(soundAfterMs < 5000, `sound again ${soundAfterMs.toFixed(0)} ms after the click`);
    assert.ok(synths.length >= 3);
    await lang.evaluate('Pdef(\\mel).stop; Ndef(\\drone).clear');
  });

  it('a restarted sclang starts its node ids past the synths its predecessor left sounding', async () => {
    const server = await bootServer();
    const port = server.addr[1];
    const first = await startLang();
    await first.lang.attachToServer(port, server.maxLogins, 'a');
    const made = await first.lang.evaluate('x = 3.collect { Synth(\\sclive_sine, [\\amp, 0]) }; x.collect(_.nodeID)');
    assert.equal(made.status, 'ok');
    const oldIds = (made.result ?? '').match(/\d+/g)!.map(Number);
    await waitFor('the first sclang\'s synths in the model', () => oldIds.every((id) => server.nodeWatcher.has(id)), 3000);
    // Restart sclang while it is stuck in a loop: it is killed, so it never logs out, and the new
    // one is told it is "already registered": its groups and synths stay, its ids start afresh.
    const pid = first.lang.pid!;
    process.kill(pid, 'SIGKILL');
    await waitFor('the old sclang gone', () => !isAlive(pid), 3000);
    const second = await startLang();
    await second.lang.attachToServer(port, server.maxLogins, 'b');
    await second.lang.skipLiveNodeIds(highestNodeIdsByClient(server.nodeWatcher.nodeIds()));
    const scsynthSaid: string[] = [];
    server.onOutput((line) => scsynthSaid.push(line.text));
    const next = await second.lang.evaluate('y = Synth(\\sclive_sine, [\\amp, 0]); y.nodeID');
    assert.equal(next.status, 'ok', next.output.join('\n'));
    const newId = Number(next.result);
    assert.ok(newId > Math.max(...oldIds), `new id ${newId} after the old ones (${oldIds.join(', ')})`);
    await waitFor('the new synth on the server beside the old ones', () => server.nodeWatcher.has(newId) && oldIds.every((id) => server.nodeWatcher.has(id)), 3000);
    await server.sync();
    assert.deepEqual([...second.posted, ...scsynthSaid].filter((line) => /duplicate node ID|FAILURE/.test(line)), []);
  });

  it('every client\'s default group, the volume and the meters are there after any order of Hush, Free All, sclang\'s Cmd-., Restart sclang and Reboot', async () => {
    const port = freshPort();
    let server = await bootServer({ udpPort: port, maxLogins: 4 });
    // What the extension keeps: a volume below 0 dB (a synth of its own) and the meters.
    await server.setVolume(-6);
    await server.meters.start();
    let { lang } = await startLang();
    let run = 1;
    await lang.attachToServer(port, server.maxLogins, `run-${run}`);
    const expected = () => [0, 1, 2, 3].map(defaultGroupIdOf);
    const steps: Record<string, () => Promise<void>> = {
      hush: async () => server.hush(),
      freeAll: () => server.freeAll(),
      sclangCmdPeriod: () => lang.hush(),
      sclangFreeAll: async () => void (await lang.evaluate('Server.default.freeAll', { print: false })),
      restartSclang: async () => {
        await lang.stop();
        langs.splice(langs.indexOf(lang), 1);
        ({ lang } = await startLang());
        await lang.attachToServer(port, server.maxLogins, `run-${run}`);
      },
      // Restart sclang while it is stuck (loop {}): killed, it never logs out; the new one is
      // told it is "already registered" and knows only its own default group.
      restartStuckSclang: async () => {
        const pid = lang.pid!;
        process.kill(pid, 'SIGKILL');
        await waitFor('the stuck sclang gone', () => !isAlive(pid), 3000);
        langs.splice(langs.indexOf(lang), 1);
        ({ lang } = await startLang());
        await lang.attachToServer(port, server.maxLogins, `run-${run}`);
      },
      reboot: async () => {
        await server.kill();
        await lang.detachFromServer();
        server = track(new SCServer({ udpPort: port, maxLogins: 4 }, { statusIntervalMs: 200, logger: new MemoryLogger() }));
        // The extension carries the volume and the meters over to the new run.
        server.volume = -6;
        await server.meters.start();
        await server.boot({ env: jackEnv(), timeoutMs: 15_000 });
        run++;
        await lang.attachToServer(port, server.maxLogins, `run-${run}`);
      },
    };
    // A fixed pseudo-random order (the same each run), long enough to put every step after every other.
    let seed = 7;
    const order: string[] = [];
    const names = Object.keys(steps);
    for (let i = 0; i < 16; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      order.push(names[seed % names.length]);
    }
    assert.ok(names.every((name) => order.includes(name)), `every step taken: ${order.join(', ')}`);
    // First the order the issue saw lose the groups: a stuck sclang restarted knows only its own
    // default group, and its Cmd-. (freeAll) then re-creates only that one.
    order.unshift('reboot', 'restartStuckSclang', 'sclangCmdPeriod', 'hush');
    for (const [index, step] of order.entries()) {
      await lang.evaluate('Synth(\\sclive_sine, [\\amp, 0]); nil', { print: false });
      await steps[step]();
      const groups = await waitFor(`every default group, the volume before the meters after ${order.slice(0, index + 1).join(' → ')}`, async () => {
        const tree = await server.queryAllNodes(false);
        const ids = groupIdsOf(tree);
        const synths = new Set(synthsOf(tree).map((synth) => synth.nodeId));
        // The volume runs before the meters (they read what is heard), at the root's tail.
        const rootOrder = tree.children.map((child) => child.nodeId);
        const lastVolume = Math.max(...server.volumeSynthIds.map((id) => rootOrder.indexOf(id)));
        const firstMeter = Math.min(...server.meters.synthIds.map((id) => rootOrder.indexOf(id)));
        const kept = server.volumeSynthIds.length > 0 && server.meters.synthIds.length > 0 && [...server.volumeSynthIds, ...server.meters.synthIds].every((id) => synths.has(id)) && lastVolume >= 0 && lastVolume < firstMeter;
        return expected().every((id) => ids.has(id)) && kept ? ids : undefined;
      }, 3000).catch(async (error: Error) => {
        const tree = await server.queryAllNodes(false);
        throw new Error(`${error.message}: groups ${[...groupIdsOf(tree)].join(', ')}; synths ${synthsOf(tree).map((synth) => `${synth.nodeId} ${synth.defName}`).join(', ')}; volume ${server.volumeSynthIds.join(', ')}, meters ${server.meters.synthIds.join(', ')}; log ${(server as unknown as { logger: MemoryLogger }).logger.lines.filter((line) => /warn|error/.test(line)).slice(-5).join(' | ')}`);
      });
      assert.ok(groups.size >= 5);
    }
  });
});
