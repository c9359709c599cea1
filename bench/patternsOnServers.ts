// Section 14: several servers playing at once, the Node Tree's side. Four real scsynth, each an
// SCServer of a ServerSet, each playing a 25-events-a-second pattern (short blips sent by a
// child process, as sclang's patterns are played from outside this process). In this process,
// each server's node model and batcher feed one view, modelled as VS Code's tree view takes
// change events (200 ms debounce, leading edge): ours through the view's TreeChangeSpacer, the
// baseline each server's batcher straight into the view (as before the spacer). Both hear the
// same notifications in the same run. Figures: how long each server's changes wait to be
// rendered (median, p99, worst; target: every root within 250 ms of its server), and this
// process's CPU added by the patterns (windows with and without, alternating; target < 5 %): the
// notifications, and the def-name queries of the group the unnamed synths came to.
import { spawn, ChildProcess } from 'node:child_process';
import { NodeChangeBatcher, TreeChangeSpacer, UPDATE_INTERVAL_MS } from '../src/core/server/nodeChangeBatcher';
import type { SCServer } from '../src/core/server/scServer';
import type { Config } from './benchConfig';
import { bootServerSet, cpuDuring, releaseServer, sleep, stopChild, trackChild, useJack } from './benchProcesses';
import { fmt, printTable, results } from './benchReport';
import { max, median, p99 } from './stats';
import { ViewDebounceModel } from './viewDebounceModel';

const SERVERS = 4;
const EVENTS_PER_SECOND = 25;
/** Each server's batcher in the extension (nodeTreeView.ts's SERVER_BATCH_MS). */
const SERVER_BATCH_MS = 20;

/** A pattern player for every port: a blip (0.2 s, freed by itself) to each, 25 times a second, while told "on" (its stdin). */
const PLAYER = `
const dgram = require('node:dgram');
const ports = JSON.parse(process.argv[1]);
const socket = dgram.createSocket('udp4');
const pad = (n) => (n + 3) & ~3;
function message(address, args) {
  const parts = [Buffer.alloc(pad(address.length + 1)), Buffer.alloc(pad(args.length + 2))];
  parts[0].write(address);
  parts[1].write(',' + args.map((a) => (typeof a === 'string' ? 's' : 'i')).join(''));
  for (const a of args) {
    if (typeof a === 'string') { const b = Buffer.alloc(pad(a.length + 1)); b.write(a); parts.push(b); }
    else { const b = Buffer.alloc(4); b.writeInt32BE(a); parts.push(b); }
  }
  return Buffer.concat(parts);
}
// Node ids of its own, as sclang's allocator gives (scsynth sends no notification for -1's), at
// the head of client 0's default group (group 1), where sclang's patterns play.
let nextId = 100000;
let timer;
process.stdin.on('data', (data) => {
  const command = String(data).trim().split('\\n').pop();
  clearInterval(timer);
  if (command === 'on') timer = setInterval(() => { const blip = message('/s_new', ['sclive_blip', nextId++, 0, 1, 'amp', 0]); for (const port of ports) socket.send(blip, port, '127.0.0.1'); }, ${1000 / EVENTS_PER_SECOND});
});
`;

/** How long each server's changes wait to be drawn in one view: a change's wait ends at the first render after the event that carried it. */
class RenderWaits {
  readonly waits: number[][] = Array.from({ length: SERVERS }, () => []);
  private readonly pending: Array<number | undefined> = [];
  private readonly inFlight: Array<number | undefined> = [];
  readonly view: ViewDebounceModel;

  constructor() {
    this.view = new ViewDebounceModel(200, undefined, undefined, (at) => this.rendered(at));
  }

  /** A change of server `index` arrived (its model changed). */
  changed(index: number, at: number): void {
    this.pending[index] ??= at;
  }

  /** The view was told of the changes of these servers. */
  fired(indexes: readonly number[]): void {
    for (const index of indexes) {
      if (this.pending[index] === undefined) continue;
      this.inFlight[index] ??= this.pending[index];
      this.pending[index] = undefined;
    }
    this.view.fire(performance.now());
  }

  private rendered(at: number): void {
    this.inFlight.forEach((since, index) => {
      if (since === undefined) return;
      this.waits[index].push(at - since);
      this.inFlight[index] = undefined;
    });
  }
}

export async function benchPatternsOnServers(config: Config): Promise<void> {
  const quick = config.bootRuns < 7;
  const listenMs = quick ? 5000 : 15_000;
  const windowMs = quick ? 2000 : 4000;
  const rounds = quick ? 2 : 4;
  const title = `14. Several servers playing: ${SERVERS} scsynth, each a pattern of ${EVENTS_PER_SECOND} events a second; one Node Tree view (VS Code's 200 ms debounce modelled) fed through the view's spacer (ours) or by each server's batcher straight (baseline), ${listenMs / 1000} s; this process's CPU in ${rounds} windows of ${windowMs / 1000} s with and without the patterns`;
  const jack = await useJack(1024);
  let servers: SCServer[] = [];
  let player: ChildProcess | undefined;
  const disposables: Array<{ dispose(): void }> = [];
  try {
    const booted = await bootServerSet(SERVERS, jack.env);
    servers = booted.servers;
    disposables.push(booted.set);
    player = trackChild(spawn(process.execPath, ['-e', PLAYER, JSON.stringify(servers.map((server) => server.addr[1]))], { stdio: ['pipe', 'ignore', 'inherit'] }), 'pattern player (node)');
    const play = (on: boolean) => player?.stdin?.write(`${on ? 'on' : 'off'}\n`);

    const baseline: Array<{ dispose(): void }> = [];
    disposables.push({ dispose: () => baseline.splice(0).forEach((batcher) => batcher.dispose()) });
    const ours = new RenderWaits();
    const base = new RenderWaits();
    const spacer = new TreeChangeSpacer<number>((indexes) => ours.fired(indexes ?? servers.map((_, index) => index)), UPDATE_INTERVAL_MS);
    disposables.push(spacer, ours.view, base.view);
    servers.forEach((server, index) => {
      disposables.push(server.nodeWatcher.onDidChange(() => {
        const now = performance.now();
        ours.changed(index, now);
        base.changed(index, now);
      }));
      const watcher = { onDidChange: server.nodeWatcher.onDidChange, get: (nodeId: number) => server.nodeWatcher.get(nodeId) };
      disposables.push(new NodeChangeBatcher(watcher, () => spacer.fire([index]), SERVER_BATCH_MS));
      baseline.push(new NodeChangeBatcher(watcher, () => base.fired([index]), UPDATE_INTERVAL_MS));
    });
    play(true);
    await sleep(listenMs);
    play(false);
    await sleep(600);
    const notified = servers.map((server) => [...server.nodeWatcher.nodeIds()].length);

    // CPU: the same servers and the view's side of ours, the patterns on or off (the baseline's batchers gone).
    baseline.splice(0).forEach((batcher) => batcher.dispose());
    const cpu = { on: [] as number[], off: [] as number[] };
    for (let round = 0; round < rounds; round++) {
      for (const on of round % 2 === 0 ? [true, false] : [false, true]) {
        play(on);
        await sleep(400);
        cpu[on ? 'on' : 'off'].push(await cpuDuring(windowMs));
      }
    }
    play(false);

    const rows = servers.map((_, index) => {
      const mine = ours.waits[index];
      const theirs = base.waits[index];
      return [`server ${index + 1}: a change's wait to be drawn, median / p99 / worst (ms); renders`, `${fmt(median(mine))} / ${fmt(p99(mine))} / ${fmt(max(mine))}; ${mine.length}`, theirs.length ? `${fmt(median(theirs))} / ${fmt(p99(theirs))} / ${fmt(max(theirs))}; ${theirs.length}` : 'never drawn', '< 250 worst'];
    });
    const added = median(cpu.on) - median(cpu.off);
    rows.push(['this process\'s CPU, patterns on / off, median (% of a core)', `${fmt(median(cpu.on), 2)} / ${fmt(median(cpu.off), 2)}`, '-', '-']);
    rows.push(['  added by 4 servers\' patterns (%)', fmt(added, 2), '-', '< 5 % of a core']);
    printTable(title, ['metric', 'ours (TreeChangeSpacer)', 'baseline (batchers straight to the view)', 'target'], rows, [
      `A change's wait runs from its notification arriving in the node model to the first render after the event that carried it (the oldest change of a render waited longest). Baseline: the four servers' updates, each 220 ms apart but close to one another, hold the view to the debounce's trailing edge, 200 ms after the last of them.`,
      `Nodes in the models after the patterns: ${notified.join(', ')} (the blips freed themselves).`,
    ]);
    results.patternsOnServers = { servers: SERVERS, eventsPerSecond: EVENTS_PER_SECOND, listenMs, ours: ours.waits, base: base.waits, cpu, added };
  } catch (error) {
    printTable(title, ['metric', 'ours', 'baseline', 'target'], [['waits (ms)', 'error', '-', '-']], [(error as Error).message]);
    results.patternsOnServers = { error: (error as Error).message };
  } finally {
    for (const disposable of disposables.reverse()) disposable.dispose();
    if (player) await stopChild(player);
    await Promise.all(servers.map((server) => releaseServer(server)));
  }
}
