// The Plot beside the editor: what sclang's `.plot` (functions, arrays, envelopes, buffers)
// draws in a Qt window in SuperCollider's IDE, drawn here in a webview (media/plot.js) in the
// theme's colours. One panel, reused: each plot replaces the last, as the musician tries things.
import * as vscode from 'vscode';
import { isHushRequest } from './instrumentView';
import { describePlot, plotRange } from '../../core';
import type { GuiRequest } from '../../core';
import { webviewHtml, webviewOptions } from './webviewHtml';

export type PlotRequest = Extract<GuiRequest, { kind: 'plot' }>;

export const PLOT_PANEL_TYPE = 'sclive.plot';

export class PlotPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  /** The last plot in words, and what the page reported drawing (for screen readers and tests). */
  lastShown: { summary: string; drawn?: { columns: number; width: number } } | undefined;
  private readonly onDidDrawEmitter = new vscode.EventEmitter<{ summary: string; columns: number; width: number }>();
  /** The page drew a plot: how many of its canvas columns the lines touch. */
  readonly onDidDraw = this.onDidDrawEmitter.event;

  constructor(private readonly extensionUri: vscode.Uri) {}

  show(plot: PlotRequest): void {
    const summary = describePlot(plot);
    this.lastShown = { summary };
    const panel = this.ensurePanel();
    panel.title = `Plot: ${plot.name}`;
    const [low, high] = plotRange(plot.channels, plot.min, plot.max);
    void panel.webview.postMessage({ type: 'plot', name: plot.name, summary, low, high, domain: plot.domain, channels: plot.channels.map((c) => c.values) });
    panel.reveal(vscode.ViewColumn.Beside, true);
  }

  dispose(): void {
    this.panel?.dispose();
    this.onDidDrawEmitter.dispose();
  }

  private ensurePanel(): vscode.WebviewPanel {
    if (this.panel) return this.panel;
    const panel = vscode.window.createWebviewPanel(PLOT_PANEL_TYPE, 'Plot', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, { ...webviewOptions(this.extensionUri), retainContextWhenHidden: true });
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri, 'plot', 'Plot', PLOT_BODY);
    panel.webview.onDidReceiveMessage((message: { type?: string; summary?: string; columns?: number; width?: number }) => {
      if (isHushRequest(message)) return void vscode.commands.executeCommand('sclive.server.hush');
      if (message.type !== 'drawn' || typeof message.columns !== 'number' || typeof message.width !== 'number') return;
      const shown = this.lastShown;
      if (shown && shown.summary === message.summary) shown.drawn = { columns: message.columns, width: message.width };
      this.onDidDrawEmitter.fire({ summary: message.summary ?? '', columns: message.columns, width: message.width });
    });
    panel.onDidDispose(() => (this.panel = undefined));
    this.panel = panel;
    return panel;
  }
}

const PLOT_BODY = `<h1 id="name">Plot</h1>
<canvas id="plot" role="img" aria-label="Plot"></canvas>
<div class="axis"><span id="start"></span><span id="end"></span></div>
<p id="summary" class="summary"></p>`;
