// Owns the server of this window: one SCServer per run, the user-facing errors, context keys.
import * as vscode from 'vscode';
import { BootCancelledError, BootError, DisposableStore, Emitter, PortInUseError, SCServer } from '../../core';
import type { ProcessLine, ServerState, StateChange } from '../../core';
import { ExtensionSettings, readSettings } from '../settings';
import { showUserError } from '../commands/userErrors';
import type { ExtensionLog } from '../log/extensionLog';
import type { ServerOutput } from '../log/serverOutput';

/** Who owns a server the extension joined but did not start (sclang, when it booted it). */
export interface ExternalServerOwner {
  owns(server: SCServer): boolean;
  quit(): Promise<void>;
  reboot(): Promise<void>;
}

/**
 * What the language brings back after Reboot and Restore that a new server does not bring by
 * itself (sclang: the proxies that were playing). Each step may fail or time out: the reboot
 * goes on without it.
 */
export interface ServerRestorer {
  /** Before the frozen server is killed: note what plays. */
  notePlaying(): Promise<void>;
  /** After the new server is running and the language follows it: play it again. */
  restorePlaying(): Promise<void>;
  /** Reboot Silent: the language stops its routines and patterns (CmdPeriod) instead. */
  stopPlaying(): Promise<void>;
}

export class ServerController implements vscode.Disposable {
  private current: SCServer | undefined;
  private externalOwner: ExternalServerOwner | undefined;
  private restorer: ServerRestorer | undefined;
  /** The frozen-server notification is on screen (shown once per freeze unless asked for), and since when. */
  private offeringRecovery = false;
  private offeredAt = 0;
  /** The Reboot and Restore in progress: a second click joins it. */
  private recovering: Promise<boolean> | undefined;
  /** Disposables of the current run: released when the next run starts or the window closes. */
  private readonly runDisposables = new DisposableStore();
  private volumeDb = 0;
  private mutedValue = false;
  private busy: Promise<unknown> | undefined;

  /** Who attaches to each new server (see forEachServer). */
  private readonly attachers = new Set<(server: SCServer, run: DisposableStore) => void>();
  private readonly onDidChangeStateEmitter = new Emitter<ServerState>();
  readonly onDidChangeState = this.onDidChangeStateEmitter.event;
  private readonly onServerOutputEmitter = new Emitter<ProcessLine>();
  /** Each line scsynth prints, when this window started it (for the post window). */
  readonly onServerOutput = this.onServerOutputEmitter.event;

  constructor(private readonly log: ExtensionLog, private readonly serverOutput: ServerOutput) {
    void this.updateContext();
  }

  /**
   * The second lifetime: `attach` runs for the current server and every later one, with
   * that server's run disposables. What it adds there is disposed when the next server replaces it
   * or the window closes, so no view keeps its own per-server bookkeeping.
   */
  forEachServer(attach: (server: SCServer, run: DisposableStore) => void): vscode.Disposable {
    this.attachers.add(attach);
    if (this.current) attach(this.current, this.runDisposables);
    return { dispose: () => void this.attachers.delete(attach) };
  }

  get server(): SCServer | undefined {
    return this.current;
  }

  get state(): ServerState {
    return this.current?.state ?? 'stopped';
  }

  /** The active server's volume (this controller's server's, or the declared one's when that is active). */
  get volume(): number {
    const elsewhere = this.activeElsewhere?.();
    return elsewhere ? elsewhere.volume : this.current?.volume ?? this.volumeDb;
  }

  get muted(): boolean {
    const elsewhere = this.activeElsewhere?.();
    return elsewhere ? elsewhere.muted : this.current?.muted ?? this.mutedValue;
  }

  /** Boots a local scsynth with the current settings. Errors are shown to the user. */
  async boot(): Promise<boolean> {
    if (this.state === 'running' || this.state === 'booting') {
      void vscode.window.showInformationMessage(`The SuperCollider server is already ${this.state}.`);
      return this.state === 'running';
    }
    return this.exclusive(async () => {
      const settings = this.settingsOrShowError();
      if (!settings) return false;
      const server = this.startRun(settings);
      try {
        await server.boot({
          scsynthPath: settings.scsynthPath,
          timeoutMs: settings.bootTimeoutMs,
          withBlip: settings.bootBlip,
          env: Object.keys(settings.env).length ? settings.env : undefined,
        });
        this.log.info(`Server running: ${server.commandLine ?? server.addr.join(':')}, client id ${server.clientId}.`);
        return true;
      } catch (error) {
        this.showBootError(error as Error);
        return false;
      } finally {
        void this.updateContext();
      }
    });
  }

  /** Attaches to a scsynth this window did not start (never stops it). */
  async connect(host: string, port: number): Promise<boolean> {
    if (this.state === 'running' || this.state === 'booting') {
      void vscode.window.showInformationMessage(`Quit the current server first: it is ${this.state}.`);
      return false;
    }
    return this.exclusive(async () => {
      const settings = this.settingsOrShowError();
      if (!settings) return false;
      const server = this.startRun(settings);
      try {
        await server.remote(host, port, { withBlip: false });
        this.log.info(`Connected to scsynth at ${host}:${port} as client ${server.clientId}.`);
        return true;
      } catch (error) {
        void showUserError(this.log, error, `Could not connect to scsynth at ${host}:${port}`);
        return false;
      } finally {
        void this.updateContext();
      }
    });
  }

  setExternalOwner(owner: ExternalServerOwner | undefined): void {
    this.externalOwner = owner;
  }

  setRestorer(restorer: ServerRestorer | undefined): void {
    this.restorer = restorer;
  }

  /** Whether the running server has stopped answering (frozen or saturated). */
  get unresponsive(): boolean {
    return this.current?.state === 'running' && this.current.unresponsive;
  }

  /**
   * One gesture back from a frozen server: the old process is killed however stuck it is (no
   * /quit, no waiting for replies), a new one boots with the same options, and what was playing
   * comes back: sclang follows the new server as after a reboot (ServerBoot, ServerTree, every
   * .add-ed SynthDef; its patterns never stopped), the proxies that were monitored play again,
   * and the volume, mute, meters and scope carry over to the new run.
   */
  rebootAndRestore(restore = true): Promise<boolean> {
    // Two clicks in one second (the notification and the palette) make one recovery, not a
    // second kill of the server the first one just booted.
    this.recovering ??= this.recover(restore).finally(() => (this.recovering = undefined));
    return this.recovering;
  }

  private async recover(restore: boolean): Promise<boolean> {
    const server = this.current;
    if (server && server.state === 'running' && !server.ownsProcess) {
      if (this.externalOwner?.owns(server)) {
        // sclang booted it: its own reboot stops an unresponsive server by its pid; the extension follows.
        await this.exclusive(() => server.kill());
        await this.externalOwner.reboot();
        return true;
      }
      void vscode.window.showWarningMessage(`The server at ${server.addr.join(':')} was not started here, so it cannot be rebooted from here: restart it where it runs, then connect again.`, 'Disconnect').then((choice) => {
        if (choice === 'Disconnect') void this.disconnect();
      });
      return false;
    }
    const started = performance.now();
    if (!restore) await this.restorer?.stopPlaying().catch((error: Error) => this.log.warn(`Stopping what plays before the reboot failed: ${error.message}`));
    const before = restore ? () => this.restorer?.notePlaying().catch((error: Error) => this.log.warn(`Noting what plays before the reboot failed: ${error.message}`)) : undefined;
    // A frozen server is killed; one that answers (again) is quit, its take closed after the last half.
    const booted = await this.restart(server, { frozen: !!server?.unresponsive, before });
    if (booted && restore) {
      await this.restorer?.restorePlaying().catch((error: Error) => this.log.warn(`Restoring what played failed: ${error.message}`));
      this.log.info(`Reboot and Restore: sound again after ${Math.round(performance.now() - started)} ms.`);
    }
    return booted;
  }

  /**
   * Ends `server`'s run and boots the next with the same options; a take being recorded goes on
   * in a next file of the new run. A frozen server is killed: its part ends without scsynth and
   * its header is repaired once the process is gone. One that answers is quit, its part closed
   * by scsynth after the last half.
   */
  private async restart(server: SCServer | undefined, how: { frozen: boolean; before?: () => Promise<unknown> | undefined }): Promise<boolean> {
    const carries = server?.state === 'running' && server.ownsProcess;
    const take = carries ? (how.frozen ? server.recorder.suspendFrozen() : await server.recorder.suspendForRestart()) : undefined;
    if (server && server.state !== 'stopped' && server.state !== 'crashed') {
      await how.before?.();
      await this.exclusive(() => (how.frozen ? server.kill() : server.quit()));
    }
    if (take && how.frozen) server!.recorder.repairFrozenPart(take);
    const booted = await this.boot();
    if (take) {
      const next = this.current;
      if (booted && next) await next.recorder.continueTake(take).catch((error: Error) => void vscode.window.showErrorMessage(`The recording could not go on after the reboot: ${error.message}`));
      else (next ?? server)?.recorder.endSuspendedTake(take);
    }
    return booted;
  }

  /**
   * The server stopped answering: say so at once and offer the way back. Shown once per freeze
   * by itself; `asked` (Ctrl+. on a frozen server) shows it again.
   */
  async offerRecovery(asked = false): Promise<void> {
    const server = this.current;
    if (!server || server.state !== 'running' || !server.unresponsive) return;
    // One on screen at a time; Ctrl+. shows it again only after a while (it may have gone to the notification centre).
    if (this.offeringRecovery && !(asked && performance.now() - this.offeredAt > 5000)) return;
    this.offeringRecovery = true;
    this.offeredAt = performance.now();
    const seconds = Math.max(1, Math.round(server.silentForMs / 1000));
    const canReboot = server.ownsProcess || !!this.externalOwner?.owns(server);
    const message = `The SuperCollider server has not answered for ${seconds} s: it is frozen or overloaded, and Hush may not be heard until it answers.` +
      (canReboot ? ' Reboot and Restore kills it, boots it again and brings back what was playing; Reboot Silent stops the patterns too.' : ' It was not started here: restart it where it runs.');
    try {
      const choice = await vscode.window.showWarningMessage(message, ...(canReboot ? ['Reboot and Restore', 'Reboot Silent'] : []), 'Show Log');
      // A click on an old notification acts on the run it spoke of, not on a server booted since.
      if ((choice === 'Reboot and Restore' || choice === 'Reboot Silent') && server !== this.current) void vscode.window.showInformationMessage('That server has already been rebooted.');
      else if (choice === 'Reboot and Restore' || choice === 'Reboot Silent') await this.rebootAndRestore(choice === 'Reboot and Restore');
      if (choice === 'Show Log') this.log.show();
    } finally {
      this.offeringRecovery = false;
    }
  }

  /** Whether Quit and Reboot can act on the current server (it was started here, or by sclang). */
  get canStopServer(): boolean {
    const server = this.current;
    return !!server && (server.ownsProcess || !!this.externalOwner?.owns(server));
  }

  /**
   * Stops the server, whoever booted it: a server sclang booted is quit through sclang, one
   * this window started is quit by it; a remote server is only disconnected from.
   */
  async quit(): Promise<void> {
    const server = this.current;
    if (!server || server.state === 'stopped' || server.state === 'crashed') {
      void vscode.window.showInformationMessage('No SuperCollider server is running.');
      return;
    }
    if (this.externalOwner?.owns(server)) {
      await this.externalOwner.quit().catch((error: Error) => this.log.warn(`sclang could not quit its server: ${error.message}`));
    }
    // A boot in flight is cancelled, not waited for.
    if (server.state === 'booting') await server.quit();
    else await this.exclusive(() => server.quit());
    void this.updateContext();
  }

  /** Lets go of a server this window did not start (it stays running). */
  async disconnect(): Promise<void> {
    const server = this.current;
    if (!server || server.ownsProcess || server.state === 'stopped' || server.state === 'crashed') return;
    await this.exclusive(() => server.quit());
    void this.updateContext();
  }

  async reboot(): Promise<boolean> {
    const server = this.current;
    if (server && server.state === 'running' && !server.ownsProcess && this.externalOwner?.owns(server)) {
      // sclang booted it: sclang reboots it, and the extension follows (see SclangController).
      await this.exclusive(() => server.quit());
      await this.externalOwner.reboot();
      return true;
    }
    if (server && server.state === 'running' && !server.ownsProcess) {
      void vscode.window.showWarningMessage('This server was not started here (it is a remote or attached server), so it cannot be rebooted from here.');
      return false;
    }
    return this.restart(server, { frozen: false });
  }

  /** With several servers: the active one when it is not this controller's (the commands act on it then). */
  activeElsewhere: (() => SCServer | undefined) | undefined;

  /** The running server, or undefined after telling the user why the action cannot run. */
  requireRunning(action: string): SCServer | undefined {
    const elsewhere = this.activeElsewhere?.();
    if (elsewhere) {
      if (elsewhere.state === 'running') return elsewhere;
      void vscode.window.showWarningMessage(`Cannot ${action}: the active server is ${elsewhere.state}. Boot it, or select another one (Select Active Server).`);
      return undefined;
    }
    const server = this.current;
    if (server?.state === 'running') return server;
    const why = server?.state === 'booting' ? 'the server is still booting' : server?.state === 'crashed' ? 'the server crashed' : 'no server is running';
    void vscode.window.showWarningMessage(`Cannot ${action}: ${why}.`, 'Boot Server').then((choice) => {
      if (choice === 'Boot Server') void vscode.commands.executeCommand('sclive.server.boot');
    });
    return undefined;
  }

  /** Sets the active server's volume (each server has its own). */
  async setVolume(dB: number): Promise<void> {
    const elsewhere = this.activeElsewhere?.();
    if (elsewhere) {
      await elsewhere.setVolume(dB);
      void this.updateContext();
      return;
    }
    this.volumeDb = dB;
    if (this.current) await this.current.setVolume(dB);
    this.volumeDb = this.volume;
    void this.updateContext();
  }

  async setMuted(muted: boolean): Promise<void> {
    const elsewhere = this.activeElsewhere?.();
    if (elsewhere) {
      await (muted ? elsewhere.mute() : elsewhere.unmute());
      void this.updateContext();
      return;
    }
    this.mutedValue = muted;
    if (this.current) await (muted ? this.current.mute() : this.current.unmute());
    void this.updateContext();
  }

  /** Settings that apply without a reboot. */
  applyLiveSettings(): void {
    if (!this.current) return;
    try {
      const settings = readSettings();
      this.current.latencyMs = settings.latencyMs;
      this.current.statusIntervalMs = settings.statusIntervalMs;
      this.current.unresponsiveAfterMs = settings.unresponsiveAfterMs;
    } catch (error) {
      this.log.warn((error as Error).message);
    }
  }

  async dispose(): Promise<void> {
    const server = this.current;
    this.current = undefined;
    // Stop only what this window started; a remote server is merely left.
    if (server && server.state !== 'stopped' && server.state !== 'crashed') await server.quit().catch(() => undefined);
    server?.dispose();
    this.runDisposables.dispose();
    this.attachers.clear();
    this.onDidChangeStateEmitter.dispose();
    this.onServerOutputEmitter.dispose();
  }

  private startRun(settings: ExtensionSettings): SCServer {
    this.runDisposables.dispose();
    this.current?.dispose();
    const server = new SCServer(settings.options, {
      clientId: settings.clientId,
      latencyMs: settings.latencyMs,
      statusIntervalMs: settings.statusIntervalMs,
      unresponsiveAfterMs: settings.unresponsiveAfterMs,
      logger: this.log,
    });
    // Volume and mute carry over from the previous run.
    if (this.volumeDb !== 0) server.volume = this.volumeDb;
    if (this.mutedValue) void server.mute();
    this.runDisposables.add(server.onOutput((line) => {
      this.serverOutput.append(line);
      this.onServerOutputEmitter.fire(line);
    }));
    this.runDisposables.add(server.onDidChangeState((change) => this.stateChanged(server, change)));
    this.runDisposables.add(server.onDidChangeResponsiveness((unresponsive) => {
      void this.updateContext();
      if (unresponsive && server === this.current) void this.offerRecovery();
    }));
    this.runDisposables.add(server.onDidChangeVolume(({ volume, muted }) => {
      this.volumeDb = volume;
      this.mutedValue = muted;
      void this.updateContext();
    }));
    this.current = server;
    for (const attach of this.attachers) attach(server, this.runDisposables);
    return server;
  }

  private stateChanged(server: SCServer, change: StateChange): void {
    if (server !== this.current) return;
    void this.updateContext();
    this.onDidChangeStateEmitter.fire(change.state);
    if (change.state === 'crashed') {
      const how = change.exit?.signal ? `was killed (${change.exit.signal})` : `exited with code ${change.exit?.code}`;
      const message = change.cause === 'audioDriver'
        ? 'The SuperCollider server stopped because its audio driver (JACK) stopped. Start JACK again (or check the audio device), then reboot.'
        : `The SuperCollider server ${how}. Its last output is in the server log.`;
      void vscode.window.showErrorMessage(message, 'Reboot', 'Show Log').then((choice) => {
        if (choice === 'Reboot') void this.boot();
        if (choice === 'Show Log') this.log.show();
      });
    }
  }

  private settingsOrShowError(): ExtensionSettings | undefined {
    try {
      return readSettings();
    } catch (error) {
      void showUserError(this.log, error, 'Cannot boot');
      return undefined;
    }
  }

  private showBootError(error: Error): void {
    if (error instanceof BootCancelledError) {
      this.log.info(error.message);
      return;
    }
    if (error instanceof BootError && error.lastLines.length) this.log.error(`scsynth's last lines:\n${error.lastLines.slice(-8).join('\n')}`);
    const port = error instanceof PortInUseError && error.byScsynth ? error.port : undefined;
    void showUserError(this.log, error, 'Booting the SuperCollider server failed', ...(port ? ['Connect to It'] : [])).then((choice) => {
      if (choice === 'Connect to It' && port) void this.connect('127.0.0.1', port);
    });
  }

  /** Runs one boot/quit/connect at a time. */
  private async exclusive<T>(task: () => Promise<T>): Promise<T> {
    while (this.busy) await this.busy.catch(() => undefined);
    const run = task();
    this.busy = run;
    try {
      return await run;
    } finally {
      if (this.busy === run) this.busy = undefined;
    }
  }

  /** The context keys the menus read (state, muted...), also after another server became active. */
  async updateContext(): Promise<void> {
    const server = this.current;
    await Promise.all([
      vscode.commands.executeCommand('setContext', 'sclive.serverState', this.state),
      vscode.commands.executeCommand('setContext', 'sclive.serverOwned', this.canStopServer),
      vscode.commands.executeCommand('setContext', 'sclive.serverUnresponsive', server?.unresponsive ?? false),
      vscode.commands.executeCommand('setContext', 'sclive.muted', this.muted),
    ]);
  }
}
