// The Node Tree view: the server's groups and synths, kept live from node notifications.
import * as vscode from 'vscode';
import { DisposableStore } from '../core/events';
import type { LiveNode } from '../core/nodeWatcher';
import { NodeChangeBatcher, NodeTreeUpdate } from '../core/nodeChangeBatcher';
import { clientIdOfNode, defaultGroupIdOf } from '../core/idAllocators';
import { ControlValue, formatControlValue, parseQueryTreeReply, walkTree } from '../core/nodeTree';
import * as cmd from '../core/scsynthCommands';
import type { SCServer } from '../core/scServer';
import type { ServerController } from './serverController';

export interface ControlElement {
  kind: 'control';
  synth: LiveNode;
  name: string;
  value: ControlValue;
}

/** A row that stands for several nodes: the empty default groups of other clients, or the older children of a large group. */
export interface SummaryElement {
  kind: 'summary';
  id: string;
  label: string;
  /** The nodes behind it, shown as its children (none: it only counts them). */
  nodes: LiveNode[];
}

export type NodeTreeElement = LiveNode | ControlElement | SummaryElement;

export function isControl(element: NodeTreeElement): element is ControlElement {
  return (element as ControlElement).kind === 'control';
}

export function isSummary(element: NodeTreeElement): element is SummaryElement {
  return (element as SummaryElement).kind === 'summary';
}

/** A group with more children shows its newest this many, and a count of the rest. */
export const MAX_CHILDREN_SHOWN = 200;

/** SynthDef names sclang gives the synths of `{ ... }.play`. */
const FUNCTION_SYNTH = /^temp__\d+/;

export class NodeTreeProvider implements vscode.TreeDataProvider<NodeTreeElement>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<NodeTreeElement | NodeTreeElement[] | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly runScope = new DisposableStore();
  private readonly subscriptions: vscode.Disposable[] = [];
  private server: SCServer | undefined;
  private readonly controls = new Map<number, ControlElement[]>();
  private readonly summaries = new Map<string, SummaryElement>();
  /** Updates sent to the view (for tests and the log): when, and what. */
  readonly onDidUpdate = this.updateEmitter().event;

  constructor(private readonly controller: ServerController) {
    this.subscriptions.push({ dispose: controller.onDidChangeServer((server) => this.attach(server)).dispose });
    this.subscriptions.push({ dispose: controller.onDidChangeState(() => this.refresh()).dispose });
    this.attach(controller.server);
  }

  private attach(server: SCServer | undefined): void {
    this.runScope.dispose();
    this.controls.clear();
    this.server = server;
    if (server) this.runScope.add(new NodeChangeBatcher(server.nodeWatcher, (update) => this.applyUpdate(update)));
    this.refresh();
  }

  /** Re-reads everything (the refresh action; a full re-query of the server). */
  async resync(): Promise<void> {
    this.controls.clear();
    await this.server?.resyncNodeTree();
    this.refresh();
  }

  refresh(): void {
    this.changeEmitter.fire(undefined);
  }

  private updateEmitterValue: vscode.EventEmitter<NodeTreeUpdate> | undefined;
  private updateEmitter(): vscode.EventEmitter<NodeTreeUpdate> {
    this.updateEmitterValue ??= new vscode.EventEmitter<NodeTreeUpdate>();
    return this.updateEmitterValue;
  }

  getTreeItem(element: NodeTreeElement): vscode.TreeItem {
    if (isSummary(element)) {
      const item = new vscode.TreeItem(element.label, element.nodes.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
      item.id = element.id;
      item.contextValue = 'summary';
      item.iconPath = new vscode.ThemeIcon('ellipsis');
      return item;
    }
    if (isControl(element)) {
      const item = new vscode.TreeItem(element.name, vscode.TreeItemCollapsibleState.None);
      item.id = `${element.synth.nodeId}/${element.name}`;
      item.description = formatControlValue(element.value);
      item.contextValue = 'control';
      item.iconPath = new vscode.ThemeIcon('symbol-variable');
      item.tooltip = `${element.name} = ${formatControlValue(element.value)} (synth ${element.synth.nodeId})`;
      return item;
    }
    const node = element;
    const state = node.running ? 'running' : 'paused';
    if (node.isGroup) {
      const owner = clientIdOfNode(node.nodeId);
      const isDefault = node.nodeId === defaultGroupIdOf(owner);
      const ours = owner === this.server?.clientId;
      // Always expandable: an item first shown without children stays collapsed once it has some.
      const item = new vscode.TreeItem(isDefault ? (ours ? 'default group (this editor)' : `default group (client ${owner})`) : 'group', vscode.TreeItemCollapsibleState.Expanded);
      item.id = String(node.nodeId);
      // A default group's nine-digit id says nothing to a musician; it stays in the tooltip.
      item.description = `${isDefault ? '' : node.nodeId}${node.running ? '' : `${isDefault ? '' : ' · '}paused`}`;
      // Default groups are where clients play: freeing one breaks its client (sclang's
      // { }.play fails with "Group 1 not found"), so they offer freeing their children instead.
      item.contextValue = `${isDefault ? 'defaultGroup' : 'group'}.${state}`;
      item.iconPath = new vscode.ThemeIcon(node.running ? 'folder' : 'debug-pause');
      item.tooltip = `Group ${node.nodeId}${isDefault ? `: default group of client ${owner}${ours ? ' (this editor)' : ''}` : ''}${node.running ? '' : ' (paused)'}`;
      return item;
    }
    if (this.server?.volumeSynthIds.includes(node.nodeId)) {
      // The extension's own volume synth: shown for what it is, with no actions.
      const item = new vscode.TreeItem('volume', vscode.TreeItemCollapsibleState.None);
      item.id = String(node.nodeId);
      item.description = this.server.muted ? 'muted' : `${Math.round(this.server.volume * 10) / 10} dB`;
      item.contextValue = 'volumeSynth';
      item.iconPath = new vscode.ThemeIcon(this.server.muted ? 'mute' : 'unmute');
      item.tooltip = `The server's volume (${node.defName ?? 'volume synth'} ${node.nodeId}), kept after all groups by SuperCollider Live. Set it with Set Volume or Mute.`;
      return item;
    }
    const isFunction = node.defName !== undefined && FUNCTION_SYNTH.test(node.defName);
    const label = isFunction ? '{ } function' : node.defName ?? 'synth';
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = String(node.nodeId);
    item.description = `${isFunction ? `${node.defName} · ` : ''}${node.nodeId}${node.runStateKnown === false ? ' · running or paused?' : node.running ? '' : ' · paused'}`;
    item.contextValue = `synth.${state}`;
    item.iconPath = new vscode.ThemeIcon(node.running ? 'pulse' : 'debug-pause');
    const tooltip = new vscode.MarkdownString(`**${label}** ${node.nodeId}${isFunction ? ` (SynthDef ${node.defName}, made by \\{ \\}.play)` : ''}${node.running ? '' : ' (paused)'}  \nin group ${node.parentId}`);
    const controls = this.controls.get(node.nodeId);
    if (controls?.length) tooltip.appendMarkdown(`\n\n${controls.map((c) => `\`${c.name}\` ${formatControlValue(c.value)}`).join('  \n')}`);
    item.tooltip = tooltip;
    return item;
  }

  async getChildren(element?: NodeTreeElement): Promise<NodeTreeElement[]> {
    const server = this.server;
    if (!server || server.state !== 'running') return [];
    if (!element) return this.topLevel(server);
    if (isControl(element)) return [];
    if (isSummary(element)) return element.nodes;
    if (element.isGroup) return this.childrenShown(element);
    if (server.volumeSynthIds.includes(element.nodeId)) return [];
    return this.controlsOf(element);
  }

  /**
   * The root group's children in server order (it is the order they run in), with the empty
   * default groups of other clients gathered into one row where they would stand first.
   */
  private topLevel(server: SCServer): NodeTreeElement[] {
    const shown: NodeTreeElement[] = [];
    const idle: LiveNode[] = [];
    let idleAt = -1;
    for (const node of server.nodeWatcher.children(0)) {
      const owner = clientIdOfNode(node.nodeId);
      if (node.isGroup && node.headId === -1 && owner !== server.clientId && node.nodeId === defaultGroupIdOf(owner)) {
        if (idleAt < 0) idleAt = shown.length;
        idle.push(node);
      } else {
        shown.push(node);
      }
    }
    if (idle.length) shown.splice(idleAt, 0, this.summary('idle-clients', `${idle.length} empty default group${idle.length === 1 ? '' : 's'} of other clients`, idle));
    return shown;
  }

  /** A group's children; a large group shows its newest ones and counts the rest. */
  private childrenShown(group: LiveNode): NodeTreeElement[] {
    const children = this.server?.nodeWatcher.children(group.nodeId) ?? [];
    if (children.length <= MAX_CHILDREN_SHOWN) return children;
    const newest = new Set([...children].sort((a, b) => b.order - a.order).slice(0, MAX_CHILDREN_SHOWN));
    const hidden = children.length - MAX_CHILDREN_SHOWN;
    const synths = children.filter((child) => !newest.has(child) && !child.isGroup).length;
    const label = `… ${hidden.toLocaleString('en-US')} older ${synths === hidden ? 'synths' : 'nodes'} not shown (${children.length.toLocaleString('en-US')} in this group)`;
    return [...children.filter((child) => newest.has(child)), this.summary(`more-${group.nodeId}`, label, [])];
  }

  private summary(id: string, label: string, nodes: LiveNode[]): SummaryElement {
    const summary = this.summaries.get(id) ?? { kind: 'summary' as const, id, label, nodes };
    summary.label = label;
    summary.nodes = nodes;
    this.summaries.set(id, summary);
    return summary;
  }

  getParent(element: NodeTreeElement): NodeTreeElement | undefined {
    if (isSummary(element)) return element.id.startsWith('more-') ? this.server?.nodeWatcher.get(Number(element.id.slice(5))) : undefined;
    if (isControl(element)) return element.synth;
    return element.parentId > 0 ? this.server?.nodeWatcher.get(element.parentId) : undefined;
  }

  /** A synth's controls, read from scsynth when first shown. */
  async controlsOf(synth: LiveNode): Promise<ControlElement[]> {
    const cached = this.controls.get(synth.nodeId);
    if (cached) return cached;
    const server = this.server;
    if (!server) return [];
    try {
      const reply = await server.request(cmd.groupQueryTree(synth.parentId, true));
      const tree = parseQueryTreeReply(reply.args);
      for (const { node } of walkTree(tree)) {
        if (node.kind === 'synth' && node.nodeId === synth.nodeId) {
          const controls = (node.controls ?? []).map(([name, value]) => ({ kind: 'control' as const, synth, name, value }));
          this.controls.set(synth.nodeId, controls);
          return controls;
        }
      }
    } catch {
      // Too many nodes in its group for one reply, or the synth ended meanwhile.
    }
    return [];
  }

  /** After Set Control: the new value, shown without re-querying. */
  controlChanged(synth: LiveNode, name: string, value: ControlValue): void {
    const controls = this.controls.get(synth.nodeId);
    const control = controls?.find((c) => c.name === name);
    if (control) control.value = value;
    this.changeEmitter.fire(synth);
  }

  /** One batch of model changes, sent to the view as one event (see NodeChangeBatcher). */
  private applyUpdate(update: NodeTreeUpdate): void {
    if (update.full) {
      this.controls.clear();
      this.changeEmitter.fire(undefined);
    } else {
      for (const node of update.elements) if (!node.isGroup) this.controls.delete(node.nodeId);
      // A top-level group's row may move in or out of the "empty groups" summary.
      this.changeEmitter.fire(update.elements.some((node) => node.parentId === 0) ? undefined : update.elements);
    }
    this.updateEmitter().fire(update);
  }

  dispose(): void {
    this.runScope.dispose();
    this.updateEmitterValue?.dispose();
    for (const subscription of this.subscriptions) subscription.dispose();
    this.changeEmitter.dispose();
  }
}
