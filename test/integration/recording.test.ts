// No take is lost (issue 16, item 6), against a real scsynth: a take never overwrites a file,
// Free All and Hush leave no gap, a full disk stops it saying what was saved, Quit keeps its
// last half and Reboot goes on in a next file. The sound is a click track from outside scsynth
// (tools/clickTrack.ts): every sample a take loses shows as a click arriving early.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as cmd from '../../src/core/scsynth/scsynthCommands';
import { RecorderChange } from '../../src/core/recording/recorder';
import { readSoundFileInfo } from '../../src/core/recording/soundFileHeader';
import { ClickTrack, analyseClicks, startClickTrack } from '../../tools/clickTrack';
import { jackEnv, jackPeriodFrames, jackXruns } from './jackHooks';
import { MemoryLogger, bootServer, freshPort, quitAll, track, waitFor } from './serverHarness';
import { SCServer } from '../../src/core/server/scServer';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** One control period of scsynth (its default block). */
const BLOCK = 64;

describe('No take is lost (recording against a real scsynth)', function () {
  this.timeout(60_000);
  let folder: string;
  let clicks: ClickTrack | undefined;
  before(() => (folder = mkdtempSync(path.join(tmpdir(), 'sclive-take-'))));
  after(() => rmSync(folder, { recursive: true, force: true }));
  afterEach(async () => {
    await quitAll();
    await clicks?.stop();
    clicks = undefined;
  });

  /** A server whose first input hears the click track; takes record that input. */
  async function bootWithClicks(): Promise<{ server: SCServer; bus: number }> {
    // The input the clicks arrive at: the first after the outputs.
    clicks = await startClickTrack(jackEnv());
    const server = track(new SCServer({ udpPort: freshPort() }, { statusIntervalMs: 200, logger: new MemoryLogger() }));
    await server.boot({ env: clicks.scsynthEnv, timeoutMs: 15_000 });
    return { server, bus: server.options.numOutputBuses };
  }

  it('two takes started in the same second get two files; the first is not overwritten', async () => {
    const server = await bootServer();
    const wanted = path.join(folder, 'same-second', 'SC_2026-12-04_18-00-00.wav');
    const first = await server.recorder.start({ path: wanted, channels: 1 });
    await sleep(600);
    await server.recorder.stop();
    const second = await server.recorder.start({ path: wanted, channels: 1 });
    await sleep(200);
    await server.recorder.stop();
    assert.equal(first, wanted);
    assert.equal(second, path.join(folder, 'same-second', 'SC_2026-12-04_18-00-00-2.wav'));
    assert.deepEqual(readdirSync(path.dirname(wanted)).sort(), ['SC_2026-12-04_18-00-00-2.wav', 'SC_2026-12-04_18-00-00.wav']);
    const firstSeconds = readSoundFileInfo(first).durationSeconds;
    assert.ok(firstSeconds > 0.55, `the first take still holds its ${firstSeconds.toFixed(2)} s`);
    assert.ok(readSoundFileInfo(second).durationSeconds < 0.4);
  });

  it('Free All x10 and Hush x5 during a take leave no gap: at most one control period per Free All', async () => {
    const { server, bus } = await bootWithClicks();
    // A loaded machine makes JACK stall scsynth now and then (jackd names each xrun): a take
    // over its limit that saw such stalls is taken again, up to 3 times. The code before this
    // item lost 512 samples at every Free All, so it fails every try.
    const failures: string[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      const file = path.join(folder, `free-all-${attempt}.wav`);
      await server.recorder.start({ path: file, channels: 1, bus, sampleFormat: 'float' });
      const recorderNode = server.recorder.synthIds[0];
      await sleep(500);
      const xrunsBefore = jackXruns('SuperCollider');
      for (let i = 0; i < 10; i++) {
        // A synth in the default group and a group of the musician's at the root: Free All frees both.
        const groupId = server.allocateNodeId();
        server.send(cmd.synthNew('sclive_sine', server.allocateNodeId(), cmd.AddAction.head, server.defaultGroup, { amp: 0.01 }));
        server.send(cmd.groupNew(groupId, cmd.AddAction.tail, 0));
        await server.sync();
        await server.freeAll();
        const root = await server.queryAllNodes(false);
        const left = root.children.filter((child) => child.kind === 'synth' || child.children.length > 0 || child.nodeId === groupId).map((child) => child.nodeId);
        assert.deepEqual(left, server.ownSynthIds, `after Free All ${i + 1} only this client's own synths are left (${JSON.stringify(root)})`);
        await sleep(150 + 37 * i);
      }
      for (let i = 0; i < 5; i++) {
        server.hush();
        await sleep(150 + 41 * i);
      }
      await sleep(300);
      const xruns = jackXruns('SuperCollider') - xrunsBefore;
      assert.equal(server.recorder.synthIds[0], recorderNode, 'the recording synth was never freed');
      await server.recorder.stop();
      const result = analyseClicks(file, clicks!.clickFrames);
      assert.ok(result.clicks >= 35, `${result.clicks} clicks in the take`);
      const allowed = 15 * BLOCK;
      if (result.missing <= allowed) return;
      failures.push(`try ${attempt}: ${result.missing} samples missing (${JSON.stringify(result.gaps)}), allowed ${allowed} (15 blocks); ${xruns} JACK xruns of scsynth`);
      if (xruns === 0) break;
    }
    assert.fail(failures.join('\n'));
  });

  /** Plays a sine of 0.25 on output 1: the last sound before Quit or Reboot. */
  function playLastSound(server: SCServer): void {
    server.send(cmd.synthNew('sclive_sine', server.allocateNodeId(), cmd.AddAction.head, server.defaultGroup, { freq: 440, amp: 0.25, pan: -1 }));
  }

  /** Seconds from the first sound on channel 0 to the end of the file. */
  function secondsOfSoundAtTheEnd(file: string): number {
    const info = readSoundFileInfo(file);
    const bytes = readFileSync(file).subarray(info.dataOffset, info.dataOffset + info.dataBytes);
    const frameBytes = (info.channels * info.bitsPerSample) / 8;
    for (let frame = 0; frame < info.frames; frame++) {
      if (Math.abs(bytes.readFloatLE(frame * frameBytes)) > 0.01) return (info.frames - frame) / info.sampleRate;
    }
    return 0;
  }

  /**
   * Nothing missing between the clicks, but what JACK dropped: a stall JACK saw scsynth miss (a
   * loaded machine; jackd names each) drops its input for a few periods, however it records.
   */
  function assertNothingMissing(file: string, xrunsBefore: number): void {
    const xruns = jackXruns('SuperCollider') - xrunsBefore;
    const result = analyseClicks(file, clicks!.clickFrames, 2);
    assert.ok(result.clicks >= 5, `${result.clicks} clicks in ${path.basename(file)}`);
    const allowed = xruns * 8 * jackPeriodFrames();
    assert.ok(result.missing <= allowed, `${result.missing} samples missing inside ${path.basename(file)} (${JSON.stringify(result.gaps)}), ${xruns} JACK xruns of scsynth (allowed ${allowed})`);
  }

  // Outputs 1-2 and input 1 (the clicks): 3 channels from bus 0.
  const OUT_AND_CLICKS = { channels: 3, bus: 0, sampleFormat: 'float' as const };

  it('Quit keeps the last half: a sound started 50 ms before Quit is in the file', async () => {
    const { server } = await bootWithClicks();
    const file = path.join(folder, 'quit.wav');
    const xruns = jackXruns('SuperCollider');
    await server.recorder.start({ path: file, ...OUT_AND_CLICKS });
    await sleep(800);
    playLastSound(server);
    await sleep(50);
    await server.quit();
    const sound = secondsOfSoundAtTheEnd(file);
    assert.ok(sound >= 0.04, `${(sound * 1000).toFixed(0)} ms of the last sound in the file`);
    assertNothingMissing(file, xruns);
  });

  it('a take across Reboot goes on in a next file of the same take: both files, nothing missing but the reboot', async () => {
    const { server } = await bootWithClicks();
    const changes: RecorderChange[] = [];
    const file = path.join(folder, 'reboot', 'SC_2026-12-04_18-10-00.wav');
    const xruns = jackXruns('SuperCollider');
    await server.recorder.start({ path: file, ...OUT_AND_CLICKS });
    const listener = server.recorder.onDidChange((change) => changes.push(change));
    await sleep(800);
    playLastSound(server);
    await sleep(50);
    await server.reboot();
    const rebootDone = Date.now();
    assert.equal(server.recorder.state, 'recording', 'the take goes on after the reboot');
    const part2 = path.join(folder, 'reboot', 'SC_2026-12-04_18-10-00_part2.wav');
    assert.equal(server.recorder.path, part2);
    await sleep(1000);
    const span = (Date.now() - rebootDone) / 1000;
    await server.recorder.stop();
    listener.dispose();
    // Part 1 runs to the Reboot (its last half kept), part 2 from the new server to Stop.
    const lastSound = secondsOfSoundAtTheEnd(file);
    assert.ok(lastSound >= 0.04, `${(lastSound * 1000).toFixed(0)} ms of the sound started 50 ms before Reboot in part 1`);
    const second = readSoundFileInfo(part2).durationSeconds;
    // Audio time against the wall clock: a loaded machine's JACK runs behind it (0.864 s in 1.001 s seen in a full run).
    assert.ok(second >= span * 0.75, `part 2: ${second.toFixed(3)} s, ${span.toFixed(3)} s from the new server to Stop`);
    for (const part of [file, part2]) assertNothingMissing(part, xruns);
    const ended = changes.find((change) => change.ended);
    assert.deepEqual(ended?.paths, [file, part2], 'Stop names both files of the take');
    const total = readSoundFileInfo(file).durationSeconds + second;
    assert.ok(Math.abs(ended.savedSeconds! - total) < 0.001, `saved ${ended.savedSeconds} s, the files hold ${total} s`);
    assert.ok(!changes.some((change) => change.ended && change !== ended), 'the reboot did not end the take');
  });

  it('a take on a full disk stops, saying how much it saved; never "saved" for a cut file', async function () {
    const mountPoint = path.join(folder, 'small-disk');
    mkdirSync(mountPoint);
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mountPoint], { encoding: 'utf8' });
    if (mounted.status !== 0) this.skip(); // Needs root (a tmpfs the test can fill).
    try {
      const server = await bootServer();
      const changes: RecorderChange[] = [];
      server.recorder.onDidChange((change) => changes.push(change));
      const lowSpace: number[] = [];
      server.recorder.onLowSpace((warning) => lowSpace.push(warning.minutesLeft));
      const file = path.join(mountPoint, 'full.wav');
      // 2 channels of float at 48 kHz: 384 kB a second, so the 1 MB disk fills in under 3 s.
      await server.recorder.start({ path: file, channels: 2, sampleFormat: 'float' });
      assert.deepEqual(lowSpace, [0], 'warned at the start: less than a minute fits');
      const ended = await waitFor('the take to stop on the full disk', () => changes.find((change) => change.ended), 10_000);
      assert.equal(ended.ended, 'diskFull');
      assert.equal(server.recorder.state, 'idle');
      const info = readSoundFileInfo(file);
      assert.ok(info.durationSeconds > 2 && info.durationSeconds < 3, `${info.durationSeconds.toFixed(2)} s saved`);
      assert.ok(Math.abs(ended.savedSeconds! - info.durationSeconds) < 0.001, `the message's ${ended.savedSeconds} s are the file's ${info.durationSeconds} s`);
      // A take cannot start on the full disk: a clear error, and no file left behind.
      await assert.rejects(server.recorder.start({ path: path.join(mountPoint, 'more.wav'), channels: 2 }), /Cannot record: only .* free/);
      assert.ok(!existsSync(path.join(mountPoint, 'more.wav')));
    } finally {
      await quitAll();
      spawnSync('umount', [mountPoint]);
    }
  });
});
