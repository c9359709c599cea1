// Section 7: the meters and the scope streaming together, against the same server without them.
import * as cmd from '../src/core/scsynth/scsynthCommands';
import type { SCServer } from '../src/core/server/scServer';
import { median } from './stats';

export interface InstrumentWindow {
  streaming: boolean;
  seconds: number;
  meterUpdatesPerSecond: number;
  scopePicturesPerSecond: number;
  scopeTicksSkipped: number;
  /** Datagrams this client sent and received per second (each a system call; each received one a wake-up). */
  sentPerSecond: number;
  receivedPerSecond: number;
  /** This process's CPU time (user + system) per second of wall time, in % of one core. */
  clientCpuPercent: number;
  /** scsynth's own /status average CPU over the window (median of the polls). */
  scsynthAvgCpu: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One window: CPU of this process and scsynth, and what arrived. */
async function measureWindow(server: SCServer, streaming: boolean, seconds: number): Promise<InstrumentWindow> {
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
    streaming,
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

/**
 * Alternates windows without and with the meters (outputs and inputs, 24 updates/s) and the
 * scope (2 channels of 1,024 frames, 22 pictures/s) on one server playing a sine. Short windows,
 * many of them: this machine's cost of a wake-up drifts over seconds, and both sides should see
 * the same drift.
 */
export async function instrumentsStreaming(server: SCServer, rounds: number, seconds: number): Promise<InstrumentWindow[]> {
  server.send(cmd.synthNew('sclive_sine', server.allocateNodeId(), cmd.AddAction.head, server.defaultGroup, { amp: 0.25, pan: -1 }));
  server.statusIntervalMs = 200;
  const windows: InstrumentWindow[] = [];
  for (let round = 0; round < rounds; round++) {
    await sleep(500);
    windows.push(await measureWindow(server, false, seconds));
    await server.meters.start(24);
    await server.scope.start({ bus: 0, channels: 2, frames: 1024, rate: 22 });
    await sleep(500);
    windows.push(await measureWindow(server, true, seconds));
    server.meters.stop();
    await server.scope.stop();
  }
  return windows;
}
