// Two ways to follow servers with several in the window, both shaped as
// ServerController.forEachServer (attach gets the server and a store that ends with it):
// ActiveServerRuns follows the active server (the Meters, the Scope and the instrument commands
// act on it), EveryServerRuns each server of the window (a take that ends on any of them is told).
import * as vscode from 'vscode';
import { DisposableStore } from '../../core';
import type { SCServer } from '../../core';
import type { ServerController } from './serverController';
import type { ServerSetController } from './serverSetController';

export type AttachServer = (server: SCServer, run: DisposableStore) => void;

/** What views follow: attach runs for each server as it comes; what it adds to `run` ends with that server. */
export interface ServerRuns {
  forEachServer(attach: AttachServer): vscode.Disposable;
}

/**
 * The active server, whichever it is: the default one (each of its runs, as the controller
 * makes them) or a declared one. A server stops being followed when another is made active.
 * A view of its own (the Meters, the Scope) may be shown a chosen server instead (choose), until
 * it is asked for the active one again or the chosen one leaves the list.
 */
export class ActiveServerRuns implements ServerRuns, vscode.Disposable {
  private current: SCServer | undefined;
  private run = new DisposableStore();
  private readonly attachers = new Set<AttachServer>();
  private readonly subscriptions: vscode.Disposable[];
  private nameValue: string | undefined;
  private chosen: string | undefined;
  private readonly onDidChangeNameEmitter = new vscode.EventEmitter<string | undefined>();
  /** The active server's name changed (another made active, or servers declared or dropped). */
  readonly onDidChangeName = this.onDidChangeNameEmitter.event;

  constructor(private readonly controller: ServerController, private readonly servers: ServerSetController) {
    this.subscriptions = [
      controller.forEachServer(() => this.update()),
      servers.set.onDidChangeActive(() => this.update()),
      // A declared server made (or dropped) by a change of sclive.servers.
      servers.set.onDidChangeServers(() => this.update()),
      this.onDidChangeNameEmitter,
    ];
    this.update();
  }

  /** The followed server's name while several servers are declared (with one, nothing needs naming). */
  get name(): string | undefined {
    return this.nameValue;
  }

  /** Follows the server named `name` rather than the active one; undefined: the active one again. */
  choose(name: string | undefined): void {
    this.chosen = name;
    this.update();
  }

  /** The followed server's SCServer, if it has one yet. */
  get server(): SCServer | undefined {
    const slot = this.slot();
    return slot.entry ? slot.server : this.controller.server;
  }

  private slot() {
    const chosen = this.chosen === undefined ? undefined : this.servers.set.get(this.chosen);
    // A chosen server taken out of the list: the active one is followed again.
    if (this.chosen !== undefined && !chosen) this.chosen = undefined;
    return chosen ?? this.servers.set.active;
  }

  forEachServer(attach: AttachServer): vscode.Disposable {
    this.attachers.add(attach);
    if (this.current) attach(this.current, this.run);
    return { dispose: () => void this.attachers.delete(attach) };
  }

  private update(): void {
    const name = this.servers.severalServers ? this.slot().name : undefined;
    if (name !== this.nameValue) {
      this.nameValue = name;
      this.onDidChangeNameEmitter.fire(name);
    }
    const next = this.server;
    if (next === this.current) return;
    this.run.dispose();
    this.run = new DisposableStore();
    this.current = next;
    if (next) for (const attach of this.attachers) attach(next, this.run);
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.run.dispose();
    this.attachers.clear();
  }
}

/** Every server of the window: the default one's runs and each declared server while it is declared. */
export class EveryServerRuns implements ServerRuns, vscode.Disposable {
  private readonly runs = new Map<SCServer, DisposableStore>();
  /** The declared servers among `runs` (the default server's runs end by the controller). */
  private readonly declaredHere = new Set<SCServer>();
  private readonly attachers = new Set<AttachServer>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(controller: ServerController, private readonly servers: ServerSetController) {
    this.subscriptions = [
      controller.forEachServer((server, run) => {
        this.runs.set(server, run);
        for (const attach of this.attachers) attach(server, run);
        run.add({ dispose: () => void this.runs.delete(server) });
      }),
      servers.set.onDidChangeServers(() => this.updateDeclared()),
    ];
    this.updateDeclared();
  }

  forEachServer(attach: AttachServer): vscode.Disposable {
    this.attachers.add(attach);
    for (const [server, run] of this.runs) attach(server, run);
    return { dispose: () => void this.attachers.delete(attach) };
  }

  private updateDeclared(): void {
    const declared = new Set(this.servers.set.declared.map((slot) => slot.server));
    for (const [server, run] of this.runs) {
      if (this.declaredHere.has(server) && !declared.has(server)) {
        this.declaredHere.delete(server);
        run.dispose();
      }
    }
    for (const server of declared) {
      if (this.runs.has(server)) continue;
      const run = new DisposableStore();
      this.runs.set(server, run);
      this.declaredHere.add(server);
      run.add({ dispose: () => void this.runs.delete(server) });
      for (const attach of this.attachers) attach(server, run);
    }
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    for (const server of this.declaredHere) this.runs.get(server)?.dispose();
    this.declaredHere.clear();
    this.attachers.clear();
  }
}
