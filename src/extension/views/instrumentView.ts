// What the Meters and Scope views share: a webview view fed by synths this client runs on the
// server, attached to each new server run, and running only while it is wanted (visible).
import * as vscode from 'vscode';
import { DisposableStore } from '../../core';
import type { SCServer } from '../../core';
import type { ActiveServerRuns } from '../server/serverRuns';
import { webviewHtml, webviewOptions } from './webviewHtml';

export abstract class InstrumentView implements vscode.WebviewViewProvider, vscode.Disposable {
  protected view: vscode.WebviewView | undefined;
  protected server: SCServer | undefined;
  private followed: ActiveServerRuns | undefined;
  private readonly subscriptions = new DisposableStore();

  /** `page`: the media/ files (`<name>.js`, `<name>.css`), the title and the body of the view's page. */
  constructor(private readonly extensionUri: vscode.Uri, private readonly page: { name: string; title: string; body: string }) {}

  /**
   * Called last by the subclass's constructor (its fields are set by then): attach to the active
   * server; one left behind (another made active) stops its instrument. With several servers the
   * view's header names the one it shows.
   */
  protected follow(servers: ActiveServerRuns): void {
    this.followed = servers;
    this.subscriptions.add(servers.onDidChangeName((name) => {
      if (this.view) this.view.description = name;
    }));
    this.subscriptions.add(servers.forEachServer((server, run) => {
      this.server = server;
      this.attach(server, run);
      run.add({
        dispose: () => {
          this.setRunning(server, false);
          if (this.server === server) this.server = undefined;
        },
      });
      this.updateRunning();
    }));
  }

  /** Shows the server named `name` (a row's Show Meters / Show Scope); undefined: the active one again. */
  showServer(name: string | undefined): void {
    this.followed?.choose(name);
  }

  get visible(): boolean {
    return !!this.view?.visible;
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    view.description = this.followed?.name;
    view.webview.options = webviewOptions(this.extensionUri);
    view.webview.html = webviewHtml(view.webview, this.extensionUri, this.page.name, this.page.title, this.page.body);
    view.webview.onDidReceiveMessage((message: unknown) => (isHushRequest(message) ? void vscode.commands.executeCommand('sclive.server.hush') : this.received(message)));
    view.onDidChangeVisibility(() => this.updateRunning());
    view.onDidDispose(() => {
      this.view = undefined;
      this.updateRunning();
    });
    this.updateRunning();
  }

  /** Starts or stops the instrument on the current server as `wanted()` says. */
  updateRunning(): void {
    if (this.server) this.setRunning(this.server, this.wanted());
  }

  dispose(): void {
    this.subscriptions.dispose();
  }

  /** Listens to a new server's instrument; what it adds to `run` ends with that run. */
  protected abstract attach(server: SCServer, run: DisposableStore): void;

  /** Starts the instrument if `running` and it is not, stops it if not `running` and it is. */
  protected abstract setRunning(server: SCServer, running: boolean): void;

  /** Whether the instrument should run: by default while the view is visible. */
  protected wanted(): boolean {
    return this.visible;
  }

  /** A message from the view's page. */
  protected received(_message: unknown): void {}
}

/** The page asks for Hush (Ctrl+. pressed in it). */
export function isHushRequest(message: unknown): boolean {
  return (message as { type?: unknown })?.type === 'hush';
}
