// Status polling: /status every interval, the last reply kept, and "unresponsive" once a poll
// has gone unanswered for `unresponsiveAfterMs` with no reply to any poll meanwhile (and
// responsive again at the next reply). A frozen server is so known within the interval plus
// that time, however the two are set. Owns its own state; ServerWiring wires it to the session.
// Timers and the clock are injected so it is tested without sockets or waiting.
import { Emitter, Event, Logger, Disposable } from '../events';
import { OscTimeoutError } from '../osc/oscConnection';
import type { ServerStatus } from '../scsynth/serverStatus';

export interface PollTimers {
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

const nodeTimers: PollTimers = {
  setInterval: (callback, ms) => setInterval(callback, ms).unref(),
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
};

export interface StatusPollerOptions {
  intervalMs: number;
  /** How long a poll may go unanswered, with no reply to any poll meanwhile, before the server counts as unresponsive (ms). */
  unresponsiveAfterMs: number;
  logger: Logger;
  timers?: PollTimers;
  /** Milliseconds from any fixed point (performance.now by default). */
  now?: () => number;
}

export class StatusPoller implements Disposable {
  private handle: unknown;
  /** When the last reply arrived (or polling began): silence is measured from here. */
  private lastAnswerAt = 0;
  private unresponsiveValue = false;
  private intervalValue: number;
  private unresponsiveAfterValue: number;
  private readonly timers: PollTimers;
  private readonly now: () => number;

  private readonly onStatusEmitter = new Emitter<ServerStatus>();
  /** Each reply to a poll. */
  readonly onStatus: Event<ServerStatus> = this.onStatusEmitter.event;
  private readonly onResponsivenessEmitter = new Emitter<boolean>();
  /** true when the server stops answering, false when it answers again. */
  readonly onUnresponsive: Event<boolean> = this.onResponsivenessEmitter.event;

  /** `query` asks for /status and rejects with OscTimeoutError when nothing answers in time. */
  constructor(private readonly query: (timeoutMs: number) => Promise<ServerStatus>, private readonly options: StatusPollerOptions) {
    this.intervalValue = options.intervalMs;
    this.unresponsiveAfterValue = options.unresponsiveAfterMs;
    this.timers = options.timers ?? nodeTimers;
    this.now = options.now ?? (() => performance.now());
  }

  get unresponsive(): boolean {
    return this.unresponsiveValue;
  }

  /** How long the server has not answered, in ms (0 while it answers). */
  get silentForMs(): number {
    return this.unresponsiveValue ? Math.max(0, this.now() - this.lastAnswerAt) : 0;
  }

  get unresponsiveAfterMs(): number {
    return this.unresponsiveAfterValue;
  }

  /** Applies from the next poll. */
  set unresponsiveAfterMs(ms: number) {
    this.unresponsiveAfterValue = ms;
  }

  get running(): boolean {
    return this.handle !== undefined;
  }

  get intervalMs(): number {
    return this.intervalValue;
  }

  /** A new interval applies at once while polling. */
  set intervalMs(ms: number) {
    this.intervalValue = ms;
    if (this.running) this.start();
  }

  /** Polls now and then every interval (not at all for an interval of 0). */
  start(): void {
    this.stop();
    if (this.intervalValue <= 0) return;
    this.lastAnswerAt = this.now();
    const poll = () => void this.poll();
    this.handle = this.timers.setInterval(poll, this.intervalValue);
    poll();
  }

  /** Stops polling; the server counts as responsive again (nothing is known). */
  stop(): void {
    if (this.handle !== undefined) this.timers.clearInterval(this.handle);
    this.handle = undefined;
  }

  /** Back to the state of a new run. */
  reset(): void {
    this.stop();
    this.setUnresponsive(false);
  }

  dispose(): void {
    this.stop();
    this.onStatusEmitter.dispose();
    this.onResponsivenessEmitter.dispose();
  }

  private async poll(): Promise<void> {
    const sentAt = this.now();
    try {
      // Polls overlap while the server is slow: each waits the whole grace time on its own.
      const status = await this.query(Math.max(200, this.unresponsiveAfterValue));
      this.lastAnswerAt = this.now();
      if (this.unresponsiveValue) this.options.logger.info('scsynth answers again.');
      this.setUnresponsive(false);
      this.onStatusEmitter.fire(status);
    } catch (error) {
      // Only silence counts; a closed connection is the owner's business. A poll that timed
      // out while a later one was answered says nothing about now.
      if (!(error instanceof OscTimeoutError) || this.handle === undefined) return;
      if (this.lastAnswerAt <= sentAt) this.setUnresponsive(true);
    }
  }

  private setUnresponsive(value: boolean): void {
    if (this.unresponsiveValue === value) return;
    this.unresponsiveValue = value;
    if (value) this.options.logger.warn(`scsynth has not answered /status for ${Math.round(this.now() - this.lastAnswerAt)} ms.`);
    this.onResponsivenessEmitter.fire(value);
  }
}
