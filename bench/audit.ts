// Section 6: the hardening audit's figures, measured again in each run. Fuzzed packets through
// the decoder, boot/quit cycles (leaked processes and file descriptors), how fast a killed
// scsynth and a killed JACK are reported, and a flood of stray datagrams while status is polled.
import * as dgram from 'node:dgram';
import { readdirSync } from 'node:fs';
import { encodeBundle, encodeMessage, decodePacket, IMMEDIATELY } from '../src/core/osc/oscCodec';
import { MalformedPacketError } from '../src/core/osc/oscDecoder';
import { Logger } from '../src/core/events';
import { SCServer, StateChange } from '../src/core/server/scServer';
import { DummyJack, startDummyJack } from '../tools/dummyJack';
import { isAlive } from '../tools/processAlive';
import { median } from './stats';
import type { Config } from './benchConfig';
import { freePort, useJack } from './benchProcesses';
import { fmt, int, printTable, results } from './benchReport';

export interface FuzzResult {
  packets: number;
  decoded: number;
  rejected: number;
  /** Anything but a MalformedPacketError thrown by the decoder: a crash of the receive path. */
  crashes: number;
  seconds: number;
}

/** A deterministic generator, so a run can be repeated. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export function fuzzDecoder(packets: number, seed = 1): FuzzResult {
  const rnd = random(seed);
  const samples = [
    encodeMessage('/n_go', [1000, 1, -1, -1, 0]),
    encodeMessage('/status.reply', [1, 0, 0, 2, 4, 0.5, 0.7, 48000, 48000.1]),
    encodeMessage('/g_queryTree.reply', [0, 0, 2, 1, 1, 1000, -1, 'sclive_sine']),
    encodeMessage('/fail', ['/s_new', 'SynthDef not found']),
    encodeBundle(IMMEDIATELY, [{ address: '/n_end', args: [1000, 1, -1, -1, 0] }, { address: '/synced', args: [7] }]),
  ];
  let decoded = 0;
  let rejected = 0;
  let crashes = 0;
  const started = performance.now();
  for (let i = 0; i < packets; i++) {
    let bytes: Uint8Array;
    const kind = rnd();
    if (kind < 0.2) {
      bytes = new Uint8Array(Math.floor(rnd() * 64)).map(() => Math.floor(rnd() * 256));
    } else {
      const sample = samples[Math.floor(rnd() * samples.length)];
      bytes = new Uint8Array(sample);
      const flips = 1 + Math.floor(rnd() * 4);
      for (let f = 0; f < flips; f++) bytes[Math.floor(rnd() * bytes.length)] = Math.floor(rnd() * 256);
      if (kind > 0.8) bytes = bytes.subarray(0, Math.floor(rnd() * bytes.length));
    }
    try {
      decodePacket(bytes);
      decoded++;
    } catch (error) {
      if (error instanceof MalformedPacketError) rejected++;
      else crashes++;
    }
  }
  return { packets, decoded, rejected, crashes, seconds: (performance.now() - started) / 1000 };
}

export interface CycleResult {
  cycles: number;
  failures: number;
  scsynthLeft: number;
  fdsBefore: number;
  fdsAfter: number;
}

const openFds = () => readdirSync('/proc/self/fd').length;

export async function bootQuitCycles(cycles: number, env: NodeJS.ProcessEnv, port: () => Promise<number>, logger: Logger): Promise<CycleResult> {
  const pids: number[] = [];
  let failures = 0;
  const fdsBefore = openFds();
  for (let i = 0; i < cycles; i++) {
    const server = new SCServer({ udpPort: await port() }, { logger, statusIntervalMs: 100 });
    try {
      await server.boot({ env, timeoutMs: 15_000 });
      if (server.pid) pids.push(server.pid);
      await server.quit();
    } catch {
      failures++;
      await server.quit().catch(() => undefined);
    } finally {
      server.dispose();
    }
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
  return { cycles, failures, scsynthLeft: pids.filter(isAlive).length, fdsBefore, fdsAfter: openFds() };
}

/** Time from killing a process to the core's 'crashed' state, in ms. */
async function timeToCrash(server: SCServer, kill: () => void): Promise<{ ms: number; change: StateChange }> {
  const changed = new Promise<StateChange>((resolve) => server.onDidChangeState((change) => change.state !== 'running' && resolve(change)));
  const started = performance.now();
  kill();
  const change = await changed;
  return { ms: performance.now() - started, change };
}

export async function crashReportTimes(runs: number, env: NodeJS.ProcessEnv, port: () => Promise<number>, logger: Logger): Promise<{ sigkillMs: number[]; jackMs: number[]; jackReasons: string[] }> {
  const sigkillMs: number[] = [];
  const jackMs: number[] = [];
  const jackReasons: string[] = [];
  for (let i = 0; i < runs; i++) {
    const server = new SCServer({ udpPort: await port() }, { logger });
    try {
      await server.boot({ env, timeoutMs: 15_000 });
      sigkillMs.push((await timeToCrash(server, () => process.kill(server.pid!, 'SIGKILL'))).ms);
    } finally {
      server.dispose();
    }
    let jack: DummyJack | undefined;
    const own = new SCServer({ udpPort: await port() }, { logger });
    try {
      // One name for every run: the next start reclaims the slot a killed JACK keeps.
      jack = await startDummyJack({ name: 'sclive-killed-by-audit' });
      await own.boot({ env: jack.env, timeoutMs: 15_000 });
      const { ms, change } = await timeToCrash(own, () => process.kill(jack!.pid, 'SIGKILL'));
      jackMs.push(ms);
      jackReasons.push(`${change.state}: ${change.reason ?? ''}`);
    } finally {
      await own.quit().catch(() => undefined);
      own.dispose();
      await jack?.stop();
    }
  }
  return { sigkillMs, jackMs, jackReasons };
}

export interface FloodResult {
  datagrams: number;
  seconds: number;
  polls: number;
  missedPolls: number;
  becameUnresponsive: boolean;
  foreignDropped: number;
  logLines: number;
}

/** Stray malformed datagrams from another local socket while the status is polled every 100 ms. */
export async function strayFlood(datagrams: number, env: NodeJS.ProcessEnv, port: () => Promise<number>): Promise<FloodResult> {
  const lines: string[] = [];
  const log = (message: string) => lines.push(message);
  const logger: Logger = { trace() {}, debug() {}, info: log, warn: log, error: log };
  const server = new SCServer({ udpPort: await port() }, { logger, statusIntervalMs: 100 });
  const intruder = dgram.createSocket('udp4');
  try {
    await server.boot({ env, timeoutMs: 15_000 });
    let polls = 0;
    let unresponsive = false;
    server.onDidChangeStatus(() => polls++);
    server.onDidChangeResponsiveness((value) => (unresponsive ||= value));
    const target = server.oscConnection!.localPort!;
    await new Promise<void>((resolve) => intruder.bind(0, '127.0.0.1', () => resolve()));
    lines.length = 0;
    const garbage = Buffer.from('not an OSC packet');
    const started = performance.now();
    for (let sent = 0; sent < datagrams; sent += 200) {
      for (let i = 0; i < 200; i++) intruder.send(garbage, target, '127.0.0.1');
      await new Promise((resolve) => setImmediate(resolve));
    }
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const seconds = (performance.now() - started) / 1000;
    return {
      datagrams,
      seconds,
      polls,
      missedPolls: Math.max(0, Math.floor((seconds * 1000) / 100) - polls),
      becameUnresponsive: unresponsive,
      foreignDropped: server.oscConnection!.foreignPackets,
      logLines: lines.length,
    };
  } finally {
    intruder.close();
    await server.quit().catch(() => undefined);
    server.dispose();
  }
}

export { median };

// ---- the section as the bench runs it ----

export async function benchAudit(config: Config): Promise<void> {
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
