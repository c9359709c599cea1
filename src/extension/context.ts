// The extension's one context, built by activate(): the logs, the server controller, sclang,
// the views and the commands. Two lifetimes of disposables, as in rust-analyzer's ctx.ts: what lives as
// long as the extension (pushExtCleanup, VS Code's subscriptions) and what lives for one server
// run (ServerController.forEachServer, disposed when the next server replaces it).
import * as vscode from 'vscode';
import { registerInstrumentCommands } from './commands/instrumentCommands';
import { registerServerCommands } from './commands/serverCommands';
import { registerHelpCommands } from './commands/helpCommands';
import { HelpRenderer, INHERITED_FIELDS, PROXY_GROUPS_QUERY } from '../core';
import { ClassIndexService } from './language/classIndexService';
import { registerLanguageProviders } from './language/languageProviders';
import { registerEditingProviders } from './language/editingProviders';
import { ExtensionLog } from './log/extensionLog';
import { ServerOutput } from './log/serverOutput';
import { registerEvaluation } from './sclang/evaluation';
import { PostWindow } from './sclang/postWindow';
import { SclangController } from './sclang/sclangController';
import { SclangGui } from './sclang/sclangGui';
import { ServerController } from './server/serverController';
import { ServerSetController } from './server/serverSetController';
import { ActiveServerRuns, EveryServerRuns } from './server/serverRuns';
import { registerServerSetCommands } from './commands/serverSetCommands';
import { REBOOT_SETTINGS, readLiveCodingSettings, readSettings } from './settings';
import { NodeTreeElement, NodeTreeProvider } from './views/nodeTreeView';
import { METERS_VIEW_ID, MetersView } from './views/metersView';
import { SCOPE_VIEW_ID, ScopeView } from './views/scopeView';
import { ServerStatusBar } from './views/statusBar';
import { HelpPanel } from './views/helpPanel';
import { PlotPanel } from './views/plotPanel';
import { registerTakeTimeline, TakeTimeline } from './recording/takeTimeline';
import { registerGettingStarted } from './walkthrough/gettingStarted';
import { Players, registerPlayers } from './sclang/players';

export class ScliveContext {
  readonly log = new ExtensionLog();
  readonly serverOutput = new ServerOutput();
  readonly controller: ServerController;
  /** The servers of `sclive.servers` beside the default one, and which one is active. */
  readonly servers: ServerSetController;
  /** The active server as it changes: the Meters, the Scope and the recording commands act on it. */
  readonly activeServer: ActiveServerRuns;
  /** Every server of the window: a take that ends on any of them is told. */
  readonly everyServer: EveryServerRuns;
  readonly post: PostWindow;
  readonly sclang: SclangController;
  readonly nodeTree: NodeTreeProvider;
  readonly nodeTreeView: vscode.TreeView<NodeTreeElement>;
  readonly statusBar: ServerStatusBar;
  readonly meters: MetersView;
  readonly scope: ScopeView;
  readonly classIndex: ClassIndexService;
  readonly help: HelpPanel;
  readonly helpRenderer: HelpRenderer;
  readonly plot: PlotPanel;
  readonly sclangGui: SclangGui;
  /** Each evaluation during a take, written beside its sound file (evaluation.ts tells it). */
  readonly takeTimeline: TakeTimeline;
  /** What plays in sclang: the Proxies view and the code lenses on Pdef/Tdef/Ndef lines. */
  readonly players: Players;

  constructor(readonly extension: vscode.ExtensionContext) {
    this.pushExtCleanup(this.log, this.serverOutput);
    this.controller = new ServerController(this.log, this.serverOutput);
    this.servers = new ServerSetController(this.controller, this.log, this.serverOutput);
    this.controller.activeElsewhere = () => this.servers.activeDeclared;
    this.activeServer = new ActiveServerRuns(this.controller, this.servers);
    this.everyServer = new EveryServerRuns(this.controller, this.servers);
    // Mute or Unmute in the menus says what the active server's volume is.
    this.pushExtCleanup(this.activeServer, this.everyServer, this.activeServer.forEachServer((server, run) => {
      void this.controller.updateContext();
      run.add(server.onDidChangeVolume(() => void this.controller.updateContext()));
    }));
    this.nodeTree = new NodeTreeProvider(this.controller, this.activeServer);
    this.nodeTree.setServerSet(this.servers);
    this.nodeTreeView = vscode.window.createTreeView('sclive.nodeTree', { treeDataProvider: this.nodeTree, showCollapseAll: true });
    this.statusBar = new ServerStatusBar(this.controller, this.activeServer);
    this.statusBar.setServerSet(this.servers);
    this.post = new PostWindow(readLiveCodingSettings().postMaxLines);
    // The Meters and the Scope follow the active server unless shown another (Show Meters from a server's row).
    const metersServer = new ActiveServerRuns(this.controller, this.servers);
    const scopeServer = new ActiveServerRuns(this.controller, this.servers);
    this.pushExtCleanup(metersServer, scopeServer);
    this.meters = new MetersView(extension.extensionUri, metersServer);
    this.scope = new ScopeView(extension.extensionUri, scopeServer);
    // sclang's s.scope, s.meter, s.plotTree and .plot open these views.
    this.plot = new PlotPanel(extension.extensionUri);
    this.sclangGui = new SclangGui(extension.extensionUri, extension.globalStorageUri.fsPath, { scope: this.scope, plot: this.plot }, this.post, this.log);
    this.sclang = new SclangController(this.controller, this.post, this.log, this.sclangGui);
    // The Node Tree names proxies' groups from the running sclang (never starts one for that).
    this.nodeTree.proxyGroupsQuery = async () => (this.sclang.state === 'idle' || this.sclang.state === 'busy' ? (await (await this.sclang.ensureStarted()).evaluate(PROXY_GROUPS_QUERY, { print: false, timeoutMs: 2000 })).result : undefined);
    this.pushExtCleanup(this.sclang.onNodePlayer((detail) => this.nodeTree.nodePlayers(detail)));
    this.pushExtCleanup(
      this.nodeTree,
      this.nodeTreeView,
      this.statusBar,
      this.post,
      this.meters,
      this.scope,
      this.plot,
      this.sclangGui,
      // Kept while hidden: a panel tab switched away and back shows the same mode, controls and
      // clip lights at once (the instruments still run only while visible).
      vscode.window.registerWebviewViewProvider(METERS_VIEW_ID, this.meters, { webviewOptions: { retainContextWhenHidden: true } }),
      vscode.window.registerWebviewViewProvider(SCOPE_VIEW_ID, this.scope, { webviewOptions: { retainContextWhenHidden: true } }),
    );
    this.wireNodeTreeView();
    // The language at the musician's fingertips, from an index of the class library.
    this.classIndex = new ClassIndexService(extension.globalStorageUri.fsPath, this.log);
    this.pushExtCleanup(this.classIndex, ...registerLanguageProviders(this.classIndex, this.sclang));
    this.pushExtCleanup(...registerEditingProviders());
    // Class files edited since the index was made: a start of sclang reads them again.
    this.pushExtCleanup(this.sclang.onDidCompile(() => void this.classIndex.refresh(false)));
    this.helpRenderer = new HelpRenderer({ sclangPath: readLiveCodingSettings().sclangPath, logger: this.log });
    this.help = new HelpPanel(extension.extensionUri, this.helpRenderer, this.sclang, this.log);
    this.pushExtCleanup(this.helpRenderer, this.help);
    registerHelpCommands(this);
    registerServerCommands(this);
    registerServerSetCommands(this);
    // sclang's s is the active server.
    this.pushExtCleanup(this.servers.onDidChangeFollowed(() => void this.sclang.followActiveServer()));
    void this.servers.reload();
    registerInstrumentCommands(this);
    this.takeTimeline = registerTakeTimeline(this);
    registerEvaluation(this);
    registerGettingStarted(this);
    this.players = registerPlayers(this);
    // scsynth's output in the post window too, as in SuperCollider's IDE: a failed /s_new is
    // why the music is silent, and the musician looks there, not in the server's output.
    this.pushExtCleanup(this.controller.onServerOutput((line) => {
      if (this.post.postServerLine(line.text) && readLiveCodingSettings().openPostOnError) this.post.show();
    }));
    this.pushExtCleanup(vscode.workspace.onDidChangeConfiguration((event) => this.configurationChanged(event)));
  }

  pushExtCleanup(...disposables: vscode.Disposable[]): void {
    this.extension.subscriptions.push(...disposables);
  }

  /** Boots when the user asked for it in their settings (never from an untrusted workspace's). */
  bootOnStartup(): void {
    try {
      if (readSettings().bootOnStartup) void this.controller.boot();
    } catch (error) {
      this.log.warn(`Not booting on startup: ${(error as Error).message}`);
    }
  }

  /** Stops sclang and quits the server this window started; remote servers are left alone. */
  async dispose(): Promise<void> {
    await Promise.all([this.sclang.dispose(), this.controller.dispose(), this.servers.dispose(), this.helpRenderer.stop()]);
  }

  private wireNodeTreeView(): void {
    const view = this.nodeTreeView;
    this.pushExtCleanup(
      // Whatever changed while the view was hidden is read afresh when it shows.
      view.onDidChangeVisibility((event) => event.visible && this.nodeTree.refresh()),
      view.onDidExpandElement((event) => this.nodeTree.expanded(event.element)),
      view.onDidCollapseElement((event) => this.nodeTree.collapsed(event.element)),
      this.controller.forEachServer((server, run) => {
        view.description = server.addr.join(':');
        run.add({ dispose: () => (view.description = undefined) });
      }),
    );
  }

  /** The one listener for settings changes: what applies at once is applied, a reboot is offered for the rest. */
  private configurationChanged(event: vscode.ConfigurationChangeEvent): void {
    if (!event.affectsConfiguration('sclive')) return;
    if (event.affectsConfiguration('sclive.post.maxLines')) this.post.setMaxLines(readLiveCodingSettings().postMaxLines);
    if (event.affectsConfiguration('sclive.statusBar.showLevel')) {
      this.meters.updateRunning();
      this.statusBar.showLevelChanged();
    }
    this.controller.applyLiveSettings();
    // Declared servers take the default server's options they do not set: a change reaches them (a running one at its next boot).
    const inherited = this.servers.severalServers && INHERITED_FIELDS.some((field) => event.affectsConfiguration(`sclive.server.${field}`));
    if (event.affectsConfiguration('sclive.servers') || inherited) void this.servers.reload();
    const server = this.controller.server;
    if (!server || server.state !== 'running' || !server.ownsProcess) return;
    if (REBOOT_SETTINGS.some((section) => event.affectsConfiguration(section))) {
      void vscode.window.showInformationMessage('SuperCollider server settings changed. They apply when the server boots again.', 'Reboot Now').then((choice) => {
        if (choice) void this.controller.reboot();
      });
    }
  }
}
