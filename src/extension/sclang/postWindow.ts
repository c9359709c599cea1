// The "SuperCollider Post" channel: what sclang and scsynth post, with a maximum scrollback.
import * as vscode from 'vscode';
import { withOwnKeys } from '../../core';

/** The post window's own language: its grammar makes failures and warnings stand out. */
export const POST_LANGUAGE_ID = 'sclive-post';

/** Lines of scsynth's that mean a command failed (and the music may be silent because of it). */
const SERVER_FAILURE = /FAILURE IN SERVER|^\s*\*?\*?\*?\s*ERROR\b|^ERROR:|exception/i;

/** scsynth lines that look like errors but are not failures of the server. */
const HARMLESS = [/open directory failed .*synthdefs/i];

export function isHarmlessServerLine(text: string): boolean {
  return HARMLESS.some((pattern) => pattern.test(text));
}

const FLUSH_MS = 30;

export class PostWindow implements vscode.Disposable {
  readonly channel: vscode.OutputChannel;
  private lines: string[] = [];
  private queued: string[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  /** After dispose (a window reload), late lines from sclang or scsynth are dropped, not written to a closed channel. */
  private disposed = false;
  private readonly onDidPostEmitter = new vscode.EventEmitter<string>();
  /** Each line as it is posted (before the window shows it). */
  readonly onDidPost = this.onDidPostEmitter.event;

  constructor(private maxLines: number) {
    this.channel = vscode.window.createOutputChannel('SuperCollider Post', POST_LANGUAGE_ID);
  }

  /** The text the channel shows (kept here too: an output channel cannot be read back). */
  get text(): string {
    this.flush();
    return this.lines.join('\n');
  }

  /** How many lines the channel holds now (at most twice the maximum scrollback). */
  get lineCount(): number {
    this.flush();
    return this.lines.length;
  }

  setMaxLines(maxLines: number): void {
    this.maxLines = maxLines;
    this.trim(true);
  }

  /** A line scsynth printed; true when it is a failure (the caller may show the window). */
  postServerLine(line: string): boolean {
    this.post(line);
    return SERVER_FAILURE.test(line) && !isHarmlessServerLine(line);
  }

  post(line: string): void {
    if (this.disposed) return;
    line = withOwnKeys(line);
    this.queued.push(line);
    // Lines arrive in bursts; the channel gets them together.
    this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_MS);
    this.onDidPostEmitter.fire(line);
  }

  clear(): void {
    this.queued = [];
    this.lines = [];
    this.channel.clear();
  }

  show(): void {
    if (!this.disposed) this.channel.show(true);
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

  /**
   * Drops the oldest lines once there are twice the maximum; true when the channel was
   * rewritten. Rewriting at every flush past the maximum would send the whole scrollback to
   * the window 30 times a second while sclang floods it; this way a rewrite comes once per
   * `maxLines` new lines.
   */
  private trim(force = false): boolean {
    if (this.lines.length <= this.maxLines * (force ? 1 : 2)) return false;
    this.lines = this.lines.slice(-this.maxLines);
    this.channel.replace(`${this.lines.join('\n')}\n`);
    return true;
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.flushTimer);
    this.onDidPostEmitter.dispose();
    this.channel.dispose();
  }
}
