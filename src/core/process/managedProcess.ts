// A child process this program started: line events from its output, readiness from a line it
// prints, and a stop that escalates (wait, then SIGTERM, then SIGKILL) on its own pid only.
import type { ResultPromise } from 'execa' with { 'resolution-mode': 'import' };
import { Emitter, Event } from '../events';
import { LineSplitter } from './lineSplitter';

export interface ProcessLine {
  stream: 'stdout' | 'stderr';
  text: string;
}

export interface ProcessExit {
  code: number | null;
  signal: string | null;
  /** The last lines the process printed, for the crash report. */
  lastLines: string[];
}

export interface ReadinessRules<E extends Error> {
  /** The line that says the process is ready. */
  ready: RegExp;
  /** Lines that mean it will not become ready: the error to reject with. */
  failures?: Array<{ pattern: RegExp; error: (lines: string[]) => E }>;
  timeout: (ms: number, lines: string[]) => E;
  exited: (exit: ProcessExit) => E;
}

export interface StartProcessOptions {
  readyTimeoutMs: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Keep stdin open for writing (sclang reads code from it). */
  stdin?: boolean;
  /** Called with the pid as soon as the process exists, before any output. */
  onSpawn?: (pid: number) => void;
}

const KEPT_LINES = 60;

export class ManagedProcess {
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
      const finish = (exit: ProcessExit) => {
        this.exitInfo = exit;
        this.onExitEmitter.fire(exit);
        resolve(exit);
      };
      child.then(
        (result) => {
          for (const splitter of splitters) splitter.flush();
          const lastLines = [...this.recent];
          if (result.failed && result.exitCode === undefined && !result.signal) lastLines.push(String(result.shortMessage ?? result.message));
          finish({ code: result.exitCode ?? null, signal: result.signal ?? null, lastLines });
        },
        (error: Error) => finish({ code: null, signal: null, lastLines: [...this.recent, error.message] }),
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
   * Starts `executable args` and resolves once it prints its ready line. Rejects with the
   * rules' error (and stops the process it started) on a failure line, an exit or the
   * timeout. `onLine` sees every line from the start.
   */
  static async start<E extends Error>(executable: string, args: string[], options: StartProcessOptions, rules: ReadinessRules<E>, onLine?: (line: ProcessLine) => void): Promise<ManagedProcess> {
    const { execa } = await import('execa');
    const child = execa(executable, args, {
      stdin: options.stdin ? 'pipe' : 'ignore',
      buffer: false,
      reject: false,
      cleanup: true,
      windowsHide: true,
      env: options.env,
      cwd: options.cwd,
    });
    if (child.pid !== undefined) options.onSpawn?.(child.pid);
    const started = new ManagedProcess(child, [executable, ...args].map(quoteArg).join(' '));
    const lineListener = onLine ? started.onLine(onLine) : undefined;
    try {
      await started.waitUntilReady(options.readyTimeoutMs, rules);
    } catch (error) {
      await started.stop(0);
      throw error;
    } finally {
      lineListener?.dispose();
    }
    return started;
  }

  private waitUntilReady<E extends Error>(timeoutMs: number, rules: ReadinessRules<E>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const finish = (error?: E) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        lineListener.dispose();
        exitListener.dispose();
        if (error) reject(error);
        else resolve();
      };
      const timer = setTimeout(() => finish(rules.timeout(timeoutMs, this.lastLines)), timeoutMs);
      const lineListener = this.onLine(({ text }) => {
        if (rules.ready.test(text)) return finish();
        const failure = rules.failures?.find(({ pattern }) => pattern.test(text));
        if (failure) finish(failure.error(this.lastLines));
      });
      const exitListener = this.onExit((exit) => finish(rules.exited(exit)));
    });
  }

  /** Writes to the process's stdin. */
  write(data: string): void {
    if (!this.child.stdin || this.exitInfo) throw new Error('the process is not running');
    this.child.stdin.write(data);
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
