// A model of how VS Code's tree view takes onDidChangeTreeData: Event.debounce(event, merge,
// 200, leading = true) in its extension host (extHostTreeViews.ts, VS Code 1.100). The first
// event after a quiet spell is rendered at once; later ones only once 200 ms pass with no
// event at all. Used by the unit tests and the benchmark to see what a musician would see.

import { nodeTimeouts, Timeouts } from '../src/core/events';

export class ViewDebounceModel {
  /** For each render: how long the oldest change it shows had waited, in ms. */
  readonly delays: number[] = [];
  private handle: unknown;
  private calls = 0;
  private oldestPending: number | undefined;

  /** `timers`: a test's hand-stepped clock, else Node's. */
  constructor(
    private readonly delayMs = 200,
    private readonly now: () => number = () => performance.now(),
    private readonly timers: Timeouts = nodeTimeouts,
    /** Told of each render, when it happens. */
    private readonly onRender?: (at: number) => void,
  ) {}

  /** The provider fired onDidChangeTreeData for changes that began at `since`. */
  fire(since: number): void {
    this.calls++;
    this.oldestPending ??= since;
    if (this.handle === undefined) this.render();
    else this.timers.clearTimeout(this.handle);
    this.handle = this.timers.setTimeout(() => {
      this.handle = undefined;
      if (this.calls > 1) this.render();
      this.calls = 0;
    }, this.delayMs);
  }

  dispose(): void {
    if (this.handle !== undefined) this.timers.clearTimeout(this.handle);
    this.handle = undefined;
  }

  private render(): void {
    if (this.oldestPending !== undefined) this.delays.push(this.now() - this.oldestPending);
    this.oldestPending = undefined;
    this.onRender?.(this.now());
  }
}
