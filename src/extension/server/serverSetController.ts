// The servers of this window beside the default one: reads `sclive.servers` (its errors shown,
// a change applied without a reload), owns the core's ServerSet (the default server stays the
// ServerController's), the active server, Boot All / Quit All / Hush All, and each declared
// server's notifications (a crash marks only its own server).
import * as vscode from 'vscode';
import { DEFAULT_SERVER_NAME, DeclaredServer, SCServer, ServerSet, parseServerList } from '../../core';
import type { Logger, ServerEntry, ServerSlot, SlotResult } from '../../core';
import type { ExtensionLog } from '../log/extensionLog';
import type { ServerOutput } from '../log/serverOutput';
import { readSettings } from '../settings';
import type { ServerController } from './serverController';

export const SERVERS_SETTING = 'sclive.servers';

export class ServerSetController implements vscode.Disposable {
  readonly set: ServerSet;
  private readonly listeners = new Map<SCServer, vscode.Disposable[]>();
  private readonly declaredNames = new WeakMap<SCServer, string>();
  private readonly onDidChangeEmitter = new vscode.EventEmitter<void>();
  /** Something the views show changed: a server added or removed, the active one, a state or a status. */
  readonly onDidChange = this.onDidChangeEmitter.event;
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly onDidChangeFollowedEmitter = new vscode.EventEmitter<void>();
  /** What sclang's `s` should be changed: another server is active, or the active declared one started or stopped. */
  readonly onDidChangeFollowed = this.onDidChangeFollowedEmitter.event;
  /** The last errors shown, so an unchanged bad setting is not shown again at every change of another setting. */
  private lastErrors = '';
  private applying: Promise<void> = Promise.resolve();

  constructor(private readonly controller: ServerController, private readonly log: ExtensionLog, private readonly serverOutput: ServerOutput) {
    const defaultSlot: ServerSlot = {
      name: DEFAULT_SERVER_NAME,
      entry: undefined,
      get server() {
        return controller.server;
      },
      start: async () => {
        if (!(await controller.boot())) throw new Error('the default server did not boot (see the log)');
      },
      stop: () => controller.quit(),
    };
    this.set = new ServerSet({
      defaultSlot,
      makeServer: (entry) => this.makeServer(entry),
      bootOptions: () => {
        const settings = readSettings();
        return { scsynthPath: settings.scsynthPath, timeoutMs: settings.bootTimeoutMs, withBlip: false, env: settings.env };
      },
    });
    this.subscriptions.push(
      { dispose: () => this.set.dispose() },
      this.set.onDidChangeActive((slot) => {
        this.log.info(`Active server: ${slot.name}.`);
        void vscode.commands.executeCommand('setContext', 'sclive.activeServer', slot.name);
        this.onDidChangeEmitter.fire();
        this.onDidChangeFollowedEmitter.fire();
      }),
      this.set.onDidChangeServers(() => {
        void vscode.commands.executeCommand('setContext', 'sclive.severalServers', this.severalServers);
        this.onDidChangeEmitter.fire();
      }),
      controller.onDidChangeState(() => this.onDidChangeEmitter.fire()),
    );
  }

  /** More than the default server is declared: the Node Tree shows one root per server. */
  get severalServers(): boolean {
    return this.set.declared.length > 0;
  }

  /** The name of the set's server `server` is, while several servers are declared (with one, nothing needs naming). */
  nameOf(server: SCServer): string | undefined {
    // A declared server keeps its name while it is stopped for leaving the list (its take's ending is told then).
    if (this.declaredNames.has(server)) return this.declaredNames.get(server);
    return this.severalServers && server === this.controller.server ? DEFAULT_SERVER_NAME : undefined;
  }

  /** The active server's SCServer when it is a declared one (the default one is the ServerController's). */
  get activeDeclared(): SCServer | undefined {
    const active = this.set.active;
    return active.entry ? active.server : undefined;
  }

  /** Reads the setting and makes the set follow it; errors are shown, the good entries kept. */
  reload(): Promise<void> {
    this.applying = this.applying.then(() => this.reloadNow()).catch((error: Error) => this.log.error(`Applying ${SERVERS_SETTING} failed: ${error.message}`));
    return this.applying;
  }

  private async reloadNow(): Promise<void> {
    let entries: ServerEntry[];
    try {
      const settings = readSettings();
      const raw = vscode.workspace.getConfiguration('sclive').get<unknown>('servers');
      const parsed = parseServerList(raw, { options: settings.options, env: settings.env });
      const { entries: applied, kept, errors } = this.set.keepingRefusedRunning(raw, parsed);
      entries = applied;
      this.showErrors(errors.map((error) => {
        const runsOn = error.index === undefined ? undefined : kept.get(error.index);
        return `sclive.${error.message} (${runsOn ? `"${runsOn}" runs on as it was until the setting is fixed` : 'this server is left out; the others are used'})`;
      }));
    } catch (error) {
      // The default server's own settings are wrong: the list cannot be read against them.
      this.showErrors([`${SERVERS_SETTING} could not be read: ${(error as Error).message}`]);
      return;
    }
    const before = new Set(this.set.declared.map((declared) => declared.server));
    const { added, removed, nextBoot, updated } = await this.set.apply(entries);
    for (const server of before) {
      if (this.set.declared.some((declared) => declared.server === server)) continue;
      for (const listener of this.listeners.get(server) ?? []) listener.dispose();
      this.listeners.delete(server);
    }
    for (const declared of this.set.declared) if (!this.listeners.has(declared.server)) this.listen(declared.name, declared.server);
    if (added.length || removed.length) this.log.info(`${SERVERS_SETTING}: ${added.length ? `added ${added.join(', ')}` : ''}${added.length && removed.length ? '; ' : ''}${removed.length ? `removed ${removed.join(', ')} (quit if started here, else let go)` : ''}.`);
    if (updated.length) this.log.info(`${listOfNames(updated)} (not running) took the new server options at once.`);
    if (nextBoot.length) this.tellNextBoot(nextBoot);
    this.onDidChangeEmitter.fire();
  }

  /** Running servers kept their run through an options change: said once per change, with how to apply them. */
  private tellNextBoot(names: string[]): void {
    const one = names.length === 1;
    const message = one
      ? `${names[0]} takes the new server options at its next boot and plays on as it is until then (reboot it with Reboot This Server, in the context menu of its Node Tree row).`
      : `${listOfNames(names)} take the new server options at their next boot and play on as they are until then (reboot them with Reboot This Server, in the context menu of their Node Tree rows).`;
    this.log.info(message);
    void vscode.window.showInformationMessage(message);
  }

  /**
   * Reboot This Server (a root row's action): the default server as Reboot Server does it; a
   * declared one this program started is quit and booted again, with its options waiting if any.
   */
  rebootOne(name: string): Promise<boolean> {
    return this.inTurn(() => this.rebootNow(name));
  }

  /**
   * One change of the set at a time: a reboot or a start waits for a change of the list being
   * applied, and the other way round (a server removed between its quit and its boot would
   * otherwise be booted by nobody's object, never to be quit).
   */
  private inTurn<T>(action: () => Promise<T>): Promise<T> {
    const done = this.applying.then(action);
    this.applying = done.then(() => undefined, () => undefined);
    return done;
  }

  private async rebootNow(name: string): Promise<boolean> {
    const slot = this.set.get(name);
    if (!slot) return false;
    if (!(slot instanceof DeclaredServer)) return this.controller.reboot();
    try {
      await slot.reboot();
      this.log.info(`Rebooted "${name}".`);
      return true;
    } catch (error) {
      this.log.error(`Rebooting "${name}" failed: ${(error as Error).message}`);
      void vscode.window.showErrorMessage(`The server "${name}" was not rebooted: ${(error as Error).message}`, 'Show Log').then((choice) => choice && this.log.show());
      return false;
    }
  }

  /**
   * Add Server...: appends `entry` to sclive.servers in the user's settings once the parser takes
   * it with the list as it stands; a refused entry is said why and nothing is written.
   */
  async addServer(entry: Record<string, unknown>): Promise<boolean> {
    const config = vscode.workspace.getConfiguration('sclive');
    const inspected = config.inspect<unknown[]>('servers');
    const current = Array.isArray(inspected?.globalValue) ? inspected.globalValue : [];
    const settings = readSettings();
    const list = [...current, entry];
    const refused = parseServerList(list, { options: settings.options, env: settings.env }).errors.filter((error) => error.index === list.length - 1);
    if (refused.length) {
      void vscode.window.showErrorMessage(`The server was not added: ${refused.map((error) => `sclive.${error.message}`).join('; ')}`);
      return false;
    }
    await config.update('servers', list, vscode.ConfigurationTarget.Global);
    await this.reload();
    return true;
  }

  /** A UDP port no server of the list nor the default one uses, for Add Server's suggestion. */
  freePort(): number {
    const used = new Set(this.set.slots.map((slot) => slot.server?.addr[1]).concat(this.set.declared.map((declared) => (declared.entry.kind === 'local' ? declared.entry.options.udpPort : declared.entry.port))));
    let port = readSettings().options.udpPort + 1;
    while (used.has(port)) port++;
    return port;
  }

  /** Each message says what became of its server; the same ones are not told twice in a row. */
  private showErrors(messages: string[]): void {
    const text = messages.join('\n');
    if (text === this.lastErrors) return;
    this.lastErrors = text;
    for (const message of messages) {
      this.log.error(message);
      void vscode.window.showErrorMessage(message, 'Open Settings').then((choice) => {
        if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', SERVERS_SETTING);
      });
    }
  }

  private makeServer(entry: ServerEntry): SCServer {
    const settings = readSettings();
    return new SCServer(entry.kind === 'local' ? entry.options : {}, {
      clientId: settings.clientId,
      latencyMs: settings.latencyMs,
      statusIntervalMs: settings.statusIntervalMs,
      unresponsiveAfterMs: settings.unresponsiveAfterMs,
      logger: prefixedLogger(this.log, `[${entry.name}] `),
    });
  }

  /** A declared server's state, status and output: its own root changes, its own crash is told. */
  private listen(name: string, server: SCServer): void {
    this.declaredNames.set(server, name);
    const fire = () => this.onDidChangeEmitter.fire();
    this.listeners.set(server, [
      server.onDidChangeStatus(fire),
      server.onDidChangeResponsiveness(fire),
      server.onOutput((line) => this.serverOutput.appendText(`[${name}] ${line.text}`)),
      server.onDidChangeState((change) => {
        fire();
        if (server === this.activeDeclared && ['running', 'stopped', 'crashed'].includes(change.state)) this.onDidChangeFollowedEmitter.fire();
        if (change.state === 'crashed') {
          void vscode.window.showErrorMessage(`The SuperCollider server "${name}" ${change.reason ?? 'crashed'}. The other servers play on.`, 'Reboot', 'Show Log').then((choice) => {
            if (choice === 'Reboot') void this.startOne(name);
            if (choice === 'Show Log') this.serverOutput.show();
          });
        } else if (change.state === 'unreachable') {
          void vscode.window.showWarningMessage(`The SuperCollider server "${name}" cannot be reached: ${change.reason ?? ''}. It is tried again every few seconds.`, 'Reconnect Now').then((choice) => {
            if (choice) void this.startOne(name);
          });
        }
      }),
    ]);
  }

  /** Boots or connects one server (a crashed one again; an unreachable one anew). */
  startOne(name: string): Promise<boolean> {
    return this.inTurn(() => this.startNow(name));
  }

  private async startNow(name: string): Promise<boolean> {
    const slot = this.set.get(name);
    if (!slot) return false;
    try {
      if (slot.server && (slot.server.state === 'unreachable' || slot.server.state === 'reconnecting')) await slot.stop();
      await slot.start();
      return true;
    } catch (error) {
      this.log.error(`Starting "${name}" failed: ${(error as Error).message}`);
      void vscode.window.showErrorMessage(`The server "${name}" could not start: ${(error as Error).message}`, 'Show Log').then((choice) => choice && this.log.show());
      return false;
    }
  }

  async bootAll(): Promise<SlotResult[]> {
    const results = await this.set.bootAll();
    this.report('Boot All Servers', results);
    return results;
  }

  async quitAll(): Promise<SlotResult[]> {
    const results = await this.set.quitAll();
    this.report('Quit All Servers', results);
    return results;
  }

  /** Every running server hushed, one bundle each (the caller runs sclang's CmdPeriod for its patterns). */
  hushAll(): string[] {
    const hushed = this.set.hushAll();
    this.log.info(`Hush All Servers: ${hushed.length ? hushed.join(', ') : 'none was running'}.`);
    return hushed;
  }

  private report(what: string, results: SlotResult[]): void {
    const failed = results.filter((result) => result.error);
    for (const result of failed) this.log.error(`${what}: "${result.name}": ${result.error?.message}`);
    if (failed.length) {
      void vscode.window.showErrorMessage(`${what}: ${failed.map((result) => `"${result.name}": ${result.error?.message}`).join('; ')}`, 'Show Log').then((choice) => choice && this.log.show());
    }
    this.onDidChangeEmitter.fire();
  }

  /** Stops the declared servers this window started (the default one is the ServerController's) and lets go of the others. */
  async dispose(): Promise<void> {
    for (const listeners of this.listeners.values()) for (const listener of listeners) listener.dispose();
    this.listeners.clear();
    await this.set.close();
    for (const subscription of this.subscriptions) subscription.dispose();
    this.onDidChangeEmitter.dispose();
    this.onDidChangeFollowedEmitter.dispose();
  }
}

/** "drums", "drums and pads", "drums, pads and bass". */
function listOfNames(names: readonly string[]): string {
  return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

function prefixedLogger(log: Logger, prefix: string): Logger {
  return {
    trace: (message) => log.trace(prefix + message),
    debug: (message) => log.debug(prefix + message),
    info: (message) => log.info(prefix + message),
    warn: (message) => log.warn(prefix + message),
    error: (message) => log.error(prefix + message),
  };
}
