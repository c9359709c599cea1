// The servers of one window: the default server plus those the servers list declares (local
// scsynth or supernova on their own ports, remote ones over UDP or TCP), each its own SCServer
// with its own client id, node model, status, volume and kept synths. One of them is active
// (what sclang's `s` and Ctrl+. mean); Boot All, Quit All and Hush All act on every one, and
// one that is dead or slow never holds the others back.
import { Disposable, Emitter, Event } from '../events';
import type { BootOptions } from './serverLifecycle';
import type { SCServer } from './scServer';
import { DEFAULT_SERVER_NAME, isRecord, ParsedServerList, ServerEntry, ServerListError } from './serverList';

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

/** A declared server: one SCServer for its identity's life, booted or connected as its entry says. */
export class DeclaredServer implements ServerSlot {
  readonly server: SCServer;
  private entryValue: ServerEntry;
  /** An entry with other options, waiting for the next boot of the server that runs now. */
  private waiting: ServerEntry | undefined;

  constructor(entry: ServerEntry, makeServer: (entry: ServerEntry) => SCServer, private readonly bootOptions: () => BootOptions) {
    this.entryValue = entry;
    this.server = makeServer(entry);
  }

  get name(): string {
    return this.entryValue.name;
  }

  /** The entry the server runs with now (or boots with, when stopped). */
  get entry(): ServerEntry {
    return this.entryValue;
  }

  /** Whether new options wait for the next boot (the server kept running when they came). */
  get hasOptionsWaiting(): boolean {
    return this.waiting !== undefined;
  }

  /** Whether `entry` is this server, its options aside (then this object, and its running server, stay). */
  sameServerAs(entry: ServerEntry): boolean {
    return identityKey(entry) === identityKey(this.entryValue);
  }

  /** Whether `entry` is what this server runs with, or will at its next boot. */
  sameAs(entry: ServerEntry): boolean {
    return entryKey(entry) === entryKey(this.wantedEntry);
  }

  /** The entry it boots with next: the one waiting, else the one it runs with. */
  get wantedEntry(): ServerEntry {
    return this.waiting ?? this.entryValue;
  }

  /**
   * Takes an entry of the same server with other options: at once when it is stopped or crashed,
   * else at its next boot, so a running server is never stopped by a change of its options.
   * 'nextBoot' when they wait; 'now' when taken; 'unchanged' when the entry is back to what it
   * runs with (nothing waits any more).
   */
  takeOptions(entry: ServerEntry): 'now' | 'nextBoot' | 'unchanged' {
    if (!this.sameServerAs(entry)) throw new Error(`"${entry.name}" is another server now (its program, port or host changed): make a new one.`);
    if (entryKey(entry) === entryKey(this.entryValue)) {
      this.waiting = undefined;
      return 'unchanged';
    }
    this.waiting = entry;
    if (!this.server.canTakeOptions) return 'nextBoot';
    this.takeWaiting();
    return 'now';
  }

  async start(): Promise<void> {
    if (isUp(this.server)) return;
    // A stopped or crashed server boots with the options that waited for it.
    if (this.server.canTakeOptions) this.takeWaiting();
    const entry = this.entryValue;
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

  /**
   * Quits the server this program started and boots it again, with the options waiting if any;
   * a take being recorded goes on in a next file. One it did not start is not touched.
   */
  async reboot(): Promise<void> {
    if (!this.server.ownsProcess) {
      const where = this.entryValue.kind === 'remote' ? `it runs on ${this.entryValue.host}` : `it was already running on port ${this.entryValue.options.udpPort}`;
      throw new Error(`"${this.name}" was not started here (${where}), so it cannot be rebooted from here: restart it where it runs.`);
    }
    await this.server.keptSynths.acrossReboot(async () => {
      await this.server.quit();
      await this.start();
    });
  }

  private takeWaiting(): void {
    const entry = this.waiting;
    if (!entry) return;
    if (entry.kind === 'local') this.server.useOptions(entry.options);
    this.entryValue = entry;
    this.waiting = undefined;
  }
}

/** What a changed list did to the set, by server name. */
export interface ServerSetChange {
  added: string[];
  /** Stopped (quit if started here, else let go of) and gone. */
  removed: string[];
  /** Up, kept running: new options wait for the next boot. */
  nextBoot: string[];
  /** Stopped or crashed: took the new options at once. */
  updated: string[];
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
   * Makes the set follow the list: new entries are added (not started); entries gone, or now
   * another server (see identityKey), are stopped (a process this program started is quit, any
   * other only let go of) and removed; an entry whose options alone changed keeps its server:
   * a stopped or crashed one takes them at once (`updated`), an up one at its next boot
   * (`nextBoot`), never stopped for them. The active server, if removed, becomes the default one.
   */
  async apply(entries: readonly ServerEntry[]): Promise<ServerSetChange> {
    const wanted = new Map(entries.map((entry) => [entry.name, entry]));
    const removed: DeclaredServer[] = [];
    const nextBoot: string[] = [];
    const updated: string[] = [];
    for (const [name, declared] of this.declaredValue) {
      const entry = wanted.get(name);
      if (entry && declared.sameAs(entry)) continue;
      if (entry && declared.sameServerAs(entry)) {
        const taken = declared.takeOptions(entry);
        if (taken === 'nextBoot') nextBoot.push(name);
        if (taken === 'now') updated.push(name);
        continue;
      }
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
    // Those gone are stopped before anyone hears of it, so what follows a server (a take's
    // ending, its last state) is still told; only then are they disposed.
    await Promise.all(removed.map((declared) => declared.stop().catch(() => undefined)));
    if (added.length || removed.length) this.onDidChangeServersEmitter.fire();
    if (activeGone) this.onDidChangeActiveEmitter.fire(this.active);
    for (const declared of removed) declared.server.dispose();
    return { added, removed: removed.map((declared) => declared.name), nextBoot, updated };
  }

  /**
   * The entries to apply for a list read with errors: an entry refused (bad, or made bad by a
   * change of the default server's settings it inherits) whose server is up keeps that server as
   * it is, so an edit of the settings never quits a running server; others refused are left out,
   * and so is an entry on a kept server's port (it would join that very process). In the list's
   * order; `kept` gives, by the index of its error, the name of the server kept as it was;
   * `errors` adds to the parser's those of the entries left out for a kept server's port.
   */
  keepingRefusedRunning(raw: unknown, parsed: ParsedServerList): { entries: ServerEntry[]; kept: Map<number, string>; errors: ServerListError[] } {
    const rawNames = Array.isArray(raw) ? raw.map((entry) => (isRecord(entry) && typeof entry.name === 'string' ? entry.name.trim() : undefined)) : [];
    let entries = [...parsed.servers];
    const kept = new Map<number, string>();
    const keptEntries: ServerEntry[] = [];
    for (const error of parsed.errors) {
      const name = error.index === undefined ? undefined : rawNames[error.index];
      const declared = name === undefined ? undefined : this.declaredValue.get(name);
      if (!declared || !isUp(declared.server) || entries.some((entry) => entry.name === declared.name)) continue;
      entries.push(declared.wantedEntry);
      keptEntries.push(declared.wantedEntry);
      kept.set(error.index!, declared.name);
    }
    const errors = [...parsed.errors];
    for (const entry of entries.filter((candidate) => !keptEntries.includes(candidate))) {
      const holder = keptEntries.find((keptEntry) => endpointKey(keptEntry) === endpointKey(entry));
      if (!holder) continue;
      entries = entries.filter((candidate) => candidate !== entry);
      errors.push(new ServerListError(rawNames.indexOf(entry.name), 'udpPort', `port ${entry.kind === 'local' ? entry.options.udpPort : entry.port} is "${holder.name}"'s, which runs on as it was until its own entry is fixed; choose another port`, entry.name));
    }
    const place = (entry: ServerEntry) => rawNames.indexOf(entry.name);
    return { entries: entries.sort((a, b) => place(a) - place(b)), kept, errors };
  }

  /** Whether the declared server `name` has new options waiting for its next boot. */
  hasOptionsWaiting(name: string): boolean {
    return this.declaredValue.get(name)?.hasOptionsWaiting ?? false;
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

/**
 * What makes an entry another server, for which a new SCServer is made (and the old one quit if
 * started here, let go of if not). Local: the port, since the list's checks hold each port as
 * where its server listens now (a waiting port would let another entry take the one still held)
 * and the Node Tree and sclang reach the server there; and the program, since scsynth and
 * supernova are different servers (parallel groups, threads) and an entry sets it itself (it is
 * never inherited), so a change there asks for another server. Remote: where it is and how it
 * is reached, all it has. Everything else (buses, memory, devices, env...) is an option the same
 * server takes at its next boot.
 */
function identityKey(entry: ServerEntry): string {
  if (entry.kind === 'remote') return JSON.stringify(['remote', entry.host, entry.port, entry.protocol]);
  return JSON.stringify(['local', entry.program, entry.options.udpPort]);
}

/** Everything an entry starts its server with. */
function entryKey(entry: ServerEntry): string {
  if (entry.kind === 'remote') return identityKey(entry);
  return JSON.stringify(['local', entry.program, entry.options.toArgs(), entry.env]);
}

/** Where a server is reached: two entries there are one process. */
function endpointKey(entry: ServerEntry): string {
  return entry.kind === 'remote' ? `${entry.host}:${entry.port}` : `local:${entry.options.udpPort}`;
}
