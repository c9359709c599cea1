// Section 9: the gap a Free All leaves in a take, against a real scsynth. The take records a
// click track from outside scsynth (jack_metro into its first input, tools/clickTrack.ts), so
// no Free All stops the sound; each sample the take loses shows as a click arriving early.
import * as dgram from 'node:dgram';
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import { encodePacket, IMMEDIATELY } from '../src/core/osc/oscCodec';
import * as cmd from '../src/core/scsynth/scsynthCommands';
import { SCServer } from '../src/core/server/scServer';
import { analyseClicks } from '../tools/clickTrack';
import { mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import { startClickTrack } from '../tools/clickTrack';
import type { Config } from './benchConfig';
import { freePort, releaseServer, startedPids, track, useJack } from './benchProcesses';
import { Cell, fmt, int, printTable, results } from './benchReport';

export type FreeKind = 'none' | 'freeAll' | 'hush' | 'otherClient';

export interface TakeGaps {
  kind: FreeKind;
  frees: number;
  clicks: number;
  /** Samples missing in the take, all told. */
  missing: number;
  /** Cycles JACK saw scsynth miss meanwhile (each drops a period of input, whoever records it). */
  xruns: number;
  gaps: Array<{ frame: number; missing: number }>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One take of the click track with `frees` of one kind 150-500 ms apart: this client's Free All,
 * its Hush, or another client's /g_freeAll 0 + /clearSched (what sclang's Cmd-. sends).
 */
export async function takeThroughFrees(server: SCServer, kind: FreeKind, frees: number, folder: string, clickFrames: number, xrunsOfScsynth: () => number): Promise<TakeGaps> {
  const file = path.join(folder, `take-${kind}-${Date.now()}.wav`);
  const other = dgram.createSocket('udp4');
  const [host, port] = server.addr;
  const otherClientFree = () =>
    new Promise<void>((resolve, reject) =>
      other.send(encodePacket({ timeTag: IMMEDIATELY, packets: [cmd.groupFreeAll(0), cmd.clearSched()] }), port, host, (error) => (error ? reject(error) : resolve())),
    );
  try {
    const recorded = await server.recorder.start({ path: file, channels: 1, bus: server.options.numOutputBuses, sampleFormat: 'float' });
    await sleep(400);
    const xrunsBefore = xrunsOfScsynth();
    for (let i = 0; i < frees; i++) {
      if (kind === 'freeAll') await server.freeAll();
      else if (kind === 'hush') server.hush();
      else if (kind === 'otherClient') await otherClientFree();
      // Not a multiple of the disk buffer's half (85 ms): the frees fall at different places in it.
      await sleep(150 + ((i * 97) % 350));
    }
    await sleep(300);
    const xruns = xrunsOfScsynth() - xrunsBefore;
    await server.recorder.stop();
    const result = analyseClicks(recorded, clickFrames);
    rmSync(recorded, { force: true });
    return { kind, frees, clicks: result.clicks, missing: result.missing, xruns, gaps: result.gaps };
  } finally {
    other.close();
  }
}

// ---- the section as the bench runs it ----

export async function benchRecording(config: Config): Promise<void> {
  const period = 256;
  const j = await useJack(period);
  const clicks = await startClickTrack(j.env);
  startedPids.set(clicks.pid, 'jack_metro (click track)');
  const server = track(new SCServer({ udpPort: await freePort(), numOutputBuses: 2, numInputBuses: 2 }, { statusIntervalMs: 200 }));
  const folder = mkdtempSync(path.join(os.tmpdir(), 'sclive-bench-take-'));
  try {
    await server.boot({ env: clicks.scsynthEnv, timeoutMs: 15_000 });
    const kinds: FreeKind[] = ['none', 'freeAll', 'hush', 'otherClient'];
    const takes: TakeGaps[] = [];
    for (let round = 0; round < config.takeRounds; round++) {
      for (const kind of kinds) takes.push(await takeThroughFrees(server, kind, kind === 'none' ? 0 : config.takeFrees, folder, clicks.clickFrames, () => j.xrunsOf('SuperCollider')));
    }
    const of = (kind: FreeKind) => takes.filter((take) => take.kind === kind);
    const perFree = (kind: FreeKind) => of(kind).flatMap((take) => take.gaps.map((gap) => gap.missing));
    const row = (label: string, kind: FreeKind, target: string): Cell[] => {
      const all = of(kind);
      const frees = all.reduce((sum, take) => sum + take.frees, 0);
      const missing = all.reduce((sum, take) => sum + take.missing, 0);
      const gaps = perFree(kind);
      return [label, `${int(missing)} in ${all.length} takes`, frees ? fmt(missing / frees, 1) : '-', gaps.length ? `${gaps.length}: ${gaps.join(', ')}` : 'none', int(all.reduce((sum, take) => sum + take.xruns, 0)), target];
    };
    printTable(
      `9. No take is lost: samples missing from a take of a click track (real scsynth, dummy JACK at ${period} frames; ${config.takeRounds} takes of each kind, ${config.takeFrees} frees each)`,
      ['during the take', 'samples missing', 'per free', 'gaps (samples each)', 'JACK xruns of scsynth', 'target'],
      [
        row('nothing (the floor: what JACK drops on this machine)', 'none', '0'),
        row('Free All (this client)', 'freeAll', '0'),
        row('Hush (this client)', 'hush', '0'),
        row('another client\'s /g_freeAll 0 + /clearSched (sclang\'s Cmd-.)', 'otherClient', 'as small as it can be'),
      ],
      [
        'Free All and Hush free every node but this client\'s own synths, so the recording\'s DiskOut is never freed. Before, Free All freed it and made it again after a /sync: 512 samples (2 periods) missing per Free All (test/integration/recording.test.ts, the code before this section).',
        'Another client\'s free cannot be answered in its own bundle: the recorder is made again when its /n_end arrives (scsynth 3.13\'s DiskOut writes its part-filled half when freed, so what is missing is the time from the free to the new synth).',
        'A JACK xrun of scsynth drops a period of its input whatever records it; a gap of exactly one period beside an xrun is JACK\'s, not the take\'s.',
      ],
    );
    results.recording = { period, clickFrames: clicks.clickFrames, takes };
  } finally {
    await releaseServer(server);
    await clicks.stop();
    rmSync(folder, { recursive: true, force: true });
  }
}
