// Benchmark of the server core against bare baselines measured in the same run.
// `npm run bench -- --help` lists the flags; every figure is printed next to its baseline.
// Every scsynth, jackd and stand-in process started here is stopped by its pid at the end.
import { ChildProcess, fork, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SCServer } from '../src/core/server/scServer';
import { isUdpPortTaken } from '../src/core/scsynth/portProbe';
import * as cmd from '../src/core/scsynth/scsynthCommands';
import { OscMessage, decodePacket } from '../src/core/osc/oscCodec';
import { OscTimeoutError } from '../src/core/osc/oscConnection';
import { GroupNode, parseQueryTreeReply, walkTree } from '../src/core/server/nodeTree';
import { findScsynth } from '../src/core/scsynth/scsynthLocator';
import { DummyJack, startDummyJack } from '../tools/dummyJack';
import { BareClient, decodeMessage, oscBundle, oscMessage } from './bareClient';
import { defaultGroupIdOf } from '../src/core/server/idAllocators';
import { median, p99 } from './stats';
import { isAlive } from '../tools/processAlive';
import { TreeLatency, summarise, treeLatency, treeThroughput } from './treeUpdates';
import { bootQuitCycles, crashReportTimes, fuzzDecoder, strayFlood } from './audit';
import { InstrumentWindow, WindowKind, instrumentsStreaming } from './instruments';
import { benchLanguage } from './language';
import { benchCompletionInference } from './completionInference';
import { benchRecovery, summariseRecovery } from './recovery';
import { FreeKind, TakeGaps, takeThroughFrees } from './recording';
import { startClickTrack } from '../tools/clickTrack';
import { benchSoundingMarks } from './soundingMarks';

// ---- configuration -------------------------------------------------------------------------

interface Config {
  sections: Set<number>;
  bootRuns: number;
  bootPeriod: number;
  statusN: number;
  statusWarmup: number;
  statusPeriod: number;
  burstPairs: number;
  burstPeriods: number[];
  windows: number[];
  queryPeriod: number;
  querySizes: number[];
  queryRuns: number;
  decodeRuns: number;
  treeNotifications: number;
  treeRuns: number;
  treeRates: number[];
  treeSeconds: number;
  auditFuzz: number;
  auditCycles: number;
  auditCrashRuns: number;
  auditFlood: number;
  instrumentRounds: number;
  takeRounds: number;
  takeFrees: number;
  instrumentSeconds: number;
  recoveryRuns: number;
}

const FLAGS: Record<string, [keyof Config, string]> = {
  sections: ['sections', 'sections to run, e.g. 1,2,3,4,5,6,7,8,9,10,11,12'],
  'boot-runs': ['bootRuns', 'boots per side in section 1 (7)'],
  'boot-period': ['bootPeriod', 'JACK period in frames for section 1 (1024)'],
  'status-n': ['statusN', '/status round trips per side in section 2 (2000)'],
  'status-warmup': ['statusWarmup', 'untimed warm-up round trips per side (500)'],
  'status-period': ['statusPeriod', 'JACK period for section 2a (64)'],
  'burst-pairs': ['burstPairs', '/s_new + /n_free pairs per burst in section 3 (10000)'],
  'burst-periods': ['burstPeriods', 'JACK periods for section 3 (1024,64)'],
  windows: ['windows', 'sendMany window sizes; -1 = the default window, 0 = unpaced (-1,0)'],
  'query-period': ['queryPeriod', 'JACK period for section 4 (64)'],
  'query-sizes': ['querySizes', 'synth counts for section 4 (2500,5000,20000)'],
  'tree-rates': ['treeRates', 'node notifications per second for section 5 (25,200,1000)'],
  'tree-seconds': ['treeSeconds', 'seconds per rate in section 5 (3)'],
  'audit-fuzz': ['auditFuzz', 'fuzzed packets in section 6 (1000000)'],
  'audit-cycles': ['auditCycles', 'boot/quit cycles in section 6 (100)'],
  'audit-crash-runs': ['auditCrashRuns', 'killed scsynth / JACK runs in section 6 (5)'],
  'audit-flood': ['auditFlood', 'stray datagrams in section 6 (40000)'],
  'instrument-rounds': ['instrumentRounds', 'windows without and with meters + scope in section 7 (8)'],
  'instrument-seconds': ['instrumentSeconds', 'seconds per window in section 7 (2)'],
  'recovery-runs': ['recoveryRuns', 'frozen servers recovered in section 10, and as many by the old Reboot (5)'],
  'take-rounds': ['takeRounds', 'takes per kind of free in section 9, each through take-frees frees (3)'],
  'take-frees': ['takeFrees', 'frees per take in section 9 (10)'],
  'query-runs': ['queryRuns', 'queries per size and variant (5)'],
  'decode-runs': ['decodeRuns', 'decodes of the captured reply per side (200)'],
};

function parseConfig(argv: string[]): Config {
  const config: Config = {
    sections: new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]),
    takeRounds: 3,
    takeFrees: 10,
    instrumentRounds: 8,
    instrumentSeconds: 2,
    recoveryRuns: 5,
    bootRuns: 7,
    bootPeriod: 1024,
    statusN: 2000,
    statusWarmup: 500,
    statusPeriod: 64,
    burstPairs: 10_000,
    burstPeriods: [1024, 64],
    windows: [-1, 0],
    queryPeriod: 64,
    querySizes: [2500, 5000, 20_000],
    queryRuns: 5,
    decodeRuns: 200,
    treeNotifications: 200_000,
    treeRuns: 7,
    treeRates: [25, 200, 1000],
    treeSeconds: 3,
    auditFuzz: 1_000_000,
    auditCycles: 100,
    auditCrashRuns: 5,
    auditFlood: 40_000,
  };
  const raw = new Map<string, string>();
  for (const [flag] of Object.entries(FLAGS)) {
    const env = process.env[`BENCH_${flag.toUpperCase().replace(/-/g, '_')}`];
    if (env !== undefined) raw.set(flag, env);
  }
  let quick = process.env.BENCH_QUICK === '1';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      console.log('Usage: npm run bench -- [--quick] [--flag=value ...]   (or BENCH_FLAG_NAME=value)\n');
      for (const [flag, [, text]] of Object.entries(FLAGS)) console.log(`  --${flag.padEnd(14)} ${text}`);
      console.log('  --quick          small sizes for a quick check (BENCH_QUICK=1)');
      process.exit(0);
    }
    if (arg === '--quick') {
      quick = true;
      continue;
    }
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match || !FLAGS[match[1]]) throw new Error(`unknown argument ${arg}; see --help`);
    raw.set(match[1], match[2] ?? argv[++i]);
  }
  if (quick) {
    Object.assign(config, {
      bootRuns: 3, statusN: 400, statusWarmup: 300, burstPairs: 2000, burstPeriods: [1024], windows: [-1, 0],
      querySizes: [2500, 5000], queryRuns: 2, decodeRuns: 50, treeNotifications: 20_000, treeRuns: 3, treeSeconds: 1,
      auditFuzz: 100_000, auditCycles: 10, auditCrashRuns: 2, auditFlood: 5_000,
    });
  }
  for (const [flag, value] of raw) {
    const key = FLAGS[flag][0];
    const numbers = value.split(',').filter((v) => v.trim() !== '').map((v) => Number(v));
    if (numbers.some((n) => !Number.isFinite(n) || (n < 0 && !(key === 'windows' && n === -1)))) throw new Error(`--${flag} wants numbers, got ${value}`);
    if (key === 'sections') config.sections = new Set(numbers);
    else if (key === 'burstPeriods' || key === 'windows' || key === 'querySizes' || key === 'treeRates') (config[key] as number[]) = numbers;
    else (config[key] as number) = numbers[0];
  }
  return config;
}

// ---- processes: every one is tracked and stopped by its pid --------------------------------

const rawChildren = new Set<ChildProcess>();
/** Every process this run started, by pid, to check at the end that none is left. */
const startedPids = new Map<number, string>();
const servers = new Set<SCServer>();
let jack: DummyJack | undefined;
let standIn: ChildProcess | undefined;

process.on('exit', () => {
  for (const child of rawChildren) if (child.pid) tryKill(child.pid, 'SIGKILL');
  if (standIn?.pid && standIn.exitCode === null) tryKill(standIn.pid, 'SIGKILL');
  for (const server of servers) if (server.pid) tryKill(server.pid, 'SIGKILL');
});

function tryKill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

async function cleanup(): Promise<void> {
  for (const server of [...servers]) await releaseServer(server);
  for (const child of [...rawChildren]) await stopChild(child);
  if (standIn) await stopChild(standIn);
  standIn = undefined;
  if (jack) await jack.stop();
  jack = undefined;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping what the bench started...`);
    void cleanup().finally(() => process.exit(130));
  });
}

function stopChild(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return Promise.resolve();
  const pid = child.pid;
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => tryKill(pid, 'SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    tryKill(pid, 'SIGTERM');
  });
}

function track(server: SCServer): SCServer {
  servers.add(server);
  return server;
}

async function releaseServer(server: SCServer): Promise<void> {
  if (server.pid) startedPids.set(server.pid, 'scsynth (SCServer)');
  try {
    await server.quit();
  } catch {
    if (server.pid) tryKill(server.pid, 'SIGKILL');
  }
  server.dispose();
  servers.delete(server);
}

/** One dummy JACK server at a time, at the period a section asks for. */
async function useJack(periodFrames: number): Promise<DummyJack> {
  if (jack?.periodFrames === periodFrames) return jack;
  if (jack) await jack.stop();
  jack = undefined;
  jack = await startDummyJack({ periodFrames });
  startedPids.set(jack.pid, `jackd (dummy, ${periodFrames} frames)`);
  return jack;
}

const periodMs = (frames: number) => (frames / 48000) * 1000;

let nextPort = 57600 + (process.pid % 300) * 7;
async function freePort(): Promise<number> {
  for (;;) {
    const port = nextPort++;
    if (nextPort > 64000) nextPort = 50000;
    if (!(await isUdpPortTaken(port, '127.0.0.1'))) return port;
  }
}

const SCSYNTH = findScsynth({});
const SYNTHDEFS_DIR = path.resolve(__dirname, '..', '..', 'synthdefs');
const READY = /SuperCollider 3 server ready/;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class BenchTimeout extends Error {}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new BenchTimeout(`${what}: timeout after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

const isTimeout = (error: unknown) => error instanceof BenchTimeout || error instanceof OscTimeoutError || /timeout|within/i.test(String((error as Error)?.message));

interface RawScsynth {
  child: ChildProcess;
  port: number;
  /** performance.now() when the ready line came. */
  readyAt: number;
  fifoFull: number;
  failureLines: number;
  stop(): Promise<void>;
}

/** scsynth as a bare client would start it: spawn, wait for the ready line. */
function spawnRaw(port: number, env: NodeJS.ProcessEnv, extraArgs: string[] = [], timeoutMs = 15_000): Promise<RawScsynth> {
  const child = spawn(SCSYNTH, ['-u', String(port), '-B', '127.0.0.1', '-R', '0', ...extraArgs], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  rawChildren.add(child);
  if (child.pid) startedPids.set(child.pid, 'scsynth (raw)');
  child.once('exit', () => {
    rawChildren.delete(child);
    // A scsynth stopped by a signal leaves its shared memory segment behind.
    rmSync(`/dev/shm/SuperColliderServer_${port}`, { force: true });
  });
  const raw: RawScsynth = { child, port, readyAt: 0, fifoFull: 0, failureLines: 0, stop: () => stopChild(child) };
  return new Promise<RawScsynth>((resolve, reject) => {
    let settled = false;
    const lastLines: string[] = [];
    const timer = setTimeout(() => fail(new BenchTimeout(`raw scsynth not ready within ${timeoutMs} ms`)), timeoutMs);
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void stopChild(child).then(() => reject(error));
    };
    const onLine = (line: string) => {
      if (lastLines.push(line) > 10) lastLines.shift();
      if (/FIFO full/i.test(line)) raw.fifoFull++;
      if (/FAILURE/.test(line)) raw.failureLines++;
      if (!settled && READY.test(line)) {
        raw.readyAt = performance.now();
        settled = true;
        clearTimeout(timer);
        resolve(raw);
      }
    };
    for (const stream of [child.stdout!, child.stderr!]) {
      let partial = '';
      stream.on('data', (chunk: Buffer) => {
        const lines = (partial + chunk.toString()).split('\n');
        partial = lines.pop()!;
        for (const line of lines) onLine(line);
      });
    }
    child.once('error', (error) => fail(error));
    child.once('exit', (code, signal) => fail(new Error(`raw scsynth exited (${signal ?? code}) before ready: ${lastLines.join(' | ')}`)));
  });
}

/** Kernel drop counter of the IPv4 UDP socket bound to 127.0.0.1:port (/proc/net/udp). */
function udpDrops(port: number | undefined): number | undefined {
  if (port === undefined) return undefined;
  try {
    const wanted = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
    for (const line of readFileSync('/proc/net/udp', 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields[1] === wanted) return Number(fields[fields.length - 1]);
    }
  } catch {
    // not Linux
  }
  return undefined;
}

const dropsDelta = (before: number | undefined, after: number | undefined) => (before === undefined || after === undefined ? undefined : after - before);

// ---- printing --------------------------------------------------------------------------------

type Cell = string | number | undefined;

function fmt(value: number | undefined, digits = 1): string {
  if (value === undefined || Number.isNaN(value)) return '-';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

const int = (value: number | undefined) => fmt(value, 0);

function printTable(title: string, header: string[], rows: Cell[][], notes: string[] = []): void {
  const cells = [header, ...rows.map((row) => row.map((cell) => (cell === undefined ? '-' : String(cell))))];
  const widths = header.map((_, c) => Math.max(...cells.map((row) => (row[c] ?? '').length)));
  const line = (row: string[]) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join(' | ');
  console.log(`\n${title}`);
  console.log(line(cells[0]));
  console.log(widths.map((w) => '-'.repeat(w)).join('-+-'));
  for (const row of cells.slice(1)) console.log(line(row));
  for (const note of notes) console.log(`  ${note}`);
}

const results: Record<string, unknown> = {};

// ---- 1. boot to usable -----------------------------------------------------------------------

async function benchBoot(config: Config): Promise<void> {
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

// ---- 2. /status round trip ---------------------------------------------------------------------

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

async function benchStatusReal(config: Config): Promise<void> {
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

async function startStandIn(): Promise<number> {
  const script = path.join(__dirname, 'standInServer.js');
  const child = fork(script, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  standIn = child;
  if (child.pid) startedPids.set(child.pid, 'stand-in');
  return withTimeout(
    new Promise<number>((resolve, reject) => {
      child.once('message', (message: { port?: number }) => (message.port ? resolve(message.port) : reject(new Error('stand-in sent no port'))));
      child.once('exit', (code) => reject(new Error(`stand-in exited (${code})`)));
    }),
    10_000,
    'stand-in start',
  );
}

async function benchStatusStandIn(config: Config): Promise<void> {
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
    if (standIn) await stopChild(standIn);
    standIn = undefined;
  }
}

// ---- 3. burst --------------------------------------------------------------------------------

interface BurstResult {
  variant: string;
  error?: string;
  elapsedMs?: number;
  msgPerSec?: number;
  lostSNew: number;
  otherFails: number;
  leftoverStatus?: number;
  leftoverTree?: number | string;
  notifications: number;
  modelEvents?: number;
  notificationsDelta?: number;
  gaps?: number;
  modelSynths?: number;
  modelRight?: boolean;
  serverDrops?: number;
  clientDrops?: number;
  fifoFull: number;
  recvBuffer?: number;
  datagrams?: number;
  /** Bare client: how long its loop of sends took (the /sync follows). */
  sendLoopMs?: number;
}

/** Waits until `probe()` stops changing for `quietMs` (at most `maxMs`). */
async function settle(probe: () => number, quietMs = 400, maxMs = 5000): Promise<void> {
  const deadline = Date.now() + maxMs;
  let last = probe();
  let since = Date.now();
  while (Date.now() < deadline) {
    await sleep(50);
    const now = probe();
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) return;
  }
}

function classifyFail(args: readonly unknown[], counts: { lostSNew: number; otherFails: number }): void {
  if (args[0] === '/n_free' && /not found/i.test(args.slice(1).join(' '))) counts.lostSNew++;
  else counts.otherFails++;
}

const BURST_OPTIONS = { maxNodes: 32768, memSize: 262144 };

async function burstOurs(j: DummyJack, pairs: number, windowSize: number): Promise<BurstResult> {
  const variant = windowSize > 0 ? `ours W=${windowSize}` : windowSize < 0 ? 'ours (default)' : 'ours unpaced';
  const port = await freePort();
  const server = track(new SCServer({ udpPort: port, ...BURST_OPTIONS }, { statusIntervalMs: 0 }));
  const result: BurstResult = { variant, lostSNew: 0, otherFails: 0, notifications: 0, fifoFull: 0 };
  try {
    server.onOutput((line) => {
      if (/FIFO full/i.test(line.text)) result.fifoFull++;
    });
    await withTimeout(server.boot({ env: j.env }), 20_000, 'boot');
    const connection = server.oscConnection!;
    let added = 0;
    let removed = 0;
    // Counted until the figures are read (quitting ends the default groups, which is not the burst).
    const listeners = [
      connection.onMessage('/n_go', () => result.notifications++),
      connection.onMessage('/n_end', () => result.notifications++),
      connection.onMessage('/fail', (message) => classifyFail(message.args, result)),
      server.nodeWatcher.onDidChange((change) => {
        if (change.kind === 'added') added++;
        else if (change.kind === 'removed') removed++;
      }),
    ];
    // Datagrams the burst sends (bundles, single messages and /syncs), counted on the instance.
    const send = connection.send.bind(connection);
    let datagrams = 0;
    connection.send = (packet) => {
      datagrams++;
      send(packet);
    };
    const group = server.defaultGroup;
    const messages: OscMessage[] = [];
    for (let i = 0; i < pairs; i++) {
      const id = server.allocateNodeId();
      messages.push(cmd.synthNew('sclive_sine', id, cmd.AddAction.tail, group, { amp: 0 }), cmd.nodeFree(id));
    }
    const notificationsBefore = server.nodeWatcher.notificationsReceived;
    const gapsBefore = server.nodeWatcher.gapsDetected;
    const serverDrops = udpDrops(port);
    const clientDrops = udpDrops(connection.localPort);
    const started = performance.now();
    try {
      await withTimeout(
        (async () => {
          await server.sendMany(messages, { windowSize: windowSize > 0 ? windowSize : windowSize < 0 ? undefined : Infinity, timeoutMs: 10_000 });
        })(),
        30_000,
        variant,
      );
      result.elapsedMs = performance.now() - started;
      result.msgPerSec = (messages.length / result.elapsedMs) * 1000;
    } catch (error) {
      result.error = isTimeout(error) ? 'timeout' : (error as Error).message;
      for (let i = 0; i < 3; i++) if (await server.sync(3000).catch(() => false)) break;
    }
    await settle(() => result.notifications + result.lostSNew + result.otherFails + server.nodeWatcher.gapsDetected);
    result.datagrams = datagrams;
    result.serverDrops = dropsDelta(serverDrops, udpDrops(port));
    result.clientDrops = dropsDelta(clientDrops, udpDrops(connection.localPort));
    for (const listener of listeners) listener.dispose();
    connection.send = send;
    result.modelEvents = added + removed;
    result.notificationsDelta = server.nodeWatcher.notificationsReceived - notificationsBefore;
    result.gaps = server.nodeWatcher.gapsDetected - gapsBefore;
    const status = await server.status(5000);
    result.leftoverStatus = status.numSynths;
    try {
      result.leftoverTree = parseQueryTreeReply((await server.request(cmd.groupQueryTree(group, false), 5000)).args).children.length;
    } catch (error) {
      result.leftoverTree = /overflow/.test((error as Error).message) ? 'overflow' : 'error';
    }
    result.modelSynths = server.nodeWatcher.numSynths;
    result.modelRight = result.modelSynths === status.numSynths && status.numSynths === 0;
  } catch (error) {
    result.error ??= isTimeout(error) ? 'timeout' : (error as Error).message;
  } finally {
    await releaseServer(server);
  }
  return result;
}

async function burstBare(j: DummyJack, pairs: number): Promise<BurstResult> {
  const result: BurstResult = { variant: 'bare dgram', lostSNew: 0, otherFails: 0, notifications: 0, fifoFull: 0 };
  const port = await freePort();
  let scsynth: RawScsynth | undefined;
  let bare: BareClient | undefined;
  try {
    scsynth = await spawnRaw(port, j.env, ['-n', String(BURST_OPTIONS.maxNodes), '-m', String(BURST_OPTIONS.memSize)]);
    bare = await BareClient.open('127.0.0.1', port);
    result.recvBuffer = bare.recvBufferSize;
    const b = bare;
    const sync = (id: number, timeoutMs = 5000) => b.request(oscMessage('/sync', [['i', id]]), '/synced', { match: (m) => m.args[0] === id, timeoutMs });
    await b.request(oscMessage('/notify', [['i', 1]]), '/done', { match: (m) => m.args[0] === '/notify', failCommand: '/notify' });
    await b.request(oscMessage('/d_loadDir', [['s', SYNTHDEFS_DIR]]), '/done', { match: (m) => m.args[0] === '/d_loadDir' });
    const group = 1;
    b.send(oscMessage('/g_new', [['i', group], ['i', 0], ['i', 0]]));
    await sync(1);
    b.nGo = 0;
    b.nEnd = 0;
    b.fails.length = 0;
    scsynth.fifoFull = 0;
    const serverDrops = udpDrops(port);
    const clientDrops = udpDrops(b.localPort);
    const started = performance.now();
    try {
      for (let i = 0; i < pairs; i++) {
        const id = 1000 + i;
        b.send(oscMessage('/s_new', [['s', 'sclive_sine'], ['i', id], ['i', 1], ['i', group], ['s', 'amp'], ['f', 0]]));
        b.send(oscMessage('/n_free', [['i', id]]));
      }
      result.sendLoopMs = performance.now() - started;
      await sync(2);
      result.elapsedMs = performance.now() - started;
      result.msgPerSec = ((pairs * 2) / result.elapsedMs) * 1000;
    } catch (error) {
      result.error = isTimeout(error) ? 'timeout' : (error as Error).message;
      for (let i = 0; i < 3; i++) if (await sync(100 + i, 3000).then(() => true, () => false)) break;
    }
    await settle(() => b.nGo + b.nEnd + b.fails.length);
    result.datagrams = pairs * 2 + 1;
    result.serverDrops = dropsDelta(serverDrops, udpDrops(port));
    result.clientDrops = dropsDelta(clientDrops, udpDrops(b.localPort));
    result.notifications = b.nGo + b.nEnd;
    for (const fail of b.fails) classifyFail(fail.args, result);
    result.fifoFull = scsynth.fifoFull;
    const status = await b.request(oscMessage('/status'), '/status.reply');
    result.leftoverStatus = status.args[2] as number;
    // The reply is kept as bytes; its child count is argument 2.
    await b.request(oscMessage('/g_queryTree', [['i', group], ['i', 0]]), '/g_queryTree.reply', { failCommand: '/g_queryTree' }).then(
      () => (result.leftoverTree = decodeMessage(b.lastTreeReply!).args[2] as number),
      (error: Error) => (result.leftoverTree = /overflow/.test(error.message) ? 'overflow' : 'error'),
    );
  } catch (error) {
    result.error ??= isTimeout(error) ? 'timeout' : (error as Error).message;
  } finally {
    bare?.close();
    await scsynth?.stop();
  }
  return result;
}

async function benchBurst(config: Config): Promise<void> {
  const total = config.burstPairs * 2;
  const all: Record<string, BurstResult[]> = {};
  for (const period of config.burstPeriods) {
    const j = await useJack(period);
    const rows: BurstResult[] = [];
    rows.push(await burstBare(j, config.burstPairs));
    for (const windowSize of config.windows) rows.push(await burstOurs(j, config.burstPairs, windowSize));
    all[String(period)] = rows;
    const ours = rows.slice(1);
    const bare = rows[0];
    const cols = [...ours, bare];
    const syncsOf = (r: BurstResult) => (r.variant === 'bare dgram' ? 1 : r.variant === 'ours unpaced' ? 1 : Math.ceil(total / (r.variant === 'ours (default)' ? 960 : Number(r.variant.split('=')[1]))) + 1);
    const line = (metric: string, get: (r: BurstResult) => Cell, target: string): Cell[] => [metric, ...cols.map(get), target];
    printTable(
      `3. Burst: ${int(config.burstPairs)} × (/s_new + /n_free) = ${int(total)} messages, then /sync (JACK period ${period} frames = ${fmt(periodMs(period), 2)} ms; fresh scsynth -n 32768 -m 262144 per variant)`,
      ['metric', ...ours.map((r) => r.variant), 'baseline: bare dgram', 'target'],
      [
        line('messages/s (first send -> /synced)', (r) => (r.msgPerSec !== undefined ? int(r.msgPerSec) : r.error ?? '-'), '≥ 96,000 (sclang)'),
        line('time to /synced (ms)', (r) => (r.elapsedMs !== undefined ? fmt(r.elapsedMs) : r.error ?? '-'), '-'),
        line('lost /s_new (/fail /n_free not found)', (r) => int(r.lostSNew), '0'),
        line('other /fail', (r) => int(r.otherFails), '0'),
        line('left over: /status numSynths', (r) => int(r.leftoverStatus), '0'),
        line('left over: /g_queryTree of the group', (r) => (typeof r.leftoverTree === 'number' ? int(r.leftoverTree) : r.leftoverTree), '0'),
        line(`/n_go+/n_end received (of ${int(total)})`, (r) => int(r.notifications), int(total)),
        line('node model added+removed events', (r) => int(r.modelEvents), int(total)),
        line('nodeWatcher.notificationsReceived Δ', (r) => int(r.notificationsDelta), int(total)),
        line('nodeWatcher.gapsDetected Δ', (r) => int(r.gaps), '0'),
        line('model synths = scsynth synths = 0', (r) => (r.modelRight === undefined ? '-' : r.modelRight ? `yes (${r.modelSynths})` : `NO (model ${r.modelSynths})`), 'yes'),
        line('datagrams sent (incl. /sync)', (r) => int(r.datagrams), '-'),
        line('kernel drops at scsynth socket (datagrams)', (r) => int(r.serverDrops), '0'),
        line('≈ messages lost in those datagrams', (r) => (r.serverDrops !== undefined && r.datagrams ? int(Math.round((r.serverDrops * total) / Math.max(1, r.datagrams - syncsOf(r)))) : '-'), '0'),
        line('kernel drops at client socket', (r) => int(r.clientDrops), '0'),
        line('scsynth "command FIFO full" lines', (r) => int(r.fifoFull), '0'),
      ],
      [
        'reference (elsewhere): sclang 96k msg/s, bare dgram 43k, npm osc 31k, supercolliderjs 23k, sc3nb 8.5k; all lost notifications.',
        'A dropped datagram loses its messages silently: a bundle holds whole /s_new + /n_free pairs, so neither a /fail nor a left-over synth shows it.',
        `scsynth queues node notifications in a 1,024-slot FIFO drained once per period: at most 1,023 per period (${int((1023 * 48000) / period)}/s at this period) reach any client.`,
        `bare client receive buffer: ${int(bare.recvBuffer)} bytes as Node reports it (asked 8 MB; net.core.rmem_max caps it). Ours: the core's OscConnection asks the same.`,
        ...rows.filter((r) => r.error).map((r) => `${r.variant}: ${r.error}` + (r.sendLoopMs !== undefined ? ` (its /synced never came: the client socket dropped ${int(r.clientDrops)} datagrams; the send loop itself took ${fmt(r.sendLoopMs)} ms = ${int((total / r.sendLoopMs) * 1000)} msg/s)` : '')),
      ],
    );
  }
  results.burst = { pairs: config.burstPairs, byPeriodFrames: all };
}

// ---- 4. queryAllNodes ------------------------------------------------------------------------

interface QueryRow {
  size: number;
  oursFalseMs: number[];
  oursTrueMs: number[];
  /** Fewest of the created synths found in any run's tree. */
  foundFalse?: number;
  foundTrue?: number;
  controlsTrue: number;
  baseMs: number[];
  baseFail?: string;
  error?: string;
}

function checkTree(tree: GroupNode, expected: Set<number>): { found: number; synths: number; withControls: number } {
  let found = 0;
  let synths = 0;
  let withControls = 0;
  for (const { node } of walkTree(tree)) {
    if (node.kind !== 'synth') continue;
    synths++;
    if (expected.has(node.nodeId)) found++;
    if (node.controls?.length) withControls++;
  }
  return { found, synths, withControls };
}

async function benchQuery(config: Config): Promise<void> {
  const j = await useJack(config.queryPeriod);
  const port = await freePort();
  const server = track(new SCServer({ udpPort: port, ...BURST_OPTIONS }, { statusIntervalMs: 0 }));
  let bare: BareClient | undefined;
  const rows: QueryRow[] = [];
  let captured: { bytes: Buffer; controls: boolean; synths: number } | undefined;
  let decode: { ours: number[]; base: number[]; args: number } | undefined;
  let pausedCheck: { size: number; found: number; group: number } | undefined;
  const notes: string[] = [];
  try {
    await withTimeout(server.boot({ env: j.env }), 20_000, 'boot');
    bare = await BareClient.open('127.0.0.1', port);
    const b = bare;
    const group = server.defaultGroup;
    const ids = new Set<number>();
    for (const size of config.querySizes) {
      const row: QueryRow = { size, oursFalseMs: [], oursTrueMs: [], controlsTrue: 0, baseMs: [] };
      rows.push(row);
      try {
        const messages: OscMessage[] = [];
        while (ids.size < size) {
          const id = server.allocateNodeId();
          ids.add(id);
          // Each synth paused on its own right away: 20,000 running sines would overload this
          // machine's audio thread (and a late audio thread answers late). A paused *group*
          // would not do: /g_dumpTree skips its children (checked at the end).
          messages.push(cmd.synthNew('sclive_sine', id, cmd.AddAction.tail, group, { amp: 0 }), cmd.nodeRun(id, false));
        }
        await withTimeout(server.sendMany(messages, { timeoutMs: 10_000 }), 60_000, 'create synths');
        const status = await server.status();
        if (status.numSynths !== size) notes.push(`${int(size)}: scsynth holds ${int(status.numSynths)} synths after creating ${int(size)}`);
        // Let the notifications of the creation settle, then one untimed query of each kind.
        await settle(() => server.nodeWatcher.notificationsReceived, 200, 3000);
        await server.queryAllNodes(false);
        await server.queryAllNodes(true);
        // Ours without controls interleaved with the bare round trip; then ours with controls
        // (at these sizes that path prints the whole tree on scsynth's stdout, which would
        // disturb the small round trips if interleaved).
        for (let run = 0; run < config.queryRuns; run++) {
          let started = performance.now();
          const tree = await withTimeout(server.queryAllNodes(false), 30_000, 'queryAllNodes(false)');
          row.oursFalseMs.push(performance.now() - started);
          row.foundFalse = Math.min(row.foundFalse ?? Infinity, checkTree(tree, ids).found);
          if (row.baseFail) continue;
          started = performance.now();
          try {
            await b.request(oscMessage('/g_queryTree', [['i', 0], ['i', 0]]), '/g_queryTree.reply', { failCommand: '/g_queryTree', timeoutMs: 5000 });
            row.baseMs.push(performance.now() - started);
          } catch (error) {
            row.baseFail = (error as Error).message;
          }
        }
        for (let run = 0; run < config.queryRuns; run++) {
          const started = performance.now();
          const tree = await withTimeout(server.queryAllNodes(true), 30_000, 'queryAllNodes(true)');
          row.oursTrueMs.push(performance.now() - started);
          const check = checkTree(tree, ids);
          row.foundTrue = Math.min(row.foundTrue ?? Infinity, check.found);
          row.controlsTrue = check.withControls;
        }
        if (!captured && !row.baseFail) {
          const withControls = await b
            .request(oscMessage('/g_queryTree', [['i', 0], ['i', 1]]), '/g_queryTree.reply', { failCommand: '/g_queryTree', timeoutMs: 5000 })
            .then(() => true, () => false);
          if (!withControls) {
            await b.request(oscMessage('/g_queryTree', [['i', 0], ['i', 0]]), '/g_queryTree.reply', { failCommand: '/g_queryTree', timeoutMs: 5000 });
          }
          captured = { bytes: Buffer.from(b.lastTreeReply!), controls: withControls, synths: size };
        }
      } catch (error) {
        row.error = isTimeout(error) ? 'timeout' : (error as Error).message;
      }
    }
    // The same tree with the default group paused: beyond one reply the core reads
    // /g_dumpTree output, and scsynth dumps a group while calculating it.
    if (ids.size > 3500) {
      server.send(cmd.nodeRun(group, false));
      await server.sync();
      const tree = await withTimeout(server.queryAllNodes(false), 30_000, 'queryAllNodes, paused group');
      pausedCheck = { size: ids.size, found: checkTree(tree, ids).found, group };
      server.send(cmd.nodeRun(group, true));
      await server.sync();
    }
    if (captured) {
      const bytes = captured.bytes;
      const ours: number[] = [];
      const base: number[] = [];
      for (let i = 0; i < 20; i++) {
        decodePacket(bytes);
        decodeMessage(bytes);
      }
      for (let i = 0; i < config.decodeRuns; i++) {
        let started = performance.now();
        decodePacket(bytes);
        ours.push(performance.now() - started);
        started = performance.now();
        decodeMessage(bytes);
        base.push(performance.now() - started);
      }
      decode = { ours, base, args: decodeMessage(bytes).args.length };
    }
  } catch (error) {
    notes.push(`section 4 stopped: ${isTimeout(error) ? 'timeout' : (error as Error).message}`);
  } finally {
    bare?.close();
    await releaseServer(server);
  }
  const tableRows: Cell[][] = [];
  for (const row of rows) {
    const holds = (found: number | undefined) => (found === undefined ? '-' : found === row.size ? 'all' : `MISSING: ${int(found)} of ${int(row.size)}`);
    const baseCell = row.baseFail ? `fails (${row.baseFail.replace(/^\/fail /, '')})` : fmt(median(row.baseMs));
    tableRows.push([`${int(row.size)} synths: queryAllNodes(false) ms`, row.error && !row.oursFalseMs.length ? row.error : `${fmt(median(row.oursFalseMs))} (${holds(row.foundFalse)})`, `${baseCell}`, 'complete tree']);
    tableRows.push([`${int(row.size)} synths: queryAllNodes(true) ms`, row.error && !row.oursTrueMs.length ? row.error : `${fmt(median(row.oursTrueMs))} (${holds(row.foundTrue)}; controls on ${int(row.controlsTrue)})`, '-', 'complete tree']);
  }
  if (decode && captured) {
    tableRows.push([
      `decode ${int(captured.synths)}-synth /g_queryTree.reply (${fmt(captured.bytes.length / 1024)} KB, ${captured.controls ? 'with' : 'without'} controls) ms`,
      `${fmt(median(decode.ours), 3)} (decodePacket)`,
      `${fmt(median(decode.base), 3)} (hand-rolled)`,
      'ref: hand 0.4, npm osc 1.9–4.7',
    ]);
  }
  printTable(
    `4. queryAllNodes (one scsynth -n 32768 -m 262144, JACK period ${config.queryPeriod} frames; synths in the default group, each paused; median of ${config.queryRuns} runs; decode: median of ${config.decodeRuns})`,
    ['metric', 'ours', 'baseline: bare /g_queryTree 0 0', 'target'],
    tableRows,
    [
      ...notes,
      ...rows.filter((r) => r.error).map((r) => `${int(r.size)}: ${r.error}`),
      '"all" = every synth created is in the returned tree (fewest over the runs). Synths: /s_new + /n_run 0 each (paused one by one).',
      ...(pausedCheck ? [`with the default group itself paused (/n_run ${pausedCheck.group} 0), queryAllNodes(false) at ${int(pausedCheck.size)} synths returned ${int(pausedCheck.found)} of them.`] : []),
    ],
  );
  results.queryAllNodes = { periodFrames: config.queryPeriod, rows, pausedGroupCheck: pausedCheck, decode: decode && captured ? { bytes: captured.bytes.length, withControls: captured.controls, synths: captured.synths, args: decode.args, oursMedianMs: median(decode.ours), baseMedianMs: median(decode.base) } : undefined };
}

// ---- 5. the Node Tree's updates ------------------------------------------------------------

async function benchTreeUpdates(config: Config): Promise<void> {
  const throughput = await treeThroughput(config.treeNotifications, config.treeRuns);
  const latencies: TreeLatency[] = [];
  for (const rate of config.treeRates) latencies.push(await treeLatency(rate, config.treeSeconds));
  const rows: Cell[][] = [
    [`notifications/s through the model and the view's batching (${int(throughput.notifications)}; median of ${config.treeRuns})`, int(throughput.oursPerSecond), int(throughput.basePerSecond), ''],
  ];
  for (const l of latencies) {
    const toUpdate = summarise(l.oursToUpdateMs);
    const ours = summarise(l.oursToRenderMs);
    const base = summarise(l.baseToRenderMs);
    rows.push([`${int(l.rate)}/s for ${l.seconds} s: notification -> update the view receives, ms (median / p99)`, `${fmt(toUpdate.median)} / ${fmt(toUpdate.p99)} (${int(l.oursUpdates)} updates)`, `0 (${int(l.baseUpdates)} updates)`, '']);
    rows.push([`${int(l.rate)}/s for ${l.seconds} s: notification -> rendered, ms (median / max)`, `${fmt(ours.median)} / ${fmt(ours.max)} (${int(l.oursToRenderMs.length)} renders)`, `${fmt(base.median)} / ${fmt(base.max)} (${int(l.baseToRenderMs.length)} renders)`, '< 250']);
  }
  printTable(
    '5. Node Tree updates (no scsynth): NodeWatcher + NodeChangeBatcher into a model of VS Code\'s tree-view debounce (200 ms, leading edge)',
    ['metric', 'ours (batched, 220 ms apart)', 'baseline: one update per notification', 'target'],
    rows,
    ['Rendered = when the modelled view would refresh; the baseline\'s updates keep postponing it while notifications keep coming (the frozen tree).'],
  );
  results.treeUpdates = { throughput, latencies: latencies.map((l) => ({ rate: l.rate, seconds: l.seconds, oursToUpdate: summarise(l.oursToUpdateMs), oursToRender: summarise(l.oursToRenderMs), baseToRender: summarise(l.baseToRenderMs), oursUpdates: l.oursUpdates, baseUpdates: l.baseUpdates })) };
}

// ---- 6. the hardening audit ------------------------------------------------------------------

async function benchAudit(config: Config): Promise<void> {
  const fuzz = fuzzDecoder(config.auditFuzz);
  const j = await useJack(1024);
  const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };
  const cycles = await bootQuitCycles(config.auditCycles, j.env, freePort, quiet);
  const crashes = await crashReportTimes(config.auditCrashRuns, j.env, freePort, quiet);
  const flood = await strayFlood(config.auditFlood, j.env, freePort);
  printTable(
    '6. Hardening audit (real scsynth, dummy JACK at 1,024 frames)',
    ['check', 'result', 'note'],
    [
      [`fuzzed packets through the decoder (${int(fuzz.packets)})`, `${int(fuzz.crashes)} crashes`, `${int(fuzz.rejected)} rejected as malformed, ${int(fuzz.decoded)} decoded; ${fmt(fuzz.seconds, 2)} s`],
      [`boot/quit cycles (${int(cycles.cycles)})`, `${int(cycles.failures)} failed, ${int(cycles.scsynthLeft)} scsynth left`, `open descriptors ${int(cycles.fdsBefore)} before, ${int(cycles.fdsAfter)} after`],
      [`SIGKILLed scsynth reported as crashed, ms (median of ${crashes.sigkillMs.length})`, fmt(median(crashes.sigkillMs)), `max ${fmt(Math.max(...crashes.sigkillMs))}`],
      [`killed JACK reported, ms (median of ${crashes.jackMs.length})`, fmt(median(crashes.jackMs)), crashes.jackReasons[0] ?? ''],
      [`${int(flood.datagrams)} stray malformed datagrams while polling /status every 100 ms`, `${int(flood.missedPolls)} polls missed${flood.becameUnresponsive ? ', became unresponsive' : ''}`, `${int(flood.foreignDropped)} dropped unread, ${int(flood.logLines)} log lines, ${fmt(flood.seconds, 1)} s`],
    ],
  );
  results.audit = { fuzz, cycles, crashes: { sigkillMedianMs: median(crashes.sigkillMs), jackMedianMs: median(crashes.jackMs), ...crashes }, flood };
}

// ---- 7. the performer's instruments --------------------------------------------------------------

async function benchInstruments(config: Config): Promise<void> {
  const j = await useJack(1024);
  const server = track(new SCServer({ udpPort: await freePort(), numOutputBuses: 2, numInputBuses: 2 }, { statusIntervalMs: 200 }));
  try {
    await server.boot({ env: j.env, timeoutMs: 15_000 });
    const windows = await instrumentsStreaming(server, config.instrumentRounds, config.instrumentSeconds, (pid) => startedPids.set(pid, 'bare instruments client'));
    const med = (kind: WindowKind, pick: (w: InstrumentWindow) => number) => median(windows.filter((w) => w.kind === kind).map(pick));
    const cpu = (w: InstrumentWindow) => w.clientCpuPercent;
    // Each round's streaming window less the baseline window just before it: the cost of streaming.
    const baselines = windows.filter((w) => w.kind === 'baseline');
    const added = windows.filter((w) => w.kind === 'streaming').map((w, round) => w.clientCpuPercent - baselines[round].clientCpuPercent);
    const rows: Cell[][] = [
      ['meter updates received per second (4 channels each)', fmt(med('streaming', (w) => w.meterUpdatesPerSecond)), fmt(med('baseline', (w) => w.meterUpdatesPerSecond)), fmt(med('bare', (w) => w.meterUpdatesPerSecond)), '20-30'],
      ['scope pictures per second (2 × 1,024 frames)', fmt(med('streaming', (w) => w.scopePicturesPerSecond)), fmt(med('baseline', (w) => w.scopePicturesPerSecond)), fmt(med('bare', (w) => w.scopePicturesPerSecond)), '≥ 20'],
      ['scope ticks skipped (a read still out and one waiting), per window', fmt(med('streaming', (w) => w.scopeTicksSkipped), 0), '-', '-', '-'],
      ['datagrams sent / received per second', `${fmt(med('streaming', (w) => w.sentPerSecond))} / ${fmt(med('streaming', (w) => w.receivedPerSecond))}`, `${fmt(med('baseline', (w) => w.sentPerSecond))} / ${fmt(med('baseline', (w) => w.receivedPerSecond))}`, '-', '-'],
      ['client CPU, % of one core', fmt(med('streaming', cpu), 2), fmt(med('baseline', cpu), 2), fmt(med('bare', cpu), 2), '-'],
      ['client CPU added by streaming (streaming − the baseline window before it), % of one core', fmt(median(added), 2), '-', '-', '< 3'],
      ['scsynth /status average CPU, %', fmt(med('streaming', (w) => w.scsynthAvgCpu), 2), fmt(med('baseline', (w) => w.scsynthAvgCpu), 2), fmt(med('bare', (w) => w.scsynthAvgCpu), 2), '-'],
    ];
    printTable(
      `7. Meters and scope streaming (real scsynth, dummy JACK at 1,024 frames; a sine playing; medians of ${config.instrumentRounds} rounds of three ${config.instrumentSeconds} s windows)`,
      ['metric', 'meters + scope running', 'baseline: same server without them', 'floor: a bare dgram client, same traffic', 'target'],
      rows,
      [
        'Client CPU is the measuring process: the core as the extension host runs it (posting the pictures to the webview, and drawing them there, are not included). Baseline includes the /status polling every 200 ms.',
        'The floor is a separate Node process with only a socket: one 4-channel meter synth at 24 replies/s and the scope ring read on every other reply, pictures taken straight from the bytes. What it costs is the machine\'s price of that traffic.',
      ],
    );
    results.instruments = { windows };
  } finally {
    await releaseServer(server);
  }
}

// ---- 8. the class library index ---------------------------------------------------------------

async function benchLanguageSection(): Promise<void> {
  const r = await benchLanguage();
  const ms = (s: { median: number; p99: number }) => `${fmt(s.median, 4)} / ${fmt(s.p99, 4)}`;
  printTable(
    `8. Class library index (real sclang: ${int(r.classes)} classes, ${int(r.methods)} methods; answers over ${int(r.requests)} requests, median / p99 ms)`,
    ['metric', 'ours (the index)', 'baseline: linear scan of every name', 'target'],
    [
      ['sclang run: compile + introspection + help index, ms', fmt(r.sclangMs, 0), '-', '-'],
      ['parsing the dump into the index, ms', fmt(r.parseMs, 1), '-', 'index < 2,000'],
      ['completion (context from the text + index), ms', ms(r.completionMs), ms(r.completionBaselineMs), 'p99 < 5'],
      ['signature (call context + responding method), ms', ms(r.signatureMs), '-', 'p99 < 5'],
      ['hover (class, summary, position in its file), ms', ms(r.hoverMs), '-', 'p99 < 5'],
      ['help: the help sclang starts, SCDoc indexes, first page, ms', fmt(r.helpColdMs, 0), '-', '-'],
      ['help: a page not opened before (help sclang running), ms, median', fmt(r.helpFirstMs, 1), '-', '< 500'],
      ['help: a page opened again, ms, median', fmt(r.helpRepeatMs, 1), '-', '< 50'],
    ],
    ['The sclang run includes its class library compile (~4 s here); the introspection itself is ~0.4 s and SCDoc\'s help index ~2 s of it.'],
  );
  results.language = r;
}

// ---- 11. the sounding code lit: marks and lenses ----------------------------------------------

async function benchSoundingMarksSection(): Promise<void> {
  const r = await benchSoundingMarks();
  printTable(
    `11. Sounding-code marks and player lenses (${int(r.blocks)} evaluated blocks, ${int(r.rate)} node notifications/s for ${r.seconds} s, player state read 4/s; no VS Code)`,
    ['metric', 'ours (marks + lenses)', 'baseline: the node model alone', 'target'],
    [
      ['notification to marks worked out, ms, median / p99', `${fmt(r.notificationToMarksMs.median, 1)} / ${fmt(r.notificationToMarksMs.p99, 1)}`, '-', 'rendered < 250'],
      ['mark redraws', int(r.renders), '-', '<= 20 a second'],
      ['CPU, % of a core', fmt(r.oursCpuPercent, 2), fmt(r.baseCpuPercent, 2), 'added < 2'],
    ],
    ['The editor\'s own drawing of the decorations is not in it (VS Code\'s renderer); the page check of the VS Code suite measures the rendered mark against the server.'],
  );
  results.soundingMarks = r;
}

// ---- 12. completion that knows the music -----------------------------------------------------

async function benchCompletionInferenceSection(): Promise<void> {
  const r = await benchCompletionInference();
  const ms = (s: { median: number; p99: number }) => `${fmt(s.median, 3)} / ${fmt(s.p99, 3)}`;
  printTable(
    `12. Completion with variable inference (${int(r.lines)}-line file, ${int(r.requests)} requests after ~x. / sig. / x. over the file; median / p99 ms)`,
    ['metric', 'ours', 'baseline: the same completion without inference', 'target'],
    [
      ['receiver found from the assignment, of the requests', `${int(r.inferred)} of ${int(r.requests)}`, '-', '-'],
      ['completion after a variable, first request at a place (context + inference + index), ms', ms(r.inferenceMs), ms(r.baselineMs), 'p99 < 5'],
      ['the same, CPU time of this process (no waiting for a core), ms', ms(r.inferenceCpuMs), ms(r.baselineCpuMs), '-'],
      ['completion after a variable, typing at one place (a request per key), ms', ms(r.typingMs), ms(r.typingBaselineMs), 'p99 < 5'],
      ['Pbind key after \\instrument, \\name (position + the file\'s SynthDef controls), ms', ms(r.pbindKeysMs), '-', 'p99 < 5'],
    ],
    [`load average at the end: ${os.loadavg().map((n) => n.toFixed(1)).join(', ')} on ${os.cpus().length} cores (p99 wall times follow the machine's load).`],
  );
  results.completionInference = r;
}

// ---- 10. a frozen server: the offer, and the way back ---------------------------------------------

async function benchRecoverySection(config: Config): Promise<void> {
  const j = await useJack(1024);
  const r = await benchRecovery(config.recoveryRuns, { env: j.env, port: await freePort(), started: (pid, what) => startedPids.set(pid, what) });
  printTable(
    `10. A frozen server (SIGSTOP) while sclang plays an Ndef and a Pdef: ${r.runs} freezes each way, median / max ms`,
    ['metric', 'ours', 'baseline', 'target'],
    [
      ['freeze -> the offer (status poll 1 s, silent 1.5 s)', summariseRecovery(r.offerMs), `${summariseRecovery(r.sclangUnresponsiveMs)} (sclang's own status watcher, same freezes)`, '<= 3,000'],
      ['click -> sound (Ndef rebuilt and Pdef on the new server)', summariseRecovery(r.restoreMs), `${summariseRecovery(r.rebootBaselineMs)} (the old Reboot Server; the Pdef only, the Ndef stays silent)`, '<= 5,000'],
    ],
    ['Ours: Reboot and Restore (sclang notes the monitored proxies, SIGKILL, boot, sclang follows, the proxies play again).'],
  );
  results.recovery = r;
}

// ---- 9. no take is lost -------------------------------------------------------------------------

async function benchRecording(config: Config): Promise<void> {
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

// ---- main ------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const config = parseConfig(process.argv.slice(2));
  const started = Date.now();
  console.log(`SuperCollider Live core benchmark — node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, scsynth ${SCSYNTH}`);
  console.log(`sections ${[...config.sections].join(',')}; net.core.rmem_max ${readProc('/proc/sys/net/core/rmem_max') ?? '?'} bytes`);
  results.meta = { date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, config: { ...config, sections: [...config.sections] } };
  try {
    if (config.sections.has(1)) await benchBoot(config);
    if (config.sections.has(2)) {
      await benchStatusReal(config);
      await benchStatusStandIn(config);
    }
    if (config.sections.has(3)) await benchBurst(config);
    if (config.sections.has(4)) await benchQuery(config);
    if (config.sections.has(5)) await benchTreeUpdates(config);
    if (config.sections.has(6)) await benchAudit(config);
    if (config.sections.has(7)) await benchInstruments(config);
    if (config.sections.has(8)) await benchLanguageSection();
    if (config.sections.has(9)) await benchRecording(config);
    if (config.sections.has(10)) await benchRecoverySection(config);
    if (config.sections.has(11)) await benchSoundingMarksSection();
    if (config.sections.has(12)) await benchCompletionInferenceSection();
  } finally {
    await cleanup();
  }
  const alive = [...startedPids].filter(([pid]) => isAlive(pid));
  console.log(`\nProcesses this run started: ${startedPids.size} (${countBy([...startedPids.values()])}); still running: ${alive.length ? alive.map(([pid, what]) => `${pid} ${what}`).join(', ') : 'none'}`);
  const file = path.resolve(__dirname, '..', 'bench-results.json');
  if (!existsSync(path.dirname(file))) mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(results, null, 2));
  console.log(`\nDone in ${fmt((Date.now() - started) / 1000)} s; figures written to ${path.relative(process.cwd(), file)}`);
}


function countBy(values: string[]): string {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].map(([value, n]) => `${n} × ${value}`).join(', ');
}

function readProc(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

main().catch(async (error: Error) => {
  console.error(`\nbench failed: ${error.stack ?? error.message}`);
  await cleanup();
  process.exit(1);
});
