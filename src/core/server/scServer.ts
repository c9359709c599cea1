// sc3nb's SCServer in TypeScript: a local or remote scsynth, its client session and state.
import * as dgram from 'node:dgram';
import * as path from 'node:path';
import { readFile, readdir } from 'node:fs/promises';
import { existsSync, rmSync } from 'node:fs';
import { Disposable, DisposableStore, Emitter, Event, Logger, silentLogger } from '../events';
import { OscArgument, OscBundle, OscMessage, isBundle, timeTagFromUnixMs, IMMEDIATELY, TimeTag } from '../osc/oscCodec';
import type { DecodedMessage } from '../osc/oscCodec';
import { OscConnection, ReplyExpectation, ServerFailError, isLoopback } from '../osc/oscConnection';
import * as cmd from '../scsynth/scsynthCommands';
import { ServerOptions, ServerOptionsInit } from '../scsynth/serverOptions';
import { findScsynth } from '../scsynth/scsynthLocator';
import { BootError, ProcessExit, ProcessLine, ScsynthProcess, startScsynth } from '../scsynth/scsynthProcess';
import { IDBlockAllocator, MAX_CLIENTS, NodeIdAllocator, clientBlock, defaultGroupIdOf } from './idAllocators';
import { NODE_NOTIFICATIONS, NodeWatcher } from './nodeWatcher';
import { StatusPoller } from './statusPoller';
import { NodeSync, isOverflow } from './nodeSync';
import { TreeQueries } from './treeQueries';
import { sendPaced } from './sendPacing';
import { ControlValue, GroupNode, formatTree, parseQueryTreeReply } from './nodeTree';
import { ServerStatus, ServerVersion, parseStatusReply, parseVersionReply } from '../scsynth/serverStatus';
import { VolumeControl } from './volumeControl';

export type ServerState = 'stopped' | 'booting' | 'running' | 'quitting' | 'crashed';

export interface StateChange {
  state: ServerState;
  previous: ServerState;
  /** Set when the process exited: how, and the last lines it printed. */
  exit?: ProcessExit;
  /** Human-readable reason for the change (shown in logs and notifications). */
  reason?: string;
  /** What made a crash, where known: the audio driver (JACK) stopping under scsynth. */
  cause?: 'audioDriver';
}

/** What scsynth prints when its audio driver goes away under it (it then exits with code 0). */
const AUDIO_DRIVER_DIED = /killed by jack|jack server (is )?not running|zombified|JackAudioDriver.*(shut ?down|quit)|jack_client_thread.*(exit|zombie)/i;

export interface SCServerSettings {
  /** Proposed client id (sc3nb proposes 1 and leaves 0 to sclang). */
  clientId?: number;
  /** Bundle latency added by `bundler()`, in ms. */
  latencyMs?: number;
  /** `/status` poll interval in ms; 0 turns polling off. */
  statusIntervalMs?: number;
  /** Consecutive missed status replies before the server counts as unresponsive. */
  maxMissedStatus?: number;
  /** Default reply timeout in ms. */
  replyTimeoutMs?: number;
  /** Folder of the synthdefs the core ships (volume, blip). */
  synthdefsDir?: string;
  logger?: Logger;
}

export interface BootOptions {
  /** Path of scsynth; otherwise PATH and the usual install places are searched. */
  scsynthPath?: string;
  /** How long to wait for scsynth to be ready, in ms. */
  timeoutMs?: number;
  withBlip?: boolean;
  /** When the UDP port is taken by a running scsynth, connect to it instead of failing. */
  attachIfRunning?: boolean;
  /** Environment for scsynth (e.g. JACK_DEFAULT_SERVER). */
  env?: NodeJS.ProcessEnv;
}

export class PortInUseError extends Error {
  /** The option to change (the extension names its setting). */
  readonly option = 'udpPort';
  constructor(readonly port: number, readonly byScsynth: boolean) {
    super(
      byScsynth
        ? `UDP port ${port} is already used by a running scsynth. Connect to it (Connect to Remote Server, 127.0.0.1:${port}), quit it, or choose another port.`
        : `UDP port ${port} is already in use by another program. Choose another port or stop that program.`,
    );
    this.name = 'PortInUseError';
  }
}

/** quit() was called while the server was booting (or connecting): the boot stopped. */
export class BootCancelledError extends Error {
  constructor() {
    super('The boot was cancelled: the server was quit while booting.');
    this.name = 'BootCancelledError';
  }
}

/** scsynth gave this client an id that sclang's conventions cannot use (above 31). */
export class ClientIdError extends Error {
  constructor(readonly clientId: number) {
    super(`scsynth has no client id from 0 to 31 free (it offered ${clientId}): quit a client of this server, or boot it with a maxLogins of 32 or less.`);
    this.name = 'ClientIdError';
  }
}

export class ServerNotRunningError extends Error {
  constructor(action: string) {
    super(`Cannot ${action}: the server is not running. Boot it or connect to a running server first.`);
    this.name = 'ServerNotRunningError';
  }
}

/** The shipped synthdefs: beside dist/ in the extension, two or three levels up in the sources. */
function shippedSynthdefsDir(): string {
  // Beside the bundle (dist/), or above the compiled core (out/src/core/server/).
  const candidates = ['..', '../..', '../../..', '../../../..'].map((up) => path.resolve(__dirname, up, 'synthdefs'));
  return candidates.find((dir) => existsSync(path.join(dir, 'sclive_volume_1ch.scsyndef'))) ?? candidates[0];
}

/**
 * A SuperCollider audio server: boots a local scsynth or attaches to a remote one, and keeps
 * the client session (id, default groups, allocators, node model, status, volume).
 */
export class SCServer implements Disposable {
  readonly options: ServerOptions;
  private readonly settings: Required<Omit<SCServerSettings, 'logger' | 'clientId'>> & { clientId: number };
  private readonly logger: Logger;
  private connection: OscConnection | undefined;
  private process: ScsynthProcess | undefined;
  private readonly runScope = new DisposableStore();
  private stateValue: ServerState = 'stopped';
  private lastBoot: BootOptions | undefined;
  /** The boot or connection in flight, and whether quit() asked to cancel it. */
  private starting: Promise<void> | undefined;
  private startCancelled = false;
  private remoteAddress: { host: string; port: number } | undefined;
  private usableAt = 0;
  private bootTimingsValue: { readyAt: number; usableAt: number } | undefined;

  private clientIdValue: number;
  private maxLoginsValue: number;
  private nodeIds: NodeIdAllocator;
  private bufferIds: IDBlockAllocator | undefined;
  private controlBusIds: IDBlockAllocator | undefined;
  private audioBusIds: IDBlockAllocator | undefined;
  private syncId = 0;
  private readonly initHooks: Array<() => void | Promise<void>> = [];

  private statusValue: ServerStatus | undefined;
  private versionValue: ServerVersion | undefined;
  private readonly poller: StatusPoller;
  private readonly nodeSync: NodeSync;

  private readonly volumeControl: VolumeControl;
  /** Resolves when the shipped synthdefs are on the server (volume and blip need them). */
  private synthdefsLoaded: Promise<void> = Promise.resolve();

  /** sc3nb's NodeWatcher: the live node model. */
  readonly nodeWatcher = new NodeWatcher();

  private readonly onDidChangeStateEmitter = new Emitter<StateChange>();
  readonly onDidChangeState: Event<StateChange> = this.onDidChangeStateEmitter.event;
  private readonly onDidChangeStatusEmitter = new Emitter<ServerStatus>();
  /** Each polled status (also when unchanged). */
  readonly onDidChangeStatus: Event<ServerStatus> = this.onDidChangeStatusEmitter.event;
  private readonly onDidChangeResponsivenessEmitter = new Emitter<boolean>();
  readonly onDidChangeResponsiveness: Event<boolean> = this.onDidChangeResponsivenessEmitter.event;
  private readonly onOutputEmitter = new Emitter<ProcessLine>();
  /** scsynth's stdout and stderr, line by line. */
  readonly onOutput: Event<ProcessLine> = this.onOutputEmitter.event;
  readonly onDidChangeVolume: Event<{ volume: number; muted: boolean }>;
  /** Lines that dumpTree is collecting from stdout. */
  private readonly treeQueries: TreeQueries;

  constructor(options: ServerOptions | ServerOptionsInit = {}, settings: SCServerSettings = {}) {
    this.options = options instanceof ServerOptions ? options : new ServerOptions(options);
    this.logger = settings.logger ?? silentLogger;
    this.settings = {
      clientId: settings.clientId ?? 1,
      latencyMs: settings.latencyMs ?? 200,
      statusIntervalMs: settings.statusIntervalMs ?? 1000,
      maxMissedStatus: settings.maxMissedStatus ?? 3,
      replyTimeoutMs: settings.replyTimeoutMs ?? 5000,
      synthdefsDir: settings.synthdefsDir ?? shippedSynthdefsDir(),
    };
    this.clientIdValue = this.settings.clientId;
    this.maxLoginsValue = this.options.maxLogins;
    this.nodeIds = new NodeIdAllocator(this.clientIdValue);
    const server = this;
    this.volumeControl = new VolumeControl({
      get canSend() {
        return !!server.connection?.isOpen && server.stateValue === 'running';
      },
      numOutputBuses: this.options.numOutputBuses,
      get synthdefsLoaded() {
        return server.synthdefsLoaded;
      },
      allocateNodeId: () => this.allocateNodeId(),
      sendMany: (messages) => this.sendMany(messages),
    });
    this.onDidChangeVolume = this.volumeControl.onDidChange;
    this.poller = new StatusPoller((timeoutMs) => this.status(timeoutMs), {
      intervalMs: this.settings.statusIntervalMs,
      maxMissed: this.settings.maxMissedStatus,
      logger: this.logger,
    });
    this.poller.onStatus((status) => {
      this.nodeSync.statusArrived(status);
      this.onDidChangeStatusEmitter.fire(status);
    });
    this.poller.onUnresponsive((value) => this.onDidChangeResponsivenessEmitter.fire(value));
    this.treeQueries = new TreeQueries(this.nodeWatcher, {
      logger: this.logger,
      get canPrint() {
        return server.ownsProcess;
      },
      get isOpen() {
        return !!server.connection?.isOpen;
      },
      request: (request) => this.request(request),
      send: (packet) => this.send(packet),
      sync: () => this.sync().then(() => undefined),
      status: () => this.status(),
      allocateNodeId: () => this.allocateNodeId(),
    });
    this.nodeSync = new NodeSync(this.nodeWatcher, {
      get isRunning() {
        return !!server.connection?.isOpen && server.stateValue === 'running';
      },
      logger: this.logger,
      queryAllNodes: (includeControls) => this.queryAllNodes(includeControls),
      queryGroup: async (groupId) => parseQueryTreeReply((await this.request(cmd.groupQueryTree(groupId, false))).args),
      printedTree: () => (this.process ? this.treeQueries.printedTree() : undefined),
    });
    this.nodeWatcher.onDidChange((change) => {
      if (change.kind === 'removed' && this.volumeControl.nodeEnded(change.node.nodeId) && this.stateValue === 'running') {
        void this.volumeControl.apply().catch((error: Error) => this.logger.warn(`Restoring the volume failed: ${error.message}`));
      }
    });
  }

  // ---- state ---------------------------------------------------------------------------

  get state(): ServerState {
    return this.stateValue;
  }

  /** True once booted or attached and initialised, until quit or crash. */
  get hasBooted(): boolean {
    return this.stateValue === 'running';
  }

  /** True while the server is running and answers. */
  get isRunning(): boolean {
    return this.stateValue === 'running' && !this.poller.unresponsive;
  }

  get unresponsive(): boolean {
    return this.poller.unresponsive;
  }

  get isLocal(): boolean {
    return this.remoteAddress === undefined || isLoopback(this.remoteAddress.host);
  }

  /** Whether this program started the scsynth process (and so may stop it). */
  get ownsProcess(): boolean {
    return this.process !== undefined && !this.process.hasExited;
  }

  get pid(): number | undefined {
    return this.process?.pid;
  }

  /** When the last boot saw scsynth's ready line and when the session was usable (performance.now() ms). */
  get bootTimings(): { readyAt: number; usableAt: number } | undefined {
    return this.bootTimingsValue;
  }

  /** The scsynth command line of the last boot. */
  get commandLine(): string | undefined {
    return this.process?.commandLine;
  }

  get addr(): [string, number] {
    return this.remoteAddress ? [this.remoteAddress.host, this.remoteAddress.port] : ['127.0.0.1', this.options.udpPort];
  }

  get clientId(): number {
    return this.clientIdValue;
  }

  get maxLogins(): number {
    return this.maxLoginsValue;
  }

  get defaultGroup(): number {
    return defaultGroupIdOf(this.clientIdValue);
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
    if (this.stateValue === 'running' && !this.poller.running && ms > 0) this.poller.start();
  }

  /** The last polled status, undefined before the first reply. */
  get lastStatus(): ServerStatus | undefined {
    return this.statusValue;
  }

  get peakCpu(): number | undefined {
    return this.statusValue?.peakCpu;
  }

  get avgCpu(): number | undefined {
    return this.statusValue?.avgCpu;
  }

  get sampleRate(): number | undefined {
    return this.statusValue?.nominalSr;
  }

  get actualSampleRate(): number | undefined {
    return this.statusValue?.actualSr;
  }

  get numSynths(): number | undefined {
    return this.statusValue?.numSynths;
  }

  get numGroups(): number | undefined {
    return this.statusValue?.numGroups;
  }

  get numUgens(): number | undefined {
    return this.statusValue?.numUgens;
  }

  get numSynthdefs(): number | undefined {
    return this.statusValue?.numSynthdefs;
  }

  // ---- boot, attach, quit ------------------------------------------------------------

  /** Starts a local scsynth and initialises the session. `quit()` meanwhile cancels it. */
  boot(options: BootOptions = {}): Promise<void> {
    if (this.stateValue === 'running' || this.stateValue === 'booting' || this.stateValue === 'quitting') {
      return Promise.reject(new Error(`Cannot boot: the server is ${this.stateValue}.`));
    }
    return this.startingRun(() => this.bootNow(options));
  }

  /** Runs a boot or a connection, so that quit() can cancel it (see throwIfCancelled). */
  private async startingRun(start: () => Promise<void>): Promise<void> {
    this.startCancelled = false;
    const run = start();
    this.starting = run;
    try {
      await run;
    } finally {
      if (this.starting === run) this.starting = undefined;
    }
  }

  /** Called between the steps of a boot: a quit() since the last step ends it here. */
  private throwIfCancelled(): void {
    if (this.startCancelled) throw new BootCancelledError();
  }

  private async bootNow(options: BootOptions): Promise<void> {
    this.lastBoot = options;
    const executable = findScsynth({ explicitPath: options.scsynthPath, program: this.options.program });
    const port = this.options.udpPort;
    const host = this.options.bindAddress === '0.0.0.0' ? '127.0.0.1' : this.options.bindAddress;
    if (await isUdpPortTaken(port, this.options.bindAddress)) {
      const answered = await answersStatus(host, port, 500);
      if (answered && options.attachIfRunning) {
        this.logger.info(`A scsynth already runs on UDP port ${port}; connecting to it.`);
        return this.remote(host, port, { withBlip: options.withBlip });
      }
      throw new PortInUseError(port, answered);
    }
    this.remoteAddress = undefined;
    this.setState('booting');
    const args = this.options.toArgs();
    this.logger.info(`Booting: ${[executable, ...args].join(' ')}`);
    const started = Date.now();
    try {
      this.process = await startScsynth(
        executable,
        args,
        { readyTimeoutMs: options.timeoutMs ?? 10_000, env: options.env ? { ...process.env, ...options.env } : undefined, udpPort: port },
        (line) => this.onOutputEmitter.fire(line),
      );
    } catch (error) {
      this.setState('stopped', { reason: (error as Error).message });
      throw error;
    }
    const proc = this.process;
    const readyAt = performance.now();
    if (this.startCancelled) {
      await this.quitNow();
      throw new BootCancelledError();
    }
    this.runScope.add(proc.onLine((line) => {
      // A tree the core asked scsynth to print is the core's, not the musician's output.
      if (this.treeQueries.takePrintedLine(line.text)) return;
      this.onOutputEmitter.fire(line);
    }));
    this.runScope.add(proc.onExit((exit) => this.processExited(proc, exit)));
    this.logger.info(`scsynth ready after ${Date.now() - started} ms (pid ${proc.pid}).`);
    try {
      await this.connect(host, port);
      this.throwIfCancelled();
      await this.init(options.withBlip ?? false);
      this.bootTimingsValue = { readyAt, usableAt: this.usableAt };
    } catch (error) {
      if (!(error instanceof BootCancelledError)) this.logger.error(`Initialising the server failed: ${(error as Error).message}`);
      await this.quitNow().catch(() => undefined);
      throw error;
    }
  }

  /** Connects to a running scsynth (this program did not start it, and will not stop it). */
  remote(host: string, port: number, options: { withBlip?: boolean } = {}): Promise<void> {
    if (this.stateValue === 'running' || this.stateValue === 'booting' || this.stateValue === 'quitting') return Promise.reject(new Error(`Cannot connect: the server is ${this.stateValue}.`));
    if (!Number.isInteger(port) || port < 1 || port > 65535) return Promise.reject(new RangeError(`port must be a whole number from 1 to 65535, got ${JSON.stringify(port)} (${typeof port})`));
    return this.startingRun(() => this.remoteNow(host, port, options));
  }

  private async remoteNow(host: string, port: number, options: { withBlip?: boolean }): Promise<void> {
    this.remoteAddress = { host, port };
    this.setState('booting');
    try {
      await this.connect(host, port);
      await this.connection!.request(cmd.status(), 2000).catch((error: Error) => {
        throw new Error(`No scsynth answered at ${host}:${port}: ${error.message}`);
      });
      await this.init(options.withBlip ?? false);
    } catch (error) {
      this.teardown();
      this.setState('stopped', { reason: (error as Error).message });
      throw error;
    }
  }

  private async connect(host: string, port: number): Promise<void> {
    const connection = new OscConnection({
      host,
      port,
      bindAddress: isLoopback(host) ? '127.0.0.1' : undefined,
      timeoutMs: this.settings.replyTimeoutMs,
      logger: this.logger,
    });
    await connection.open();
    this.connection = connection;
    this.runScope.add({ dispose: () => connection.close('the server connection was closed') });
    for (const address of NODE_NOTIFICATIONS) {
      this.runScope.add(connection.onMessage(address, (message) => this.nodeWatcher.handleNotification(message.address, message.args)));
    }
  }

  /**
   * sc3nb's init: notify, allocators, shipped synthdefs, default groups, node model, hooks.
   * scsynth runs commands in order, so everything up to the node model is sent at once and
   * the replies awaited together: one audio period instead of one per step.
   */
  async init(withBlip = false): Promise<void> {
    const connection = this.requireConnection('initialise the session');
    this.nodeWatcher.beginResync();
    let tree: GroupNode | undefined;
    let loaded: Promise<void>;
    try {
      const notified = this.notify(true, this.settings.clientId);
      loaded = this.loadSynthdefs(this.settings.synthdefsDir);
      this.synthdefsLoaded = loaded.catch(() => undefined);
      const queryTree = cmd.groupQueryTree(0, false);
      const readTree = (reply: Promise<DecodedMessage>) =>
        reply.then((message) => parseQueryTreeReply(message.args)).catch((error: Error) => {
          if (isOverflow(error)) return undefined;
          throw error;
        });
      if (this.process) {
        // scsynth rounds maxLogins up to a power of two; a server this program started gets
        // the default groups for that many clients in the same packet as the tree query.
        const predicted = nextPowerOfTwo(this.options.maxLogins);
        const treeReply = readTree(this.sendAndExpect({ timeTag: IMMEDIATELY, packets: [...this.defaultGroupMessages(0, predicted), queryTree.message] }, '/g_queryTree', queryTree.reply));
        // If /notify fails first, this wait fails later on its own: handled, not a crash.
        treeReply.catch(() => undefined);
        await notified;
        // Any further clients' groups arrive in the model as notifications.
        if (this.maxLoginsValue > predicted) void this.sendMany(this.defaultGroupMessages(predicted, this.maxLoginsValue), { wait: false });
        tree = await treeReply;
      } else {
        await notified;
        tree = await readTree(this.sendAndExpect({ timeTag: IMMEDIATELY, packets: [...this.defaultGroupMessages(0, this.maxLoginsValue), queryTree.message] }, '/g_queryTree', queryTree.reply));
      }
      this.makeAllocators();
    } finally {
      this.nodeWatcher.finishResync(tree);
    }
    if (!connection.isOpen) throw new Error('the connection closed during initialisation');
    this.throwIfCancelled();
    // Usable: registered, ids allocated, default groups and node model in place.
    this.setState('running');
    this.usableAt = performance.now();
    this.poller.start();
    if (!tree) await this.resyncNodeTree();
    await loaded;
    await this.executeInitHooks();
    await this.volumeControl.apply();
    if (withBlip) this.blip();
  }

  private makeAllocators(): void {
    const o = this.options;
    const logins = this.maxLoginsValue;
    const buffers = clientBlock(o.numSampleBuffers, logins, this.clientIdValue);
    const controls = clientBlock(o.numControlBuses, logins, this.clientIdValue);
    const audio = clientBlock(o.numPrivateBuses, logins, this.clientIdValue, o.firstPrivateBus);
    this.nodeIds = new NodeIdAllocator(this.clientIdValue);
    this.bufferIds = new IDBlockAllocator(buffers.size, buffers.offset);
    this.controlBusIds = new IDBlockAllocator(controls.size, controls.offset);
    this.audioBusIds = new IDBlockAllocator(audio.size, audio.offset);
  }

  /**
   * Registers with the server for notifications, proposing `clientId`. On "already
   * registered" the id scsynth reports is adopted; "too many users" is an error.
   */
  async notify(receiveNotifications = true, clientId?: number, timeoutMs = 2000): Promise<void> {
    const connection = this.requireConnection('register with the server');
    try {
      const reply = await connection.request(cmd.notify(receiveNotifications, clientId), timeoutMs);
      if (!receiveNotifications) return;
      if (typeof reply.args[2] === 'number') {
        this.adoptClient(reply.args[1], reply.args[2]);
      } else {
        // supernova answers `/done /notify 0` to everyone: it does not assign client ids, so
        // the proposed id stays (sclang's 0 and ours must still differ).
        this.logger.info(`The server does not assign client ids; keeping client id ${this.clientIdValue}.`);
      }
    } catch (error) {
      if (error instanceof ServerFailError && /already registered/.test(error.serverMessage)) {
        const id = error.args.find((arg, index) => index > 1 && typeof arg === 'number');
        this.logger.info(`This client was already registered with scsynth; keeping client id ${id ?? this.clientIdValue}.`);
        this.adoptClient(id, undefined);
        return;
      }
      if (error instanceof ServerFailError && /too many users/.test(error.serverMessage)) {
        throw new Error(`scsynth refused this client: too many users (maxLogins ${this.options.maxLogins}). Quit another client or boot with a larger maxLogins.`);
      }
      throw error;
    }
  }

  private adoptClient(clientId: unknown, maxLogins: unknown): void {
    if (typeof maxLogins === 'number' && maxLogins > 0) this.maxLoginsValue = maxLogins;
    if (typeof clientId === 'number' && clientId >= MAX_CLIENTS) {
      // sclang cannot use such an id, and its node ids (clientId * 2^26 + n) overflow int32.
      this.connection?.send(cmd.notify(false).message);
      throw new ClientIdError(clientId);
    }
    if (typeof clientId === 'number' && clientId >= 0) {
      if (clientId !== this.clientIdValue) this.logger.info(`scsynth assigned client id ${clientId} (proposed ${this.clientIdValue}).`);
      this.clientIdValue = clientId;
    }
  }

  /** Creates the default group of every client (sclang's convention), at the head of root. */
  sendDefaultGroups(): void {
    this.sendMany(this.defaultGroupMessages(0, this.maxLoginsValue));
  }

  private defaultGroupMessages(fromClient: number, toClient: number): OscMessage[] {
    const messages: OscMessage[] = [];
    // A server started with scsynth's own maxLogins (64) has clients sclang cannot be.
    for (let client = fromClient; client < Math.min(toClient, MAX_CLIENTS); client++) messages.push(cmd.groupNew(defaultGroupIdOf(client), cmd.AddAction.head, 0));
    return messages;
  }

  /**
   * sc3nb's connect_sclang: makes sclang's default server `s` this server (sclang keeps its
   * own client id, so ids never collide), then runs the init hooks.
   */
  async connectSclang(lang: { attachToServer(port: number, maxLogins: number): Promise<void> }): Promise<void> {
    if (this.stateValue !== 'running') throw new ServerNotRunningError('connect sclang');
    await lang.attachToServer(this.addr[1], this.maxLoginsValue);
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

  /**
   * Quits: a server this program started is sent /quit, then waited for, terminated and
   * killed, each after a timeout. A remote server is only disconnected from.
   */
  async quit(): Promise<void> {
    if (this.starting) {
      // A boot or connection in flight: it stops at its next step and cleans up after itself.
      this.startCancelled = true;
      await this.starting.catch(() => undefined);
      return;
    }
    return this.quitNow();
  }

  private async quitNow(): Promise<void> {
    if (this.stateValue === 'stopped' || this.stateValue === 'crashed') {
      this.teardown();
      return;
    }
    const proc = this.process;
    this.setState('quitting');
    this.poller.stop();
    const connection = this.connection;
    if (proc && !proc.hasExited) {
      if (connection?.isOpen) {
        await connection.request(cmd.quit(), 1000).catch((error: Error) => this.logger.warn(`/quit was not confirmed: ${error.message}`));
      }
      const exit = await proc.stop(2000, 2000);
      removeSharedMemoryOf(this.options.udpPort);
      this.logger.info(`scsynth exited (${exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`}).`);
    } else if (connection?.isOpen) {
      await connection.request(cmd.notify(false), 1000).catch(() => undefined);
    }
    this.teardown();
    this.setState('stopped');
  }

  /** Quits and boots again with the same options. Only for a server this program started. */
  async reboot(): Promise<void> {
    if (this.remoteAddress && !this.process) throw new Error('Cannot reboot a remote server: this program did not start it.');
    const boot = this.lastBoot ?? {};
    await this.quit();
    await this.boot(boot);
  }

  private processExited(proc: ScsynthProcess, exit: ProcessExit): void {
    removeSharedMemoryOf(this.options.udpPort);
    if (proc !== this.process || this.stateValue === 'quitting' || this.stateValue === 'stopped') return;
    const driverLine = exit.lastLines.find((line) => AUDIO_DRIVER_DIED.test(line));
    if (driverLine) {
      // scsynth exits cleanly (code 0) when JACK goes away under it: that is no quit.
      this.logger.error(`scsynth stopped because its audio driver stopped ("${driverLine.trim()}"). Last output:\n${exit.lastLines.slice(-10).join('\n')}`);
      this.teardown();
      this.setState('crashed', { exit, reason: `the audio driver (JACK) stopped under scsynth ("${driverLine.trim()}")`, cause: 'audioDriver' });
      return;
    }
    if (exit.code === 0 && !exit.signal) {
      // Another client (e.g. sclang's s.quit) sent /quit: a clean stop, not a crash.
      this.logger.info('scsynth quit (asked by another client).');
      this.teardown();
      this.setState('stopped', { exit, reason: 'scsynth quit, asked by another client' });
      return;
    }
    const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
    this.logger.error(`scsynth ${how}. Last output:\n${exit.lastLines.slice(-10).join('\n')}`);
    this.teardown();
    this.setState('crashed', { exit, reason: `scsynth ${how}` });
  }

  private teardown(): void {
    this.poller.stop();
    this.nodeSync.reset();
    this.runScope.dispose();
    this.connection = undefined;
    this.process = undefined;
    this.volumeControl.forget();
    this.statusValue = undefined;
    this.poller.reset();
    this.nodeWatcher.clear();
  }

  dispose(): void {
    if (this.ownsProcess) this.process!.signal('SIGTERM');
    this.teardown();
    this.poller.dispose();
    this.nodeSync.dispose();
    this.onDidChangeStateEmitter.dispose();
    this.onDidChangeStatusEmitter.dispose();
    this.onDidChangeResponsivenessEmitter.dispose();
    this.volumeControl.dispose();
    this.onOutputEmitter.dispose();
    this.nodeWatcher.dispose();
  }

  private setState(state: ServerState, extra: Omit<StateChange, 'state' | 'previous'> = {}): void {
    const previous = this.stateValue;
    if (previous === state) return;
    this.stateValue = state;
    this.onDidChangeStateEmitter.fire({ state, previous, ...extra });
  }

  // ---- OSC -----------------------------------------------------------------------------

  private requireConnection(action: string): OscConnection {
    if (!this.connection?.isOpen) throw new ServerNotRunningError(action);
    return this.connection;
  }

  /** Sends a message or bundle; /s_new messages tell the node model their def name. */
  send(packet: OscMessage | OscBundle): void {
    this.noteOutgoing(packet);
    this.requireConnection('send').send(packet);
  }

  private noteOutgoing(packet: OscMessage | OscBundle): void {
    if (isBundle(packet)) {
      for (const inner of packet.packets) this.noteOutgoing(inner);
    } else if (packet.address === '/s_new') {
      const defName = argValue(packet.args[0]);
      const nodeId = argValue(packet.args[1]);
      if (typeof defName === 'string' && typeof nodeId === 'number' && nodeId >= 0) this.nodeWatcher.expectSynth(nodeId, defName);
    }
  }

  /**
   * sc3nb's msg: sends `address args`; with `awaitReply` it resolves with the reply scsynth
   * answers that command with (matched by id where the reply carries one).
   */
  async msg(address: string, args: OscArgument[] = [], awaitReply = false, timeoutMs?: number): Promise<DecodedMessage | undefined> {
    const message = { address, args };
    if (!awaitReply) {
      this.send(message);
      return undefined;
    }
    const reply = cmd.expectedReply(address, args);
    if (!reply) throw new Error(`${address} has no reply to wait for; send it without awaitReply and use sync() to wait for it.`);
    this.noteOutgoing(message);
    return this.requireConnection(`send ${address}`).sendAndExpect(message, address, reply, timeoutMs);
  }

  /** Sends a request built by scsynthCommands and waits for its reply. */
  request(request: cmd.Request, timeoutMs?: number): Promise<DecodedMessage> {
    this.noteOutgoing(request.message);
    return this.requireConnection(`send ${request.message.address}`).request(request, timeoutMs);
  }

  /** Waits for a reply to a packet sent by the caller (e.g. a bundle). */
  sendAndExpect(packet: OscMessage | OscBundle, command: string, reply: ReplyExpectation, timeoutMs?: number): Promise<DecodedMessage> {
    this.noteOutgoing(packet);
    return this.requireConnection(`send ${command}`).sendAndExpect(packet, command, reply, timeoutMs);
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
    return this.connection;
  }

  /**
   * Sends many messages without overrunning scsynth: packed into immediate bundles of at most
   * 8 KB, in windows of `windowSize` messages (default 960), each followed by a `/status`
   * request that scsynth answers in the audio period that ran the window; the next window
   * waits for that answer, so one period never runs more than one window: scsynth queues at
   * most 1,024 node notifications per period and silently drops the rest, and unpaced bursts
   * also overflow its socket. `windowSize: Infinity` sends unpaced.
   * Resolves after a final `/sync` (skipped with `wait: false`), when everything was processed.
   */
  async sendMany(messages: readonly OscMessage[], options: { windowSize?: number; timeoutMs?: number; wait?: boolean } = {}): Promise<void> {
    const connection = this.requireConnection('send messages');
    await sendPaced(
      {
        send: (packet) => connection.send(packet),
        barrier: (timeoutMs) => connection.request(cmd.status(), timeoutMs),
        noteOutgoing: (packet) => this.noteOutgoing(packet),
      },
      messages,
      options,
    );
    if (options.wait !== false) await this.sync(options.timeoutMs);
  }

  /** Resolves once scsynth has processed everything sent before (async commands included). */
  async sync(timeoutMs = this.settings.replyTimeoutMs): Promise<boolean> {
    this.syncId = (this.syncId + 1) % 0x7fffffff;
    await this.request(cmd.sync(this.syncId), timeoutMs);
    return true;
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
    if (this.versionValue && this.stateValue === 'running') return this.versionValue;
    const reply = await this.request(cmd.version(), timeoutMs);
    this.versionValue = parseVersionReply(reply.args);
    return this.versionValue;
  }

  /** Makes scsynth print incoming OSC: 0 off, 1 parsed, 2 hex, 3 both. */
  dumpOsc(level = 1): void {
    if (![0, 1, 2, 3, 4].includes(level)) throw new RangeError('dumpOsc level is 0 (off), 1 (parsed), 2 (hex), 3 (both) or 4 (parsed, without /status)');
    this.send(cmd.dumpOsc(level));
  }

  // ---- synthdefs -----------------------------------------------------------------------

  /** Sends a compiled SynthDef (.scsyndef bytes) and waits for scsynth to load it. */
  async sendSynthdef(bytes: Uint8Array, wait = true): Promise<void> {
    if (bytes.byteLength > 65000) throw new Error(`SynthDef of ${bytes.byteLength} bytes is too large for one UDP packet; write it to a file and use loadSynthdef.`);
    const request = cmd.synthdefReceive(bytes);
    if (!wait) return this.send(request.message);
    await this.request(request);
  }

  /** Loads a .scsyndef file. A local server reads the file itself; a remote one gets its bytes. */
  async loadSynthdef(synthdefPath: string): Promise<void> {
    if (this.isLocal) await this.request(cmd.synthdefLoad(path.resolve(synthdefPath)));
    else await this.sendSynthdef(await readFile(synthdefPath));
  }

  /** Loads every .scsyndef in a folder (the shipped ones by default). */
  async loadSynthdefs(synthdefDir: string = this.settings.synthdefsDir): Promise<void> {
    if (this.isLocal) {
      await this.request(cmd.synthdefLoadDir(path.resolve(synthdefDir)));
      return;
    }
    for (const file of (await readdir(synthdefDir)).filter((name) => name.endsWith('.scsyndef'))) {
      await this.sendSynthdef(await readFile(path.join(synthdefDir, file)));
    }
  }

  /** A short sound that says the server is there. */
  blip(): void {
    const b = this.bundler(0);
    b.add(cmd.synthNew('sclive_blip', this.allocateNodeId(), cmd.AddAction.head, this.defaultGroup, { freq: 880, amp: 0.1 }));
    b.send();
  }

  // ---- allocation ----------------------------------------------------------------------

  allocateNodeId(): number {
    return this.nodeIds.allocate();
  }

  allocateBufferId(num = 1): number[] {
    return this.requireAllocator(this.bufferIds, 'buffer').allocate(num);
  }

  allocateControlBusIdx(num = 1): number[] {
    return this.requireAllocator(this.controlBusIds, 'control bus').allocate(num);
  }

  allocateAudioBusIdx(num = 1): number[] {
    return this.requireAllocator(this.audioBusIds, 'audio bus').allocate(num);
  }

  freeBufferIds(ids: number[]): void {
    this.requireAllocator(this.bufferIds, 'buffer').freeIds(ids);
  }

  freeControlBusIdx(ids: number[]): void {
    this.requireAllocator(this.controlBusIds, 'control bus').freeIds(ids);
  }

  freeAudioBusIdx(ids: number[]): void {
    this.requireAllocator(this.audioBusIds, 'audio bus').freeIds(ids);
  }

  private requireAllocator(allocator: IDBlockAllocator | undefined, what: string): IDBlockAllocator {
    if (!allocator) throw new ServerNotRunningError(`allocate a ${what}`);
    return allocator;
  }

  // ---- nodes ---------------------------------------------------------------------------

  /**
   * Frees all nodes (root: everything, re-creating every client's default group; else only
   * this client's default group), clears scheduled bundles, re-runs init hooks and syncs.
   */
  async freeAll(root = true): Promise<void> {
    this.requireConnection('free all nodes');
    this.send(cmd.groupFreeAll(root ? 0 : this.defaultGroup));
    this.send(cmd.clearSched());
    if (root) {
      this.volumeControl.forget();
      this.sendDefaultGroups();
    }
    await this.sync();
    await this.executeInitHooks();
    if (root) await this.volumeControl.apply();
    await this.sync();
  }

  /** Frees a node (a synth, or a group with everything in it). */
  freeNode(nodeId: number): Promise<void> {
    return this.sendAndSync(cmd.nodeFree(nodeId));
  }

  /** Frees everything inside a group, keeping the group. */
  freeGroupChildren(groupId: number): Promise<void> {
    return this.sendAndSync(cmd.groupFreeAll(groupId));
  }

  /** Pauses (false) or resumes (true) a node. */
  runNode(nodeId: number, running: boolean): Promise<void> {
    return this.sendAndSync(cmd.nodeRun(nodeId, running));
  }

  /** Sets controls of a node: numbers, or bus mappings such as "c12" and "a3". */
  setNodeControls(nodeId: number, controls: Record<string, ControlValue>): Promise<void> {
    return this.sendAndSync(cmd.nodeSet(nodeId, controls));
  }

  /** Sends a command and resolves once scsynth has run it. */
  private async sendAndSync(message: OscMessage): Promise<void> {
    this.send(message);
    await this.sync();
  }

  /**
   * Stops every sound at once and waits for nothing, so it works on a server too loaded to
   * answer: one bundle clears the schedule, frees every node, re-creates the default groups
   * and this client's volume synths. Init hooks run afterwards without being awaited.
   */
  hush(): void {
    if (!this.connection?.isOpen || this.stateValue !== 'running') throw new ServerNotRunningError('hush');
    this.send({
      timeTag: IMMEDIATELY,
      packets: [
        cmd.clearSched(),
        cmd.groupFreeAll(0),
        ...this.defaultGroupMessages(0, this.maxLoginsValue),
        ...this.volumeControl.recreateMessages(),
      ],
    });
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

  get muted(): boolean {
    return this.volumeControl.muted;
  }

  setVolume(dB: number): Promise<void> {
    return this.volumeControl.setVolume(dB);
  }

  mute(): Promise<void> {
    return this.volumeControl.setMuted(true);
  }

  unmute(): Promise<void> {
    return this.volumeControl.setMuted(false);
  }

  /** Node ids of the volume synths now on the server. */
  get volumeSynthIds(): readonly number[] {
    return this.volumeControl.synthIds;
  }

  toString(): string {
    return `<SCServer addr=${this.addr.join(':')} state=${this.stateValue} clientId=${this.clientIdValue} pid=${this.pid ?? '-'}>`;
  }
}

/** Collects messages into one timed bundle (sc3nb's Bundler). */
export class Bundler {
  readonly packets: Array<OscMessage | OscBundle> = [];

  constructor(private readonly server: SCServer, readonly timeTag: TimeTag) {}

  add(message: OscMessage | OscBundle): this;
  add(address: string, args?: OscArgument[]): this;
  add(messageOrAddress: OscMessage | OscBundle | string, args: OscArgument[] = []): this {
    this.packets.push(typeof messageOrAddress === 'string' ? { address: messageOrAddress, args } : messageOrAddress);
    return this;
  }

  toPacket(): OscBundle {
    return { timeTag: this.timeTag, packets: [...this.packets] };
  }

  send(): void {
    this.server.send(this.toPacket());
  }
}

function nextPowerOfTwo(n: number): number {
  return 2 ** Math.ceil(Math.log2(Math.max(1, n)));
}


/**
 * scsynth keeps an 8 MB shared memory segment per server (named after its port, for sclang's
 * scope) and removes it when it quits; one killed by a signal, or whose JACK died, leaves it
 * behind in /dev/shm. Removed once a process this program started has exited (it is garbage then).
 */
function removeSharedMemoryOf(port: number): void {
  if (process.platform !== 'linux') return;
  try {
    rmSync(`/dev/shm/SuperColliderServer_${port}`, { force: true });
  } catch {
    // not ours to worry about further
  }
}


function argValue(arg: OscArgument | undefined): unknown {
  if (arg !== null && typeof arg === 'object' && !(arg instanceof Uint8Array)) return 'value' in arg ? arg.value : undefined;
  return arg;
}

/** True when something is bound to `port` on `address` (scsynth or any other program). */
export async function isUdpPortTaken(port: number, address: string): Promise<boolean> {
  const socket = dgram.createSocket('udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind({ port, address, exclusive: true }, () => resolve());
    });
    return false;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRNOTAVAIL') {
      // Refused before scsynth is started: it could not listen there either.
      throw new BootError(`scsynth cannot listen on the bind address ${address}: the system said "Cannot assign requested address" (no interface of this machine has it). Use 127.0.0.1 (this machine only), 0.0.0.0 (every interface) or an IPv4 address of this machine.`, [], 'address');
    }
    return code === 'EADDRINUSE';
  } finally {
    socket.close();
  }
}

/** True when a scsynth at host:port answers /status within `timeoutMs`. */
export async function answersStatus(host: string, port: number, timeoutMs: number): Promise<boolean> {
  const connection = new OscConnection({ host, port, timeoutMs });
  try {
    await connection.open();
    await connection.request(cmd.status(), timeoutMs);
    return true;
  } catch {
    return false;
  } finally {
    connection.close();
  }
}

export { BootError };
