// The "SuperCollider Server" log: scsynth's output line by line, and the extension's messages.
import * as vscode from 'vscode';
import type { Logger } from '../core/events';
import type { ProcessLine } from '../core/scsynth/scsynthProcess';

/** scsynth lines that look like errors but are not failures of the server. */
const HARMLESS = [/open directory failed .*synthdefs/i];

export function isHarmlessServerLine(text: string): boolean {
  return HARMLESS.some((pattern) => pattern.test(text));
}

export class ServerLog implements Logger, vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;

  constructor() {
    this.channel = vscode.window.createOutputChannel('SuperCollider Server', { log: true });
  }

  /** One line of scsynth's stdout or stderr, as it printed it. */
  serverLine(line: ProcessLine): void {
    const text = `[scsynth] ${line.text}`;
    if (isHarmlessServerLine(line.text)) this.channel.info(text);
    else if (/\bERROR\b|FAILURE IN SERVER|exception/i.test(line.text)) this.channel.error(text);
    else if (line.stream === 'stderr') this.channel.warn(text);
    else this.channel.info(text);
  }

  trace(message: string): void {
    this.channel.trace(message);
  }
  debug(message: string): void {
    this.channel.debug(message);
  }
  info(message: string): void {
    this.channel.info(message);
  }
  warn(message: string): void {
    this.channel.warn(message);
  }
  error(message: string): void {
    this.channel.error(message);
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
