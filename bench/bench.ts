// Benchmark of the server core against bare baselines measured in the same run.
// `npm run bench -- --help` lists the flags; every figure is printed next to its baseline.
// Every scsynth, jackd and stand-in process started here is stopped by its pid at the end.
// Each section is a file of its own; this one runs those asked for and writes the figures.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isAlive } from '../tools/processAlive';
import { parseConfig } from './benchConfig';
import { SCSYNTH, cleanup, startedPids } from './benchProcesses';
import { fmt, results } from './benchReport';
import { benchBoot } from './bootToUsable';
import { benchStatusReal, benchStatusStandIn } from './statusRoundTrip';
import { benchBurst } from './burst';
import { benchQuery } from './queryAllNodes';
import { benchTreeUpdates } from './treeUpdates';
import { benchAudit } from './audit';
import { benchInstruments } from './instruments';
import { benchLanguageSection } from './language';
import { benchRecording } from './recording';
import { benchRecoverySection } from './recovery';
import { benchCompletionInferenceSection } from './completionInference';
import { benchSoundingMarksSection } from './soundingMarks';
import { benchServerPolling } from './serverPolling';
import { benchPatternsOnServers } from './patternsOnServers';

async function main(): Promise<void> {
  const config = parseConfig(process.argv.slice(2));
  const started = Date.now();
  console.log(`SuperCollider Live core benchmark — node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, scsynth ${SCSYNTH}`);
  console.log(`sections ${[...config.sections].join(',')}; net.core.rmem_max ${readProc('/proc/sys/net/core/rmem_max') ?? '?'} bytes`);
  results.meta = { date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, config: { ...config, sections: [...config.sections] } };
  try {
    if (config.sections.has(1)) await benchBoot(config);
    if (config.sections.has(2)) {
      await benchStatusReal(config);
      await benchStatusStandIn(config);
    }
    if (config.sections.has(3)) await benchBurst(config);
    if (config.sections.has(4)) await benchQuery(config);
    if (config.sections.has(5)) await benchTreeUpdates(config);
    if (config.sections.has(6)) await benchAudit(config);
    if (config.sections.has(7)) await benchInstruments(config);
    if (config.sections.has(8)) await benchLanguageSection();
    if (config.sections.has(9)) await benchRecording(config);
    if (config.sections.has(10)) await benchRecoverySection(config);
    if (config.sections.has(11)) await benchSoundingMarksSection();
    if (config.sections.has(12)) await benchCompletionInferenceSection();
    if (config.sections.has(13)) await benchServerPolling(config);
    if (config.sections.has(14)) await benchPatternsOnServers(config);
  } finally {
    await cleanup();
  }
  const alive = [...startedPids].filter(([pid]) => isAlive(pid));
  console.log(`\nProcesses this run started: ${startedPids.size} (${countBy([...startedPids.values()])}); still running: ${alive.length ? alive.map(([pid, what]) => `${pid} ${what}`).join(', ') : 'none'}`);
  const file = path.resolve(__dirname, '..', 'bench-results.json');
  if (!existsSync(path.dirname(file))) mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(results, null, 2));
  console.log(`\nDone in ${fmt((Date.now() - started) / 1000)} s; figures written to ${path.relative(process.cwd(), file)}`);
}

function countBy(values: string[]): string {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].map(([value, n]) => `${n} × ${value}`).join(', ');
}

function readProc(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

main().catch(async (error: Error) => {
  console.error(`\nbench failed: ${error.stack ?? error.message}`);
  await cleanup();
  process.exit(1);
});
