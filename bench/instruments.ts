// Section 7: the meters and the scope streaming together, against the same server without them,
// and against the floor: the same traffic from a bare node:dgram client (bareInstruments.ts).
import { fork } from 'node:child_process';
import * as path from 'node:path';
import * as cmd from '../src/core/scsynth/scsynthCommands';
import { SCServer } from '../src/core/server/scServer';
import { median } from './stats';
import type { Config } from './benchConfig';
import { freePort, releaseServer, startedPids, track, useJack } from './benchProcesses';
import { Cell, fmt, printTable, results } from './benchReport';

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

// ---- the section as the bench runs it ----

export async function benchInstruments(config: Config): Promise<void> {
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
