// Status polling: /status every interval, the last reply kept, and "unresponsive" after
// several polls in a row went unanswered (and responsive again at the next reply). Owns its
// own state; SCServer wires it to the session. Timers are injected so it is tested without
// sockets or waiting.
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
  /** Polls in a row without a reply before the server counts as unresponsive. */
  maxMissed: number;
  logger: Logger;
  timers?: PollTimers;
}

export class StatusPoller implements Disposable {
  private handle: unknown;
  private missed = 0;
  private unresponsiveValue = false;
  private intervalValue: number;
  private readonly timers: PollTimers;

  private readonly onStatusEmitter = new Emitter<ServerStatus>();
  /** Each reply to a poll. */
  readonly onStatus: Event<ServerStatus> = this.onStatusEmitter.event;
  private readonly onResponsivenessEmitter = new Emitter<boolean>();
  /** true when the server stops answering, false when it answers again. */
  readonly onUnresponsive: Event<boolean> = this.onResponsivenessEmitter.event;

  /** `query` asks for /status and rejects with OscTimeoutError when nothing answers in time. */
  constructor(private readonly query: (timeoutMs: number) => Promise<ServerStatus>, private readonly options: StatusPollerOptions) {
    this.intervalValue = options.intervalMs;
    this.timers = options.timers ?? nodeTimers;
  }

  get unresponsive(): boolean {
    return this.unresponsiveValue;
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
    this.missed = 0;
    this.setUnresponsive(false);
  }

  dispose(): void {
    this.stop();
    this.onStatusEmitter.dispose();
    this.onResponsivenessEmitter.dispose();
  }

  private async poll(): Promise<void> {
    try {
      const status = await this.query(Math.max(200, this.intervalValue));
      this.missed = 0;
      this.setUnresponsive(false);
      this.onStatusEmitter.fire(status);
    } catch (error) {
      // Only silence counts; a closed connection is the owner's business.
      if (!(error instanceof OscTimeoutError)) return;
      this.missed++;
      if (this.missed >= this.options.maxMissed) this.setUnresponsive(true);
    }
  }

  private setUnresponsive(value: boolean): void {
    if (this.unresponsiveValue === value) return;
    this.unresponsiveValue = value;
    if (value) this.options.logger.warn(`scsynth has not answered /status ${this.missed} times in a row.`);
    this.onResponsivenessEmitter.fire(value);
  }
}
