// SuperCollider's help beside the editor: pages SCDoc renders (HelpRenderer, a sclang of its
// own), shown in a webview that loads them itself (no HTTP server, no fixed port), in the
// theme's colours, with working links and anchors, back and forward, and code examples that
// run with Ctrl+Enter / Shift+Enter through the window's sclang.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { evaluationRange, prepareHelpHtml } from '../../core';
import type { HelpPage, HelpRenderer } from '../../core';
import type { ExtensionLog } from '../log/extensionLog';
import type { SclangController } from '../sclang/sclangController';

type HelpMessage = { type: 'open' | 'external'; href: string } | { type: 'back' | 'forward' | 'search' | 'hush' } | { type: 'evaluate'; text: string; start: number; end: number; scope: 'block' | 'line' } | { type: 'shown'; title: string; examples: number };

export class HelpPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private history: HelpPage[] = [];
  private position = -1;
  private readonly onDidShowEmitter = new vscode.EventEmitter<{ title: string; examples: number; file: string }>();
  /** A page is on screen (its title, how many code examples it holds). */
  readonly onDidShow = this.onDidShowEmitter.event;
  private readonly onDidEvaluateEmitter = new vscode.EventEmitter<string>();
  /** Code of an example was sent to sclang (what Ctrl+Enter / Shift+Enter picked). */
  readonly onDidEvaluate = this.onDidEvaluateEmitter.event;
  /** The last page shown (for tests and the log). */
  lastShown: { title: string; examples: number; file: string } | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly renderer: HelpRenderer,
    private readonly sclang: SclangController,
    private readonly log: ExtensionLog,
  ) {}

  /** Opens the page of a topic (a class, a document title, or a help path such as "Classes/Pbind"). */
  async show(topic: string): Promise<void> {
    const page = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `SuperCollider: help for ${topic}` }, () => this.renderer.page(topic));
    await this.navigate(page, true);
  }

  dispose(): void {
    this.panel?.dispose();
    this.onDidShowEmitter.dispose();
    this.onDidEvaluateEmitter.dispose();
  }

  private async navigate(page: HelpPage, push: boolean): Promise<void> {
    const panel = await this.ensurePanel();
    if (push) {
      this.history = this.history.slice(0, this.position + 1);
      this.history.push(page);
      this.position = this.history.length - 1;
    }
    const webview = panel.webview;
    const pageDir = path.dirname(page.file);
    panel.webview.html = prepareHelpHtml(readFileSync(page.file, 'utf8'), {
      resourceUri: (file) => webview.asWebviewUri(vscode.Uri.file(file)).toString(),
      resolve: (reference) => path.resolve(pageDir, reference),
      cspSource: webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'help.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'help.css')).toString(),
      anchor: page.anchor,
    });
    panel.title = `Help: ${path.basename(page.file, '.html')}`;
    panel.reveal(undefined, true);
  }

  private async ensurePanel(): Promise<vscode.WebviewPanel> {
    if (this.panel) return this.panel;
    const helpFolder = await this.renderer.helpFolder();
    const panel = vscode.window.createWebviewPanel('sclive.help', 'SuperCollider Help', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true,
      enableFindWidget: true,
      retainContextWhenHidden: true,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'media'), vscode.Uri.file(helpFolder)],
    });
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'supercollider.svg');
    panel.onDidDispose(() => {
      this.panel = undefined;
      this.history = [];
      this.position = -1;
    });
    panel.webview.onDidReceiveMessage((message: HelpMessage) => void this.received(message).catch((error: Error) => this.fail(error)));
    this.panel = panel;
    return panel;
  }

  private async received(message: HelpMessage): Promise<void> {
    switch (message.type) {
      case 'open': {
        const from = this.history[this.position];
        if (!from) return;
        await this.navigate(await this.renderer.linkTarget(from.file, message.href), true);
        return;
      }
      case 'external':
        await vscode.env.openExternal(vscode.Uri.parse(message.href));
        return;
      case 'back':
      case 'forward': {
        const next = this.position + (message.type === 'back' ? -1 : 1);
        if (next < 0 || next >= this.history.length) return;
        this.position = next;
        await this.navigate(this.history[next], false);
        return;
      }
      case 'hush':
        await vscode.commands.executeCommand('sclive.server.hush');
        return;
      case 'search':
        await vscode.commands.executeCommand('sclive.help.search');
        return;
      case 'evaluate': {
        // As in SuperCollider's IDE: the example runs in the window's sclang, results in the post window.
        const range = evaluationRange(message.text, message.start, message.end, message.scope);
        const code = message.text.slice(range.start, range.end);
        if (!code.trim()) return;
        this.onDidEvaluateEmitter.fire(code);
        const result = await this.sclang.evaluate(code);
        if (result.status !== 'ok') this.sclang.post.show();
        return;
      }
      case 'shown': {
        const page = this.history[this.position];
        this.lastShown = { title: message.title.replace(/ \|.*$/, ''), examples: message.examples, file: page?.file ?? '' };
        void this.panel?.webview.postMessage({ type: 'history', canGoBack: this.position > 0, canGoForward: this.position < this.history.length - 1 });
        this.onDidShowEmitter.fire(this.lastShown);
        return;
      }
    }
  }

  private fail(error: Error): void {
    this.log.warn(`Help: ${error.message}`);
    void vscode.window.showWarningMessage(error.message);
  }
}
