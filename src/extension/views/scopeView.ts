// The Scope view: the waveform of chosen buses (default: the outputs), time and amplitude zoom,
// and a spectrum mode, drawn in a webview from the core's ScopeTap (over OSC, so a remote
// server works too). The scope synth runs only while the view is visible.
import * as vscode from 'vscode';
import { DisposableStore } from '../../core/events';
import type { ScopeFrame, ScopeSettings } from '../../core/meters/scopeTap';
import { peakFrequency, spectrum } from '../../core/meters/spectrum';
import type { SCServer } from '../../core/server/scServer';
import type { ServerController } from '../server/serverController';
import { webviewHtml, webviewOptions } from './webviewHtml';

export const SCOPE_VIEW_ID = 'sclive.scope';

type Mode = 'wave' | 'spectrum';

export class ScopeView implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private server: SCServer | undefined;
  private mode: Mode = 'wave';
  private settings: Partial<ScopeSettings> = { bus: 0, channels: 2, frames: 1024, rate: 22 };
  private readonly subscriptions = new DisposableStore();
  /** What the last picture showed, in words (for screen readers and tests). */
  private lastSummary = '';

  constructor(private readonly extensionUri: vscode.Uri, controller: ServerController) {
    this.subscriptions.add(controller.forEachServer((server, run) => {
      this.server = server;
      run.add(server.scope.onFrame((frame) => this.post(frame)));
      run.add({ dispose: () => (this.server = undefined) });
      this.updateRunning();
    }));
  }

  get summary(): string {
    return this.lastSummary;
  }

  get visible(): boolean {
    return !!this.view?.visible;
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    view.webview.options = webviewOptions(this.extensionUri);
    view.webview.html = webviewHtml(view.webview, this.extensionUri, 'scope', 'Scope', SCOPE_BODY);
    view.webview.onDidReceiveMessage((message: { type: string; mode?: Mode; bus?: number; channels?: 1 | 2; frames?: number }) => {
      if (message.type !== 'settings') return;
      if (message.mode) this.mode = message.mode;
      this.settings = { ...this.settings, ...(message.bus !== undefined ? { bus: message.bus } : {}), ...(message.channels ? { channels: message.channels } : {}), ...(message.frames ? { frames: message.frames } : {}) };
      if (this.server?.scope.running) void this.server.scope.start(this.settings).catch(() => undefined);
    });
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

  private updateRunning(): void {
    const scope = this.server?.scope;
    if (!scope) return;
    if (this.visible && !scope.running) void scope.start(this.settings).catch(() => undefined);
    else if (!this.visible && scope.running) void scope.stop().catch(() => undefined);
  }

  private post(frame: ScopeFrame): void {
    const sampleRate = this.server?.sampleRate ?? 48000;
    if (this.mode === 'spectrum') {
      const results = frame.channels.map((samples) => spectrum(samples, sampleRate));
      this.lastSummary = `spectrum of bus ${frame.bus + 1}: peak at ${Math.round(peakFrequency(results[0]))} Hz`;
      void this.view?.webview.postMessage({ type: 'spectrum', bus: frame.bus, binHz: results[0].binHz, channels: results.map((r) => Array.from(r.magnitudesDb)), summary: this.lastSummary });
    } else {
      const peaks = frame.channels.map((samples) => samples.reduce((max, v) => Math.max(max, Math.abs(v)), 0));
      this.lastSummary = `wave of bus ${frame.bus + 1}: ${peaks.map((peak, i) => `channel ${i + 1} peak ${peak.toFixed(2)}`).join(', ')}`;
      void this.view?.webview.postMessage({ type: 'wave', bus: frame.bus, channels: frame.channels.map((samples) => Array.from(samples)), summary: this.lastSummary });
    }
  }
}

const SCOPE_BODY = `<div class="controls">
  <label>Bus <input id="bus" type="number" min="1" value="1" aria-label="first bus shown (1 = output 1)"></label>
  <label>Channels <select id="channels"><option>1</option><option selected>2</option></select></label>
  <label>Time <select id="frames"><option value="256">256</option><option value="512">512</option><option value="1024" selected>1024</option><option value="2048">2048</option></select></label>
  <label>Zoom <select id="zoom"><option value="1" selected>×1</option><option value="2">×2</option><option value="4">×4</option><option value="8">×8</option></select></label>
  <label>Mode <select id="mode"><option value="wave" selected>Wave</option><option value="spectrum">Spectrum</option></select></label>
</div>
<canvas id="scope" role="img" aria-label="Scope"></canvas>
<p id="summary" class="summary" aria-live="off"></p>`;
