// The Node Tree with several servers: one root per server (its name, address, program, state,
// CPU and synth count), and the rows of the nodes of every server but the active one. The active
// server's rows are the Node Tree's own (nodeTreeView.ts), followed as sclang's `s`.
import * as vscode from 'vscode';
import { clientIdOfNode, DeclaredServer, defaultGroupIdOf, KEPT_SYNTH_TREE_CONTEXT, nodeLabel } from '../../core';
import type { LiveNode, SCServer, ServerSlot } from '../../core';

/** The root row of one server. */
export interface ServerRootElement {
  kind: 'serverRoot';
  name: string;
}

export function isServerRoot(element: unknown): element is ServerRootElement {
  return (element as ServerRootElement | undefined)?.kind === 'serverRoot';
}

/** What a root row says, also read by the tests: `drums · 127.0.0.1:57111 · scsynth · running · 1.2% CPU · 3 synths`. */
export function serverRootDescription(slot: ServerSlot): string {
  const server = slot.server;
  const state = server?.state ?? 'stopped';
  const parts = [server ? server.addr.join(':') + (server.protocol === 'tcp' ? ' (TCP)' : '') : 'not booted yet', programOf(slot), state];
  if (server && state === 'running') {
    const status = server.lastStatus;
    if (server.unresponsive) parts.push('not answering');
    if (status) {
      const synths = Math.max(0, status.numSynths - server.ownSynthIds.length);
      parts.push(`${status.avgCpu.toFixed(1)}% CPU`, `${synths} synth${synths === 1 ? '' : 's'}`);
    }
  }
  return parts.join(' · ');
}

function programOf(slot: ServerSlot): string {
  const entry = slot.entry;
  if (entry?.kind === 'remote') return 'remote';
  return entry?.program ?? slot.server?.options.program ?? 'scsynth';
}

export function serverRootItem(slot: ServerSlot, active: boolean): vscode.TreeItem {
  const state = slot.server?.state ?? 'stopped';
  const item = new vscode.TreeItem(active ? `${slot.name} (active)` : slot.name, vscode.TreeItemCollapsibleState.Expanded);
  item.id = `server:${slot.name}`;
  item.description = serverRootDescription(slot);
  // Menus read the state (boot, reboot or reconnect this one) and whether it is the active one.
  item.contextValue = `serverRoot.${state}${active ? '.active' : ''}`;
  const broken = state === 'crashed' || state === 'unreachable' || (state === 'running' && slot.server?.unresponsive);
  item.iconPath = new vscode.ThemeIcon(broken ? 'error' : state === 'reconnecting' ? 'sync~spin' : state === 'running' ? 'server' : 'circle-slash');
  const md = new vscode.MarkdownString(`**${slot.name}**${active ? ' (active: Ctrl+. and the commands act on it)' : ''}  \n${item.description}`);
  if (state === 'crashed') md.appendMarkdown('  \nIt crashed: the others play on. Boot it again from this row.');
  if (state === 'unreachable') md.appendMarkdown('  \nIts TCP connection cannot be made again; it is tried every few seconds. Reconnect from this row.');
  if (slot instanceof DeclaredServer && slot.hasOptionsWaiting) md.appendMarkdown('  \nNew server options wait for its next boot: Reboot This Server (this row\'s context menu) to use them.');
  item.tooltip = md;
  return item;
}

/** What sclang told of a node while its server was the active one. */
export interface ToldNames {
  /** Its proxy's name (a group's own, a synth's group's). */
  proxyName?: string;
  playerName?: string;
  /** Made by code evaluated in an editor (Go to Source offered). */
  madeHere: boolean;
}

/** A node of a server that is not the active one: from its own server's model, with the names sclang told while it was active. */
export function otherServerNodeItem(node: LiveNode, server: SCServer, serverName: string, told: ToldNames): vscode.TreeItem {
  const id = `${serverName}/${node.nodeId}`;
  const state = node.running ? 'running' : 'paused';
  if (node.isGroup) {
    const owner = clientIdOfNode(node.nodeId);
    const isDefault = node.nodeId === defaultGroupIdOf(owner);
    const label = isDefault ? (owner === server.clientId ? 'default group (this editor)' : `default group (client ${owner})`) : node.parallel && !told.proxyName ? 'parallel group' : nodeLabel({ isGroup: true, proxyName: told.proxyName })!.label;
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Expanded);
    item.id = id;
    item.description = `${isDefault ? '' : node.nodeId}${node.running ? '' : ' paused'}`.trim();
    item.contextValue = `${isDefault ? 'defaultGroup' : 'group'}.${state}`;
    item.iconPath = new vscode.ThemeIcon(node.running ? (node.parallel ? 'split-horizontal' : 'folder') : 'debug-pause');
    item.tooltip = `${node.parallel ? 'Parallel group (supernova ParGroup)' : 'Group'} ${node.nodeId} on ${serverName}`;
    return item;
  }
  const kept = server.keptSynths.treeRow(node.nodeId);
  if (kept) {
    const item = new vscode.TreeItem(kept.label, vscode.TreeItemCollapsibleState.None);
    item.id = id;
    item.description = kept.description;
    item.contextValue = KEPT_SYNTH_TREE_CONTEXT;
    item.iconPath = new vscode.ThemeIcon(kept.icon);
    item.tooltip = kept.tooltip;
    return item;
  }
  const named = nodeLabel({ isGroup: false, defName: node.defName, proxyName: told.proxyName, playerName: told.playerName });
  // Expandable: its controls are read from its own server.
  const item = new vscode.TreeItem(named?.label ?? 'synth', vscode.TreeItemCollapsibleState.Collapsed);
  item.id = id;
  item.description = `${named?.detail ? `${named.detail} · ` : ''}${node.nodeId}${node.running ? '' : ' · paused'}`;
  item.contextValue = `synth.${state}${told.madeHere ? '.origin' : ''}`;
  item.iconPath = new vscode.ThemeIcon(node.running ? 'pulse' : 'debug-pause');
  item.tooltip = `${named?.label ?? 'synth'} ${node.nodeId} on ${serverName}, in group ${node.parentId}`;
  return item;
}
