// A clock for tests of timing logic: time passes only when the test says, and timers due by then
// run in order. Timing asserted this way holds on a loaded machine.
/** A clock stepped by hand: timers run when time passes them, in order. */
export class HandClock {
  time = 0;
  private timers: Array<{ at: number; callback: () => void; id: number }> = [];
  private nextId = 1;
  readonly now = () => this.time;
  readonly timersApi = {
    setTimeout: (callback: () => void, ms: number) => {
      const id = this.nextId++;
      this.timers.push({ at: this.time + ms, callback, id });
      return id;
    },
    clearTimeout: (handle: unknown) => void (this.timers = this.timers.filter((timer) => timer.id !== handle)),
  };

  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = this.timers.filter((timer) => timer.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((timer) => timer !== due);
      this.time = due.at;
      due.callback();
    }
    this.time = end;
  }
}
