// Section 3: a burst of /s_new + /n_free pairs, then /sync: the core's paced sending against a
// bare client's loop of sends, counting what is lost on the way and what the node model saw.
import { SCServer } from '../src/core/server/scServer';
import * as cmd from '../src/core/scsynth/scsynthCommands';
import { OscMessage } from '../src/core/osc/oscCodec';
import { parseQueryTreeReply } from '../src/core/server/nodeTree';
import { DummyJack } from '../tools/dummyJack';
import type { Config } from './benchConfig';
import { RawScsynth, SYNTHDEFS_DIR, dropsDelta, freePort, isTimeout, periodMs, releaseServer, sleep, spawnRaw, track, udpDrops, useJack, withTimeout } from './benchProcesses';
import { Cell, fmt, int, printTable, results } from './benchReport';
import { BareClient, decodeMessage, oscMessage } from './bareClient';

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
export async function settle(probe: () => number, quietMs = 400, maxMs = 5000): Promise<void> {
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

export const BURST_OPTIONS = { maxNodes: 32768, memSize: 262144 };

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

export async function benchBurst(config: Config): Promise<void> {
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
