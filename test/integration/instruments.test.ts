// Meters and recording against a real scsynth: what a musician reads and what lands on disk.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as cmd from '../../src/core/scsynth/scsynthCommands';
import { ChannelLevel, METER_FLOOR_DB, ampToDb, describeLevel } from '../../src/core/meters/levelMeters';
import { readSoundFileInfo } from '../../src/core/recording/soundFileHeader';
import type { ScopeRead } from '../../src/core/meters/scopeTap';
import { peakFrequency, spectrum } from '../../src/core/meters/spectrum';
import type { SCServer } from '../../src/core/server/scServer';
import { bootServer, quitAll, waitFor } from './serverHarness';

/** A sine of amplitude 0.25 on output 1 only (Pan2 at -1 puts all of it left). */
function playSineOnOutput1(server: SCServer): number {
  const id = server.allocateNodeId();
  server.send(cmd.synthNew('sclive_sine', id, cmd.AddAction.head, server.defaultGroup, { freq: 440, amp: 0.25, pan: -1 }));
  return id;
}

/** Levels after they have settled (the meter's peak falls back slowly: wait for a steady reading). */
async function steadyLevels(server: SCServer, check: (levels: readonly ChannelLevel[]) => boolean): Promise<readonly ChannelLevel[]> {
  // The first report with the sine's peak can hold silence from before the synth started in its
  // RMS: the levels are read from the report after that.
  await waitFor('meter levels', () => check(server.meters.levels), 5000);
  const next = new Promise<readonly ChannelLevel[]>((resolve) => {
    const listener = server.meters.onLevels((levels) => {
      listener.dispose();
      resolve(levels.map((level) => ({ ...level })));
    });
  });
  return next;
}

/** RMS of channel `channel` (0-based) of a 24-bit or float WAV, in dBFS. */
function wavChannelRmsDb(file: string, channel: number): number {
  const info = readSoundFileInfo(file);
  const bytes = readFileSync(file).subarray(info.dataOffset, info.dataOffset + info.dataBytes);
  const frameBytes = (info.channels * info.bitsPerSample) / 8;
  let sum = 0;
  // Skip the first 0.1 s (the sine's attack).
  const first = Math.floor(info.sampleRate * 0.1);
  for (let frame = first; frame < info.frames; frame++) {
    const at = frame * frameBytes + (channel * info.bitsPerSample) / 8;
    const sample = info.float ? bytes.readFloatLE(at) : bytes.readIntLE(at, 3) / 0x800000;
    sum += sample * sample;
  }
  return 10 * Math.log10(sum / (info.frames - first));
}

describe('Meters and recording against a real scsynth', function () {
  this.timeout(30_000);
  let folder: string;
  before(() => (folder = mkdtempSync(path.join(tmpdir(), 'sclive-rec-'))));
  after(() => rmSync(folder, { recursive: true, force: true }));
  afterEach(quitAll);

  it('meters a sine of amplitude 0.25 on output 1 at -12 dB peak and -15 dB RMS, output 2 silent', async () => {
    const server = await bootServer();
    await server.meters.start();
    playSineOnOutput1(server);
    const levels = await steadyLevels(server, (l) => l[0]?.peak > 0.2 && Math.abs(ampToDb(l[0].peak) + 12.04) < 0.5);
    assert.ok(Math.abs(ampToDb(levels[0].peak) + 12.04) < 0.5, describeLevel(levels[0]));
    // SendPeakRMS's RMS is over each reply period (not whole cycles of the sine): about -15.6 dB is read here.
    assert.ok(Math.abs(ampToDb(levels[0].rms) + 15.05) < 1, describeLevel(levels[0]));
    assert.ok(levels[1].peak === 0 || ampToDb(levels[1].peak) < -80, describeLevel(levels[1]));
    assert.deepEqual(levels.map((l) => `${l.kind} ${l.channel}`), ['out 1', 'out 2', 'in 1', 'in 2']);
    assert.match(describeLevel(levels[0]), /^out 1: -1[12]\.\d dB peak, -1[45]\.\d dB RMS$/);
    // The meter synths are the client's own, not the musician's.
    assert.equal(server.meters.synthIds.length, 1, 'one 4-channel meter for 2 outputs and 2 inputs');
    for (const id of server.meters.synthIds) assert.ok(server.ownSynthIds.includes(id));
  });

  it('meters what is heard: Mute reads silent, -6 dB reads 6 dB lower, also after Hush (volume set after the meters started)', async () => {
    const server = await bootServer();
    await server.meters.start();
    playSineOnOutput1(server);
    const near = (dB: number) => (l: readonly ChannelLevel[]) => l[0]?.peak > 0 && Math.abs(ampToDb(l[0].peak) - dB) < 0.5;
    await steadyLevels(server, near(-12.04));
    await server.mute();
    // The peak falls 60 dB in 3 s (SendPeakRMS, as sclang's ServerMeter): below the -60 dB floor within 3 s.
    const muted = await steadyLevels(server, (l) => ampToDb(l[0]?.peak) < METER_FLOOR_DB);
    assert.match(describeLevel(muted[0]), /^out 1: silent peak, silent RMS$/);
    await server.unmute();
    await server.setVolume(-6);
    const lower = await steadyLevels(server, near(-18.04));
    assert.ok(Math.abs(ampToDb(lower[0].peak) + 18.04) < 0.5, describeLevel(lower[0]));
    const [volumeId] = server.volumeSynthIds;
    const order = (await server.queryAllNodes(false)).children.map((node) => node.nodeId);
    assert.ok(order.indexOf(volumeId) < order.indexOf(server.meters.synthIds[0]), `the volume synth runs before the meters: ${order.join(' ')}`);
    server.hush();
    playSineOnOutput1(server);
    await steadyLevels(server, near(-18.04));
  });

  it('keeps metering after Free All, after Hush, and after a reboot', async () => {
    const server = await bootServer();
    await server.meters.start();
    const loudAgain = async (what: string) => {
      let updates = 0;
      const listener = server.meters.onLevels(() => updates++);
      playSineOnOutput1(server);
      await waitFor(`meter updates ${what}`, () => updates > 5 && server.meters.levels[0].peak > 0.2, 5000);
      listener.dispose();
    };
    await loudAgain('at first');
    await server.freeAll();
    await waitFor('silence after Free All', () => server.meters.levels[0].peak < 0.01, 5000);
    await loudAgain('after Free All');
    server.hush();
    await waitFor('silence after Hush', () => server.meters.levels[0].peak < 0.01, 5000);
    await loudAgain('after Hush');
    await server.reboot();
    await loudAgain('after a reboot');
  });

  it('meters a proxy\'s private bus as one of this client\'s kept synths: after the output meters, through Free All and Hush, gone when stopped', async () => {
    const server = await bootServer();
    await server.meters.start();
    // A proxy's monitor plays on a private bus (16, 2 channels): a sine of 0.25 panned left there.
    const sine = () => server.send(cmd.synthNew('sclive_sine', server.allocateNodeId(), cmd.AddAction.head, server.defaultGroup, { freq: 440, amp: 0.25, pan: -1, out: 16 }));
    sine();
    server.proxyLevels.follow([{ name: 'Ndef:localhost:drone', label: 'Ndef(\\drone)', bus: 16, channels: 2 }]);
    const heard = (what: string) => waitFor(`drone's level ${what}`, () => (server.proxyLevels.levels.get('Ndef:localhost:drone')?.peak ?? 0) > 0.2, 5000);
    await heard('at first');
    const [meter] = server.proxyLevels.synthIds;
    await waitFor('the proxy meter in the node model', () => server.nodeWatcher.has(meter), 2000);
    assert.ok(server.ownSynthIds.includes(meter), 'the proxy meter is the client\'s own');
    assert.deepEqual([server.keptSynths.treeRow(meter)?.label, server.keptSynths.treeRow(meter)?.description], ['proxy meter', 'Ndef(\\drone)']);
    const order = (await server.queryAllNodes(false)).children.map((node) => node.nodeId);
    assert.ok(order.indexOf(server.meters.synthIds[0]) < order.indexOf(meter), `after the output meters: ${order.join(' ')}`);
    for (const step of ['Free All', 'Hush'] as const) {
      if (step === 'Free All') await server.freeAll();
      else server.hush();
      await waitFor(`a proxy meter on the server after ${step}`, () => server.proxyLevels.synthIds.length === 1 && server.nodeWatcher.has(server.proxyLevels.synthIds[0]), 5000);
      sine();
      await heard(`after ${step}`);
    }
    const last = server.proxyLevels.synthIds[0];
    server.proxyLevels.stop();
    await waitFor('the proxy meter freed', () => !server.nodeWatcher.has(last), 2000);
    assert.deepEqual(server.proxyLevels.synthIds, []);
  });

  it('scopes 2 channels of 1,024 frames at 20 pictures a second or more: a 440 Hz wave, unbroken, its spectrum peaking at 440 Hz', async () => {
    const server = await bootServer();
    playSineOnOutput1(server);
    await server.scope.start({ bus: 0, channels: 2, frames: 1024 });
    const reads: ScopeRead[] = [];
    const listener = server.scope.onRead((read) => reads.push(read));
    await new Promise((resolve) => setTimeout(resolve, 500));
    reads.length = 0;
    await new Promise((resolve) => setTimeout(resolve, 2000));
    listener.dispose();
    const pictures = reads.flatMap((read) => read.pictures);
    assert.ok(pictures.length >= 40, `${pictures.length} pictures in 2 s`);
    assert.equal(reads[0].pictures.length, 2, 'a read brings two consecutive pictures');
    const last = pictures[pictures.length - 1];
    assert.equal(last.length, 2);
    assert.equal(last[0].length, 1024);
    // 1,024 frames at 48 kHz hold 9.4 periods of 440 Hz: 18 or 19 zero crossings.
    let crossings = 0;
    for (let i = 1; i < 1024; i++) if ((last[0][i - 1] < 0) !== (last[0][i] < 0)) crossings++;
    assert.ok(crossings >= 18 && crossings <= 19, `${crossings} zero crossings`);
    assert.ok(Math.max(...last[0].map(Math.abs)) > 0.24, 'the wave has its amplitude');
    assert.ok(Math.max(...last[1].map(Math.abs)) < 1e-4, 'output 2 is silent');
    // Unbroken: from one sample to the next a 440 Hz sine of 0.25 moves at most 0.25 * 2π * 440 / 48,000
    // (0.0144); a ring read in the wrong order, or a read torn by the synth writing, jumps further.
    const steps = (samples: Float32Array) => samples.slice(1).map((v, i) => Math.abs(v - samples[i]));
    const limit = 0.25 * 2 * Math.PI * (440 / 48000) * 1.05;
    for (const read of reads) {
      const joined = new Float32Array([...read.pictures[0][0], ...read.pictures[1][0]]);
      assert.ok(Math.max(...steps(joined)) <= limit, `the two pictures of a read are one stretch of the wave (largest step ${Math.max(...steps(joined)).toFixed(4)})`);
    }
    const result = spectrum(last[0], 48000);
    assert.ok(Math.abs(peakFrequency(result) - 440) <= result.binHz, `spectrum peak ${peakFrequency(result).toFixed(1)} Hz (bins of ${result.binHz.toFixed(1)} Hz)`);
    assert.ok(server.ownSynthIds.includes(server.scope.synthIds[0]), 'the scope synth is the client\'s own');
  });

  it('reads by the meters\' updates while they run (the scope synth then sends nothing), by its own ticks when they stop', async () => {
    const server = await bootServer();
    playSineOnOutput1(server);
    let ownTicks = 0;
    const handleReply = server.scope.handleReply.bind(server.scope);
    server.scope.handleReply = (args) => {
      if (args[0] === server.scope.synthIds[0]) ownTicks++;
      handleReply(args);
    };
    await server.meters.start();
    await server.scope.start({ bus: 0, channels: 2, frames: 1024 });
    const picturesIn = async (ms: number) => {
      let count = 0;
      const listener = server.scope.onRead((read) => (count += read.pictures.length));
      await new Promise((resolve) => setTimeout(resolve, ms));
      listener.dispose();
      return count;
    };
    await picturesIn(300);
    ownTicks = 0;
    const paced = await picturesIn(2000);
    assert.equal(ownTicks, 0, 'no ticks of the scope synth while the meters run');
    assert.ok(paced >= 40, `${paced} pictures in 2 s by the meters' updates`);
    server.meters.stop();
    await picturesIn(300);
    const own = await picturesIn(2000);
    assert.ok(ownTicks >= 15, `${ownTicks} ticks of its own in 2.3 s`);
    assert.ok(own >= 40, `${own} pictures in 2 s by its own ticks`);
  });

  it('keeps scoping after Free All and after a reboot', async () => {
    const server = await bootServer();
    await server.scope.start({ channels: 1, frames: 512 });
    const picturesWhile = async (what: string) => {
      let count = 0;
      const listener = server.scope.onRead((read) => (count += read.pictures.length));
      await waitFor(`scope pictures ${what}`, () => count >= 5, 5000);
      listener.dispose();
    };
    await picturesWhile('at first');
    await server.freeAll();
    await picturesWhile('after Free All');
    await server.reboot();
    await picturesWhile('after a reboot');
    await server.scope.stop();
    assert.deepEqual(server.scope.synthIds, []);
  });

  it('records 2 s of the sine: a WAV of 2.0 s, 24-bit, RMS -15 dB on channel 1', async () => {
    const server = await bootServer();
    playSineOnOutput1(server);
    const file = path.join(folder, 'take1.wav');
    await server.recorder.start({ path: file, channels: 2, headerFormat: 'wav', sampleFormat: 'int24' });
    assert.equal(server.recorder.state, 'recording');
    await new Promise((resolve) => setTimeout(resolve, 2000));
    assert.equal(await server.recorder.stop(), file);
    const info = readSoundFileInfo(file);
    assert.equal(info.channels, 2);
    assert.equal(info.bitsPerSample, 24);
    assert.ok(Math.abs(info.durationSeconds - 2.0) < 0.1, `${info.durationSeconds} s`);
    const rms = wavChannelRmsDb(file, 0);
    assert.ok(Math.abs(rms + 15.05) < 0.5, `channel 1 RMS ${rms.toFixed(2)} dB`);
    assert.ok(wavChannelRmsDb(file, 1) < -80, 'channel 2 silent');
  });

  it('does not cut the end of a take: 1.3 s recorded (not a whole number of disk-buffer halves) are all in the file', async () => {
    const server = await bootServer();
    playSineOnOutput1(server);
    const file = path.join(folder, 'short.wav');
    await server.recorder.start({ path: file, channels: 1 });
    const started = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 1300));
    const stopAsked = Date.now() - started;
    await server.recorder.stop();
    const info = readSoundFileInfo(file);
    assert.ok(info.durationSeconds >= stopAsked / 1000 - 0.02 && info.durationSeconds <= stopAsked / 1000 + 0.15, `${info.durationSeconds.toFixed(3)} s in the file, Stop asked after ${stopAsked} ms`);
  });

  it('a recording stopped by Quit Server, and one whose scsynth was killed, are readable files of the right length', async () => {
    const quitFile = path.join(folder, 'quit.aiff');
    const server = await bootServer();
    playSineOnOutput1(server);
    await server.recorder.start({ path: quitFile, channels: 2, headerFormat: 'aiff', sampleFormat: 'float' });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await server.quit();
    const quitInfo = readSoundFileInfo(quitFile);
    assert.equal(quitInfo.format, 'aiff');
    assert.ok(quitInfo.float);
    assert.ok(quitInfo.durationSeconds > 0.8 && quitInfo.durationSeconds < 1.5, `${quitInfo.durationSeconds} s after quit`);

    const killedFile = path.join(folder, 'killed.wav');
    const killed = await bootServer();
    playSineOnOutput1(killed);
    await killed.recorder.start({ path: killedFile, channels: 2, headerFormat: 'wav', sampleFormat: 'int24' });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const crashed = waitFor('the crash', () => killed.state === 'crashed', 5000);
    process.kill(killed.pid!, 'SIGKILL');
    await crashed;
    const killedInfo = readSoundFileInfo(killedFile);
    // DiskOut writes in halves of its 65,536-frame buffer: up to ~0.7 s at 48 kHz can be lost with the process.
    assert.ok(killedInfo.durationSeconds > 0.5 && killedInfo.durationSeconds < 1.7, `${killedInfo.durationSeconds} s after SIGKILL`);
    assert.equal(killed.recorder.state, 'idle');
  });
});
