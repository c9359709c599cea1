// The Meters view: output and input levels (peak, RMS, peak hold, a clip light that stays on
// until clicked), drawn in a webview from the core's LevelMeters. Metering runs only while the
// view is visible; each row also reads as text ("out 1: -12.0 dB peak, -15.0 dB RMS").
import * as vscode from 'vscode';
import { describeLevel } from '../../core';
import type { ChannelLevel, DisposableStore, SCServer } from '../../core';
import type { ActiveServerRuns } from '../server/serverRuns';
import { readShowLevelInStatusBar } from '../settings';
import { InstrumentView } from './instrumentView';

export const METERS_VIEW_ID = 'sclive.meters';

export class MetersView extends InstrumentView {
  /** The last levels (shown or not), and whether a server was running then. */
  private last: { levels: readonly ChannelLevel[]; running: boolean } = { levels: [], running: false };

  constructor(extensionUri: vscode.Uri, servers: ActiveServerRuns) {
    super(extensionUri, { name: 'meters', title: 'Meters', body: '<div id="meters" role="list" aria-label="Server levels"></div><p id="empty">No server is running.</p>' });
    this.follow(servers);
  }

  /** The last levels as text (what a screen reader, or a test, reads). */
  get text(): readonly string[] {
    return this.last.running ? this.last.levels.map(describeLevel) : [];
  }

  protected attach(server: SCServer, run: DisposableStore): void {
    run.add(server.meters.onLevels((levels) => this.post(levels)));
    run.add(server.onDidChangeState(() => this.post(server.meters.levels)));
  }

  /** Meter synths on the server only while someone can see them: this view, or the status bar's level. */
  protected override wanted(): boolean {
    return this.visible || readShowLevelInStatusBar();
  }

  protected setRunning(server: SCServer, running: boolean): void {
    if (running && !server.meters.running) void server.meters.start().catch(() => undefined);
    else if (!running && server.meters.running) server.meters.stop();
  }

  /** 24 times a second: the text is made only when the view shows it (the status bar's level runs the meters hidden). */
  private post(levels: readonly ChannelLevel[]): void {
    const running = this.server?.state === 'running';
    this.last = { levels, running };
    if (!this.view?.visible) return;
    void this.view.webview.postMessage({ type: 'levels', running, levels: running ? levels.map((l) => ({ ...l, text: describeLevel(l) })) : [] });
  }
}
