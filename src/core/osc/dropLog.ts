import type { Logger } from '../events';

/**
 * Logs dropped datagrams a burst at a time: the first one of a burst at once, then how many
 * more followed, once a second while they keep coming (a flood writes a few lines, not one each).
 */
export class DropLog {
  private timer: NodeJS.Timeout | undefined;
  private since = 0;

  constructor(private readonly logger: Logger) {}

  drop(detail: string): void {
    if (this.timer) {
      this.since++;
      return;
    }
    this.logger.warn(`Dropped a datagram ${detail}.`);
    this.schedule();
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.since === 0) return;
      this.logger.warn(`Dropped ${this.since} more datagram${this.since === 1 ? '' : 's'} in the last second.`);
      this.since = 0;
      this.schedule();
    }, 1000);
    this.timer.unref();
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
