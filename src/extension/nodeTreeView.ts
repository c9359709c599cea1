// The Node Tree view: the server's groups and synths, kept live from node notifications.
import * as vscode from 'vscode';
import { DisposableStore } from '../core/events';
import type { LiveNode, NodeChange } from '../core/nodeWatcher';
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

export type NodeTreeElement = LiveNode | ControlElement;

export function isControl(element: NodeTreeElement): element is ControlElement {
  return (element as ControlElement).kind === 'control';
}

/** Changes arriving within this window are applied to the view together. */
const BATCH_MS = 40;
/** Past this many changed groups, one full refresh is cheaper than many partial ones. */
const FULL_REFRESH_AFTER = 100;

export class NodeTreeProvider implements vscode.TreeDataProvider<NodeTreeElement>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<NodeTreeElement | NodeTreeElement[] | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly runScope = new DisposableStore();
  private readonly subscriptions: vscode.Disposable[] = [];
  private server: SCServer | undefined;
  private readonly controls = new Map<number, ControlElement[]>();
  private dirty = new Set<LiveNode | 'root'>();
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(private readonly controller: ServerController) {
    this.subscriptions.push({ dispose: controller.onDidChangeServer((server) => this.attach(server)).dispose });
    this.subscriptions.push({ dispose: controller.onDidChangeState(() => this.refresh()).dispose });
    this.attach(controller.server);
  }

  private attach(server: SCServer | undefined): void {
    this.runScope.dispose();
    this.controls.clear();
    this.server = server;
    if (server) this.runScope.add(server.nodeWatcher.onDidChange((change) => this.nodeChanged(change)));
    this.refresh();
  }

  /** Re-reads everything (the refresh action; a full re-query of the server). */
  async resync(): Promise<void> {
    this.controls.clear();
    await this.server?.resyncNodeTree();
    this.refresh();
  }

  refresh(): void {
    this.dirty.clear();
    this.changeEmitter.fire(undefined);
  }

  getTreeItem(element: NodeTreeElement): vscode.TreeItem {
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
      // Always expandable: an item first shown without children stays collapsed once it has some.
      const item = new vscode.TreeItem(isDefault ? `default group (client ${owner})` : 'group', vscode.TreeItemCollapsibleState.Expanded);
      item.id = String(node.nodeId);
      item.description = `${node.nodeId}${node.running ? '' : ' · paused'}`;
      item.contextValue = `group.${state}`;
      item.iconPath = new vscode.ThemeIcon(node.running ? 'folder' : 'debug-pause');
      item.tooltip = `Group ${node.nodeId}${isDefault ? `: default group of client ${owner}` : ''}${node.running ? '' : ' (paused)'}`;
      return item;
    }
    const item = new vscode.TreeItem(node.defName ?? 'synth', vscode.TreeItemCollapsibleState.Collapsed);
    item.id = String(node.nodeId);
    item.description = `${node.nodeId}${node.running ? '' : ' · paused'}`;
    item.contextValue = `synth.${state}`;
    item.iconPath = new vscode.ThemeIcon(node.running ? 'pulse' : 'debug-pause');
    const tooltip = new vscode.MarkdownString(`**${node.defName ?? 'synth'}** ${node.nodeId}${node.running ? '' : ' (paused)'}  \nin group ${node.parentId}`);
    const controls = this.controls.get(node.nodeId);
    if (controls?.length) tooltip.appendMarkdown(`\n\n${controls.map((c) => `\`${c.name}\` ${formatControlValue(c.value)}`).join('  \n')}`);
    item.tooltip = tooltip;
    return item;
  }

  async getChildren(element?: NodeTreeElement): Promise<NodeTreeElement[]> {
    const server = this.server;
    if (!server || server.state !== 'running') return [];
    if (!element) return server.nodeWatcher.children(0);
    if (isControl(element)) return [];
    if (element.isGroup) return server.nodeWatcher.children(element.nodeId);
    return this.controlsOf(element);
  }

  getParent(element: NodeTreeElement): NodeTreeElement | undefined {
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

  private nodeChanged(change: NodeChange): void {
    const watcher = this.server?.nodeWatcher;
    if (!watcher) return;
    if (change.kind === 'reset') {
      this.controls.clear();
      this.dirty.add('root');
    } else {
      const node = change.node;
      const parentOf = (id: number) => (id === 0 ? 'root' : watcher.get(id));
      if (change.kind === 'removed') this.controls.delete(node.nodeId);
      if (change.kind === 'updated') this.dirty.add(node);
      else this.markDirty(parentOf(node.parentId));
      if (change.kind === 'moved') this.markDirty(parentOf(change.oldParentId));
    }
    this.flushTimer ??= setTimeout(() => this.flush(), BATCH_MS);
  }

  private markDirty(element: LiveNode | 'root' | undefined): void {
    if (element) this.dirty.add(element);
  }

  private flush(): void {
    this.flushTimer = undefined;
    const watcher = this.server?.nodeWatcher;
    const dirty = [...this.dirty];
    this.dirty.clear();
    if (!watcher || dirty.includes('root') || dirty.length > FULL_REFRESH_AFTER) {
      this.changeEmitter.fire(undefined);
      return;
    }
    // Only elements still in the model can be refreshed; the others went with their parent.
    const live = dirty.filter((element): element is LiveNode => element !== 'root' && watcher.get(element.nodeId) === element);
    if (live.length) this.changeEmitter.fire(live);
  }

  dispose(): void {
    clearTimeout(this.flushTimer);
    this.runScope.dispose();
    for (const subscription of this.subscriptions) subscription.dispose();
    this.changeEmitter.dispose();
  }
}
