// The Meters view: output and input levels (peak, RMS, peak hold, a clip light that stays on
// until clicked), drawn in a webview from the core's LevelMeters. Metering runs only while the
// view is visible; each row also reads as text ("out 1: -12.0 dB peak, -15.0 dB RMS").
import * as vscode from 'vscode';
import { DisposableStore } from '../../core/events';
import { describeLevel } from '../../core/meters/levelMeters';
import type { ChannelLevel } from '../../core/meters/levelMeters';
import type { SCServer } from '../../core/server/scServer';
import type { ServerController } from '../server/serverController';
import { readShowLevelInStatusBar } from '../settings';
import { webviewHtml, webviewOptions } from './webviewHtml';

export const METERS_VIEW_ID = 'sclive.meters';

export class MetersView implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private server: SCServer | undefined;
  private readonly subscriptions = new DisposableStore();
  /** The last levels posted, as text (what a screen reader, or a test, reads). */
  private lastText: string[] = [];

  constructor(private readonly extensionUri: vscode.Uri, controller: ServerController) {
    this.subscriptions.add(controller.forEachServer((server, run) => {
      this.server = server;
      run.add(server.meters.onLevels((levels) => this.post(levels)));
      run.add(server.onDidChangeState(() => this.post(server.meters.levels)));
      run.add({ dispose: () => (this.server = undefined) });
      this.updateRunning();
    }));
  }

  get text(): readonly string[] {
    return this.lastText;
  }

  get visible(): boolean {
    return !!this.view?.visible;
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    view.webview.options = webviewOptions(this.extensionUri);
    view.webview.html = webviewHtml(view.webview, this.extensionUri, 'meters', 'Meters', '<div id="meters" role="list" aria-label="Server levels"></div><p id="empty">No server is running.</p>');
    view.onDidChangeVisibility(() => this.updateRunning());
    view.onDidDispose(() => {
      this.view = undefined;
      this.updateRunning();
    });
    this.updateRunning();
  }

  dispose(): void {
    this.subscriptions.dispose();
  }

  /** Meter synths on the server only while someone can see them: this view, or the status bar's level. */
  updateRunning(): void {
    const meters = this.server?.meters;
    if (!meters) return;
    const wanted = this.visible || readShowLevelInStatusBar();
    if (wanted && !meters.running) void meters.start().catch(() => undefined);
    else if (!wanted && meters.running) meters.stop();
  }

  private post(levels: readonly ChannelLevel[]): void {
    const running = this.server?.state === 'running';
    this.lastText = running ? levels.map(describeLevel) : [];
    if (!this.view?.visible) return;
    void this.view.webview.postMessage({ type: 'levels', running, levels: running ? levels.map((l) => ({ ...l, text: describeLevel(l) })) : [] });
  }
}
