// The Proxies view: the running sclang's Ndefs and ProxySpace proxies, Pdefs and Tdefs, whether
// each plays, its volume and fade time, with play / stop / volume on the row; kept live by the
// player state poller while the view is visible. NdefMixer(s) and ProxyMixer(...) open it.
import * as vscode from 'vscode';
import { EMPTY_PLAYER_STATE, formatLevel } from '../../core';
import type { PlayerEntry, PlayerState, ProxyLevel, ProxyState } from '../../core';

export const PROXIES_VIEW_ID = 'sclive.proxies';

export interface ProxiesGroup {
  kind: 'group';
  label: string;
  entries: PlayerEntry[];
}

export type ProxiesElement = ProxiesGroup | PlayerEntry;

const isGroup = (element: ProxiesElement): element is ProxiesGroup => element.kind === 'group';
const isProxy = (entry: PlayerEntry): entry is ProxyState => entry.kind === 'Ndef' || entry.kind === 'ProxySpace';

/** How a player is named in code: `Ndef(\drone)`, `~a`, `Pdef(\mel)`. */
export function playerName(entry: PlayerEntry): string {
  if (entry.kind === 'ProxySpace') return `~${entry.key}`;
  return `${entry.kind}(\\${entry.key})`;
}

/** A proxy's key among the levels (proxyLevelMeters.ts): its row's id. */
export function proxyLevelKey(proxy: Pick<ProxyState, 'kind' | 'space' | 'key'>): string {
  return `${proxy.kind}:${proxy.space}:${proxy.key}`;
}

/** The row's description: what plays, its level while heard, its volume and fade time. */
export function playerDescription(entry: PlayerEntry, level?: ProxyLevel): string {
  const parts = [entry.playing ? 'playing' : 'stopped'];
  if (isProxy(entry)) {
    if (entry.playing && level) parts.push(`level ${formatLevel(level.peak)}`);
    if (entry.vol !== null) parts.push(`vol ${Number(entry.vol.toPrecision(3))}`);
    if (entry.fadeTime !== null) parts.push(`fade ${Number(entry.fadeTime.toPrecision(3))} s`);
    if (entry.bus !== null && entry.channels !== null) parts.push(`${entry.rate === 'control' ? 'kr' : 'ar'} bus ${entry.bus}${entry.channels > 1 ? `-${entry.bus + entry.channels - 1}` : ''}`);
  }
  return parts.join(' · ');
}

export class ProxiesProvider implements vscode.TreeDataProvider<ProxiesElement>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<ProxiesElement | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private state: PlayerState = EMPTY_PLAYER_STATE;
  private levels: ReadonlyMap<string, ProxyLevel> = new Map();

  update(state: PlayerState): void {
    this.state = state;
    this.changeEmitter.fire(undefined);
  }

  /** Each heard proxy's level (by proxyLevelKey), as its meter last reported. */
  setLevels(levels: ReadonlyMap<string, ProxyLevel>): void {
    if (levels.size === 0 && this.levels.size === 0) return;
    this.levels = new Map(levels);
    this.changeEmitter.fire(undefined);
  }

  getChildren(element?: ProxiesElement): ProxiesElement[] {
    if (element) return isGroup(element) ? element.entries : [];
    const groups: ProxiesGroup[] = [
      { kind: 'group', label: 'Ndefs', entries: this.state.proxies.filter((p) => p.kind === 'Ndef') },
      { kind: 'group', label: 'ProxySpace', entries: this.state.proxies.filter((p) => p.kind === 'ProxySpace') },
      { kind: 'group', label: 'Pdefs', entries: this.state.patterns.filter((p) => p.kind !== 'Tdef') },
      { kind: 'group', label: 'Tdefs', entries: this.state.patterns.filter((p) => p.kind === 'Tdef') },
    ];
    // Empty: the view's welcome text says how to make one.
    return groups.filter((group) => group.entries.length > 0);
  }

  getTreeItem(element: ProxiesElement): vscode.TreeItem {
    if (isGroup(element)) {
      const item = new vscode.TreeItem(element.label, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `group:${element.label}`;
      item.description = `${element.entries.filter((e) => e.playing).length} of ${element.entries.length} playing`;
      item.contextValue = 'playerGroup';
      return item;
    }
    const item = new vscode.TreeItem(element.key, vscode.TreeItemCollapsibleState.None);
    item.id = isProxy(element) ? proxyLevelKey(element) : `${element.kind}::${element.key}`;
    const description = playerDescription(element, isProxy(element) ? this.levels.get(proxyLevelKey(element)) : undefined);
    item.description = description;
    item.iconPath = new vscode.ThemeIcon(element.playing ? 'play-circle' : 'circle-large-outline');
    item.tooltip = `${playerName(element)}: ${description}`;
    item.accessibilityInformation = { label: `${playerName(element)}, ${description}` };
    // player.<kind>.<playing|stopped>: the row's inline actions follow it.
    item.contextValue = `player.${element.kind}.${element.playing ? 'playing' : 'stopped'}`;
    return item;
  }

  dispose(): void {
    this.changeEmitter.dispose();
  }
}
