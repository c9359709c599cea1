// The Scope view: the waveform of chosen buses (default: the outputs), time and amplitude zoom,
// and a spectrum mode, drawn in a webview from the core's ScopeTap (over OSC, so a remote
// server works too). The scope synth runs only while the view is visible.
import * as vscode from 'vscode';
import { peakFrequency, spectrum } from '../../core';
import type { DisposableStore, ScopeRead, ScopeSettings, SCServer } from '../../core';
import type { ActiveServerRuns } from '../server/serverRuns';
import { InstrumentView } from './instrumentView';

export const SCOPE_VIEW_ID = 'sclive.scope';

type Mode = 'wave' | 'spectrum';

type SettingsMessage = { type: string; mode?: Mode; bus?: number; channels?: 1 | 2; frames?: number };

export class ScopeView extends InstrumentView {
  private mode: Mode = 'wave';
  private settings: Partial<ScopeSettings> = { bus: 0, channels: 2, frames: 1024, rate: 22 };
  /** What the last picture showed, in words (for screen readers and tests). */
  private lastSummary = '';

  constructor(extensionUri: vscode.Uri, servers: ActiveServerRuns) {
    super(extensionUri, { name: 'scope', title: 'Scope', body: SCOPE_BODY });
    this.follow(servers);
  }

  get summary(): string {
    return this.lastSummary;
  }

  protected attach(server: SCServer, run: DisposableStore): void {
    run.add(server.scope.onRead((read) => this.post(read)));
  }

  protected setRunning(server: SCServer, running: boolean): void {
    if (running && !server.scope.running) void server.scope.start(this.settings).catch(() => undefined);
    else if (!running && server.scope.running) void server.scope.stop().catch(() => undefined);
  }

  /** What sclang's s.scope / s.freqscope asked for: the mode, bus and channels, in the page's controls too. */
  showSignal(request: { mode: Mode; bus?: number; channels?: number }): void {
    const channels = request.channels === undefined ? undefined : request.channels >= 2 ? 2 : 1;
    this.received({ type: 'settings', mode: request.mode, bus: request.bus, channels });
    this.received({ type: 'ready' });
  }

  /** The page's controls: bus, channels, frames and mode. */
  protected override received(message: unknown): void {
    const m = message as SettingsMessage;
    // The page (new, or after showSignal) shows the current values in its controls.
    if (m.type === 'ready') void this.view?.webview.postMessage({ type: 'controls', mode: this.mode, ...this.settings });
    if (m.type !== 'settings') return;
    if (m.mode) this.mode = m.mode;
    this.settings = { ...this.settings, ...(m.bus !== undefined ? { bus: m.bus } : {}), ...(m.channels ? { channels: m.channels } : {}), ...(m.frames ? { frames: m.frames } : {}) };
    if (this.server?.scope.running) void this.server.scope.start(this.settings).catch(() => undefined);
  }

  /**
   * One message per read, its pictures shown one after the other by the page. Samples go as
   * Float32Arrays, which VS Code hands to the webview as binary, not as JSON numbers.
   */
  private post(read: ScopeRead): void {
    const sampleRate = this.server?.sampleRate ?? 48000;
    const newest = read.pictures[read.pictures.length - 1];
    if (this.mode === 'spectrum') {
      const pictures = read.pictures.map((channels) => channels.map((samples) => spectrum(samples, sampleRate)));
      const results = pictures[pictures.length - 1];
      this.lastSummary = `spectrum of bus ${read.bus + 1}: peak at ${Math.round(peakFrequency(results[0]))} Hz`;
      void this.view?.webview.postMessage({ type: 'spectrum', bus: read.bus, binHz: results[0].binHz, pictures: pictures.map((channels) => channels.map((r) => r.magnitudesDb)), intervalMs: read.intervalMs, summary: this.lastSummary });
    } else {
      const peaks = newest.map((samples) => samples.reduce((max, v) => Math.max(max, Math.abs(v)), 0));
      this.lastSummary = `wave of bus ${read.bus + 1}: ${peaks.map((peak, i) => `channel ${i + 1} peak ${peak.toFixed(2)}`).join(', ')}`;
      void this.view?.webview.postMessage({ type: 'wave', bus: read.bus, pictures: read.pictures, intervalMs: read.intervalMs, summary: this.lastSummary });
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
<div class="plot"><canvas id="scope-axes" aria-hidden="true"></canvas><canvas id="scope" role="img" aria-label="Scope"></canvas></div>
<p id="summary" class="summary" aria-live="off"></p>`;
