// Section 4: queryAllNodes on trees of thousands of synths, with and without controls, next
// to a bare /g_queryTree round trip; and the decoder on the largest reply.
import { SCServer } from '../src/core/server/scServer';
import * as cmd from '../src/core/scsynth/scsynthCommands';
import { OscMessage, decodePacket } from '../src/core/osc/oscCodec';
import { GroupNode, walkTree } from '../src/core/server/nodeTree';
import type { Config } from './benchConfig';
import { freePort, isTimeout, releaseServer, track, useJack, withTimeout } from './benchProcesses';
import { Cell, fmt, int, printTable, results } from './benchReport';
import { BareClient, decodeMessage, oscMessage } from './bareClient';
import { BURST_OPTIONS, settle } from './burst';
import { median } from './stats';

interface QueryRow {
  size: number;
  oursFalseMs: number[];
  oursTrueMs: number[];
  /** Fewest of the created synths found in any run's tree. */
  foundFalse?: number;
  foundTrue?: number;
  controlsTrue: number;
  baseMs: number[];
  baseFail?: string;
  error?: string;
}

function checkTree(tree: GroupNode, expected: Set<number>): { found: number; synths: number; withControls: number } {
  let found = 0;
  let synths = 0;
  let withControls = 0;
  for (const { node } of walkTree(tree)) {
    if (node.kind !== 'synth') continue;
    synths++;
    if (expected.has(node.nodeId)) found++;
    if (node.controls?.length) withControls++;
  }
  return { found, synths, withControls };
}

export async function benchQuery(config: Config): Promise<void> {
  const j = await useJack(config.queryPeriod);
  const port = await freePort();
  const server = track(new SCServer({ udpPort: port, ...BURST_OPTIONS }, { statusIntervalMs: 0 }));
  let bare: BareClient | undefined;
  const rows: QueryRow[] = [];
  let captured: { bytes: Buffer; controls: boolean; synths: number } | undefined;
  let decode: { ours: number[]; base: number[]; args: number } | undefined;
  let pausedCheck: { size: number; found: number; group: number } | undefined;
  const notes: string[] = [];
  try {
    await withTimeout(server.boot({ env: j.env }), 20_000, 'boot');
    bare = await BareClient.open('127.0.0.1', port);
    const b = bare;
    const group = server.defaultGroup;
    const ids = new Set<number>();
    for (const size of config.querySizes) {
      const row: QueryRow = { size, oursFalseMs: [], oursTrueMs: [], controlsTrue: 0, baseMs: [] };
      rows.push(row);
      try {
        const messages: OscMessage[] = [];
        while (ids.size < size) {
          const id = server.allocateNodeId();
          ids.add(id);
          // Each synth paused on its own right away: 20,000 running sines would overload this
          // machine's audio thread (and a late audio thread answers late). A paused *group*
          // would not do: /g_dumpTree skips its children (checked at the end).
          messages.push(cmd.synthNew('sclive_sine', id, cmd.AddAction.tail, group, { amp: 0 }), cmd.nodeRun(id, false));
        }
        await withTimeout(server.sendMany(messages, { timeoutMs: 10_000 }), 60_000, 'create synths');
        const status = await server.status();
        if (status.numSynths !== size) notes.push(`${int(size)}: scsynth holds ${int(status.numSynths)} synths after creating ${int(size)}`);
        // Let the notifications of the creation settle, then one untimed query of each kind.
        await settle(() => server.nodeWatcher.notificationsReceived, 200, 3000);
        await server.queryAllNodes(false);
        await server.queryAllNodes(true);
        // Ours without controls interleaved with the bare round trip; then ours with controls
        // (at these sizes that path prints the whole tree on scsynth's stdout, which would
        // disturb the small round trips if interleaved).
        for (let run = 0; run < config.queryRuns; run++) {
          let started = performance.now();
          const tree = await withTimeout(server.queryAllNodes(false), 30_000, 'queryAllNodes(false)');
          row.oursFalseMs.push(performance.now() - started);
          row.foundFalse = Math.min(row.foundFalse ?? Infinity, checkTree(tree, ids).found);
          if (row.baseFail) continue;
          started = performance.now();
          try {
            await b.request(oscMessage('/g_queryTree', [['i', 0], ['i', 0]]), '/g_queryTree.reply', { failCommand: '/g_queryTree', timeoutMs: 5000 });
            row.baseMs.push(performance.now() - started);
          } catch (error) {
            row.baseFail = (error as Error).message;
          }
        }
        for (let run = 0; run < config.queryRuns; run++) {
          const started = performance.now();
          const tree = await withTimeout(server.queryAllNodes(true), 30_000, 'queryAllNodes(true)');
          row.oursTrueMs.push(performance.now() - started);
          const check = checkTree(tree, ids);
          row.foundTrue = Math.min(row.foundTrue ?? Infinity, check.found);
          row.controlsTrue = check.withControls;
        }
        if (!captured && !row.baseFail) {
          const withControls = await b
            .request(oscMessage('/g_queryTree', [['i', 0], ['i', 1]]), '/g_queryTree.reply', { failCommand: '/g_queryTree', timeoutMs: 5000 })
            .then(() => true, () => false);
          if (!withControls) {
            await b.request(oscMessage('/g_queryTree', [['i', 0], ['i', 0]]), '/g_queryTree.reply', { failCommand: '/g_queryTree', timeoutMs: 5000 });
          }
          captured = { bytes: Buffer.from(b.lastTreeReply!), controls: withControls, synths: size };
        }
      } catch (error) {
        row.error = isTimeout(error) ? 'timeout' : (error as Error).message;
      }
    }
    // The same tree with the default group paused: beyond one reply the core reads
    // /g_dumpTree output, and scsynth dumps a group while calculating it.
    if (ids.size > 3500) {
      server.send(cmd.nodeRun(group, false));
      await server.sync();
      const tree = await withTimeout(server.queryAllNodes(false), 30_000, 'queryAllNodes, paused group');
      pausedCheck = { size: ids.size, found: checkTree(tree, ids).found, group };
      server.send(cmd.nodeRun(group, true));
      await server.sync();
    }
    if (captured) {
      const bytes = captured.bytes;
      const ours: number[] = [];
      const base: number[] = [];
      for (let i = 0; i < 20; i++) {
        decodePacket(bytes);
        decodeMessage(bytes);
      }
      for (let i = 0; i < config.decodeRuns; i++) {
        let started = performance.now();
        decodePacket(bytes);
        ours.push(performance.now() - started);
        started = performance.now();
        decodeMessage(bytes);
        base.push(performance.now() - started);
      }
      decode = { ours, base, args: decodeMessage(bytes).args.length };
    }
  } catch (error) {
    notes.push(`section 4 stopped: ${isTimeout(error) ? 'timeout' : (error as Error).message}`);
  } finally {
    bare?.close();
    await releaseServer(server);
  }
  const tableRows: Cell[][] = [];
  for (const row of rows) {
    const holds = (found: number | undefined) => (found === undefined ? '-' : found === row.size ? 'all' : `MISSING: ${int(found)} of ${int(row.size)}`);
    const baseCell = row.baseFail ? `fails (${row.baseFail.replace(/^\/fail /, '')})` : fmt(median(row.baseMs));
    tableRows.push([`${int(row.size)} synths: queryAllNodes(false) ms`, row.error && !row.oursFalseMs.length ? row.error : `${fmt(median(row.oursFalseMs))} (${holds(row.foundFalse)})`, `${baseCell}`, 'complete tree']);
    tableRows.push([`${int(row.size)} synths: queryAllNodes(true) ms`, row.error && !row.oursTrueMs.length ? row.error : `${fmt(median(row.oursTrueMs))} (${holds(row.foundTrue)}; controls on ${int(row.controlsTrue)})`, '-', 'complete tree']);
  }
  if (decode && captured) {
    tableRows.push([
      `decode ${int(captured.synths)}-synth /g_queryTree.reply (${fmt(captured.bytes.length / 1024)} KB, ${captured.controls ? 'with' : 'without'} controls) ms`,
      `${fmt(median(decode.ours), 3)} (decodePacket)`,
      `${fmt(median(decode.base), 3)} (hand-rolled)`,
      'ref: hand 0.4, npm osc 1.9–4.7',
    ]);
  }
  printTable(
    `4. queryAllNodes (one scsynth -n 32768 -m 262144, JACK period ${config.queryPeriod} frames; synths in the default group, each paused; median of ${config.queryRuns} runs; decode: median of ${config.decodeRuns})`,
    ['metric', 'ours', 'baseline: bare /g_queryTree 0 0', 'target'],
    tableRows,
    [
      ...notes,
      ...rows.filter((r) => r.error).map((r) => `${int(r.size)}: ${r.error}`),
      '"all" = every synth created is in the returned tree (fewest over the runs). Synths: /s_new + /n_run 0 each (paused one by one).',
      ...(pausedCheck ? [`with the default group itself paused (/n_run ${pausedCheck.group} 0), queryAllNodes(false) at ${int(pausedCheck.size)} synths returned ${int(pausedCheck.found)} of them.`] : []),
    ],
  );
  results.queryAllNodes = { periodFrames: config.queryPeriod, rows, pausedGroupCheck: pausedCheck, decode: decode && captured ? { bytes: captured.bytes.length, withControls: captured.controls, synths: captured.synths, args: decode.args, oursMedianMs: median(decode.ours), baseMedianMs: median(decode.base) } : undefined };
}
