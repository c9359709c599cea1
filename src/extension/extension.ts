// Activation: one controller for the window's server, the views on it, and the commands.
import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { NodeTreeElement, NodeTreeProvider } from './nodeTreeView';
import { ServerController } from './serverController';
import { ServerLog } from './serverLog';
import { REBOOT_SETTINGS, readLiveCodingSettings, readSettings } from './settings';
import { ServerStatusBar } from './statusBar';
import { PostWindow } from './postWindow';
import { SclangController } from './sclangController';
import { registerEvaluation } from './evaluation';

/** What the extension hands out (used by its tests, and by other extensions if they like). */
export interface SuperColliderLiveApi {
  controller: ServerController;
  nodeTree: NodeTreeProvider;
  nodeTreeView: vscode.TreeView<NodeTreeElement>;
  statusBar: ServerStatusBar;
  log: ServerLog;
  sclang: SclangController;
}

let controller: ServerController | undefined;
let sclang: SclangController | undefined;

export function activate(context: vscode.ExtensionContext): SuperColliderLiveApi {
  const log = new ServerLog();
  context.subscriptions.push(log);
  try {
    controller = new ServerController(log);
    const nodeTree = new NodeTreeProvider(controller);
    const treeView = vscode.window.createTreeView('sclive.nodeTree', { treeDataProvider: nodeTree, showCollapseAll: true });
    const statusBar = new ServerStatusBar(controller);
    context.subscriptions.push(nodeTree, treeView, statusBar);
    // Whatever changed while the view was hidden is read afresh when it shows.
    context.subscriptions.push(treeView.onDidChangeVisibility((event) => event.visible && nodeTree.refresh()));
    context.subscriptions.push(treeView.onDidExpandElement((event) => nodeTree.expanded(event.element)));
    context.subscriptions.push(treeView.onDidCollapseElement((event) => nodeTree.collapsed(event.element)));
    context.subscriptions.push({ dispose: controller.onDidChangeServer((server) => (treeView.description = server ? server.addr.join(':') : undefined)).dispose });
    registerCommands(context, controller, nodeTree, log);
    const post = new PostWindow(readLiveCodingSettings().postMaxLines);
    sclang = new SclangController(controller, post, log);
    context.subscriptions.push(post);
    registerEvaluation(context, sclang, log, nodeTree);
    // scsynth's output in the post window too, as in SuperCollider's IDE: a failed /s_new is
    // why the music is silent, and the musician looks here, not in the server log.
    context.subscriptions.push(controller.onServerOutput((line) => {
      if (post.postServerLine(line.text) && readLiveCodingSettings().openPostOnError) post.show();
    }));
    context.subscriptions.push(vscode.workspace.onDidChangeConfiguration((event) => configurationChanged(event, controller!, post)));
    maybeBootOnStartup(controller, log);
    return { controller, nodeTree, nodeTreeView: treeView, statusBar, log, sclang };
  } catch (error) {
    log.error(`Activation failed: ${(error as Error).stack ?? error}`);
    void vscode.window.showErrorMessage(`SuperCollider Live could not start: ${(error as Error).message}`, 'Show Log').then((choice) => choice && log.show());
    throw error;
  }
}

export async function deactivate(): Promise<void> {
  // Stops sclang and quits the server this window started; leaves remote servers alone.
  await Promise.all([sclang?.dispose(), controller?.dispose()]);
  sclang = undefined;
  controller = undefined;
}

function maybeBootOnStartup(controller: ServerController, log: ServerLog): void {
  try {
    if (readSettings().bootOnStartup) void controller.boot();
  } catch (error) {
    log.warn(`Not booting on startup: ${(error as Error).message}`);
  }
}

/** The one listener for settings changes: what applies at once is applied, a reboot is offered for the rest. */
function configurationChanged(event: vscode.ConfigurationChangeEvent, controller: ServerController, post: PostWindow): void {
  if (!event.affectsConfiguration('sclive')) return;
  if (event.affectsConfiguration('sclive.post.maxLines')) post.setMaxLines(readLiveCodingSettings().postMaxLines);
  controller.applyLiveSettings();
  const server = controller.server;
  if (!server || server.state !== 'running' || !server.ownsProcess) return;
  if (REBOOT_SETTINGS.some((section) => event.affectsConfiguration(section))) {
    void vscode.window.showInformationMessage('SuperCollider server settings changed. They apply when the server boots again.', 'Reboot Now').then((choice) => {
      if (choice) void controller.reboot();
    });
  }
}
