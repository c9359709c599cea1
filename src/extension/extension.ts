// Activation: one context (context.ts) holds everything; deactivation disposes it.
import * as vscode from 'vscode';
import { ScliveContext } from './context';
import type { ExtensionLog } from './log/extensionLog';
import type { ServerOutput } from './log/serverOutput';
import type { SclangController } from './sclang/sclangController';
import type { ServerController } from './server/serverController';
import type { NodeTreeElement, NodeTreeProvider } from './views/nodeTreeView';
import type { ServerStatusBar } from './views/statusBar';
import type { MetersView } from './views/metersView';
import type { ScopeView } from './views/scopeView';
import type { ClassIndexService } from './language/classIndexService';
import type { HelpPanel } from './views/helpPanel';
import type { PlotPanel } from './views/plotPanel';
import type { Players } from './sclang/players';
import type { ServerSetController } from './server/serverSetController';

/** What the extension hands out (used by its tests, and by other extensions if they like). */
export interface SuperColliderLiveApi {
  controller: ServerController;
  nodeTree: NodeTreeProvider;
  nodeTreeView: vscode.TreeView<NodeTreeElement>;
  statusBar: ServerStatusBar;
  log: ExtensionLog;
  serverOutput: ServerOutput;
  sclang: SclangController;
  meters: MetersView;
  scope: ScopeView;
  classIndex: ClassIndexService;
  help: HelpPanel;
  plot: PlotPanel;
  players: Players;
  /** The servers of sclive.servers beside the default one (several servers). */
  servers: ServerSetController;
}

let context: ScliveContext | undefined;

export function activate(extension: vscode.ExtensionContext): SuperColliderLiveApi {
  try {
    context = new ScliveContext(extension);
  } catch (error) {
    console.error('SuperCollider Live could not start:', error);
    void vscode.window.showErrorMessage(`SuperCollider Live could not start: ${(error as Error).message}`);
    throw error;
  }
  // Keys that work anywhere in a SuperCollider window (Ctrl+. from a view or the help page) ask for this.
  void vscode.commands.executeCommand('setContext', 'sclive.active', true);
  context.bootOnStartup();
  const { controller, nodeTree, nodeTreeView, statusBar, log, serverOutput, sclang, meters, scope, classIndex, help, plot, players } = context;
  return { controller, nodeTree, nodeTreeView, statusBar, log, serverOutput, sclang, meters, scope, classIndex, help, plot, players, servers: context.servers };
}

export async function deactivate(): Promise<void> {
  const ending = context;
  context = undefined;
  await ending?.dispose();
}
