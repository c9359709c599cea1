// "SuperCollider Live": the extension's own messages, with levels (a LogOutputChannel, so the
// user picks how much to see). scsynth's raw output has its own channel (serverOutput.ts).
import * as vscode from 'vscode';
import type { Logger } from '../../core';

export class ExtensionLog implements Logger, vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;

  constructor() {
    this.channel = vscode.window.createOutputChannel('SuperCollider Live', { log: true });
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
