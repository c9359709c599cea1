// "SuperCollider Server": what scsynth prints, exactly as it printed it (Dump OSC and Dump Node
// Tree show here). The extension's own messages are in the "SuperCollider Live" log.
import * as vscode from 'vscode';
import type { ProcessLine } from '../../core';

export class ServerOutput implements vscode.Disposable {
  readonly channel: vscode.OutputChannel;

  constructor() {
    this.channel = vscode.window.createOutputChannel('SuperCollider Server');
  }

  /** One line of scsynth's stdout or stderr. */
  append(line: ProcessLine): void {
    this.channel.appendLine(line.text);
  }

  /** Text the extension asked scsynth for (a node tree), shown with the server's output. */
  appendText(text: string): void {
    this.channel.appendLine(text);
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
