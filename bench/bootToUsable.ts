// Section 1: boot to usable. SCServer.boot against a raw scsynth and a bare client that
// pipelines the same initialisation, alternating, on a dummy JACK.
import { SCServer } from '../src/core/server/scServer';
import { defaultGroupIdOf } from '../src/core/server/idAllocators';
import type { Config } from './benchConfig';
import { SYNTHDEFS_DIR, freePort, isTimeout, periodMs, releaseServer, spawnRaw, track, useJack, withTimeout } from './benchProcesses';
import { fmt, printTable, results } from './benchReport';
import { BareClient, oscBundle, oscMessage } from './bareClient';
import { median } from './stats';

export async function benchBoot(config: Config): Promise<void> {
  const j = await useJack(config.bootPeriod);
  const raw: number[] = [];
  const rawUsable: number[] = [];
  const oursTotal: number[] = [];
  const oursSpawnReady: number[] = [];
  const oursReadyUsable: number[] = [];
  const errors: string[] = [];
  for (let run = 0; run < config.bootRuns; run++) {
    for (const side of run % 2 === 0 ? ['raw', 'ours'] : ['ours', 'raw']) {
      const port = await freePort();
      try {
        if (side === 'raw') {
          const started = performance.now();
          const scsynth = await spawnRaw(port, j.env);
          raw.push(scsynth.readyAt - started);
          // The same initialisation as SCServer.init, pipelined by a bare client: how soon
          // any client could have the session usable after the ready line.
          const bare = await BareClient.open('127.0.0.1', port);
          try {
            const groups = Array.from({ length: 6 }, (_, client) => oscMessage('/g_new', [['i', defaultGroupIdOf(client)], ['i', 0], ['i', 0]]));
            await withTimeout(
              Promise.all([
                bare.request(oscMessage('/notify', [['i', 1], ['i', 1]]), '/done', { match: (m) => m.args[0] === '/notify', failCommand: '/notify' }),
                bare.request(oscMessage('/d_loadDir', [['s', SYNTHDEFS_DIR]]), '/done', { match: (m) => m.args[0] === '/d_loadDir' }),
                bare.request(oscBundle([...groups, oscMessage('/g_queryTree', [['i', 0], ['i', 0]])]), '/g_queryTree.reply'),
              ]),
              10_000,
              'bare init',
            );
            rawUsable.push(performance.now() - scsynth.readyAt);
          } finally {
            bare.close();
            await scsynth.stop();
          }
        } else {
          const server = track(new SCServer({ udpPort: port }));
          try {
            const started = performance.now();
            await withTimeout(server.boot({ env: j.env }), 20_000, 'boot');
            oursTotal.push(performance.now() - started);
            const timings = server.bootTimings!;
            oursSpawnReady.push(timings.readyAt - started);
            oursReadyUsable.push(timings.usableAt - timings.readyAt);
          } finally {
            await releaseServer(server);
          }
        }
      } catch (error) {
        errors.push(`${side} run ${run + 1}: ${isTimeout(error) ? 'timeout' : (error as Error).message}`);
      }
    }
  }
  printTable(
    `1. Boot to usable (JACK period ${config.bootPeriod} frames = ${fmt(periodMs(config.bootPeriod), 2)} ms; medians of ${config.bootRuns} runs each, alternating)`,
    ['metric', 'ours (SCServer.boot)', 'baseline (raw scsynth + bare init)', 'target'],
    [
      ['boot call -> usable (ms)', fmt(median(oursTotal)), '-', '-'],
      ['spawn -> "server ready" line (ms)', fmt(median(oursSpawnReady)), fmt(median(raw)), '-'],
      ['ready line -> usable (ms)', fmt(median(oursReadyUsable)), fmt(median(rawUsable)), '< 25'],
      ['ready line -> usable, max (ms)', fmt(Math.max(...oursReadyUsable)), fmt(Math.max(...rawUsable)), '-'],
    ],
    [
      'baseline "usable": a bare client pipelines the same init (/notify, /d_loadDir of the shipped synthdefs, default groups + /g_queryTree) and waits for all three replies.',
      ...errors,
    ],
  );
  results.boot = { periodFrames: config.bootPeriod, oursTotalMs: oursTotal, oursSpawnToReadyMs: oursSpawnReady, oursReadyToUsableMs: oursReadyUsable, rawSpawnToReadyMs: raw, rawReadyToUsableMs: rawUsable, errors };
}
