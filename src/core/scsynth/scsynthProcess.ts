// Starting scsynth: its ready line and the lines that mean it will not become ready.
import { ManagedProcess, ProcessExit, ProcessLine, ReadinessRules } from '../process/managedProcess';
import { ScsynthLedger } from './sharedMemory';

export { ProcessExit, ProcessLine };
export type ScsynthProcess = ManagedProcess;

/** Why a boot failed; `lastLines` holds what scsynth printed. */
export class BootError extends Error {
  constructor(message: string, readonly lastLines: string[] = [], readonly reason: 'port-in-use' | 'address' | 'audio' | 'exited' | 'timeout' | 'spawn' = 'exited') {
    super(message);
    this.name = 'BootError';
  }

  /** The option to change, where one is to blame (the extension names its setting). */
  get option(): string | undefined {
    return this.reason === 'port-in-use' ? 'udpPort' : this.reason === 'address' ? 'bindAddress' : undefined;
  }
}

export interface StartScsynthOptions {
  readyTimeoutMs: number;
  env?: NodeJS.ProcessEnv;
  /** Port, for the error message when it is taken, and the name of its shared memory file. */
  udpPort?: number;
  /** Where the scsynths this program started are written down (tests use their own). */
  ledger?: ScsynthLedger;
}

let defaultLedger: ScsynthLedger | undefined;

function rules(udpPort: number | undefined): ReadinessRules<BootError> {
  return {
    ready: /SuperCollider 3 server ready|Supernova ready|PublishPortToRendezvous/,
    failures: [
      {
        // Before the port-in-use rule: the same "failed to open UDP socket" line, another cause.
        pattern: /Cannot assign requested address|Address family not supported/i,
        error: (lines) => {
          const said = lines.find((line) => /Cannot assign requested address|Address family not supported/i.test(line))?.replace(/^\W*ERROR:\s*/, '').trim();
          return new BootError(`scsynth cannot listen on the bind address: it said "${said}". Use 127.0.0.1 (this machine only), 0.0.0.0 (every interface) or an IPv4 address of this machine.`, lines, 'address');
        },
      },
      {
        pattern: /failed to open UDP socket|Exception in World_OpenUDP|address (already )?in use/i,
        error: (lines) => new BootError(`UDP port ${udpPort ?? ''} is already in use (another scsynth?). Quit that server, choose another port, or connect to the running server instead.`, lines, 'port-in-use'),
      },
      {
        pattern: /could not initialize audio|jack server is not running/i,
        error: (lines) => new BootError('scsynth could not start its audio driver. On Linux, start a JACK server first (e.g. `jackd -d alsa`, or `jackd -r -d dummy` without a sound card); check the audio device settings.', lines, 'audio'),
      },
    ],
    timeout: (ms, lines) => new BootError(`scsynth did not report ready within ${ms} ms; it was stopped. Check the server log, or raise the boot timeout.`, lines, 'timeout'),
    exited: ({ code, signal, lastLines }) => {
      if (code === null && !signal) return new BootError(`scsynth could not be started: ${lastLines[lastLines.length - 1] ?? 'unknown error'}`, lastLines, 'spawn');
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      return new BootError(`scsynth ${how} before it was ready. See the server log for its output.`, lastLines, 'exited');
    },
  };
}

/**
 * Starts scsynth and resolves once it says it is ready (see ManagedProcess.start). However
 * it ends (a failed boot, a quit, a crash, a SIGTERM at dispose), its shared memory file is
 * removed once it has exited; the files of scsynths of an earlier run that was killed are
 * removed first (see sharedMemory.ts).
 */
export async function startScsynth(executable: string, args: string[], options: StartScsynthOptions, onLine?: (line: ProcessLine) => void): Promise<ScsynthProcess> {
  const port = options.udpPort;
  const ledger = port === undefined ? undefined : (options.ledger ?? (defaultLedger ??= new ScsynthLedger()));
  await ledger?.sweep().catch(() => []);
  let pid: number | undefined;
  const onSpawn = (spawned: number) => {
    pid = spawned;
    ledger?.started(spawned, port!);
  };
  let proc: ScsynthProcess;
  try {
    proc = await ManagedProcess.start(executable, args, { readyTimeoutMs: options.readyTimeoutMs, env: options.env, onSpawn }, rules(port), onLine);
  } catch (error) {
    // ManagedProcess.start has stopped it and waited for its exit.
    if (ledger && pid !== undefined) await ledger.exited(pid, port!).catch(() => false);
    throw error;
  }
  if (ledger && pid !== undefined) void proc.exited.then(() => ledger.exited(pid!, port!)).catch(() => false);
  return proc;
}
