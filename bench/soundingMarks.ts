// Section 11: the sounding code lit, without VS Code. 200 evaluated blocks (each with a synth and
// a player), node notifications at 1,000 a second through the node model into the blocks'
// bookkeeping (SoundingBlocks), the marks grouped for drawing (marksByFile) at most once a
// frame, sclang's player state read 4 times a second (200 players) and the lenses of a file of
// 200 Pdef lines worked out at each read, with the node ids of the evaluations since the last. Baseline in the same run: the same notifications
// into the node model alone (what the Node Tree needs anyway). Reported: notification to marks
// drawn (median, p99), and the CPU the marks add, in % of a core.
import { NodeWatcher } from '../src/core/server/nodeWatcher';
import { SoundingBlocks, marksByFile } from '../src/core/sclang/soundingBlocks';
import { findPlayer, parsePlayerState } from '../src/core/sclang/playerState';
import { findPlayerReferences } from '../src/core/sclang/playerReferences';
import { median, p99 } from './stats';
import { fmt, int, printTable, results } from './benchReport';

const NONE = -1;
const GROUP = 1000;
const SCLANG_NODE = 1 << 26; // sclang's client 1: its node ids
const RENDER_MS = 50;
const STATE_MS = 250;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface SoundingMarksBench {
  blocks: number;
  rate: number;
  seconds: number;
  notificationToMarksMs: { median: number; p99: number };
  renders: number;
  /** CPU time over wall time, in % of one core. */
  oursCpuPercent: number;
  baseCpuPercent: number;
}

interface Place {
  uri: string;
  line: number;
}

function watcherWithGroup(): NodeWatcher {
  const watcher = new NodeWatcher();
  watcher.handleNotification('/n_go', [GROUP, 0, NONE, NONE, 1, NONE, NONE]);
  return watcher;
}

/** sclang's answer with `count` Pdefs and as many evaluations' players playing, and the node ids of the evaluations since the last read. */
function stateAnswer(count: number, told: ReadonlyArray<[number, number, number]>): string {
  const rows: string[] = [];
  for (let i = 0; i < count; i++) {
    rows.push(`{"kind":"Pdef","key":"p${i}","playing":${i % 2 === 0}}`);
    rows.push(`{"kind":"Eval","key":"${i + 1}","playing":true,"what":"an EventStreamPlayer"}`);
  }
  for (const [id, from, to] of told) rows.push(`{"kind":"Nodes","key":"${id}","playing":false,"from":${from},"to":${to}}`);
  return `[${rows.join(',')}]`;
}

/** One side of the run: notifications at `rate` for `seconds`, with (ours) or without the marks. */
async function run(withMarks: boolean, blockCount: number, rate: number, seconds: number): Promise<{ delays: number[]; renders: number; cpuPercent: number }> {
  const watcher = watcherWithGroup();
  const blocks = new SoundingBlocks<Place>();
  const delays: number[] = [];
  let renders = 0;
  let pendingSince: number[] = [];
  let renderTimer: NodeJS.Timeout | undefined;
  const document = Array.from({ length: blockCount }, (_, i) => `(\nPdef(\\p${i}, Pbind(\\degree, ${i})).play;\n)`).join('\n');
  // The node ids of the evaluations sclang has not told yet: [evaluation id, from, to].
  let untold: Array<[number, number, number]> = [];
  if (withMarks) {
    // The blocks as evaluated: each made a synth and returned a player.
    for (let i = 0; i < blockCount; i++) {
      const key = blocks.begin({ uri: 'file:///bench.scd', line: i * 3 });
      watcher.handleNotification('/n_go', [SCLANG_NODE + i, GROUP, NONE, NONE, 0]);
      blocks.synthStarted(SCLANG_NODE + i);
      blocks.end(key, i + 1);
      untold.push([i + 1, SCLANG_NODE + i, SCLANG_NODE + i + 1]);
    }
    watcher.onDidChange((change) => {
      if (change.kind === 'added' && !change.node.isGroup) blocks.synthStarted(change.node.nodeId);
      else if (change.kind === 'removed' && !change.node.isGroup) blocks.synthEnded(change.node.nodeId);
    });
    blocks.onDidChange(() => {
      renderTimer ??= setTimeout(() => {
        renderTimer = undefined;
        const marks = marksByFile(blocks.sounding());
        // What the editor then draws: one decoration a mark, with its count and hover list.
        let drawn = 0;
        for (const fileMarks of marks.values()) for (const mark of fileMarks) drawn += mark.count + mark.blocks.length;
        if (drawn < 0) throw new Error('unreachable');
        renders++;
        const now = performance.now();
        for (const since of pendingSince) delays.push(now - since);
        pendingSince = [];
      }, RENDER_MS);
    });
  }
  const stateTimer = withMarks
    ? setInterval(() => {
        const state = parsePlayerState(stateAnswer(blockCount, untold));
        untold = [];
        blocks.stateRead(state.evaluations, state.evaluationNodes);
        // The lenses of the file, from that state.
        for (const reference of findPlayerReferences(document)) findPlayer(state, reference.kind, reference.key);
      }, STATE_MS)
    : undefined;

  // A pattern-like stream of sclang's synths: each lives 8 notifications. While the stream
  // runs, the 200 blocks keep their first synths; a quarter of the new ones start while some
  // block is being evaluated again (they count to it), the rest belong to no evaluation.
  let nextId = SCLANG_NODE + 100_000;
  const live: number[] = [];
  const total = Math.round(rate * seconds);
  const cpuStart = process.cpuUsage();
  const started = performance.now();
  let sent = 0;
  let evaluation: { key: number; id: number; from: number } | undefined;
  let nextEvaluationId = blockCount + 1;
  while (sent < total) {
    const due = Math.min(Math.round(((performance.now() - started) / 1000) * rate), total);
    while (sent < due) {
      if (withMarks && sent % 8 === 0) {
        // sclang answers: the ids it allocated meanwhile are told at the next state read.
        if (evaluation !== undefined) {
          blocks.end(evaluation.key, evaluation.id);
          untold.push([evaluation.id, evaluation.from, nextId]);
        }
        evaluation = sent % 32 === 0 ? { key: blocks.begin({ uri: 'file:///bench.scd', line: ((sent / 32) % blockCount) * 3 }), id: nextEvaluationId++, from: nextId } : undefined;
      }
      const now = performance.now();
      if (live.length >= 4) {
        watcher.handleNotification('/n_end', [live.shift()!, GROUP, NONE, NONE, 0]);
      } else {
        const id = nextId++;
        live.push(id);
        watcher.handleNotification('/n_go', [id, GROUP, NONE, NONE, 0]);
      }
      if (withMarks) pendingSince.push(now);
      sent++;
    }
    await sleep(5);
  }
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuStart);
  clearInterval(stateTimer);
  await sleep(50);
  clearTimeout(renderTimer);
  blocks.dispose();
  watcher.dispose();
  return { delays, renders, cpuPercent: ((cpu.user + cpu.system) / 1000 / wallMs) * 100 };
}

export async function benchSoundingMarks(blockCount = 200, rate = 1000, seconds = 5, rounds = 3): Promise<SoundingMarksBench> {
  const delays: number[] = [];
  const ours: number[] = [];
  const base: number[] = [];
  let renders = 0;
  // Alternated, so both sides see the same machine load.
  for (let round = 0; round < rounds; round++) {
    const b = await run(false, blockCount, rate, seconds);
    base.push(b.cpuPercent);
    const o = await run(true, blockCount, rate, seconds);
    ours.push(o.cpuPercent);
    delays.push(...o.delays);
    renders += o.renders;
  }
  return {
    blocks: blockCount,
    rate,
    seconds: seconds * rounds,
    notificationToMarksMs: { median: median(delays), p99: p99(delays) },
    renders,
    oursCpuPercent: median(ours),
    baseCpuPercent: median(base),
  };
}

// ---- the section as the bench runs it ----

export async function benchSoundingMarksSection(): Promise<void> {
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
