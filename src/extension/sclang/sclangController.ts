// sclang for this window: started on the first evaluation, sharing the extension's server.
import * as vscode from 'vscode';
import { DisposableStore, Emitter, highestNodeIdsByClient, SCLang } from '../../core';
import type { EvaluationResult, SclangState, SCServer } from '../../core';
import type { ServerController } from '../server/serverController';
import { readLiveCodingSettings, saveBootServer } from '../settings';
import type { ExtensionLog } from '../log/extensionLog';
import { PostWindow } from './postWindow';
import type { SclangGui } from './sclangGui';

/** What sclang posts when code uses a server that does not run. */
const SERVER_NOT_RUNNING = /^(WARNING: )?server '.*' not running\.?$/i;
/** Code that plays on the server (a pattern plays silently into nowhere without one; `.add` does not play). */
const PLAYS = /\.play\b|\bSynth(\.new)?\(/;

export class SclangController implements vscode.Disposable {
  private lang: SCLang | undefined;
  private starting: Promise<SCLang> | undefined;
  /** sclang following the extension's server (see attachToServer); evaluations wait for it. */
  private attaching: Promise<void> | undefined;
  /** The port of a server sclang booted itself and the extension joined. */
  private sclangServerPort: number | undefined;
  /** Each SCServer is one run of a server: sclang treats a new one as a reboot. */
  private readonly runIds = new WeakMap<SCServer, number>();
  private nextRunId = 1;
  private readonly langDisposables = new DisposableStore();
  private readonly onDidCompileEmitter = new Emitter<void>();
  /** sclang compiled its class library (a start, a restart, a recompile). */
  readonly onDidCompile = this.onDidCompileEmitter.event;
  private readonly onNodePlayerEmitter = new Emitter<string>();
  /** A Pdef's player made nodes (see SCLang.onNodePlayer): the Node Tree names them. */
  readonly onNodePlayer = this.onNodePlayerEmitter.event;
  private readonly subscriptions = new DisposableStore();
  readonly statusItem: vscode.StatusBarItem;

  constructor(private readonly serverController: ServerController, readonly post: PostWindow, private readonly log: ExtensionLog, private readonly gui?: SclangGui) {
    this.statusItem = vscode.window.createStatusBarItem('sclive.sclang', vscode.StatusBarAlignment.Left, 9);
    this.statusItem.name = 'sclang';
    this.statusItem.command = 'sclive.post.show';
    this.subscriptions.add(serverController.onDidChangeState((state) => {
      // With several servers, sclang follows the active one: the default server's changes matter only while it is active.
      if (this.serverController.activeElsewhere?.()) return;
      if (state === 'running') void this.attachToServer();
      else if (state === 'stopped' || state === 'crashed') void this.serverGone();
    }));
    // Quit and Reboot of a server sclang booted go through sclang, which owns the process.
    serverController.setExternalOwner({
      owns: (scServer) => this.sclangServerPort !== undefined && !scServer.ownsProcess && scServer.isLocal && scServer.addr[1] === this.sclangServerPort,
      quit: () => this.evaluateQuietly('Server.default.quit'),
      reboot: () => this.evaluateQuietly('Server.default.reboot'),
    });
    // Reboot and Restore: sclang notes the proxies that play before the frozen server is
    // killed, and plays them again once it follows the new one. A busy sclang is not waited for.
    serverController.setRestorer({
      notePlaying: async () => {
        const lang = this.lang;
        if (!lang?.processRunning) return;
        if (lang.state !== 'idle') {
          // Not waited for: the reboot goes on, and the musician knows what will not come back by itself.
          this.post.post('[sclive] Reboot and Restore: sclang is busy, so the Ndefs and proxies that play cannot be noted; evaluate them again after the reboot (patterns go on by themselves).');
          return;
        }
        const count = await lang.notePlaying();
        this.log.info(`Reboot and Restore: ${count} monitored prox${count === 1 ? 'y' : 'ies'} to play again.`);
      },
      restorePlaying: async () => {
        await this.attaching?.catch(() => undefined);
        const lang = this.lang;
        if (!lang?.processRunning || lang.state === 'compiling') return;
        const count = await lang.restorePlaying();
        if (count) this.post.post(`[sclive] Reboot and Restore: ${count} prox${count === 1 ? 'y plays' : 'ies play'} again.`);
      },
      stopPlaying: async () => {
        const lang = this.lang;
        if (lang?.processRunning && lang.state !== 'compiling') await lang.hush();
      },
    });
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
    if (this.lang?.processRunning && this.lang.state !== 'compiling') return this.lang;
    this.starting ??= this.start().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async start(): Promise<SCLang> {
    this.langDisposables.dispose();
    this.lang?.dispose();
    const lang = new SCLang({ sclangPath: readLiveCodingSettings().sclangPath, logger: this.log, languageConfigPath: this.gui?.languageConfigPath() });
    this.lang = lang;
    this.langDisposables.add(lang.onPost((line) => {
      if (this.gui?.keepsPostLine(line) ?? true) this.post.post(line);
    }));
    // s.scope, s.meter, s.plotTree, .plot: sclang asks for the editor's views (sclangGui.ts).
    this.langDisposables.add(lang.onGuiRequest((json) => this.gui?.handle(json)));
    this.langDisposables.add(lang.onNodePlayer((detail) => this.onNodePlayerEmitter.fire(detail)));
    this.langDisposables.add(lang.onDidChangeState((state) => this.updateStatus(state)));
    this.langDisposables.add(lang.onServerBooted((port) => void this.serverBootedBySclang(port)));
    this.langDisposables.add(lang.onServerQuit((port) => void this.serverQuitBySclang(port)));
    this.langDisposables.add(lang.onExit((exit) => {
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
    this.onDidCompileEmitter.fire();
    await this.attachToServer();
    return lang;
  }

  async evaluate(code: string): Promise<EvaluationResult> {
    const lang = await this.ensureStarted();
    const { bootServer } = readLiveCodingSettings();
    if (bootServer === 'always' && (this.serverController.state === 'stopped' || this.serverController.state === 'crashed')) await this.serverController.boot();
    // Code evaluated right after a (re)boot plays on the new server, with its boot actions run.
    await this.attaching?.catch(() => undefined);
    const result = await lang.evaluate(code);
    if (bootServer === 'ask' && (result.output.some((line) => SERVER_NOT_RUNNING.test(line)) || (PLAYS.test(code) && this.serverController.state !== 'running'))) void this.offerBoot();
    return result;
  }

  /**
   * Code run quietly (not echoed, nothing started) when sclang runs and is idle; undefined when
   * it does not (completion asks, and must never wait behind the musician's evaluations).
   */
  async queryIfIdle(code: string, timeoutMs = 3000): Promise<EvaluationResult | undefined> {
    const lang = this.lang;
    if (!lang?.processRunning || lang.state !== 'idle' || lang.backgroundQueryOverdue) return undefined;
    return lang.evaluate(code, { print: false, timeoutMs, background: true });
  }

  private offeringBoot = false;
  private lastHushAt = -Infinity;

  /** sclang said the server is not running: nothing sounds until it boots. */
  private async offerBoot(): Promise<void> {
    if (this.offeringBoot || this.serverController.state === 'running' || this.serverController.state === 'booting') return;
    this.offeringBoot = true;
    try {
      const choice = await vscode.window.showInformationMessage('The SuperCollider server is not running, so nothing sounds. Boot it?', 'Boot Server', 'Always Boot', 'Never Ask');
      if (choice === 'Always Boot' || choice === 'Never Ask') {
        await saveBootServer(choice === 'Always Boot' ? 'always' : 'never');
      }
      if (choice === 'Boot Server' || choice === 'Always Boot') await this.serverController.boot();
    } finally {
      this.offeringBoot = false;
    }
  }

  private async evaluateQuietly(code: string): Promise<void> {
    const lang = this.lang;
    if (!lang?.processRunning) throw new Error('sclang is not running.');
    const result = await lang.evaluate(code, { print: false, timeoutMs: 5000 });
    if (result.status !== 'ok') throw new Error(`sclang could not run ${code}: ${result.output.join(' ')}`);
  }

  /**
   * Stops the sound now: the server is hushed with one bundle that needs no reply (it works
   * on a saturated server), and sclang runs CmdPeriod (routines and patterns stop) without
   * being waited for: a busy sclang must not hold up the silence.
   */
  hush(): void {
    // One key press can arrive twice (VS Code forwards a webview's keys, and the page asks too).
    const now = performance.now();
    if (now - this.lastHushAt < 150) return;
    this.lastHushAt = now;
    // With several servers, the active one (sclang's s follows it, so CmdPeriod frees it too).
    const elsewhere = this.serverController.activeElsewhere?.();
    if (elsewhere) {
      if (elsewhere.state === 'running') elsewhere.hush();
      this.runCmdPeriod();
      return;
    }
    const server = this.serverController.server;
    // A server that does not answer may never hear the hush: no pretending, the way back is
    // offered. The bundle still goes (a saturated server takes it when it catches up); sclang's
    // patterns keep their place, so Reboot and Restore can bring them back (Reboot Silent stops them).
    if (this.serverController.unresponsive) {
      server?.hush();
      void this.serverController.offerRecovery(true);
      return;
    }
    if (server?.state === 'running') server.hush();
    const lang = this.lang;
    if (lang?.processRunning && lang.state !== 'compiling') {
      void lang.hush().catch((error: Error) => this.log.warn(`sclang did not run CmdPeriod: ${error.message}`));
    }
  }

  /** sclang's CmdPeriod (routines and patterns stop, its server's nodes are freed), not waited for. */
  runCmdPeriod(): void {
    const lang = this.lang;
    if (lang?.processRunning && lang.state !== 'compiling') {
      void lang.hush().catch((error: Error) => this.log.warn(`sclang did not run CmdPeriod: ${error.message}`));
    }
  }

  async restart(): Promise<void> {
    await this.lang?.stop();
    await this.ensureStarted();
  }

  async stop(): Promise<void> {
    await this.lang?.stop();
  }

  /**
   * Makes sclang's `s` the extension's server (sclang keeps its own client id), as if
   * `s.reboot` had run in sclang when this is a new run of the server: ServerQuit, then
   * ServerBoot (the default SynthDef and every .add-ed def) and ServerTree.
   */
  private attachToServer(): Promise<void> {
    const server = this.serverController.activeElsewhere?.() ?? this.serverController.server;
    const lang = this.lang;
    if (!lang?.processRunning || lang.state === 'compiling' || server?.state !== 'running' || !server.isLocal) return Promise.resolve();
    if (server.protocol === 'tcp') {
      // sclang's Server talks UDP; a -t server has no UDP port to follow.
      this.post.post(`[sclive] sclang's s cannot follow the server at ${server.addr.join(':')}: it is reached over TCP. It stays on the previous server.`);
      return Promise.resolve();
    }
    if (!this.runIds.has(server)) this.runIds.set(server, this.nextRunId++);
    const attaching = lang.attachToServer(server.addr[1], server.maxLogins, this.runIds.get(server))
      // A restarted sclang starts its node ids past its predecessor's synths that still sound.
      .then(() => lang.skipLiveNodeIds(highestNodeIdsByClient(server.nodeWatcher.nodeIds())))
      .catch((error: Error) => {
        this.log.warn(`sclang could not attach to the server: ${error.message}`);
        this.post.post(`[sclive] sclang could not follow the server on port ${server.addr[1]}: ${error.message}`);
      });
    this.attaching = attaching.finally(() => {
      if (this.attaching === attaching) this.attaching = undefined;
    });
    return this.attaching;
  }

  /**
   * Several servers: the active server changed, or the active one started or stopped. sclang's
   * `s` follows it as it follows a reboot (ServerQuit, ServerBoot with every .add-ed SynthDef, ServerTree).
   */
  followActiveServer(): Promise<void> {
    const server = this.serverController.activeElsewhere?.() ?? this.serverController.server;
    if (server?.state === 'running') return this.attachToServer();
    return this.serverGone();
  }

  /** The extension's server stopped: sclang's `s` quits too (ServerQuit runs), unless sclang owns it. */
  private async serverGone(): Promise<void> {
    const lang = this.lang;
    if (!lang?.processRunning || lang.state === 'compiling' || this.sclangServerPort !== undefined) return;
    await lang.detachFromServer().catch((error: Error) => this.log.warn(`sclang could not let go of the server: ${error.message}`));
  }

  /** sclang booted a server itself (s.boot): the extension attaches to it as another client. */
  private async serverBootedBySclang(port: number): Promise<void> {
    const current = this.serverController.server;
    if (current?.state === 'running' || current?.state === 'booting') return;
    this.sclangServerPort = port;
    this.log.info(`sclang booted a server on port ${port}; connecting to it.`);
    await this.serverController.connect('127.0.0.1', port);
  }

  /** sclang's own server quit (s.quit, or its process exited): the extension lets go of it too. */
  private async serverQuitBySclang(port: number): Promise<void> {
    if (this.sclangServerPort !== port) return;
    this.sclangServerPort = undefined;
    const current = this.serverController.server;
    if (current && !current.ownsProcess && current.addr[1] === port && current.state === 'running') {
      this.log.info(`sclang's server on port ${port} quit; disconnecting.`);
      await this.serverController.disconnect();
    }
  }

  private busyTimer: NodeJS.Timeout | undefined;
  private offeredRestart = false;

  /** While sclang is busy: how long, in the status item; past a set time, the offer to restart it. */
  private tickBusy(): void {
    const since = this.lang?.busySince;
    if (since === undefined) return;
    const seconds = Math.floor((performance.now() - since) / 1000);
    if (seconds >= 1) this.statusItem.text = `$(sync~spin) sclang busy ${seconds} s`;
    const limit = readLiveCodingSettings().busyWarningSeconds;
    if (limit > 0 && seconds >= limit && !this.offeredRestart) {
      this.offeredRestart = true;
      void vscode.window.showWarningMessage(
        `sclang has been busy for ${seconds} s: the code it runs may never end (an endless loop?). Hush cannot stop it. Restart sclang? Its interpreter variables (a-z, ~names) are lost; the server and its sounds stay.`,
        'Restart sclang',
        'Keep Waiting',
      ).then((choice) => {
        if (choice === 'Restart sclang') void this.restart();
      });
    }
  }

  private readonly onDidChangeStateEmitter = new Emitter<SclangState>();
  /** sclang became idle, busy, stopped... (what plays is read again when it is idle). */
  readonly onDidChangeState = this.onDidChangeStateEmitter.event;

  private updateStatus(state: SclangState): void {
    this.onDidChangeStateEmitter.fire(state);
    const labels: Record<SclangState, string> = { stopped: 'sclang stopped', compiling: 'sclang compiling', idle: 'sclang idle', busy: 'sclang busy' };
    const icons: Record<SclangState, string> = { stopped: 'circle-slash', compiling: 'loading~spin', idle: 'terminal', busy: 'sync~spin' };
    this.statusItem.text = `$(${icons[state]}) ${labels[state]}`;
    this.statusItem.tooltip = 'SuperCollider language (sclang). Click to show the post window.';
    clearInterval(this.busyTimer);
    this.busyTimer = undefined;
    if (state === 'busy') {
      this.offeredRestart = false;
      this.busyTimer = setInterval(() => this.tickBusy(), 1000);
    }
    void vscode.commands.executeCommand('setContext', 'sclive.sclangState', state);
    if (state === 'stopped') this.statusItem.hide();
    else this.statusItem.show();
  }

  async dispose(): Promise<void> {
    clearInterval(this.busyTimer);
    await this.lang?.stop().catch(() => undefined);
    this.lang?.dispose();
    this.langDisposables.dispose();
    this.subscriptions.dispose();
    this.statusItem.dispose();
  }
}
