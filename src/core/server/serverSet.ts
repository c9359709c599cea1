// The servers of one window: the default server plus those the servers list declares (local
// scsynth or supernova on their own ports, remote ones over UDP or TCP), each its own SCServer
// with its own client id, node model, status, volume and kept synths. One of them is active
// (what sclang's `s` and Ctrl+. mean); Boot All, Quit All and Hush All act on every one, and
// one that is dead or slow never holds the others back.
import { Disposable, Emitter, Event } from '../events';
import type { BootOptions } from './serverLifecycle';
import type { SCServer } from './scServer';
import { DEFAULT_SERVER_NAME, ServerEntry } from './serverList';

/** One server of the set, whoever makes its SCServer (the default one may get a new SCServer per run). */
export interface ServerSlot {
  readonly name: string;
  /** The declared entry; undefined for the default server. */
  readonly entry: ServerEntry | undefined;
  /** Its server object, if there is one yet. */
  readonly server: SCServer | undefined;
  /** Boots a local server (or joins the one already on its port), connects to a remote one. */
  start(): Promise<void>;
  /** Quits a server this program started; lets go of one it did not. */
  stop(): Promise<void>;
  /** Its own way to hush, if it has more to stop than the server (sclang's patterns); else SCServer.hush. */
  hush?(): void;
}

/** What a server's state means for the set: it may be sent to now, or is on its way, or neither. */
export function isUp(server: SCServer | undefined): boolean {
  const state = server?.state;
  return state === 'running' || state === 'booting' || state === 'reconnecting' || state === 'unreachable';
}

/** A declared server: one SCServer for the entry's life, booted or connected as its entry says. */
export class DeclaredServer implements ServerSlot {
  readonly server: SCServer;

  constructor(readonly entry: ServerEntry, makeServer: (entry: ServerEntry) => SCServer, private readonly bootOptions: () => BootOptions) {
    this.server = makeServer(entry);
  }

  get name(): string {
    return this.entry.name;
  }

  /** Whether a changed entry is this one unchanged (then the running server stays). */
  sameAs(entry: ServerEntry): boolean {
    return entryKey(entry) === entryKey(this.entry);
  }

  async start(): Promise<void> {
    if (isUp(this.server)) return;
    const entry = this.entry;
    if (entry.kind === 'remote') {
      await this.server.remote(entry.host, entry.port, { protocol: entry.protocol, withBlip: false });
      return;
    }
    const boot = this.bootOptions();
    const env = { ...boot.env, ...entry.env };
    await this.server.boot({ ...boot, env: Object.keys(env).length ? env : undefined, attachIfRunning: boot.attachIfRunning ?? true });
  }

  async stop(): Promise<void> {
    if (this.server.state === 'stopped' || this.server.state === 'crashed') return;
    await this.server.quit();
  }
}

/** What one server did of a Boot All or Quit All. */
export interface SlotResult {
  name: string;
  error?: Error;
}

export interface ServerSetOptions {
  /** The default server, owned elsewhere (the window keeps it across reboots). */
  defaultSlot: ServerSlot;
  /** A new SCServer for a declared entry (its settings: logger, poll interval, ...). */
  makeServer(entry: ServerEntry): SCServer;
  /** How local servers boot (scsynth path, timeout, environment); read at each boot. */
  bootOptions?: () => BootOptions;
}

export class ServerSet implements Disposable {
  private readonly declaredValue = new Map<string, DeclaredServer>();
  private activeName = DEFAULT_SERVER_NAME;
  private readonly onDidChangeActiveEmitter = new Emitter<ServerSlot>();
  /** The active server changed (chosen, or the active one left the list). */
  readonly onDidChangeActive: Event<ServerSlot> = this.onDidChangeActiveEmitter.event;
  private readonly onDidChangeServersEmitter = new Emitter<void>();
  /** A server was added to or removed from the set. */
  readonly onDidChangeServers: Event<void> = this.onDidChangeServersEmitter.event;

  constructor(private readonly options: ServerSetOptions) {}

  /** The default server first, then the declared ones in the list's order. */
  get slots(): readonly ServerSlot[] {
    return [this.options.defaultSlot, ...this.declaredValue.values()];
  }

  get declared(): readonly DeclaredServer[] {
    return [...this.declaredValue.values()];
  }

  get(name: string): ServerSlot | undefined {
    return this.slots.find((slot) => slot.name === name);
  }

  /** The slot whose server this is, if any. */
  slotOf(server: SCServer): ServerSlot | undefined {
    return this.slots.find((slot) => slot.server === server);
  }

  get active(): ServerSlot {
    return this.get(this.activeName) ?? this.options.defaultSlot;
  }

  setActive(name: string): void {
    const slot = this.get(name);
    if (!slot) throw new Error(`There is no server named "${name}"; the servers are ${this.slots.map((s) => `"${s.name}"`).join(', ')}.`);
    if (slot.name === this.activeName) return;
    this.activeName = slot.name;
    this.onDidChangeActiveEmitter.fire(slot);
  }

  /**
   * Makes the set follow the list: new entries are added (not started), entries gone or changed
   * are stopped (a process this program started is quit, any other only let go of) and removed;
   * unchanged ones keep running. The active server, if removed, becomes the default one.
   */
  async apply(entries: readonly ServerEntry[]): Promise<{ added: string[]; removed: string[] }> {
    const wanted = new Map(entries.map((entry) => [entry.name, entry]));
    const removed: DeclaredServer[] = [];
    for (const [name, declared] of this.declaredValue) {
      const entry = wanted.get(name);
      if (entry && declared.sameAs(entry)) continue;
      this.declaredValue.delete(name);
      removed.push(declared);
    }
    const added: string[] = [];
    const next = new Map<string, DeclaredServer>();
    for (const entry of entries) {
      const kept = this.declaredValue.get(entry.name);
      if (kept) {
        next.set(entry.name, kept);
        continue;
      }
      next.set(entry.name, new DeclaredServer(entry, (declared) => this.options.makeServer(declared), () => this.options.bootOptions?.() ?? {}));
      added.push(entry.name);
    }
    this.declaredValue.clear();
    for (const [name, declared] of next) this.declaredValue.set(name, declared);
    const activeGone = !this.get(this.activeName);
    if (activeGone) this.activeName = DEFAULT_SERVER_NAME;
    if (added.length || removed.length) this.onDidChangeServersEmitter.fire();
    if (activeGone) this.onDidChangeActiveEmitter.fire(this.active);
    await Promise.all(removed.map(async (declared) => {
      await declared.stop().catch(() => undefined);
      declared.server.dispose();
    }));
    return { added, removed: removed.map((declared) => declared.name) };
  }

  /** Starts every server that is not up, all at once; each result says how it went. */
  bootAll(): Promise<SlotResult[]> {
    return this.forEachSlot((slot) => (isUp(slot.server) ? Promise.resolve() : slot.start()));
  }

  /** Quits every server this program started and lets go of the others, all at once. */
  quitAll(): Promise<SlotResult[]> {
    return this.forEachSlot((slot) => (isUp(slot.server) ? slot.stop() : Promise.resolve()));
  }

  /**
   * Silences every running server: one bundle each (see SCServer.hush), waiting for no reply,
   * so a frozen or dead one delays nothing. Returns the names of those it was sent to.
   */
  hushAll(): string[] {
    const hushed: string[] = [];
    for (const slot of this.slots) {
      const server = slot.server;
      if (server?.state !== 'running') continue;
      try {
        if (slot.hush) slot.hush();
        else server.hush();
        hushed.push(slot.name);
      } catch {
        // Gone between the check and the send: nothing plays there to silence.
      }
    }
    return hushed;
  }

  /** The servers that run now (or are reconnecting), the default one included. */
  get runningCount(): number {
    return this.slots.filter((slot) => slot.server?.state === 'running').length;
  }

  /** Stops the declared servers (quit what this program started, let go of the rest) and disposes them. */
  async close(): Promise<void> {
    const declared = this.declared;
    this.declaredValue.clear();
    await Promise.all(declared.map((server) => server.stop().catch(() => undefined)));
    for (const server of declared) server.server.dispose();
  }

  /** Ends at once: a process this program started is terminated (SIGTERM), the others let go. */
  dispose(): void {
    for (const declared of this.declaredValue.values()) declared.server.dispose();
    this.declaredValue.clear();
    this.onDidChangeActiveEmitter.dispose();
    this.onDidChangeServersEmitter.dispose();
  }

  private async forEachSlot(action: (slot: ServerSlot) => Promise<void>): Promise<SlotResult[]> {
    const slots = this.slots;
    const settled = await Promise.allSettled(slots.map((slot) => action(slot)));
    return settled.map((result, index) => ({ name: slots[index].name, ...(result.status === 'rejected' ? { error: result.reason as Error } : {}) }));
  }
}

/** Everything that makes an entry start a different server. */
function entryKey(entry: ServerEntry): string {
  if (entry.kind === 'remote') return JSON.stringify(['remote', entry.host, entry.port, entry.protocol]);
  return JSON.stringify(['local', entry.program, entry.options.toArgs(), entry.env]);
}
