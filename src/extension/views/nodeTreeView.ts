// The Node Tree view: the server's groups and synths, kept live from node notifications. With
// several servers, one root each; the active server's rows (sclang's `s`) are named as sclang
// tells, held until named, and their expanded controls read again; another server's rows come
// from its own model, with the names sclang told while it was the active one.
import * as vscode from 'vscode';
import { clientIdOfNode, DEF_NAME_HOLD_MS, defaultGroupIdOf, DisposableStore, Emitter, formatControlValue, isRowHeld, isTemporaryDefName, KEPT_SYNTH_TREE_CONTEXT, NodeChangeBatcher, nodeLabel, TreeChangeSpacer, parseNodePlayer, parseProxyGroups } from '../../core';
import type { ControlValue, LiveNode, NodeChange, NodeTreeUpdate, SCServer } from '../../core';
import type { ServerController } from '../server/serverController';
import type { ServerRuns } from '../server/serverRuns';
import type { ServerSetController } from '../server/serverSetController';
import { ServerRootElement, isServerRoot, otherServerNodeItem, serverRootItem } from './serverRoots';

/**
 * Each server's batcher gathers a bundle's notifications and a burst's; the spacing past VS
 * Code's debounce is the view's (TreeChangeSpacer), once for every server.
 */
const SERVER_BATCH_MS = 20;

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

export type NodeTreeElement = LiveNode | ControlElement | SummaryElement | ServerRootElement;

export function isControl(element: NodeTreeElement): element is ControlElement {
  return (element as ControlElement).kind === 'control';
}

export function isSummary(element: NodeTreeElement): element is SummaryElement {
  return (element as SummaryElement).kind === 'summary';
}

/** The editor place of the evaluation that made a node. */
export interface NodeOrigin {
  uri: vscode.Uri;
  line: number;
}

/** What sclang told of one server's nodes while that server was its `s`. */
interface SclangNodeNames {
  /** Group node id → `Ndef(\\drone)` or `~a`. */
  proxyNames: Map<number, string>;
  /** Node id → the Pdef whose player made it (`Pdef \\mel`), told by sclang before the node starts. */
  playerNames: Map<number, string>;
  /** Where the code that made a node was evaluated (from the result sclang printed). */
  origins: Map<number, NodeOrigin>;
}

/** The server a node shown belongs to, and that server's name. */
interface NodeOwner {
  server: SCServer;
  name: string;
}

/** A group with more children shows its newest this many, and a count of the rest. */
export const MAX_CHILDREN_SHOWN = 200;

/** How often the controls of synths shown expanded are read again, and of how many at most. */
const CONTROLS_REFRESH_MS = 500;
const MAX_SYNTHS_READ = 20;

export class NodeTreeProvider implements vscode.TreeDataProvider<NodeTreeElement>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<NodeTreeElement | NodeTreeElement[] | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  /** Every change event of the view goes through here: spaced past VS Code's debounce, whichever server it comes from. */
  private readonly viewChanges = new TreeChangeSpacer<NodeTreeElement>((elements) => this.changeEmitter.fire(elements));
  private readonly subscriptions: vscode.Disposable[] = [];
  private server: SCServer | undefined;
  private readonly controls = new Map<number, ControlElement[]>();
  private readonly summaries = new Map<string, SummaryElement>();
  private batcher: NodeChangeBatcher | undefined;
  /** The active server's names from sclang; each server's are kept (a WeakMap: a new run of a server starts afresh). */
  private names: SclangNodeNames = { proxyNames: new Map(), playerNames: new Map(), origins: new Map() };
  private readonly namesByServer = new WeakMap<SCServer, SclangNodeNames>();
  /** Synths whose controls are on screen: their values are read again while they are. */
  private readonly expandedSynths = new Set<LiveNode>();
  private controlsTimer: NodeJS.Timeout | undefined;
  private readingControls = false;
  /** Asks sclang for its proxies' groups (the PRELUDE's proxyGroups); set once sclang exists. */
  proxyGroupsQuery: (() => Promise<string | undefined>) | undefined;
  private proxyQuery: Promise<void> | undefined;
  private proxyQueryAgain = false;
  /** Synths without a def name yet, with when they appeared (performance.now()). */
  private readonly unnamedSince = new Map<number, number>();
  private holdTimer: NodeJS.Timeout | undefined;
  /** The model's changes as the view hears them (held synths' 'added' kept back). */
  private shownChanges: Emitter<NodeChange> | undefined;
  /** Groups the proxy map was asked about (not asked again while they live). */
  private readonly groupsAsked = new Set<number>();
  private readonly groupsToAsk = new Set<number>();
  /** Several servers: one root each (serverRoots.ts); the rows of servers other than the active one, with whose they are. */
  private servers: ServerSetController | undefined;
  private readonly roots = new Map<string, ServerRootElement>();
  private readonly otherServerNodes = new WeakMap<LiveNode, NodeOwner>();
  /** Each server's model changes redraw its root while it is not the active one. */
  private readonly otherWatchers = new Map<SCServer, vscode.Disposable>();
  private rootsTimer: NodeJS.Timeout | undefined;

  /** `active`: the server whose rows sclang names (the default one's runs, or the server made active). */
  constructor(controller: ServerController, active: ServerRuns) {
    this.subscriptions.push(active.forEachServer((server, run) => this.attach(server, run)));
    this.subscriptions.push(controller.onDidChangeState(() => this.refresh()));
  }

  private attach(server: SCServer, run: DisposableStore): void {
    this.server = server;
    this.startAfresh(server);
    // A declared server keeps its SCServer across runs: what sclang told of the last run's node
    // ids is not about the next run's (sclang's allocators start again).
    run.add(server.onDidChangeState(({ state }) => {
      if (state !== 'booting') return;
      this.forgetRun(server);
      this.startAfresh(server);
    }));
    // The view hears of a synth once its name is known (or its hold is over): the batcher is
    // given the model's changes with a held synth's 'added' kept back until then, so the first
    // update that draws it names it, and no extra redraw follows.
    const shown = run.add(new Emitter<NodeChange>());
    this.shownChanges = shown;
    run.add(server.nodeWatcher.onDidChange((change) => {
      if (change.kind === 'added') {
        const node = change.node;
        this.askProxyNamesFor(node);
        if (!node.isGroup && (node.defName === undefined || isTemporaryDefName(node.defName))) {
          this.hold(node);
          if (this.isHeld(node)) return;
          this.unnamedSince.delete(node.nodeId);
        }
      } else if (change.kind === 'updated' && !change.node.isGroup && this.unnamedSince.has(change.node.nodeId)) {
        // Its name arrived while it was held: drawn now, unless its proxy's name is on its way.
        this.askProxyNamesFor(change.node);
        if (!this.isHeld(change.node)) this.releaseHeld(change.node);
        return;
      } else if (change.kind === 'removed') {
        this.unnamedSince.delete(change.node.nodeId);
        this.names.playerNames.delete(change.node.nodeId);
        if (change.node.isGroup) {
          this.names.proxyNames.delete(change.node.nodeId);
          this.groupsAsked.delete(change.node.nodeId);
        }
      } else if (change.kind === 'reset') {
        this.unnamedSince.clear();
      }
      shown.fire(change);
    }));
    run.add({ dispose: () => this.stopHoldTimer() });
    this.batcher = run.add(new NodeChangeBatcher({ onDidChange: shown.event, get: (nodeId) => server.nodeWatcher.get(nodeId) }, (update) => this.applyUpdate(update), SERVER_BATCH_MS));
    run.add({ dispose: () => (this.batcher = undefined) });
    // A server made active while playing: sclang is asked which of its groups are proxies'.
    for (const nodeId of server.nodeWatcher.nodeIds()) {
      const node = server.nodeWatcher.get(nodeId);
      if (node?.isGroup) this.askProxyNamesFor(node);
    }
    this.refresh();
  }

  /** The active server's rows as if first shown: nothing read, held or asked of them yet. */
  private startAfresh(server: SCServer): void {
    this.names = this.namesOf(server);
    this.controls.clear();
    this.expandedSynths.clear();
    this.unnamedSince.clear();
    this.groupsAsked.clear();
    this.groupsToAsk.clear();
  }

  /** What sclang told of a server's run that ended (its next run's node ids mean other nodes). */
  private forgetRun(server: SCServer): void {
    this.namesByServer.delete(server);
  }

  private namesOf(server: SCServer): SclangNodeNames {
    let names = this.namesByServer.get(server);
    if (!names) this.namesByServer.set(server, (names = { proxyNames: new Map(), playerNames: new Map(), origins: new Map() }));
    return names;
  }

  /** Re-reads everything (the refresh action; a full re-query of the server). */
  async resync(): Promise<void> {
    this.controls.clear();
    await this.server?.resyncNodeTree();
    this.refresh();
  }

  refresh(): void {
    this.viewChanges.fire(undefined);
  }

  getTreeItem(element: NodeTreeElement): vscode.TreeItem {
    if (isServerRoot(element)) {
      const slot = this.servers?.set.get(element.name);
      return slot ? serverRootItem(slot, this.servers?.set.active === slot) : new vscode.TreeItem(element.name);
    }
    const other = this.otherServerOf(element);
    if (other && !isControl(element)) {
      const node = element as LiveNode;
      const names = this.namesByServer.get(other.server);
      return otherServerNodeItem(node, other.server, other.name, {
        proxyName: names?.proxyNames.get(node.isGroup ? node.nodeId : node.parentId),
        playerName: names?.playerNames.get(node.nodeId),
        madeHere: names?.origins.has(node.nodeId) ?? false,
      });
    }
    if (isSummary(element)) {
      const item = new vscode.TreeItem(element.label, element.nodes.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
      item.id = element.id;
      item.contextValue = 'summary';
      item.iconPath = new vscode.ThemeIcon('ellipsis');
      return item;
    }
    if (isControl(element)) {
      const item = new vscode.TreeItem(element.name, vscode.TreeItemCollapsibleState.None);
      item.id = `${other ? `${other.name}/` : ''}${element.synth.nodeId}/${element.name}`;
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
      const proxyName = this.names.proxyNames.get(node.nodeId);
      // Always expandable: an item first shown without children stays collapsed once it has some.
      const item = new vscode.TreeItem(isDefault ? (ours ? 'default group (this editor)' : `default group (client ${owner})`) : nodeLabel({ isGroup: true, proxyName })!.label, vscode.TreeItemCollapsibleState.Expanded);
      item.id = String(node.nodeId);
      // A default group's nine-digit id says nothing to a musician; it stays in the tooltip.
      item.description = `${isDefault ? '' : node.nodeId}${node.running ? '' : `${isDefault ? '' : ' · '}paused`}`;
      // Default groups are where clients play: freeing one breaks its client (sclang's
      // { }.play fails with "Group 1 not found"), so they offer freeing their children instead.
      item.contextValue = `${isDefault ? 'defaultGroup' : 'group'}.${state}`;
      item.iconPath = new vscode.ThemeIcon(node.running ? 'folder' : 'debug-pause');
      item.tooltip = `${proxyName ? `${proxyName}: ` : ''}Group ${node.nodeId}${isDefault ? `: default group of client ${owner}${ours ? ' (this editor)' : ''}` : ''}${node.running ? '' : ' (paused)'}`;
      return item;
    }
    const kept = this.server?.keptSynths.treeRow(node.nodeId);
    if (kept) {
      // A synth the extension keeps for itself (volume, meters, scope, recording): shown for what it is, with no actions.
      const item = new vscode.TreeItem(kept.label, vscode.TreeItemCollapsibleState.None);
      item.id = String(node.nodeId);
      item.description = kept.description;
      item.contextValue = KEPT_SYNTH_TREE_CONTEXT;
      item.iconPath = new vscode.ThemeIcon(kept.icon);
      item.tooltip = `${kept.tooltip}.  \n${node.defName ?? 'synth'} ${node.nodeId}, kept at the end of the root group by SuperCollider Live.`;
      return item;
    }
    const proxyName = this.names.proxyNames.get(node.parentId);
    const named = nodeLabel({ isGroup: false, defName: node.defName, proxyName, playerName: this.names.playerNames.get(node.nodeId) });
    const isFunction = !proxyName && isTemporaryDefName(node.defName);
    const label = named?.label ?? 'synth';
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = String(node.nodeId);
    item.description = `${named?.detail ? `${named.detail} · ` : ''}${node.nodeId}${node.runStateKnown === false ? ' · running or paused?' : node.running ? '' : ' · paused'}`;
    const origin = this.names.origins.get(node.nodeId);
    item.contextValue = `synth.${state}${origin ? '.origin' : ''}`;
    item.iconPath = new vscode.ThemeIcon(node.running ? 'pulse' : 'debug-pause');
    const where = origin ? `  \nmade by ${vscode.workspace.asRelativePath(origin.uri)}, line ${origin.line + 1}` : '';
    const tooltip = new vscode.MarkdownString(`**${label.replace(/\\/g, '\\\\')}** ${node.nodeId}${isFunction ? ` (SynthDef ${node.defName}, made by \\{ \\}.play)` : proxyName && node.defName ? ` (SynthDef ${node.defName})` : ''}${node.running ? '' : ' (paused)'}  \nin group ${node.parentId}${where}`);
    const controls = this.controls.get(node.nodeId);
    if (controls?.length) tooltip.appendMarkdown(`\n\n${controls.map((c) => `\`${c.name}\` ${formatControlValue(c.value)}`).join('  \n')}`);
    item.tooltip = tooltip;
    return item;
  }

  async getChildren(element?: NodeTreeElement): Promise<NodeTreeElement[]> {
    if (this.servers?.severalServers) {
      if (!element) return this.servers.set.slots.map((slot) => this.rootOf(slot.name));
      if (isServerRoot(element)) {
        const slot = this.servers.set.get(element.name);
        const server = slot?.server;
        if (!slot || !server || server.state !== 'running') return [];
        return server === this.server ? this.topLevel(server) : this.otherTopLevel(server, slot.name);
      }
      if (isSummary(element) && element.id.includes('/')) return element.nodes;
      const other = this.otherServerOf(element);
      if (other) {
        if (isControl(element) || isSummary(element) || isServerRoot(element)) return [];
        if (element.isGroup) return this.otherChildren(other.server, other.name, element.nodeId);
        return other.server.keptSynths.treeRow(element.nodeId) ? [] : this.controlsOf(element);
      }
    } else if (element && isServerRoot(element)) {
      return [];
    }
    const server = this.server;
    if (!server || server.state !== 'running') return [];
    if (!element) return this.topLevel(server);
    if (isControl(element) || isServerRoot(element)) return [];
    if (isSummary(element)) return element.nodes;
    if (element.isGroup) return this.childrenShown(element);
    if (server.ownSynthIds.includes(element.nodeId)) return [];
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
      if (this.isHeld(node)) continue;
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
    const children = (this.server?.nodeWatcher.children(group.nodeId) ?? []).filter((child) => !this.isHeld(child));
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
    if (isServerRoot(element)) return undefined;
    // With several servers, the active server's top-level rows stand under its root.
    const activeRoot = this.servers?.severalServers ? this.rootOf(this.servers.set.active.name) : undefined;
    if (isSummary(element) && element.id.includes('/')) return this.rootOf(element.id.slice(0, element.id.lastIndexOf('/')));
    if (isSummary(element)) return element.id.startsWith('more-') ? this.server?.nodeWatcher.get(Number(element.id.slice(5))) : activeRoot;
    if (isControl(element)) return element.synth;
    const other = this.otherServerOf(element);
    if (other) return element.parentId > 0 ? this.tagged(other, other.server.nodeWatcher.get(element.parentId)) : this.rootOf(other.name);
    const idle = this.summaries.get('idle-clients');
    if (idle?.nodes.includes(element)) return idle;
    return element.parentId > 0 ? this.server?.nodeWatcher.get(element.parentId) : activeRoot;
  }

  /** Another server's root group, the empty default groups of other clients in one row (as the active server's). */
  private otherTopLevel(server: SCServer, name: string): NodeTreeElement[] {
    const shown: NodeTreeElement[] = [];
    const idle: LiveNode[] = [];
    for (const node of this.otherChildren(server, name, 0)) {
      const owner = clientIdOfNode(node.nodeId);
      if (node.isGroup && node.headId === -1 && owner !== server.clientId && node.nodeId === defaultGroupIdOf(owner)) {
        if (!idle.length) shown.push(this.summary(`${name}/idle-clients`, '', idle));
        idle.push(node);
      } else {
        shown.push(node);
      }
    }
    if (idle.length) this.summary(`${name}/idle-clients`, `${idle.length} empty default group${idle.length === 1 ? '' : 's'} of other clients`, idle);
    return shown;
  }

  /**
   * Several servers (`sclive.servers`): the tree shows one root per server once more than the
   * default one is declared, and follows each server's node model.
   */
  setServerSet(servers: ServerSetController): void {
    this.servers = servers;
    this.subscriptions.push(servers.onDidChange(() => this.serversChanged()), { dispose: () => this.unwatchOthers() }, { dispose: () => clearTimeout(this.rootsTimer) });
  }

  /** The server a row belongs to (commands from a row act on it); the active one for a row of no server's. */
  serverOf(element: NodeTreeElement | undefined): SCServer | undefined {
    if (!element) return undefined;
    if (isServerRoot(element)) return this.servers?.set.get(element.name)?.server;
    return this.otherServerOf(element)?.server ?? this.server;
  }

  /**
   * The server of a node or control row when it is not the active one: known from where its row
   * was listed, else found by the model that holds that very node (a row handed to a command by
   * an API caller may never have been listed).
   */
  private otherServerOf(element: NodeTreeElement): NodeOwner | undefined {
    const node = isControl(element) ? element.synth : isSummary(element) || isServerRoot(element) ? undefined : element;
    if (!node || !this.servers?.severalServers) return undefined;
    const known = this.otherServerNodes.get(node);
    if (known) return known.server === this.server ? undefined : known;
    if (this.server?.nodeWatcher.get(node.nodeId) === node) return undefined;
    const slot = this.servers.set.slots.find((candidate) => candidate.server !== this.server && candidate.server?.nodeWatcher.get(node.nodeId) === node);
    if (!slot?.server) return undefined;
    const owner = { server: slot.server, name: slot.name };
    this.otherServerNodes.set(node, owner);
    return owner;
  }

  private rootOf(name: string): ServerRootElement {
    let root = this.roots.get(name);
    if (!root) this.roots.set(name, (root = { kind: 'serverRoot', name }));
    return root;
  }

  private tagged(owner: NodeOwner, node: LiveNode | undefined): LiveNode | undefined {
    if (node) this.otherServerNodes.set(node, owner);
    return node;
  }

  private otherChildren(server: SCServer, name: string, groupId: number): LiveNode[] {
    // A large group shows its newest nodes (as the active server's rows do, without the count row).
    const children = server.nodeWatcher.children(groupId);
    const shown = children.length <= MAX_CHILDREN_SHOWN ? children : [...children].sort((a, b) => b.order - a.order).slice(0, MAX_CHILDREN_SHOWN).sort((a, b) => a.order - b.order);
    const owner = { server, name };
    for (const node of shown) this.tagged(owner, node);
    return shown;
  }

  /**
   * Servers added or removed, a state or a status changed: the roots are redrawn (at most every
   * 250 ms: status polls of many servers must not redraw the tree many times a second), and the
   * node changes of each server but the active one redraw its own root, batched as the active
   * server's are (whose rows the view's own batcher follows).
   */
  private serversChanged(): void {
    const servers = this.servers;
    if (!servers) return;
    // The default server's slot gets a new SCServer per run: the servers are read again each time.
    const watched = new Map(servers.severalServers ? servers.set.slots.flatMap((slot) => (slot.server ? [[slot.server, slot.name] as const] : [])) : []);
    for (const [server, watching] of this.otherWatchers) {
      if (watched.has(server)) continue;
      watching.dispose();
      this.otherWatchers.delete(server);
    }
    for (const [server, name] of watched) {
      if (this.otherWatchers.has(server)) continue;
      const root = this.rootOf(name);
      const batcher = new NodeChangeBatcher({ onDidChange: server.nodeWatcher.onDidChange, get: (nodeId) => server.nodeWatcher.get(nodeId) }, (update) => {
        if (server !== this.server) this.viewChanges.fire([root], update.since);
      }, SERVER_BATCH_MS);
      const runs = server.onDidChangeState(({ state }) => {
        if (state === 'booting' && server !== this.server) this.forgetRun(server);
      });
      this.otherWatchers.set(server, { dispose: () => (batcher.dispose(), runs.dispose()) });
    }
    this.rootsTimer ??= setTimeout(() => {
      this.rootsTimer = undefined;
      this.viewChanges.fire(undefined);
    }, 250);
  }

  private unwatchOthers(): void {
    for (const watching of this.otherWatchers.values()) watching.dispose();
    this.otherWatchers.clear();
  }

  /**
   * A synth whose def name may still come, or whose proxy's name is being asked, is not drawn
   * for at most DEF_NAME_HOLD_MS.
   */
  private isHeld(node: LiveNode): boolean {
    const proxyNameAsked = this.proxyQuery !== undefined && !this.names.proxyNames.has(node.parentId);
    return isRowHeld({ defName: node.defName, heldSinceMs: this.unnamedSince.get(node.nodeId), proxyNameAsked }, performance.now());
  }

  private hold(node: LiveNode): void {
    this.unnamedSince.set(node.nodeId, performance.now());
    this.holdTimer ??= setTimeout(() => this.releaseExpired(), DEF_NAME_HOLD_MS + 5);
  }

  /** One timer for all held synths: those past the hold are drawn, named or not. */
  private releaseExpired(): void {
    this.holdTimer = undefined;
    const now = performance.now();
    let next = Infinity;
    for (const [nodeId, since] of this.unnamedSince) {
      if (now - since >= DEF_NAME_HOLD_MS) {
        const node = this.server?.nodeWatcher.get(nodeId);
        if (node) this.releaseHeld(node);
        else this.unnamedSince.delete(nodeId);
      } else {
        next = Math.min(next, since + DEF_NAME_HOLD_MS - now);
      }
    }
    if (next !== Infinity) this.holdTimer = setTimeout(() => this.releaseExpired(), next + 5);
  }

  private stopHoldTimer(): void {
    clearTimeout(this.holdTimer);
    this.holdTimer = undefined;
  }

  /** The hold is over: the view hears of the synth now (its group is redrawn with it). */
  private releaseHeld(node: LiveNode): void {
    if (!this.unnamedSince.delete(node.nodeId)) return;
    if (this.server?.nodeWatcher.get(node.nodeId) === node) this.shownChanges?.fire({ kind: 'added', node });
  }

  /**
   * A group sclang may have made for a proxy (not a default group), or a NodeProxy source
   * (temp__ def, or a synth not named yet) in a group not asked about: the proxy map is asked
   * again (one query at a time; one more if such nodes came meanwhile). A group is asked about
   * once: a NodeProxy sets its group in sclang before the server has it.
   */
  private askProxyNamesFor(node: LiveNode): void {
    const groupId = node.isGroup ? node.nodeId : node.parentId;
    if (!this.proxyGroupsQuery || groupId <= 0 || this.names.proxyNames.has(groupId) || this.groupsAsked.has(groupId)) return;
    if (!node.isGroup && node.defName !== undefined && !isTemporaryDefName(node.defName)) return;
    if (groupId === defaultGroupIdOf(clientIdOfNode(groupId))) return; // {}.play and patterns play there
    this.groupsToAsk.add(groupId);
    if (this.proxyQuery) {
      this.proxyQueryAgain = true;
      return;
    }
    this.proxyQuery = (async () => {
      try {
        do {
          this.proxyQueryAgain = false;
          const asking = [...this.groupsToAsk];
          this.groupsToAsk.clear();
          const names = this.names;
          const reply = await this.proxyGroupsQuery!().catch(() => undefined);
          if (reply === undefined) return;
          // Another server made active (or a new run begun) meanwhile: the reply is not for its
          // groups, and those it queued are asked next (proxyQueryAgain).
          if (names !== this.names) continue;
          for (const groupId of asking) this.groupsAsked.add(groupId);
          names.proxyNames = parseProxyGroups(reply);
          this.batcher?.add({ kind: 'reset' });
        } while (this.proxyQueryAgain);
      } finally {
        this.proxyQuery = undefined;
        this.groupsToAsk.clear();
        // Synths held for their proxy's name are drawn now.
        for (const [nodeId] of this.unnamedSince) {
          const node = this.server?.nodeWatcher.get(nodeId);
          if (node && !this.isHeld(node)) this.releaseHeld(node);
        }
      }
    })();
  }

  /**
   * sclang says a Pdef's player made these nodes (`Pdef \\mel:1004,1005`): usually before the
   * server starts them (events are sent ahead by the server's latency), else their rows are redrawn.
   */
  nodePlayers(detail: string): void {
    const told = parseNodePlayer(detail);
    if (!told) return;
    for (const nodeId of told.nodeIds) {
      this.names.playerNames.set(nodeId, told.player);
      const node = this.server?.nodeWatcher.get(nodeId);
      if (node) this.batcher?.touch(node);
    }
    // Nodes that never came (another server, a failed /s_new) are not kept for ever.
    const players = this.names.playerNames;
    while (players.size > 10_000) players.delete(players.keys().next().value as number);
  }

  /** Nodes named in an evaluation's result (`Synth('x' : 1001)`, `Group(1002)`) came from that code. */
  evaluated(result: string, origin: NodeOrigin): void {
    for (const match of result.matchAll(/\bSynth\('[^']*' : (\d+)\)|\bGroup\((\d+)\)/g)) {
      const nodeId = Number(match[1] ?? match[2]);
      this.names.origins.set(nodeId, origin);
      const node = this.server?.nodeWatcher.get(nodeId);
      if (node) this.batcher?.touch(node);
    }
    const origins = this.names.origins;
    if (origins.size > 10_000) origins.delete(origins.keys().next().value as number);
  }

  /** Where the code that made a node was evaluated, on whichever server it plays (told while that server was active). */
  originOf(element: NodeTreeElement): NodeOrigin | undefined {
    if (isControl(element) || isSummary(element) || isServerRoot(element)) return undefined;
    const other = this.otherServerOf(element);
    return (other ? this.namesByServer.get(other.server) : this.names)?.origins.get(element.nodeId);
  }

  /** A synth's controls, read from scsynth when first shown. */
  async controlsOf(synth: LiveNode): Promise<ControlElement[]> {
    // Another server's synth (several servers) is read from its own server, never cached by an id the active server may use too.
    const other = this.otherServerOf(synth)?.server;
    const cached = other ? undefined : this.controls.get(synth.nodeId);
    if (cached) return cached;
    const server = other ?? this.server;
    if (!server) return [];
    const read = await server.synthControls(synth.nodeId, synth.parentId).catch(() => undefined);
    if (!read) return []; // too many nodes in its group for one reply, or it ended meanwhile
    const controls = read.map(([name, value]) => ({ kind: 'control' as const, synth, name, value }));
    if (!other) this.controls.set(synth.nodeId, controls);
    return controls;
  }

  /** After Set Control: the new value, shown without re-querying. */
  controlChanged(synth: LiveNode, name: string, value: ControlValue): void {
    if (this.otherServerOf(synth)) {
      // Not cached: its rows are read again from its own server.
      this.viewChanges.fire([synth]);
      return;
    }
    const control = this.controls.get(synth.nodeId)?.find((c) => c.name === name);
    if (control) control.value = value;
    this.batcher?.touch(synth);
  }

  /** The view shows this element's children now (from TreeView.onDidExpandElement). */
  expanded(element: NodeTreeElement): void {
    if (isControl(element) || isSummary(element) || isServerRoot(element) || element.isGroup || this.otherServerOf(element)) return;
    this.expandedSynths.add(element);
    this.controlsTimer ??= setInterval(() => void this.readExpandedControls(), CONTROLS_REFRESH_MS);
  }

  collapsed(element: NodeTreeElement): void {
    if (isControl(element) || isSummary(element) || isServerRoot(element)) return;
    this.expandedSynths.delete(element);
    if (!this.expandedSynths.size) this.stopReadingControls();
  }

  private stopReadingControls(): void {
    clearInterval(this.controlsTimer);
    this.controlsTimer = undefined;
  }

  /**
   * Reads the controls of the synths whose controls are on screen again (x.set(\\freq, 330) in
   * sclang sends no notification), each with /s_get of its known names, and updates the rows
   * whose values changed.
   */
  private async readExpandedControls(): Promise<void> {
    const server = this.server;
    if (this.readingControls || server?.state !== 'running' || server.unresponsive) return;
    this.readingControls = true;
    try {
      for (const synth of [...this.expandedSynths].slice(0, MAX_SYNTHS_READ)) {
        if (server.nodeWatcher.get(synth.nodeId) !== synth) {
          this.expandedSynths.delete(synth);
          continue;
        }
        const controls = this.controls.get(synth.nodeId);
        if (!controls?.length) continue;
        const read = await server.synthControls(synth.nodeId, synth.parentId, controls.map((c) => c.name)).catch(() => undefined);
        let changed = false;
        for (const [name, value] of read ?? []) {
          const control = controls.find((c) => c.name === name);
          if (control && control.value !== value) {
            control.value = value;
            changed = true;
          }
        }
        if (changed) this.batcher?.touch(synth);
      }
      if (!this.expandedSynths.size) this.stopReadingControls();
    } finally {
      this.readingControls = false;
    }
  }

  /** One batch of model changes, sent to the view as one event (see NodeChangeBatcher). */
  private applyUpdate(update: NodeTreeUpdate): void {
    if (update.full) {
      this.controls.clear();
      this.viewChanges.fire(undefined, update.since);
    } else {
      // Controls are kept only for synths still on the server (only those shown were read).
      const watcher = this.server?.nodeWatcher;
      for (const [nodeId, controls] of this.controls) if (watcher?.get(nodeId) !== controls[0]?.synth) this.controls.delete(nodeId);
      // A top-level group's row may move in or out of the "empty groups" summary.
      this.viewChanges.fire(update.elements.some((node) => node.parentId === 0) ? undefined : update.elements, update.since);
    }
  }

  dispose(): void {
    this.stopReadingControls();
    for (const subscription of this.subscriptions) subscription.dispose();
    this.viewChanges.dispose();
    this.changeEmitter.dispose();
  }
}
