// Section 13: what several servers cost this process while they only run. Eight real scsynth,
// each an SCServer of a ServerSet; this process's CPU (user + system, process.cpuUsage) over
// alternating windows: the servers' status polling on (ours, at the default 1 s interval and
// at 250 ms), polling off (idle: the same servers and sockets, nothing sent), and a bare dgram
// client asking each server for /status at the same interval (the baseline).
import type { SCServer } from '../src/core/server/scServer';
import type { ServerSet } from '../src/core/server/serverSet';
import type { Config } from './benchConfig';
import { BareClient } from './bareClient';
import { bootServerSet, cpuDuring, releaseServer, sleep, useJack } from './benchProcesses';
import { fmt, printTable, results } from './benchReport';
import { median } from './stats';

const SERVERS = 8;

type Side = 'idle' | 'ours' | 'bare';

export async function benchServerPolling(config: Config): Promise<void> {
  const quick = config.bootRuns < 7;
  const windowMs = quick ? 2000 : 5000;
  const rounds = quick ? 2 : 4;
  const intervals = [1000, 250];
  const title = `13. Several servers: this process's CPU while ${SERVERS} scsynth run, their status polled (ours: SCServer's poller in a ServerSet) or not (idle), against a bare dgram client polling them (baseline); ${rounds} windows of ${windowMs / 1000} s per side and interval, alternating`;
  const jack = await useJack(1024);
  const servers: SCServer[] = [];
  const bare: BareClient[] = [];
  let set: ServerSet | undefined;
  try {
    const booted = await bootServerSet(SERVERS, jack.env, 0);
    set = booted.set;
    servers.push(...booted.servers);
    for (const server of servers) bare.push(await BareClient.open('127.0.0.1', server.addr[1]));
    let bareTimer: NodeJS.Timeout | undefined;
    const setSide = (side: Side, intervalMs: number) => {
      for (const server of servers) server.statusIntervalMs = side === 'ours' ? intervalMs : 0;
      clearInterval(bareTimer);
      bareTimer = undefined;
      if (side === 'bare') {
        const poll = () => bare.forEach((client) => void client.status().catch(() => undefined));
        bareTimer = setInterval(poll, intervalMs);
        poll();
      }
    };
    const figures: Record<number, Record<Side, number[]>> = {};
    try {
      await sleep(1000);
      for (const intervalMs of intervals) {
        const per: Record<Side, number[]> = { idle: [], ours: [], bare: [] };
        figures[intervalMs] = per;
        for (let round = 0; round < rounds; round++) {
          const order: Side[] = round % 2 === 0 ? ['idle', 'ours', 'bare'] : ['bare', 'ours', 'idle'];
          for (const side of order) {
            setSide(side, intervalMs);
            // The first poll and its timers settle before the window opens.
            await sleep(300);
            per[side].push(await cpuDuring(windowMs));
          }
        }
      }
    } finally {
      setSide('idle', 1000);
    }
    const answered = servers.filter((server) => server.lastStatus).length;
    const rows = intervals.flatMap((intervalMs) => {
      const per = figures[intervalMs];
      const idle = median(per.idle);
      return [
        [`polling every ${intervalMs} ms: CPU of one core, median (%)`, fmt(median(per.ours), 3), fmt(median(per.bare), 3), fmt(idle, 3), '-'],
        [`  added by the polling of ${SERVERS} servers (%)`, fmt(median(per.ours) - idle, 3), fmt(median(per.bare) - idle, 3), '0', intervalMs === 1000 ? '< 1 % of a core' : '-'],
      ];
    });
    printTable(title, ['metric', 'ours (ServerSet of SCServers)', 'baseline (bare dgram)', 'idle (no polling)', 'target'], rows, [
      `${answered} of ${SERVERS} servers answered the pollers; the windows alternate so load from elsewhere falls on every side.`,
      'Ours also parses each reply, checks the node model against it and fires the status event the Node Tree roots and status bar listen to.',
    ]);
    results.serverPolling = { servers: SERVERS, windowMs, rounds, figures, answered };
  } catch (error) {
    printTable(title, ['metric', 'ours', 'baseline', 'idle', 'target'], [['CPU (%)', 'error', '-', '-', '-']], [(error as Error).message]);
    results.serverPolling = { error: (error as Error).message };
  } finally {
    for (const client of bare) client.close();
    await Promise.all(servers.map((server) => releaseServer(server)));
    set?.dispose();
  }
}
