// Section 9: the gap a Free All leaves in a take, against a real scsynth. The take records a
// click track from outside scsynth (jack_metro into its first input, tools/clickTrack.ts), so
// no Free All stops the sound; each sample the take loses shows as a click arriving early.
import * as dgram from 'node:dgram';
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import { encodePacket, IMMEDIATELY } from '../src/core/osc/oscCodec';
import * as cmd from '../src/core/scsynth/scsynthCommands';
import type { SCServer } from '../src/core/server/scServer';
import { analyseClicks } from '../tools/clickTrack';

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
