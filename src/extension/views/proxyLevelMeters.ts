// A level on each monitored proxy's row of the Proxies view, updated live: while the view shows,
// the server's proxy meters (core/meters/proxyLevels.ts, one synth of this client's per proxy
// that is heard, kept on the server like the output meters) follow sclang's player state at
// each read; none while the view is hidden.
import * as vscode from 'vscode';
import type { PlayerState, PlayerStatePoller, ProxyMeterTarget, SCServer } from '../../core';
import type { ServerController } from '../server/serverController';
import { ProxiesProvider, playerName, proxyLevelKey } from './proxiesView';

/** The rows are redrawn with new levels at most this often. */
const LEVELS_REDRAW_MS = 200;

/** The proxies to meter: those heard, of audio rate, with a bus. */
export function proxyMeterTargets(state: PlayerState): ProxyMeterTarget[] {
  return state.proxies
    .filter((p) => p.playing && p.rate === 'audio' && p.bus !== null && p.channels !== null && p.channels > 0)
    .map((p) => ({ name: proxyLevelKey(p), label: playerName(p), bus: p.bus!, channels: p.channels! }));
}

export class ProxyLevelMeters implements vscode.Disposable {
  private server: SCServer | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];
  private redrawTimer: NodeJS.Timeout | undefined;

  constructor(controller: ServerController, poller: PlayerStatePoller, private readonly view: vscode.TreeView<unknown>, private readonly rows: ProxiesProvider) {
    this.subscriptions.push(
      controller.forEachServer((server, run) => {
        this.server = server;
        run.add(server.proxyLevels.onLevels(() => this.scheduleRedraw()));
        run.add(server.onDidChangeState(() => this.follow(poller.state)));
        run.add({ dispose: () => void (this.server === server && (this.server = undefined)) });
        this.follow(poller.state);
      }),
      poller.onDidRead((state) => this.follow(state)),
      view.onDidChangeVisibility(() => this.follow(poller.state)),
    );
  }

  /** Each heard proxy's level, by proxyLevelKey. */
  get levels(): ReadonlyMap<string, { peak: number; rms: number }> {
    return this.server?.proxyLevels.levels ?? new Map();
  }

  /** The meter synths of the server now (for tests). */
  get synthIds(): number[] {
    return this.server?.proxyLevels.synthIds ?? [];
  }

  private follow(state: PlayerState): void {
    const server = this.server;
    if (!server) return;
    if (!this.view.visible || server.state !== 'running') {
      server.proxyLevels.stop();
      this.rows.setLevels(new Map());
      return;
    }
    server.proxyLevels.follow(proxyMeterTargets(state));
    if (server.proxyLevels.levels.size === 0) this.rows.setLevels(server.proxyLevels.levels);
  }

  private scheduleRedraw(): void {
    this.redrawTimer ??= setTimeout(() => {
      this.redrawTimer = undefined;
      this.rows.setLevels(this.levels);
    }, LEVELS_REDRAW_MS);
  }

  dispose(): void {
    clearTimeout(this.redrawTimer);
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}
