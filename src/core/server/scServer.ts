// sc3nb's SCServer in TypeScript: a local or remote scsynth, its client session and state.
// It wires the collaborators and gives sc3nb's methods, each a delegate: ServerLifecycle (boot,
// connect, quit, crash; each run a ServerRun), ClientSession (registration, ids, sending),
// StatusPoller, NodeSync, TreeQueries, the kept synths (VolumeControl, LevelMeters, ScopeTap,
// Recorder), synthdefs.ts. Its own code is sc3nb's init: what a run does once connected.
import { Disposable, Emitter, Event, Logger, silentLogger } from '../events';
import { OscArgument, OscBundle, OscMessage, timeTagFromUnixMs, IMMEDIATELY } from '../osc/oscCodec';
import type { DecodedMessage } from '../osc/oscCodec';
import { OscConnection, ReplyExpectation, isLoopback } from '../osc/oscConnection';
import * as cmd from '../scsynth/scsynthCommands';
import { ServerOptions, ServerOptionsInit } from '../scsynth/serverOptions';
import type { ProcessLine } from '../scsynth/scsynthProcess';
import { ServerStatus, ServerVersion, parseStatusReply, parseVersionReply } from '../scsynth/serverStatus';
import { Bundler } from './bundler';
import { ClientSession } from './clientSession';
import { NODE_NOTIFICATIONS, NodeWatcher } from './nodeWatcher';
import { NodeSync } from './nodeSync';
import { ControlValue, GroupNode, formatTree, parseQueryTreeReply } from './nodeTree';
import { ServerNotRunningError } from './serverErrors';
import { ServerRun } from './serverRun';
import { StatusPoller } from './statusPoller';
import * as synthdefs from './synthdefs';
import { TreeQueries } from './treeQueries';
import { VolumeControl } from './volumeControl';
import { KeptSynthSet } from './keptSynths';
import { DefaultGroupKeeper } from './defaultGroupKeeper';
import { BootOptions, LifecycleHost, ServerLifecycle, ServerState, StateChange } from './serverLifecycle';

export type { BootOptions, ServerState, StateChange };
import { LevelMeters, METER_REPLY } from '../meters/levelMeters';
import { Recorder } from '../recording/recorder';
import { SCOPE_REPLY, ScopeTap } from '../meters/scopeTap';

/**
 * Root children freed by id in Free All's bundle, each in an /n_free of its own (scsynth stops an
 * /n_free at the first id it cannot find, and the model may hold one that just ended): 24 bytes
 * each, so the bundle stays one datagram. More, and /g_freeAll 0 frees them.
 */
const MAX_NODES_FREED_BY_ID = 2000;

export interface SCServerSettings {
  /** Proposed client id (sc3nb proposes 1 and leaves 0 to sclang). */
  clientId?: number;
  /** Bundle latency added by `bundler()`, in ms. */
  latencyMs?: number;
  /** `/status` poll interval in ms; 0 turns polling off. */
  statusIntervalMs?: number;
  /** How long a status poll may go unanswered before the server counts as unresponsive (frozen), in ms. */
  unresponsiveAfterMs?: number;
  /** Default reply timeout in ms. */
  replyTimeoutMs?: number;
  /** Folder of the synthdefs the core ships (volume, blip). */
  synthdefsDir?: string;
  logger?: Logger;
}

/**
 * A SuperCollider audio server: boots a local scsynth or attaches to a remote one, and keeps
 * the client session (id, default groups, allocators, node model, status, volume).
 */
export class SCServer implements Disposable {
  readonly options: ServerOptions;
  private readonly settings: Required<Omit<SCServerSettings, 'logger' | 'clientId'>> & { clientId: number };
  private readonly logger: Logger;
  /** Boot, connect, quit, crash: the runs of this server. */
  private readonly lifecycle: ServerLifecycle;
  /** The session of the run in progress, or of the last one (its client id stays readable). */
  private session: ClientSession;
  private readonly initHooks: Array<() => void | Promise<void>> = [];
  private statusValue: ServerStatus | undefined;
  private versionValue: ServerVersion | undefined;
  /** Resolves when the shipped synthdefs are on the server (volume and blip need them). */
  private synthdefsLoaded: Promise<void> = Promise.resolve();

  private readonly poller: StatusPoller;
  private readonly nodeSync: NodeSync;
  private readonly treeQueries: TreeQueries;
  private readonly volumeControl: VolumeControl;
  /** The synths this client keeps on the server for itself (volume, meters, scope, recording). */
  private readonly kept: KeptSynthSet;
  /** Every client's default group, put back when someone else frees it. */
  private readonly defaultGroups: DefaultGroupKeeper;
  /** sc3nb's NodeWatcher: the live node model. */
  readonly nodeWatcher = new NodeWatcher();
  /** Output and input levels, from meter synths this client keeps on the server while wanted. */
  readonly meters: LevelMeters;
  /** Recording the outputs to a sound file. */
  readonly recorder: Recorder;
  /** The scope's signal, read over OSC while wanted. */
  readonly scope: ScopeTap;

  readonly onDidChangeState: Event<StateChange>;
  private readonly onDidChangeStatusEmitter = new Emitter<ServerStatus>();
  /** Each polled status (also when unchanged). */
  readonly onDidChangeStatus: Event<ServerStatus> = this.onDidChangeStatusEmitter.event;
  private readonly onDidChangeResponsivenessEmitter = new Emitter<boolean>();
  readonly onDidChangeResponsiveness: Event<boolean> = this.onDidChangeResponsivenessEmitter.event;
  private readonly onOutputEmitter = new Emitter<ProcessLine>();
  /** scsynth's stdout and stderr, line by line. */
  readonly onOutput: Event<ProcessLine> = this.onOutputEmitter.event;
  readonly onDidChangeVolume: Event<{ volume: number; muted: boolean }>;

  constructor(options: ServerOptions | ServerOptionsInit = {}, settings: SCServerSettings = {}) {
    this.options = options instanceof ServerOptions ? options : new ServerOptions(options);
    this.logger = settings.logger ?? silentLogger;
    this.settings = {
      clientId: settings.clientId ?? 1,
      latencyMs: settings.latencyMs ?? 200,
      statusIntervalMs: settings.statusIntervalMs ?? 1000,
      unresponsiveAfterMs: settings.unresponsiveAfterMs ?? 1500,
      replyTimeoutMs: settings.replyTimeoutMs ?? 5000,
      synthdefsDir: settings.synthdefsDir ?? synthdefs.shippedSynthdefsDir(),
    };
    this.session = this.newSession(undefined);
    this.lifecycle = new ServerLifecycle(this.lifecycleHost());
    this.onDidChangeState = this.lifecycle.onDidChangeState;
    const access = this.collaboratorAccess();
    const server = this;
    this.volumeControl = new VolumeControl(access);
    this.onDidChangeVolume = this.volumeControl.onDidChange;
    this.meters = new LevelMeters(access);
    // The meters' updates pace the scope's reads while both run: one wake-up of this process fewer per picture.
    this.scope = new ScopeTap(access, this.meters);
    this.recorder = new Recorder(access);
    // In this order at the tail of the root group: volume first, the others hear what it lets through.
    this.kept = new KeptSynthSet([this.volumeControl, this.meters, this.scope, this.recorder], this.logger);
    this.poller = new StatusPoller((timeoutMs) => this.status(timeoutMs), {
      intervalMs: this.settings.statusIntervalMs,
      unresponsiveAfterMs: this.settings.unresponsiveAfterMs,
      logger: this.logger,
    });
    this.poller.onStatus((status) => {
      this.nodeSync.statusArrived(status);
      this.onDidChangeStatusEmitter.fire(status);
    });
    this.poller.onUnresponsive((value) => this.onDidChangeResponsivenessEmitter.fire(value));
    this.treeQueries = new TreeQueries(this.nodeWatcher, access);
    this.nodeSync = new NodeSync(this.nodeWatcher, access);
    this.defaultGroups = new DefaultGroupKeeper({
      logger: this.logger,
      sendMany: access.sendMany,
      get canSend() {
        return access.canSend;
      },
      get maxLogins() {
        return server.maxLogins;
      },
      has: (nodeId) => this.nodeWatcher.has(nodeId),
    });
    this.nodeWatcher.onDidChange((change) => {
      if (change.kind !== 'removed' || this.lifecycle.state !== 'running') return;
      // This client's own synths and every client's default group, freed by someone else (sclang's Cmd-., another client): put back.
      this.kept.nodeEnded(change.node.nodeId);
      this.defaultGroups.nodeEnded(change.node.nodeId);
    });
  }

  /**
   * What the collaborators may use of the server, as one object (each takes the part its own
   * interface names): they are tested with a fake of that part, no sockets.
   */
  private collaboratorAccess() {
    const server = this;
    return {
      logger: this.logger,
      numOutputBuses: this.options.numOutputBuses,
      numInputBuses: this.options.numInputBuses,
      /** Whether messages can reach a running server now. */
      get canSend() {
        return server.session.isOpen && server.lifecycle.state === 'running';
      },
      get isRunning() {
        return server.session.isOpen && server.lifecycle.state === 'running';
      },
      get isOpen() {
        return server.session.isOpen;
      },
      /** Only a scsynth this program started prints where the core can read it. */
      get canPrint() {
        return server.ownsProcess;
      },
      get synthdefsLoaded() {
        return server.synthdefsLoaded;
      },
      get sampleRate() {
        return server.sampleRate;
      },
      allocateNodeId: () => this.allocateNodeId(),
      allocateBufferId: () => this.allocateBufferId(1)[0],
      freeBufferId: (id: number) => {
        // After a new run the old allocator is gone, and with it the id.
        if (this.session.isOpen) this.freeBufferIds([id]);
      },
      send: (packet: OscMessage | OscBundle) => this.send(packet),
      sendMany: (messages: readonly OscMessage[]) => this.sendMany(messages),
      request: (request: cmd.Request) => this.request(request),
      requestAll: (requests: readonly cmd.Request[]) => this.session.requestAll(requests),
      sync: () => this.sync().then(() => undefined),
      status: () => this.status(),
      queryAllNodes: (includeControls: boolean) => this.queryAllNodes(includeControls),
      queryGroup: async (groupId: number) => parseQueryTreeReply((await this.request(cmd.groupQueryTree(groupId, false))).args),
      printedTree: () => (this.run?.process ? this.treeQueries.printedTree() : undefined),
    };
  }

  private newSession(connection: OscConnection | undefined): ClientSession {
    return new ClientSession(connection, {
      proposedClientId: this.settings.clientId,
      serverOptions: this.options,
      replyTimeoutMs: this.settings.replyTimeoutMs,
      logger: this.logger,
      synthSent: (nodeId, defName) => this.nodeWatcher.expectSynth(nodeId, defName),
    });
  }

  // ---- state ---------------------------------------------------------------------------

  get state(): ServerState {
    return this.lifecycle.state;
  }

  /** True once booted or attached and initialised, until quit or crash. */
  get hasBooted(): boolean {
    return this.lifecycle.state === 'running';
  }

  /** True while the server is running and answers. */
  get isRunning(): boolean {
    return this.lifecycle.state === 'running' && !this.poller.unresponsive;
  }

  /** True while the server runs but has not answered a status poll for `unresponsiveAfterMs` (frozen, or saturated). */
  get unresponsive(): boolean {
    return this.poller.unresponsive;
  }

  /** How long an unresponsive server has been silent, in ms (0 while it answers). */
  get silentForMs(): number {
    return this.poller.silentForMs;
  }

  get unresponsiveAfterMs(): number {
    return this.poller.unresponsiveAfterMs;
  }

  set unresponsiveAfterMs(ms: number) {
    if (!(ms >= 200)) throw new RangeError('the unresponsive time must be >= 200 ms');
    this.poller.unresponsiveAfterMs = ms;
  }

  get isLocal(): boolean {
    const remote = this.run?.remoteAddress;
    return remote === undefined || isLoopback(remote.host);
  }

  /** Datagrams this client sent to and received from the server in this run. */
  get oscTraffic(): { sent: number; received: number } {
    const connection = this.run?.connection;
    return { sent: connection?.datagramsSent ?? 0, received: connection?.datagramsReceived ?? 0 };
  }

  /** Whether this program started the scsynth process (and so may stop it). */
  get ownsProcess(): boolean {
    return !!this.run?.process && !this.run.process.hasExited;
  }

  get pid(): number | undefined {
    return this.run?.process?.pid;
  }

  /** When the last boot saw scsynth's ready line and when the session was usable (performance.now() ms). */
  get bootTimings(): { readyAt: number; usableAt: number } | undefined {
    return this.lifecycle.bootTimings;
  }

  /** The scsynth command line of the last boot. */
  get commandLine(): string | undefined {
    return this.run?.process?.commandLine;
  }

  get addr(): [string, number] {
    const remote = this.run?.remoteAddress;
    return remote ? [remote.host, remote.port] : ['127.0.0.1', this.options.udpPort];
  }

  get clientId(): number {
    return this.session.clientId;
  }

  get maxLogins(): number {
    return this.session.maxLogins;
  }

  get defaultGroup(): number {
    return this.session.defaultGroup;
  }

  get latencyMs(): number {
    return this.settings.latencyMs;
  }

  set latencyMs(ms: number) {
    if (!(ms >= 0)) throw new RangeError('latency must be >= 0 ms');
    this.settings.latencyMs = ms;
  }

  get statusIntervalMs(): number {
    return this.poller.intervalMs;
  }

  /** Changes the poll interval; takes effect at once while running (0 stops polling). */
  set statusIntervalMs(ms: number) {
    if (!(ms >= 0)) throw new RangeError('status interval must be >= 0 ms');
    this.poller.intervalMs = ms;
    // From 0 (no polling) to an interval while running: polling starts.
    if (this.lifecycle.state === 'running' && !this.poller.running && ms > 0) this.poller.start();
  }

  /** The last polled status, undefined before the first reply. */
  get lastStatus(): ServerStatus | undefined {
    return this.statusValue;
  }

  // sc3nb's status properties, from the last polled status.
  get peakCpu(): number | undefined { return this.statusValue?.peakCpu; }
  get avgCpu(): number | undefined { return this.statusValue?.avgCpu; }
  get sampleRate(): number | undefined { return this.statusValue?.nominalSr; }
  get actualSampleRate(): number | undefined { return this.statusValue?.actualSr; }
  get numSynths(): number | undefined { return this.statusValue?.numSynths; }
  get numGroups(): number | undefined { return this.statusValue?.numGroups; }
  get numUgens(): number | undefined { return this.statusValue?.numUgens; }
  get numSynthdefs(): number | undefined { return this.statusValue?.numSynthdefs; }

  // ---- boot, attach, quit (ServerLifecycle) ---------------------------------------------

  /** Starts a local scsynth and initialises the session. `quit()` meanwhile cancels it. */
  boot(options: BootOptions = {}): Promise<void> {
    return this.lifecycle.boot(options);
  }

  /** Connects to a running scsynth (this program did not start it, and will not stop it). */
  remote(host: string, port: number, options: { withBlip?: boolean } = {}): Promise<void> {
    return this.lifecycle.remote(host, port, options);
  }

  /**
   * Quits: a server this program started is sent /quit, then waited for, terminated and
   * killed, each after a timeout. A remote server is only disconnected from.
   */
  quit(): Promise<void> {
    return this.lifecycle.quit();
  }

  /**
   * Quits and boots again with the same options. Only for a server this program started. A take
   * being recorded is closed after its last half and goes on in a next file of the new run.
   */
  async reboot(): Promise<void> {
    const take = this.ownsProcess ? await this.recorder.suspendForRestart() : undefined;
    try {
      await this.lifecycle.reboot();
    } catch (error) {
      if (take) this.recorder.endSuspendedTake(take);
      throw error;
    }
    if (take) await this.recorder.continueTake(take);
  }

  /**
   * Ends a frozen server at once: a scsynth this program started is killed (however stuck),
   * without /quit or waiting for any reply; a remote one is let go of. See ServerLifecycle.kill.
   */
  kill(): Promise<void> {
    this.poller.stop();
    return this.lifecycle.kill();
  }

  private get run(): ServerRun | undefined {
    return this.lifecycle.run;
  }

  /** What the lifecycle asks of this server at each step of a run. */
  private lifecycleHost(): LifecycleHost {
    const server = this;
    return {
      options: this.options,
      logger: this.logger,
      replyTimeoutMs: this.settings.replyTimeoutMs,
      get sessionOpen() {
        return server.session.isOpen;
      },
      output: (line) => {
        // A tree the core asked scsynth to print is the core's, not the musician's output.
        if (!this.treeQueries.takePrintedLine(line.text)) this.onOutputEmitter.fire(line);
      },
      runBegan: (run) =>
        // Runs last, after the run's listeners and connection are gone.
        run.onEnd(() => {
          this.poller.reset();
          this.nodeSync.reset();
          this.kept.runEnded();
          this.defaultGroups.reset();
          this.statusValue = undefined;
          this.nodeWatcher.clear();
        }),
      connected: (run, connection) => {
        this.session = this.newSession(connection);
        run.connected(connection, this.session);
        for (const address of NODE_NOTIFICATIONS) {
          run.add(connection.onMessage(address, (message) => this.nodeWatcher.handleNotification(message.address, message.args)));
        }
        run.add(connection.onMessage(METER_REPLY, (message) => this.meters.handleReply(message.args)));
        run.add(connection.onMessage(SCOPE_REPLY, (message) => this.scope.handleReply(message.args)));
      },
      initSession: (withBlip) => this.init(withBlip),
      beforeQuit: async () => {
        this.poller.stop();
        // The recording's file is closed by scsynth while it still runs.
        if (this.session.isOpen) await this.recorder.stop().catch((error: Error) => this.logger.warn(`Stopping the recording failed: ${error.message}`));
      },
      request: (request, timeoutMs) => this.request(request, timeoutMs),
    };
  }

  /**
   * sc3nb's init: notify, allocators, shipped synthdefs, default groups, node model, hooks.
   * scsynth runs commands in order, so everything up to the node model is sent at once and
   * the replies awaited together: one audio period instead of one per step.
   */
  async init(withBlip = false): Promise<void> {
    const session = this.session;
    session.requireConnection('initialise the session');
    this.nodeWatcher.beginResync();
    let tree: GroupNode | undefined;
    // The synthdefs load alongside the registration; the session needs them only at the end.
    const loaded = this.loadSynthdefs(this.settings.synthdefsDir);
    this.synthdefsLoaded = loaded.catch(() => undefined);
    try {
      tree = await session.register(this.settings.clientId, !!this.run?.process);
    } finally {
      this.nodeWatcher.finishResync(tree);
    }
    if (!session.isOpen) throw new Error('the connection closed during initialisation');
    // Usable: registered, ids allocated, default groups and node model in place.
    this.lifecycle.running();
    this.poller.start();
    if (!tree) await this.resyncNodeTree();
    await loaded;
    await this.executeInitHooks();
    await this.kept.applyAll();
    if (withBlip) this.blip();
  }

  /** Registers with the server (see ClientSession.notify). */
  notify(receiveNotifications = true, clientId?: number, timeoutMs = 2000): Promise<void> {
    return this.session.notify(receiveNotifications, clientId, timeoutMs);
  }

  /** Creates the default group of every client (sclang's convention), at the head of root. */
  sendDefaultGroups(): void {
    // Not awaited, so nothing waits for a /sync here (a caller that must wait syncs itself).
    this.sendMany(this.session.defaultGroupMessages(), { wait: false }).catch((error: Error) => this.logger.warn(`Creating the default groups failed: ${error.message}`));
  }

  /**
   * sc3nb's connect_sclang: makes sclang's default server `s` this server (sclang keeps its
   * own client id, so ids never collide), then runs the init hooks.
   */
  async connectSclang(lang: { attachToServer(port: number, maxLogins: number): Promise<void> }): Promise<void> {
    if (this.lifecycle.state !== 'running') throw new ServerNotRunningError('connect sclang');
    await lang.attachToServer(this.addr[1], this.maxLogins);
    await this.executeInitHooks();
  }

  addInitHook(hook: () => void | Promise<void>): Disposable {
    this.initHooks.push(hook);
    return {
      dispose: () => {
        const index = this.initHooks.indexOf(hook);
        if (index >= 0) this.initHooks.splice(index, 1);
      },
    };
  }

  async executeInitHooks(): Promise<void> {
    for (const hook of [...this.initHooks]) {
      try {
        await hook();
      } catch (error) {
        this.logger.error(`An init hook failed: ${(error as Error).message}`);
      }
    }
  }

  dispose(): void {
    this.lifecycle.dispose();
    for (const owned of [this.poller, this.defaultGroups, this.nodeSync, this.volumeControl, this.meters, this.scope, this.recorder, this.nodeWatcher]) owned.dispose();
    for (const emitter of [this.onDidChangeStatusEmitter, this.onDidChangeResponsivenessEmitter, this.onOutputEmitter]) emitter.dispose();
  }

  // ---- OSC (ClientSession) -------------------------------------------------------------

  /** Sends a message or bundle; /s_new messages tell the node model their def name. */
  send(packet: OscMessage | OscBundle): void {
    this.session.send(packet);
  }

  /**
   * sc3nb's msg: sends `address args`; with `awaitReply` it resolves with the reply scsynth
   * answers that command with (matched by id where the reply carries one).
   */
  msg(address: string, args: OscArgument[] = [], awaitReply = false, timeoutMs?: number): Promise<DecodedMessage | undefined> {
    return this.session.msg(address, args, awaitReply, timeoutMs);
  }

  /** Sends a request built by scsynthCommands and waits for its reply. */
  request(request: cmd.Request, timeoutMs?: number): Promise<DecodedMessage> {
    return this.session.request(request, timeoutMs);
  }

  /** Waits for a reply to a packet sent by the caller (e.g. a bundle). */
  sendAndExpect(packet: OscMessage | OscBundle, command: string, reply: ReplyExpectation, timeoutMs?: number): Promise<DecodedMessage> {
    return this.session.sendAndExpect(packet, command, reply, timeoutMs);
  }

  /**
   * sc3nb's bundler: a bundle to be executed at `timestamp` plus the server latency.
   * `timestamp` <= 1e6 is seconds from now, larger is seconds since 1970.
   */
  bundler(timestamp = 0): Bundler {
    const base = timestamp > 1e6 ? timestamp * 1000 : Date.now() + timestamp * 1000;
    return new Bundler(this, timeTagFromUnixMs(base + this.settings.latencyMs));
  }

  /** The connection, for callers that need raw access (e.g. the benchmark). */
  get oscConnection(): OscConnection | undefined {
    return this.run?.connection;
  }

  /** Many messages without overrunning scsynth (see sendPacing.ts); resolves after a /sync unless `wait: false`. */
  sendMany(messages: readonly OscMessage[], options: { windowSize?: number; timeoutMs?: number; wait?: boolean } = {}): Promise<void> {
    return this.session.sendMany(messages, options);
  }

  /** Resolves once scsynth has processed everything sent before (async commands included). */
  sync(timeoutMs?: number): Promise<boolean> {
    return this.session.sync(timeoutMs);
  }

  /** Round-trip time of a `/status` request, in ms. */
  async ping(timeoutMs = 2000): Promise<number> {
    const start = process.hrtime.bigint();
    await this.request(cmd.status(), timeoutMs);
    return Number(process.hrtime.bigint() - start) / 1e6;
  }

  async status(timeoutMs?: number): Promise<ServerStatus> {
    const reply = await this.request(cmd.status(), timeoutMs);
    this.statusValue = parseStatusReply(reply.args);
    return this.statusValue;
  }

  async version(timeoutMs?: number): Promise<ServerVersion> {
    if (this.versionValue && this.lifecycle.state === 'running') return this.versionValue;
    const reply = await this.request(cmd.version(), timeoutMs);
    this.versionValue = parseVersionReply(reply.args);
    return this.versionValue;
  }

  /** Makes scsynth print incoming OSC: 0 off, 1 parsed, 2 hex, 3 both. */
  dumpOsc(level = 1): void {
    if (![0, 1, 2, 3, 4].includes(level)) throw new RangeError('dumpOsc level is 0 (off), 1 (parsed), 2 (hex), 3 (both) or 4 (parsed, without /status)');
    this.send(cmd.dumpOsc(level));
  }

  // ---- synthdefs (synthdefs.ts) --------------------------------------------------------

  /** Sends a compiled SynthDef (.scsyndef bytes) and waits for scsynth to load it. */
  sendSynthdef(bytes: Uint8Array, wait = true): Promise<void> {
    return synthdefs.sendSynthdef(this.synthdefChannel, bytes, wait);
  }

  /** Loads a .scsyndef file. A local server reads the file itself; a remote one gets its bytes. */
  loadSynthdef(synthdefPath: string): Promise<void> {
    return synthdefs.loadSynthdef(this.synthdefChannel, synthdefPath);
  }

  /** Loads every .scsyndef in a folder (the shipped ones by default). */
  loadSynthdefs(synthdefDir: string = this.settings.synthdefsDir): Promise<void> {
    return synthdefs.loadSynthdefs(this.synthdefChannel, synthdefDir);
  }

  private get synthdefChannel(): synthdefs.SynthdefChannel {
    return { isLocal: this.isLocal, send: (message) => this.send(message), request: (request) => this.request(request) };
  }

  /** A short sound that says the server is there. */
  blip(): void {
    const b = this.bundler(0);
    b.add(cmd.synthNew('sclive_blip', this.allocateNodeId(), cmd.AddAction.head, this.defaultGroup, { freq: 880, amp: 0.1 }));
    b.send();
  }

  // ---- allocation (ClientSession) ------------------------------------------------------

  allocateNodeId(): number { return this.session.allocateNodeId(); }
  allocateBufferId(num = 1): number[] { return this.session.allocator('buffers').allocate(num); }
  allocateControlBusIdx(num = 1): number[] { return this.session.allocator('controlBuses').allocate(num); }
  allocateAudioBusIdx(num = 1): number[] { return this.session.allocator('audioBuses').allocate(num); }
  freeBufferIds(ids: number[]): void { this.session.allocator('buffers').freeIds(ids); }
  freeControlBusIdx(ids: number[]): void { this.session.allocator('controlBuses').freeIds(ids); }
  freeAudioBusIdx(ids: number[]): void { this.session.allocator('audioBuses').freeIds(ids); }

  // ---- nodes ---------------------------------------------------------------------------

  /**
   * Frees all nodes (root: everything, emptying every client's default group; else only this
   * client's default group), clears scheduled bundles, re-runs init hooks and syncs. This
   * client's own synths stay: a take being recorded goes on without a gap.
   */
  async freeAll(root = true): Promise<void> {
    this.session.requireConnection('free all nodes');
    if (!root) {
      this.send(cmd.groupFreeAll(this.defaultGroup));
      this.send(cmd.clearSched());
      await this.sync();
      await this.executeInitHooks();
      await this.sync();
      return;
    }
    const freed = this.freeAllButKeptBundle();
    this.send(freed.bundle);
    await this.sync();
    await this.freeMissedNodes(freed.freedIds).catch((error: Error) => this.logger.warn(`Checking that Free All freed everything failed: ${error.message}`));
    await this.executeInitHooks();
    await this.kept.applyAll();
    await this.sync();
  }

  /**
   * One bundle that clears the schedule, empties the default groups and frees every other node
   * of the root group but this client's own synths. The kept synths are not freed and re-made:
   * a DiskOut re-made after a /sync left 512 samples (10 ms) out of a take at each Free All, and
   * one re-made in the same bundle starts its buffer over while scsynth's disk thread may still
   * be writing the old one's last part. Without a node model (or with a root too large for one
   * datagram) everything is freed and the kept synths re-made in the same bundle.
   */
  private freeAllButKeptBundle(): { bundle: OscBundle; freedIds: readonly number[] | undefined } {
    const keptIds = new Set(this.kept.synthIds);
    const defaultGroups = this.session.defaultGroupMessages();
    const children = this.nodeWatcher.has(0) ? this.nodeWatcher.children(0).map((node) => node.nodeId) : undefined;
    if (children && children.length <= MAX_NODES_FREED_BY_ID) {
      // The default groups are emptied, not freed and made again: their /n_end and /n_go would
      // cross on the way back and leave the model without them.
      const defaultIds = this.session.defaultGroupIds();
      const others = children.filter((id) => !keptIds.has(id) && !defaultIds.includes(id));
      const emptied = children.filter((id) => defaultIds.includes(id));
      const missing = defaultIds.filter((id) => !children.includes(id)).map((id) => cmd.groupNew(id, cmd.AddAction.head, 0));
      const packets: OscMessage[] = [cmd.clearSched(), ...others.map((id) => cmd.nodeFree(id)), ...emptied.map((id) => cmd.groupFreeAll(id)), ...missing];
      return { bundle: { timeTag: IMMEDIATELY, packets }, freedIds: others };
    }
    this.kept.forgetAll();
    return { bundle: { timeTag: IMMEDIATELY, packets: [cmd.clearSched(), cmd.groupFreeAll(0), ...defaultGroups, ...this.kept.recreateMessages()] }, freedIds: undefined };
  }

  /** A node the model did not know yet when the bundle left (another client's, just made) is freed now. */
  private async freeMissedNodes(freedIds: readonly number[] | undefined): Promise<void> {
    if (!freedIds) return;
    const root = parseQueryTreeReply((await this.request(cmd.groupQueryTree(0, false))).args);
    const expected = new Set([...this.kept.synthIds, ...this.session.defaultGroupIds()]);
    const missed = root.children.map((child) => child.nodeId).filter((id) => !expected.has(id));
    if (missed.length) {
      this.logger.info(`Free All: freeing ${missed.length} node(s) made while it was sent.`);
      // One /n_free each: one that ended meanwhile must not keep the others alive.
      this.send({ timeTag: IMMEDIATELY, packets: missed.map((id) => cmd.nodeFree(id)) });
      await this.sync();
    }
  }

  /** Frees a node (a synth, or a group with everything in it). */
  freeNode(nodeId: number): Promise<void> {
    return this.session.sendAndSync(cmd.nodeFree(nodeId));
  }

  /** Frees everything inside a group, keeping the group. */
  freeGroupChildren(groupId: number): Promise<void> {
    return this.session.sendAndSync(cmd.groupFreeAll(groupId));
  }

  /** Pauses (false) or resumes (true) a node. */
  runNode(nodeId: number, running: boolean): Promise<void> {
    return this.session.sendAndSync(cmd.nodeRun(nodeId, running));
  }

  /** Sets controls of a node: numbers, or bus mappings such as "c12" and "a3". */
  setNodeControls(nodeId: number, controls: Record<string, ControlValue>): Promise<void> {
    return this.session.sendAndSync(cmd.nodeSet(nodeId, controls));
  }

  /**
   * Stops every sound at once and waits for nothing, so it works on a server too loaded to
   * answer: one bundle clears the schedule, frees every node but this client's own synths and
   * empties the default groups. Init hooks run afterwards without being awaited.
   */
  hush(): void {
    if (!this.session.isOpen || this.lifecycle.state !== 'running') throw new ServerNotRunningError('hush');
    // As Free All's bundle: this client's own synths (a take being recorded) are left running.
    const freed = this.freeAllButKeptBundle();
    this.send(freed.bundle);
    void this.freeMissedNodes(freed.freedIds).catch((error: Error) => this.logger.warn(`Checking that Hush freed everything failed: ${error.message}`));
    void this.executeInitHooks().catch((error: Error) => this.logger.warn(`An init hook failed after hush: ${error.message}`));
  }

  /** A synth's controls with their current values (see TreeQueries.synthControls). */
  synthControls(synthId: number, parentId: number, names?: readonly string[]): Promise<Array<[string, ControlValue]> | undefined> {
    return this.treeQueries.synthControls(synthId, parentId, names);
  }

  /** The server's whole node tree, however large (see TreeQueries.queryAllNodes). */
  queryAllNodes(includeControls = true): Promise<GroupNode> {
    return this.treeQueries.queryAllNodes(includeControls);
  }

  /** Makes scsynth print the tree; with `returnTree` the tree is also returned as text. */
  async dumpTree(controls = true, returnTree = false): Promise<string | undefined> {
    this.send(cmd.groupDumpTree(0, controls));
    if (!returnTree) return undefined;
    return formatTree(await this.queryAllNodes(controls));
  }

  /** Replaces the node model with a fresh tree query (NodeSync). */
  resyncNodeTree(): Promise<void> {
    return this.nodeSync.resync();
  }

  // ---- volume (VolumeControl) ---------------------------------------------------------

  /** Volume in dB (-90..+6). */
  get volume(): number {
    return this.volumeControl.volume;
  }

  set volume(dB: number) {
    void this.setVolume(dB).catch((error: Error) => this.logger.warn(`Setting the volume failed: ${error.message}`));
  }

  get muted(): boolean { return this.volumeControl.muted; }
  setVolume(dB: number): Promise<void> { return this.volumeControl.setVolume(dB); }
  mute(): Promise<void> { return this.volumeControl.setMuted(true); }
  unmute(): Promise<void> { return this.volumeControl.setMuted(false); }

  /** Node ids of the volume synths now on the server. */
  get volumeSynthIds(): readonly number[] {
    return this.volumeControl.synthIds;
  }

  /** This client's own synths (volume, meters, recording): not the musician's, so not shown or counted as theirs. */
  get ownSynthIds(): readonly number[] {
    return this.kept.synthIds;
  }

  toString(): string {
    return `<SCServer addr=${this.addr.join(':')} state=${this.lifecycle.state} clientId=${this.clientId} pid=${this.pid ?? '-'}>`;
  }
}
