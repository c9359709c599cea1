// A JACK server with the dummy backend, for machines without a sound card (tests, demo, bench).
// Runs under its own name so it never meets a JACK server the user runs; stopped by its pid.
import { spawn, spawnSync, ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';

export interface DummyJack {
  name: string;
  pid: number;
  /** Environment that points scsynth at this JACK server. */
  env: NodeJS.ProcessEnv;
  periodFrames: number;
  sampleRate: number;
  /** Cycles a client of this server did not finish in time (jackd's "JackEngine::XRun" lines): each may drop a period. */
  readonly xruns: number;
  /** The same, for one client (e.g. "SuperCollider"). */
  xrunsOf(client: string): number;
  stop(): Promise<void>;
}

type DummyJackOptions = { periodFrames?: number; sampleRate?: number; name?: string };

export async function startDummyJack(options: DummyJackOptions = {}): Promise<DummyJack> {
  // Slots of ours left by a jackd that was killed are freed first, so runs never pile them up.
  await reclaimStaleServers();
  return start(options);
}

/**
 * JACK keeps one of its 8 server slots for every server that was killed without cleaning up;
 * a server started under the same name reclaims it. Ours (named sclive-*) whose jackd is gone
 * are started and stopped once, so their slots are free again. Other servers are left alone.
 */
async function reclaimStaleServers(): Promise<void> {
  let entries: string[];
  try {
    entries = readdirSync('/dev/shm');
  } catch {
    return;
  }
  for (const entry of entries) {
    const name = /^jack_(sclive-[\w.-]+)_0_0$/.exec(entry)?.[1];
    if (!name || spawnSync('pgrep', ['-f', `jackd -n ${name} `]).status === 0) continue;
    const child = spawn('jackd', ['-n', name, '-r', '-d', 'dummy', '-r', '48000', '-p', '1024'], { stdio: 'ignore' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

async function start(options: DummyJackOptions): Promise<DummyJack> {
  const periodFrames = options.periodFrames ?? 1024;
  const sampleRate = options.sampleRate ?? 48000;
  const name = options.name ?? `sclive-${process.pid}-${Date.now() % 100000}`;
  const env = { JACK_DEFAULT_SERVER: name, JACK_NO_START_SERVER: '1' };
  let child: ChildProcess;
  try {
    child = spawn('jackd', ['-n', name, '-r', '-d', 'dummy', '-r', String(sampleRate), '-p', String(periodFrames)], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  } catch (error) {
    throw new Error(`could not start jackd (${(error as Error).message}); install it: sudo apt-get install jackd2`, { cause: error });
  }
  let stderr = '';
  const xruns = new Map<string, number>();
  child.stderr?.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    for (const match of text.matchAll(/JackEngine::XRun: client = (\S+)/g)) xruns.set(match[1], (xruns.get(match[1]) ?? 0) + 1);
    // Only the end is kept (for the error of a failed start): a long run prints many xruns.
    stderr = (stderr + text).slice(-4000);
  });
  // If this process dies without stopping it, the JACK server it started goes with it
  // (SIGTERM: jackd then frees its slot among JACK's 8; a SIGKILLed one keeps it).
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      process.off('exit', killOnExit);
      resolve();
    }),
  );
  const spawnError = new Promise<never>((_, reject) =>
    child.once('error', (error) => reject(new Error(`could not start jackd (${error.message}); install it: sudo apt-get install jackd2`))),
  );
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  };
  // jack_wait blocks until the named server accepts clients.
  const ready = new Promise<void>((resolve, reject) => {
    const deadline = Date.now() + 10_000;
    const check = () => {
      if (child.exitCode !== null) return reject(new Error(`jackd exited: ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
      const result = spawnSync('jack_wait', ['-c'], { env: { ...process.env, ...env }, encoding: 'utf8' });
      if (/^running/m.test(result.stdout ?? '')) return resolve();
      if (Date.now() > deadline) return reject(new Error(`jackd did not start within 10 s: ${stderr.trim()}`));
      setTimeout(check, 50);
    };
    check();
  });
  try {
    await Promise.race([ready, spawnError]);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    name, pid: child.pid!, env, periodFrames, sampleRate, stop,
    get xruns() {
      return [...xruns.values()].reduce((sum, count) => sum + count, 0);
    },
    xrunsOf: (client: string) => xruns.get(client) ?? 0,
  };
}
