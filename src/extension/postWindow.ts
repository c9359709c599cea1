// The "SuperCollider Post" channel: what sclang posts, with a maximum scrollback.
import * as vscode from 'vscode';

const FLUSH_MS = 30;

export class PostWindow implements vscode.Disposable {
  readonly channel: vscode.OutputChannel;
  private lines: string[] = [];
  private queued: string[] = [];
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(private maxLines: number) {
    this.channel = vscode.window.createOutputChannel('SuperCollider Post');
  }

  /** The text the channel shows (kept here too: an output channel cannot be read back). */
  get text(): string {
    this.flush();
    return this.lines.join('\n');
  }

  setMaxLines(maxLines: number): void {
    this.maxLines = maxLines;
    this.trim();
  }

  post(line: string): void {
    this.queued.push(line);
    // Lines arrive in bursts; the channel gets them together.
    this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  clear(): void {
    this.queued = [];
    this.lines = [];
    this.channel.clear();
  }

  show(): void {
    this.channel.show(true);
  }

  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (!this.queued.length) return;
    const batch = this.queued;
    this.queued = [];
    this.lines.push(...batch);
    if (!this.trim()) this.channel.append(`${batch.join('\n')}\n`);
  }

  /** Drops the oldest lines past the maximum; true when the channel was rewritten. */
  private trim(): boolean {
    if (this.lines.length <= this.maxLines) return false;
    this.lines = this.lines.slice(-this.maxLines);
    this.channel.replace(`${this.lines.join('\n')}\n`);
    return true;
  }

  dispose(): void {
    clearTimeout(this.flushTimer);
    this.channel.dispose();
  }
}
