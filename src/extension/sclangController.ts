// sclang for this window: started on the first evaluation, sharing the extension's server.
import * as vscode from 'vscode';
import { DisposableStore } from '../core/events';
import { EvaluationResult, SCLang, SclangState } from '../core/sclang';
import type { ServerController } from './serverController';
import type { ServerLog } from './serverLog';
import { PostWindow } from './postWindow';

export class SclangController implements vscode.Disposable {
  private lang: SCLang | undefined;
  private starting: Promise<SCLang> | undefined;
  private readonly langScope = new DisposableStore();
  private readonly subscriptions = new DisposableStore();
  readonly statusItem: vscode.StatusBarItem;

  constructor(private readonly server: ServerController, readonly post: PostWindow, private readonly log: ServerLog) {
    this.statusItem = vscode.window.createStatusBarItem('sclive.sclang', vscode.StatusBarAlignment.Left, 9);
    this.statusItem.name = 'sclang';
    this.statusItem.command = 'sclive.post.show';
    this.subscriptions.add(server.onDidChangeState((state) => {
      if (state === 'running') void this.attachToServer();
    }));
    this.updateStatus('stopped');
  }

  get state(): SclangState {
    return this.lang?.state ?? 'stopped';
  }

  get pid(): number | undefined {
    return this.lang?.pid;
  }

  /** The running sclang, started (and attached to the server) when needed. */
  async ensureStarted(): Promise<SCLang> {
    if (this.lang?.isRunning && this.lang.state !== 'compiling') return this.lang;
    this.starting ??= this.start().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async start(): Promise<SCLang> {
    this.langScope.dispose();
    this.lang?.dispose();
    const config = vscode.workspace.getConfiguration('sclive');
    const lang = new SCLang({ sclangPath: config.get<string>('sclangPath')?.trim() || undefined, logger: this.log });
    this.lang = lang;
    this.langScope.add(lang.onPost((line) => this.post.post(line)));
    this.langScope.add(lang.onDidChangeState((state) => this.updateStatus(state)));
    this.langScope.add(lang.onServerBooted((port) => void this.serverBootedBySclang(port)));
    this.langScope.add(lang.onExit((exit) => {
      if (!exit.expected) {
        void vscode.window.showWarningMessage(`sclang exited (${exit.signal ?? `code ${exit.code}`}). It starts again with the next evaluation.`, 'Show Post Window').then((choice) => choice && this.post.show());
      }
    }));
    this.post.post('[sclive] Starting sclang...');
    try {
      await lang.start();
    } catch (error) {
      this.post.show();
      throw error;
    }
    await this.attachToServer();
    return lang;
  }

  async evaluate(code: string): Promise<EvaluationResult> {
    const lang = await this.ensureStarted();
    return lang.evaluate(code);
  }

  /** CmdPeriod in sclang and Free All on the server. */
  async hush(): Promise<void> {
    const tasks: Array<Promise<unknown>> = [];
    if (this.lang?.isRunning && this.lang.state !== 'compiling') tasks.push(this.lang.hush());
    const server = this.server.server;
    if (server?.state === 'running') tasks.push(server.freeAll());
    await Promise.all(tasks);
  }

  async restart(): Promise<void> {
    await this.lang?.stop();
    await this.ensureStarted();
  }

  async stop(): Promise<void> {
    await this.lang?.stop();
  }

  /** Makes sclang's `s` the extension's server (sclang keeps its own client id). */
  private async attachToServer(): Promise<void> {
    const server = this.server.server;
    const lang = this.lang;
    if (!lang?.isRunning || lang.state === 'compiling' || server?.state !== 'running' || !server.isLocal) return;
    try {
      await lang.attachToServer(server.addr[1], server.maxLogins);
    } catch (error) {
      this.log.warn(`sclang could not attach to the server: ${(error as Error).message}`);
    }
  }

  /** sclang booted a server itself (s.boot): the extension attaches to it as another client. */
  private async serverBootedBySclang(port: number): Promise<void> {
    const current = this.server.server;
    if (current?.state === 'running' || current?.state === 'booting') return;
    this.log.info(`sclang booted a server on port ${port}; connecting to it.`);
    await this.server.connect('127.0.0.1', port);
  }

  private updateStatus(state: SclangState): void {
    const labels: Record<SclangState, string> = { stopped: 'sclang stopped', compiling: 'sclang compiling', idle: 'sclang idle', busy: 'sclang busy' };
    const icons: Record<SclangState, string> = { stopped: 'circle-slash', compiling: 'loading~spin', idle: 'terminal', busy: 'sync~spin' };
    this.statusItem.text = `$(${icons[state]}) ${labels[state]}`;
    this.statusItem.tooltip = 'SuperCollider language (sclang). Click to show the post window.';
    void vscode.commands.executeCommand('setContext', 'sclive.sclangState', state);
    if (state === 'stopped') this.statusItem.hide();
    else this.statusItem.show();
  }

  async dispose(): Promise<void> {
    await this.lang?.stop().catch(() => undefined);
    this.lang?.dispose();
    this.langScope.dispose();
    this.subscriptions.dispose();
    this.statusItem.dispose();
  }
}
