// Section 2: the /status round trip, against a real scsynth (2a) and against the instant
// stand-in (2b), next to a bare dgram client in alternating blocks.
import { SCServer } from '../src/core/server/scServer';
import type { Config } from './benchConfig';
import { freePort, isTimeout, periodMs, releaseServer, startStandIn, stopStandIn, track, useJack, withTimeout } from './benchProcesses';
import { fmt, printTable, results } from './benchReport';
import { BareClient } from './bareClient';
import { median, p99 } from './stats';

/** Times `n` sequential calls of each side, in alternating blocks after an untimed warm-up. */
async function alternate(n: number, warmup: number, ours: () => Promise<unknown>, base: () => Promise<unknown>): Promise<{ ours: number[]; base: number[] }> {
  for (let i = 0; i < warmup; i++) {
    await ours();
    await base();
  }
  const times = { ours: [] as number[], base: [] as number[] };
  const blocks = 4;
  for (let block = 0; block < blocks; block++) {
    const size = Math.ceil(n / blocks);
    const order: Array<['ours' | 'base', () => Promise<unknown>]> = block % 2 === 0 ? [['ours', ours], ['base', base]] : [['base', base], ['ours', ours]];
    for (const [side, call] of order) {
      for (let i = 0; i < size && times[side].length < n; i++) {
        const started = performance.now();
        await call();
        times[side].push(performance.now() - started);
      }
    }
  }
  return times;
}

export async function benchStatusReal(config: Config): Promise<void> {
  const j = await useJack(config.statusPeriod);
  const port = await freePort();
  const server = track(new SCServer({ udpPort: port }, { statusIntervalMs: 0 }));
  let bare: BareClient | undefined;
  const title = `2a. /status round trip against a real scsynth (JACK period ${config.statusPeriod} frames = ${fmt(periodMs(config.statusPeriod), 3)} ms; ${config.statusN} sequential each)`;
  try {
    await withTimeout(server.boot({ env: j.env }), 20_000, 'boot');
    bare = await BareClient.open('127.0.0.1', port);
    const b = bare;
    const times = await withTimeout(alternate(config.statusN, Math.min(config.statusWarmup, 200), () => server.status(), () => b.status()), 60_000, 'status');
    printTable(title, ['metric', 'ours (server.status())', 'baseline (bare dgram)', 'target'], [
      ['median (ms)', fmt(median(times.ours), 3), fmt(median(times.base), 3), `≈ baseline (period ${fmt(periodMs(config.statusPeriod), 3)})`],
      ['p99 (ms)', fmt(p99(times.ours), 3), fmt(p99(times.base), 3), '-'],
    ], ['scsynth answers /status at the start of its next audio period, so both sides wait up to one period.']);
    results.statusReal = { periodFrames: config.statusPeriod, periodMs: periodMs(config.statusPeriod), oursMedianMs: median(times.ours), oursP99Ms: p99(times.ours), baseMedianMs: median(times.base), baseP99Ms: p99(times.base) };
  } catch (error) {
    printTable(title, ['metric', 'ours', 'baseline', 'target'], [['median (ms)', isTimeout(error) ? 'timeout' : 'error', '-', '-']], [(error as Error).message]);
    results.statusReal = { error: (error as Error).message };
  } finally {
    bare?.close();
    await releaseServer(server);
  }
}

export async function benchStatusStandIn(config: Config): Promise<void> {
  const title = `2b. /status round trip against the instant stand-in scsynth (separate process; ${config.statusN} sequential each, after ${config.statusWarmup} warm-up)`;
  const server = track(new SCServer({}, { statusIntervalMs: 0 }));
  let bare: BareClient | undefined;
  try {
    const port = await startStandIn();
    await withTimeout(server.remote('127.0.0.1', port), 10_000, 'remote');
    bare = await BareClient.open('127.0.0.1', port);
    const b = bare;
    const times = await withTimeout(alternate(config.statusN, config.statusWarmup, () => server.status(), () => b.status()), 60_000, 'status');
    const us = (values: number[]) => values.map((v) => v * 1000);
    printTable(title, ['metric', 'ours (server.status())', 'baseline (bare dgram)', 'target'], [
      ['median (µs)', fmt(median(us(times.ours))), fmt(median(us(times.base))), '≤ 44 (1.5× sclang)'],
      ['p99 (µs)', fmt(p99(us(times.ours))), fmt(p99(us(times.base))), '-'],
      ['ours / baseline (median)', fmt(median(times.ours) / median(times.base), 2) + '×', '1.00×', '-'],
    ], ['reference (elsewhere): sclang 29.5 µs, bare Node dgram 39 µs, npm osc 39–48 µs, supercolliderjs 78 µs, sc3nb 365 µs']);
    results.statusStandIn = { oursMedianUs: median(us(times.ours)), oursP99Us: p99(us(times.ours)), baseMedianUs: median(us(times.base)), baseP99Us: p99(us(times.base)) };
  } catch (error) {
    printTable(title, ['metric', 'ours', 'baseline', 'target'], [['median (µs)', isTimeout(error) ? 'timeout' : 'error', '-', '-']], [(error as Error).message]);
    results.statusStandIn = { error: (error as Error).message };
  } finally {
    bare?.close();
    await releaseServer(server);
    await stopStandIn();
  }
}
