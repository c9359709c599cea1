// A model of how VS Code's tree view takes onDidChangeTreeData: Event.debounce(event, merge,
// 200, leading = true) in its extension host (extHostTreeViews.ts, VS Code 1.100). The first
// event after a quiet spell is rendered at once; later ones only once 200 ms pass with no
// event at all. Used by the unit tests and the benchmark to see what a musician would see.

export class ViewDebounceModel {
  /** For each render: how long the oldest change it shows had waited, in ms. */
  readonly delays: number[] = [];
  private handle: NodeJS.Timeout | undefined;
  private calls = 0;
  private oldestPending: number | undefined;

  constructor(private readonly delayMs = 200, private readonly now: () => number = () => performance.now()) {}

  /** The provider fired onDidChangeTreeData for changes that began at `since`. */
  fire(since: number): void {
    this.calls++;
    this.oldestPending ??= since;
    if (!this.handle) this.render();
    clearTimeout(this.handle);
    this.handle = setTimeout(() => {
      this.handle = undefined;
      if (this.calls > 1) this.render();
      this.calls = 0;
    }, this.delayMs);
  }

  dispose(): void {
    clearTimeout(this.handle);
    this.handle = undefined;
  }

  private render(): void {
    if (this.oldestPending !== undefined) this.delays.push(this.now() - this.oldestPending);
    this.oldestPending = undefined;
  }
}
