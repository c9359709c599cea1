// A level on each monitored proxy's row of the Proxies view, updated live: while the view shows,
// one meter synth of this client's per proxy that is heard (core/meters/proxyLevels.ts), set up
// from sclang's player state at each read; none while the view is hidden.
import * as vscode from 'vscode';
import { METER_REPLY, ProxyLevels, ProxyMeterTarget } from '../../core';
import type { OscConnection, PlayerState, PlayerStatePoller, SCServer } from '../../core';
import type { ServerController } from '../server/serverController';
import { ProxiesProvider, proxyLevelKey } from './proxiesView';

/** The rows are redrawn with new levels at most this often. */
const LEVELS_REDRAW_MS = 200;

/** The proxies to meter: those heard, of audio rate, with a bus. */
export function proxyMeterTargets(state: PlayerState): ProxyMeterTarget[] {
  return state.proxies
    .filter((p) => p.playing && p.rate === 'audio' && p.bus !== null && p.channels !== null && p.channels > 0)
    .map((p) => ({ name: proxyLevelKey(p), bus: p.bus!, channels: p.channels! }));
}

export class ProxyLevelMeters implements vscode.Disposable {
  private current: { server: SCServer; levels: ProxyLevels; connection?: OscConnection; replies?: { dispose(): void } } | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];
  private redrawTimer: NodeJS.Timeout | undefined;

  constructor(controller: ServerController, poller: PlayerStatePoller, private readonly view: vscode.TreeView<unknown>, private readonly rows: ProxiesProvider) {
    this.subscriptions.push(
      controller.forEachServer((server, run) => {
        const levels = new ProxyLevels({
          get canSend() {
            return server.state === 'running';
          },
          allocateNodeId: () => server.allocateNodeId(),
          send: (packet) => server.send(packet),
        });
        const current: NonNullable<typeof this.current> = { server, levels };
        this.current = current;
        run.add(server.nodeWatcher.onDidChange((change) => {
          if (change.kind === 'added') levels.nodeStarted(change.node.nodeId);
          else if (change.kind === 'removed') levels.nodeEnded(change.node.nodeId);
          else if (change.kind === 'reset') for (const id of levels.synthIds) if (!server.nodeWatcher.has(id)) levels.nodeEnded(id);
        }));
        run.add(levels.onLevels(() => this.scheduleRedraw()));
        run.add({
          dispose: () => {
            current.replies?.dispose();
            levels.dispose();
            if (this.current === current) this.current = undefined;
          },
        });
      }),
      poller.onDidRead((state) => this.follow(state)),
      view.onDidChangeVisibility(() => this.follow(poller.state)),
    );
  }

  /** Each heard proxy's level, by proxyLevelKey. */
  get levels(): ReadonlyMap<string, { peak: number; rms: number }> {
    return this.current?.levels.levels ?? new Map();
  }

  /** The meter synths of the server now (for tests). */
  get synthIds(): number[] {
    return this.current?.levels.synthIds ?? [];
  }

  private follow(state: PlayerState): void {
    const current = this.current;
    if (!current) return;
    const { server, levels } = current;
    if (!this.view.visible || server.state !== 'running') {
      levels.stop();
      this.rows.setLevels(new Map());
      return;
    }
    // A new run of the server: a new connection, and none of the old synths.
    const connection = server.oscConnection;
    if (connection !== current.connection) {
      current.replies?.dispose();
      levels.runEnded();
      current.connection = connection;
      current.replies = connection?.onMessage(METER_REPLY, (message) => levels.handleReply(message.args));
    }
    levels.follow(proxyMeterTargets(state));
    if (levels.levels.size === 0) this.rows.setLevels(levels.levels);
  }

  private scheduleRedraw(): void {
    this.redrawTimer ??= setTimeout(() => {
      this.redrawTimer = undefined;
      this.rows.setLevels(this.current?.levels.levels ?? new Map());
    }, LEVELS_REDRAW_MS);
  }

  dispose(): void {
    clearTimeout(this.redrawTimer);
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}
