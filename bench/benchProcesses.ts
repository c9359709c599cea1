// The processes the bench starts (scsynth, jackd, the stand-in), each tracked and stopped by its
// pid at the end (or on SIGINT/SIGTERM), and what sections share to start and time them.
import { ChildProcess, fork, spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { SCServer } from '../src/core/server/scServer';
import { ServerOptions } from '../src/core/scsynth/serverOptions';
import type { LocalServerEntry } from '../src/core/server/serverList';
import { DeclaredServer, ServerSet } from '../src/core/server/serverSet';
import { isUdpPortTaken } from '../src/core/scsynth/portProbe';
import { OscTimeoutError } from '../src/core/osc/oscConnection';
import { findScsynth } from '../src/core/scsynth/scsynthLocator';
import { DummyJack, startDummyJack } from '../tools/dummyJack';

const rawChildren = new Set<ChildProcess>();
/** Every process this run started, by pid, to check at the end that none is left. */
export const startedPids = new Map<number, string>();
const servers = new Set<SCServer>();
let jack: DummyJack | undefined;
let standIn: ChildProcess | undefined;

process.on('exit', () => {
  for (const child of rawChildren) if (child.pid) tryKill(child.pid, 'SIGKILL');
  if (standIn?.pid && standIn.exitCode === null) tryKill(standIn.pid, 'SIGKILL');
  for (const server of servers) if (server.pid) tryKill(server.pid, 'SIGKILL');
});

export function tryKill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

export async function cleanup(): Promise<void> {
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

export function stopChild(child: ChildProcess, graceMs = 3000): Promise<void> {
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

/** A child process of a section's (a pattern player), stopped with the others at the end or on SIGINT. */
export function trackChild(child: ChildProcess, what: string): ChildProcess {
  rawChildren.add(child);
  child.once('exit', () => rawChildren.delete(child));
  if (child.pid) startedPids.set(child.pid, what);
  return child;
}

/** This process's CPU (user + system) during `ms`, in percent of one core. */
export async function cpuDuring(ms: number): Promise<number> {
  const before = process.cpuUsage();
  const started = performance.now();
  await sleep(ms);
  const used = process.cpuUsage(before);
  return ((used.user + used.system) / 1000 / (performance.now() - started)) * 100;
}

/** `count` local scsynth on free ports, each an SCServer of one ServerSet (the first its default slot), all booted. */
export async function bootServerSet(count: number, env: NodeJS.ProcessEnv, statusIntervalMs = 1000): Promise<{ set: ServerSet; servers: SCServer[] }> {
  const entries: LocalServerEntry[] = [];
  for (let i = 0; i < count; i++) entries.push({ kind: 'local', name: i === 0 ? 'default' : `s${i}`, program: 'scsynth', options: new ServerOptions({ udpPort: await freePort() }), env: {} });
  const servers: SCServer[] = [];
  const make = (entry: LocalServerEntry) => {
    const server = track(new SCServer(entry.options, { statusIntervalMs }));
    servers.push(server);
    return server;
  };
  const bootOptions = () => ({ env, timeoutMs: 20_000 });
  const set = new ServerSet({ defaultSlot: new DeclaredServer(entries[0], (entry) => make(entry as LocalServerEntry), bootOptions), makeServer: (entry) => make(entry as LocalServerEntry), bootOptions });
  await set.apply(entries.slice(1));
  const booted = await withTimeout(set.bootAll(), 120_000, 'boot all');
  const failed = booted.filter((result) => result.error);
  if (failed.length) throw new Error(`${failed.length} servers did not boot: ${failed[0].error?.message}`);
  return { set, servers };
}

export function track(server: SCServer): SCServer {
  servers.add(server);
  return server;
}

export async function releaseServer(server: SCServer): Promise<void> {
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
export async function useJack(periodFrames: number): Promise<DummyJack> {
  if (jack?.periodFrames === periodFrames) return jack;
  if (jack) await jack.stop();
  jack = undefined;
  jack = await startDummyJack({ periodFrames });
  startedPids.set(jack.pid, `jackd (dummy, ${periodFrames} frames)`);
  return jack;
}

export const periodMs = (frames: number) => (frames / 48000) * 1000;

let nextPort = 57600 + (process.pid % 300) * 7;
export async function freePort(): Promise<number> {
  for (;;) {
    const port = nextPort++;
    if (nextPort > 64000) nextPort = 50000;
    if (!(await isUdpPortTaken(port, '127.0.0.1'))) return port;
  }
}

export const SCSYNTH = findScsynth({});
export const SYNTHDEFS_DIR = path.resolve(__dirname, '..', '..', 'synthdefs');
const READY = /SuperCollider 3 server ready/;
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class BenchTimeout extends Error {}

export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
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

export const isTimeout = (error: unknown) => error instanceof BenchTimeout || error instanceof OscTimeoutError || /timeout|within/i.test(String((error as Error)?.message));

export interface RawScsynth {
  child: ChildProcess;
  port: number;
  /** performance.now() when the ready line came. */
  readyAt: number;
  fifoFull: number;
  failureLines: number;
  stop(): Promise<void>;
}

/** scsynth as a bare client would start it: spawn, wait for the ready line. */
export function spawnRaw(port: number, env: NodeJS.ProcessEnv, extraArgs: string[] = [], timeoutMs = 15_000): Promise<RawScsynth> {
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
    for (const stream of [child.stdout, child.stderr]) {
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
export function udpDrops(port: number | undefined): number | undefined {
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

export const dropsDelta = (before: number | undefined, after: number | undefined) => (before === undefined || after === undefined ? undefined : after - before);

/** The instant stand-in scsynth (standInServer.ts) in a process of its own: resolves with its port. */
export async function startStandIn(): Promise<number> {
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

export async function stopStandIn(): Promise<void> {
  if (standIn) await stopChild(standIn);
  standIn = undefined;
}
