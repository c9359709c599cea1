// The scsynth child process: start, readiness from its output, line events, stop by pid.
import type { ResultPromise } from 'execa' with { 'resolution-mode': 'import' };
import { Emitter, Event } from './events';
import { LineSplitter } from './lineSplitter';

export interface ProcessLine {
  stream: 'stdout' | 'stderr';
  text: string;
}

export interface ProcessExit {
  code: number | null;
  signal: string | null;
  /** The last lines scsynth printed, for the crash report. */
  lastLines: string[];
}

/** Why a boot failed; `lastLines` holds what scsynth printed. */
export class BootError extends Error {
  constructor(message: string, readonly lastLines: string[] = [], readonly reason: 'port-in-use' | 'audio' | 'exited' | 'timeout' | 'spawn' = 'exited') {
    super(message);
    this.name = 'BootError';
  }
}

export interface StartOptions {
  readyTimeoutMs: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Port, for the error message when it is taken. */
  udpPort?: number;
}

const READY_LINE = /SuperCollider 3 server ready|Supernova ready|PublishPortToRendezvous/;
const PORT_IN_USE = /failed to open UDP socket|Exception in World_OpenUDP|address (already )?in use/i;
const AUDIO_FAILED = /could not initialize audio|jack server is not running/i;
const KEPT_LINES = 60;

/** A started server process. Only processes started here are ever stopped, by their pid. */
export class ScsynthProcess {
  private readonly onLineEmitter = new Emitter<ProcessLine>();
  readonly onLine: Event<ProcessLine> = this.onLineEmitter.event;
  private readonly onExitEmitter = new Emitter<ProcessExit>();
  readonly onExit: Event<ProcessExit> = this.onExitEmitter.event;
  private readonly recent: string[] = [];
  private exitInfo: ProcessExit | undefined;
  /** Resolves when the process has exited (never rejects). */
  readonly exited: Promise<ProcessExit>;

  private constructor(private readonly child: ResultPromise, readonly commandLine: string) {
    this.exited = new Promise<ProcessExit>((resolve) => {
      const splitters = (['stdout', 'stderr'] as const).map((stream) => {
        const splitter = new LineSplitter((text) => this.line(stream, text));
        child[stream]?.on('data', (chunk: Buffer) => splitter.push(chunk));
        return splitter;
      });
      child.then(
        (result) => {
          for (const splitter of splitters) splitter.flush();
          this.exitInfo = {
            code: result.exitCode ?? null,
            signal: result.signal ?? null,
            lastLines: [...this.recent],
          };
          if (result.failed && result.exitCode === undefined && !result.signal) {
            this.exitInfo.lastLines.push(String(result.shortMessage ?? result.message));
          }
          this.onExitEmitter.fire(this.exitInfo);
          resolve(this.exitInfo);
        },
        (error: Error) => {
          this.exitInfo = { code: null, signal: null, lastLines: [...this.recent, error.message] };
          this.onExitEmitter.fire(this.exitInfo);
          resolve(this.exitInfo);
        },
      );
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get hasExited(): boolean {
    return this.exitInfo !== undefined;
  }

  get lastLines(): string[] {
    return [...this.recent];
  }

  /**
   * Starts `executable args` and resolves once it prints its ready line. Rejects with a
   * BootError (and stops the process it started) when the port is taken, audio fails, the
   * process exits, or the timeout passes. `onLine` sees every line from the start.
   */
  static async start(executable: string, args: string[], options: StartOptions, onLine?: (line: ProcessLine) => void): Promise<ScsynthProcess> {
    const { execa } = await import('execa');
    const child = execa(executable, args, {
      stdin: 'ignore',
      buffer: false,
      reject: false,
      cleanup: true,
      windowsHide: true,
      env: options.env,
      cwd: options.cwd,
    });
    const process = new ScsynthProcess(child, [executable, ...args].map(quoteArg).join(' '));
    const lineListener = onLine ? process.onLine(onLine) : undefined;
    try {
      await process.waitUntilReady(options);
    } catch (error) {
      lineListener?.dispose();
      await process.stop(0);
      throw error;
    }
    lineListener?.dispose();
    return process;
  }

  private waitUntilReady(options: StartOptions): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const finish = (error?: BootError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        lineListener.dispose();
        exitListener.dispose();
        if (error) reject(error);
        else resolve();
      };
      const timer = setTimeout(() => {
        finish(new BootError(`scsynth did not report ready within ${options.readyTimeoutMs} ms; it was stopped. Check the server log, or raise the boot timeout.`, this.lastLines, 'timeout'));
      }, options.readyTimeoutMs);
      const lineListener = this.onLine(({ text }) => {
        if (READY_LINE.test(text)) finish();
        else if (PORT_IN_USE.test(text)) {
          finish(new BootError(`UDP port ${options.udpPort ?? ''} is already in use (another scsynth?). Quit that server, choose another port, or connect to the running server instead.`, this.lastLines, 'port-in-use'));
        } else if (AUDIO_FAILED.test(text)) {
          finish(new BootError('scsynth could not start its audio driver. On Linux, start a JACK server first (e.g. `jackd -d alsa`, or `jackd -r -d dummy` without a sound card); check the audio device settings.', this.lastLines, 'audio'));
        }
      });
      const exitListener = this.onExit(({ code, signal }) => {
        const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        const spawnFailed = code === null && !signal;
        finish(new BootError(spawnFailed ? `scsynth could not be started: ${this.recent[this.recent.length - 1] ?? 'unknown error'}` : `scsynth ${how} before it was ready. See the server log for its output.`, this.lastLines, spawnFailed ? 'spawn' : 'exited'));
      });
    });
  }

  /** Sends a signal to this process (never to any other). */
  signal(signal: NodeJS.Signals): boolean {
    if (this.exitInfo || this.child.pid === undefined) return false;
    return this.child.kill(signal);
  }

  /**
   * Waits up to `graceMs` for the process to exit by itself, then terminates it, then kills
   * it, each after a timeout. Resolves with how it exited.
   */
  async stop(graceMs = 2000, terminateMs = 2000): Promise<ProcessExit> {
    if (await this.exitedWithin(graceMs)) return this.exitInfo!;
    this.signal('SIGTERM');
    if (await this.exitedWithin(terminateMs)) return this.exitInfo!;
    this.signal('SIGKILL');
    return this.exited;
  }

  private async exitedWithin(ms: number): Promise<boolean> {
    if (this.exitInfo) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    });
    const result = await Promise.race([this.exited.then(() => true as const), timeout]);
    clearTimeout(timer);
    return result;
  }

  private line(stream: 'stdout' | 'stderr', text: string): void {
    this.recent.push(text);
    if (this.recent.length > KEPT_LINES) this.recent.shift();
    this.onLineEmitter.fire({ stream, text });
  }
}

function quoteArg(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
