// Section 10: a frozen server, as a musician lives it with a real scsynth and sclang playing an
// Ndef and a Pdef. From the freeze (SIGSTOP) to the offer (the core's `unresponsive`), next to
// sclang's own status watcher (what SuperCollider's IDE shows) in the same freeze; from the
// click to sound (the Ndef's synth and the Pdef's events on the new server) with Reboot and
// Restore, next to the Reboot Server the extension had before (quit, then boot; the Ndef stays
// silent, so its figure is the Pdef's first event).
import { rmSync } from 'node:fs';
import { SCLang } from '../src/core/sclang/sclang';
import { SCServer } from '../src/core/server/scServer';
import type { GroupNode, TreeNode } from '../src/core/server/nodeTree';
import { median } from './stats';
import type { Config } from './benchConfig';
import { freePort, startedPids, useJack } from './benchProcesses';
import { printTable, results } from './benchReport';

export interface RecoveryBench {
  runs: number;
  offerMs: number[];
  sclangUnresponsiveMs: number[];
  restoreMs: number[];
  rebootBaselineMs: number[];
}

export interface RecoveryEnv {
  env: NodeJS.ProcessEnv;
  port: number;
  /** Every process the bench starts is reported, so the bench stops it by pid at the end. */
  started(pid: number, what: string): void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function defNames(tree: GroupNode): Set<string> {
  const names = new Set<string>();
  const walk = (node: TreeNode) => (node.kind === 'synth' ? names.add(node.defName) : node.children.forEach(walk));
  walk(tree);
  return names;
}

async function until<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs: number, everyMs = 10): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

export async function benchRecovery(runs: number, setup: RecoveryEnv): Promise<RecoveryBench> {
  const result: RecoveryBench = { runs, offerMs: [], sclangUnresponsiveMs: [], restoreMs: [], rebootBaselineMs: [] };
  const lang = new SCLang({ env: setup.env });
  let server: SCServer | undefined;
  let run = 0;
  const newServer = async () => {
    // The extension's defaults: a poll a second, frozen after 1.5 s of silence.
    server = new SCServer({ udpPort: setup.port }, { statusIntervalMs: 1000, unresponsiveAfterMs: 1500 });
    await server.boot({ env: setup.env, timeoutMs: 15_000 });
    setup.started(server.pid!, 'scsynth (section 10)');
    run++;
    await lang.attachToServer(setup.port, server.maxLogins, `bench-${run}`);
    return server;
  };
  const sounding = async (s: SCServer, withNdef: boolean) => {
    const names = defNames(await s.queryAllNodes(false));
    return names.has('default') && (!withNdef || [...names].some((name) => name.includes('drone')));
  };
  try {
    await lang.start();
    setup.started(lang.pid!, 'sclang (section 10)');
    let current = await newServer();
    for (let i = 0; i < runs * 2; i++) {
      const baseline = i % 2 === 1;
      await lang.evaluate('Ndef(\\drone, { SinOsc.ar([220, 221], 0, 0.01) }).play; Pdef(\\mel, Pbind(\\dur, 0.1, \\amp, 0.001)).play; nil', { print: false });
      await until('the Ndef and the Pdef sounding', () => sounding(current, true), 10_000, 50);
      const pid = current.pid!;
      process.kill(pid, 'SIGSTOP');
      const frozenAt = performance.now();
      if (!baseline) {
        // The offer, and sclang's own verdict on the same freeze.
        let sclangAt: number | undefined;
        const watchSclang = (async () => {
          while (performance.now() - frozenAt < 10_000) {
            if ((await lang.evaluate('Server.default.unresponsive', { print: false })).result === 'true') return (sclangAt = performance.now());
            await sleep(20);
          }
          return undefined;
        })();
        await until('the core to call it unresponsive', () => current.unresponsive, 10_000, 5);
        result.offerMs.push(performance.now() - frozenAt);
        await watchSclang;
        if (sclangAt !== undefined) result.sclangUnresponsiveMs.push(sclangAt - frozenAt);
        // The click: what ServerController.rebootAndRestore does.
        const clickedAt = performance.now();
        await lang.notePlaying();
        await current.kill();
        current.dispose();
        await lang.detachFromServer();
        current = await newServer();
        await lang.restorePlaying();
        await until('the Ndef and the Pdef on the new server', () => sounding(current, true), 15_000, 5);
        result.restoreMs.push(performance.now() - clickedAt);
      } else {
        // Before: Reboot Server on the frozen server (quit asks, waits, then signals; boot; the Ndef stays silent).
        await until('the core to call it unresponsive', () => current.unresponsive, 10_000, 5);
        const clickedAt = performance.now();
        await current.quit();
        current.dispose();
        await lang.detachFromServer();
        current = await newServer();
        await until('the Pdef on the new server', () => sounding(current, false), 15_000, 5);
        result.rebootBaselineMs.push(performance.now() - clickedAt);
      }
      rmSync(`/dev/shm/SuperColliderServer_${setup.port}`, { force: true });
      await lang.evaluate('Pdef(\\mel).stop; Ndef(\\drone).clear; nil', { print: false });
    }
  } finally {
    await server?.quit().catch(() => undefined);
    server?.dispose();
    await lang.stop().catch(() => undefined);
    lang.dispose();
  }
  return result;
}

export function summariseRecovery(values: number[]): string {
  return values.length ? `${median(values).toFixed(0)} / ${Math.max(...values).toFixed(0)}` : '-';
}

// ---- the section as the bench runs it ----

export async function benchRecoverySection(config: Config): Promise<void> {
  const j = await useJack(1024);
  const r = await benchRecovery(config.recoveryRuns, { env: j.env, port: await freePort(), started: (pid, what) => startedPids.set(pid, what) });
  printTable(
    `10. A frozen server (SIGSTOP) while sclang plays an Ndef and a Pdef: ${r.runs} freezes each way, median / max ms`,
    ['metric', 'ours', 'baseline', 'target'],
    [
      ['freeze -> the offer (status poll 1 s, silent 1.5 s)', summariseRecovery(r.offerMs), `${summariseRecovery(r.sclangUnresponsiveMs)} (sclang's own status watcher, same freezes)`, '<= 3,000'],
      ['click -> sound (Ndef rebuilt and Pdef on the new server)', summariseRecovery(r.restoreMs), `${summariseRecovery(r.rebootBaselineMs)} (the old Reboot Server; the Pdef only, the Ndef stays silent)`, '<= 5,000'],
    ],
    ['Ours: Reboot and Restore (sclang notes the monitored proxies, SIGKILL, boot, sclang follows, the proxies play again).'],
  );
  results.recovery = r;
}
