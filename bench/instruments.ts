// Section 7: the meters and the scope streaming together, against the same server without them,
// and against the floor: the same traffic from a bare node:dgram client (bareInstruments.ts).
import { fork } from 'node:child_process';
import * as path from 'node:path';
import * as cmd from '../src/core/scsynth/scsynthCommands';
import type { SCServer } from '../src/core/server/scServer';
import { median } from './stats';

export type WindowKind = 'baseline' | 'streaming' | 'bare';

export interface InstrumentWindow {
  kind: WindowKind;
  seconds: number;
  meterUpdatesPerSecond: number;
  scopePicturesPerSecond: number;
  scopeTicksSkipped: number;
  /** Datagrams this client sent and received per second (each a system call; each received one a wake-up). */
  sentPerSecond: number;
  receivedPerSecond: number;
  /** The measured process's CPU time (user + system) per second of wall time, in % of one core. */
  clientCpuPercent: number;
  /** scsynth's own /status average CPU over the window (median of the polls). */
  scsynthAvgCpu: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One window of this process: CPU of this process and scsynth, and what arrived. */
async function measureWindow(server: SCServer, kind: WindowKind, seconds: number): Promise<InstrumentWindow> {
  let meterUpdates = 0;
  let pictures = 0;
  const skippedBefore = server.scope.counters.skipped;
  const meterListener = server.meters.onLevels(() => meterUpdates++);
  const scopeListener = server.scope.onRead((read) => (pictures += read.pictures.length));
  const cpu: number[] = [];
  const statusListener = server.onDidChangeStatus((status) => cpu.push(status.avgCpu));
  const trafficBefore = server.oscTraffic;
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  await sleep(seconds * 1000);
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpuBefore);
  const traffic = server.oscTraffic;
  meterListener.dispose();
  scopeListener.dispose();
  statusListener.dispose();
  return {
    kind,
    seconds: wallMs / 1000,
    meterUpdatesPerSecond: meterUpdates / (wallMs / 1000),
    scopePicturesPerSecond: pictures / (wallMs / 1000),
    scopeTicksSkipped: server.scope.counters.skipped - skippedBefore,
    sentPerSecond: (traffic.sent - trafficBefore.sent) / (wallMs / 1000),
    receivedPerSecond: (traffic.received - trafficBefore.received) / (wallMs / 1000),
    clientCpuPercent: ((used.user + used.system) / 1000 / wallMs) * 100,
    scsynthAvgCpu: median(cpu),
  };
}

interface BareReport {
  ready?: boolean;
  error?: string;
  cpuPercent?: number;
  picturesPerSecond?: number;
  meterUpdatesPerSecond?: number;
}

/** One window of the bare client, in a process of its own (started, measured, stopped by its pid). */
async function measureBareWindow(server: SCServer, seconds: number, started: (pid: number) => void): Promise<InstrumentWindow> {
  const child = fork(path.join(__dirname, 'bareInstruments.js'), [String(server.options.udpPort)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  if (child.pid) started(child.pid);
  const next = () =>
    new Promise<BareReport>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the bare client did not answer')), seconds * 1000 + 10_000);
      child.once('message', (message: BareReport) => {
        clearTimeout(timer);
        if (message.error) reject(new Error(message.error));
        else resolve(message);
      });
    });
  try {
    await next();
    const cpu: number[] = [];
    await sleep(500);
    const statusListener = server.onDidChangeStatus((status) => cpu.push(status.avgCpu));
    child.send({ measure: seconds });
    const report = await next();
    statusListener.dispose();
    return {
      kind: 'bare',
      seconds,
      meterUpdatesPerSecond: report.meterUpdatesPerSecond ?? 0,
      scopePicturesPerSecond: report.picturesPerSecond ?? 0,
      scopeTicksSkipped: 0,
      sentPerSecond: NaN,
      receivedPerSecond: NaN,
      clientCpuPercent: report.cpuPercent ?? NaN,
      scsynthAvgCpu: median(cpu),
    };
  } finally {
    const exited = new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));
    child.send({ stop: true });
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }
}

/**
 * Alternates windows without and with the meters (outputs and inputs, 24 updates/s) and the
 * scope (2 channels of 1,024 frames, 22 pictures/s) on one server playing a sine, and of the
 * bare client doing the same. Short windows, many of them: this machine's cost of a wake-up
 * drifts over seconds, and every side should see the same drift.
 */
export async function instrumentsStreaming(server: SCServer, rounds: number, seconds: number, started: (pid: number) => void): Promise<InstrumentWindow[]> {
  server.send(cmd.synthNew('sclive_sine', server.allocateNodeId(), cmd.AddAction.head, server.defaultGroup, { amp: 0.25, pan: -1 }));
  server.statusIntervalMs = 200;
  const windows: InstrumentWindow[] = [];
  for (let round = 0; round < rounds; round++) {
    await sleep(500);
    windows.push(await measureWindow(server, 'baseline', seconds));
    await server.meters.start(24);
    await server.scope.start({ bus: 0, channels: 2, frames: 1024, rate: 22 });
    await sleep(500);
    windows.push(await measureWindow(server, 'streaming', seconds));
    server.meters.stop();
    await server.scope.stop();
    windows.push(await measureBareWindow(server, seconds, started));
  }
  return windows;
}
