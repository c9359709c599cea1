// Section 5: the Node Tree's side of the live loop, without scsynth. Node notifications go
// through the node model and the view's update batching (NodeChangeBatcher) into a model of
// VS Code's tree-view debounce; the baseline fires one view update per notification, as a
// plain TreeDataProvider does. Both run in the same process, same notifications.
import { NodeChangeBatcher } from '../src/core/server/nodeChangeBatcher';
import { NodeWatcher } from '../src/core/server/nodeWatcher';
import { median, p99 } from './stats';
import { ViewDebounceModel } from './viewDebounceModel';
import type { Config } from './benchConfig';
import { Cell, fmt, int, printTable, results } from './benchReport';

const NONE = -1;
const GROUP = 1000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface TreeThroughput {
  notifications: number;
  oursPerSecond: number;
  basePerSecond: number;
}

export interface TreeLatency {
  rate: number;
  seconds: number;
  /** Delay from a notification to the update the provider fires (ms): ours; baseline is 0 by construction. */
  oursToUpdateMs: number[];
  /** Delay from a notification to the view rendering it, under VS Code's debounce (ms). */
  oursToRenderMs: number[];
  baseToRenderMs: number[];
  oursUpdates: number;
  baseUpdates: number;
}

function watcherWithGroup(): NodeWatcher {
  const watcher = new NodeWatcher();
  watcher.handleNotification('/n_go', [GROUP, 0, NONE, NONE, 1, NONE, NONE]);
  return watcher;
}

/** A pattern-like stream: each synth starts, lives `alive` notifications, and ends. */
function* notifications(count: number, alive = 8): Generator<[string, number[]]> {
  let id = 10_000;
  for (let i = 0; i < count; i += 2) {
    yield ['/n_go', [id, GROUP, NONE, NONE, 0]];
    if (id - 10_000 >= alive) yield ['/n_end', [id - alive, GROUP, NONE, NONE, 0]];
    id++;
  }
}

/** Notifications per second through model + batching (ours) or model + one update each (baseline). */
export async function treeThroughput(count: number, runs: number): Promise<TreeThroughput> {
  const ours: number[] = [];
  const base: number[] = [];
  const stream = [...notifications(count)];
  for (let run = 0; run < runs; run++) {
    {
      const watcher = watcherWithGroup();
      const view = new ViewDebounceModel();
      const batcher = new NodeChangeBatcher(watcher, (update) => view.fire(update.since));
      const started = performance.now();
      for (const [address, args] of stream) watcher.handleNotification(address, args);
      batcher.flush();
      ours.push(stream.length / ((performance.now() - started) / 1000));
      batcher.dispose();
      view.dispose();
    }
    {
      const watcher = watcherWithGroup();
      const view = new ViewDebounceModel();
      watcher.onDidChange(() => view.fire(performance.now()));
      const started = performance.now();
      for (const [address, args] of stream) watcher.handleNotification(address, args);
      base.push(stream.length / ((performance.now() - started) / 1000));
      view.dispose();
    }
    await sleep(10);
  }
  return { notifications: stream.length, oursPerSecond: median(ours), basePerSecond: median(base) };
}

/** A stream at `rate` notifications per second for `seconds`: delays to the update and to the render. */
export async function treeLatency(rate: number, seconds: number): Promise<TreeLatency> {
  const oursView = new ViewDebounceModel();
  const baseView = new ViewDebounceModel();
  const oursWatcher = watcherWithGroup();
  const baseWatcher = watcherWithGroup();
  const oursToUpdateMs: number[] = [];
  let oursUpdates = 0;
  let baseUpdates = 0;
  const batcher = new NodeChangeBatcher(oursWatcher, (update) => {
    oursUpdates++;
    oursToUpdateMs.push(performance.now() - update.since);
    oursView.fire(update.since);
  });
  baseWatcher.onDidChange(() => {
    baseUpdates++;
    baseView.fire(performance.now());
  });
  const stream = notifications(Math.round(rate * seconds));
  const started = performance.now();
  let sent = 0;
  // Sent in the timer ticks a UDP socket would deliver them in (every 5 ms at most).
  for (;;) {
    const due = Math.min(Math.round(((performance.now() - started) / 1000) * rate), rate * seconds);
    let done = false;
    while (sent < due) {
      const next = stream.next();
      if (next.done) {
        done = true;
        break;
      }
      const [address, args] = next.value;
      oursWatcher.handleNotification(address, args);
      baseWatcher.handleNotification(address, args);
      sent++;
    }
    if (done || sent >= rate * seconds) break;
    await sleep(5);
  }
  await sleep(500); // the last trailing updates and renders
  batcher.dispose();
  oursView.dispose();
  baseView.dispose();
  return { rate, seconds, oursToUpdateMs, oursToRenderMs: oursView.delays, baseToRenderMs: baseView.delays, oursUpdates, baseUpdates };
}

export function summarise(values: readonly number[]): { median: number; p99: number; max: number } {
  return { median: median(values), p99: p99(values), max: values.length ? Math.max(...values) : NaN };
}

// ---- the section as the bench runs it ----

export async function benchTreeUpdates(config: Config): Promise<void> {
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
