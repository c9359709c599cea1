// sc3nb's SCServer in TypeScript: a local or remote scsynth, its client session and state.
// The state machine (boot, connect, quit, crash) lives here; each concern is a collaborator:
// ClientSession (registration, ids, sending), ServerRun (one run's lifetime), StatusPoller,
// NodeSync, TreeQueries, VolumeControl, synthdefs.ts. The sc3nb methods delegate to them.
import { Disposable, Emitter, Event, Logger, silentLogger } from '../events';
import { OscArgument, OscBundle, OscMessage, timeTagFromUnixMs, IMMEDIATELY } from '../osc/oscCodec';
import type { DecodedMessage } from '../osc/oscCodec';
import { OscConnection, ReplyExpectation, isLoopback } from '../osc/oscConnection';
import * as cmd from '../scsynth/scsynthCommands';
import { ServerOptions, ServerOptionsInit } from '../scsynth/serverOptions';
import { findScsynth } from '../scsynth/scsynthLocator';
import { ProcessExit, ProcessLine, ScsynthProcess, startScsynth } from '../scsynth/scsynthProcess';
import { classifyExit, removeSharedMemoryOf } from '../scsynth/scsynthExit';
import { answersStatus, isUdpPortTaken } from '../scsynth/portProbe';
import { ServerStatus, ServerVersion, parseStatusReply, parseVersionReply } from '../scsynth/serverStatus';
import { Bundler } from './bundler';
import { ClientSession } from './clientSession';
import { NODE_NOTIFICATIONS, NodeWatcher } from './nodeWatcher';
import { NodeSync } from './nodeSync';
import { ControlValue, GroupNode, formatTree, parseQueryTreeReply } from './nodeTree';
import { BootCancelledError, PortInUseError, ServerNotRunningError } from './serverErrors';
import { ServerRun } from './serverRun';
import { StatusPoller } from './statusPoller';
import * as synthdefs from './synthdefs';
import { TreeQueries } from './treeQueries';
import { VolumeControl } from './volumeControl';
import { LevelMeters, METER_REPLY } from '../meters/levelMeters';
import { Recorder } from '../recording/recorder';
import { SCOPE_REPLY, ScopeTap } from '../meters/scopeTap';

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


/**
 * A SuperCollider audio server: boots a local scsynth or attaches to a remote one, and keeps
 * the client session (id, default groups, allocators, node model, status, volume).
 */
export class SCServer implements Disposable {
  readonly options: ServerOptions;
  private readonly settings: Required<Omit<SCServerSettings, 'logger' | 'clientId'>> & { clientId: number };
  private readonly logger: Logger;
  private stateValue: ServerState = 'stopped';
  /** The run in progress (from boot or connect to quit or crash). */
  private run: ServerRun | undefined;
  /** The session of the run in progress, or of the last one (its client id stays readable). */
  private session: ClientSession;
  private lastBoot: BootOptions | undefined;
  /** The boot or connection in flight, and whether quit() asked to cancel it. */
  private starting: Promise<void> | undefined;
  private startCancelled = false;
  private usableAt = 0;
  private bootTimingsValue: { readyAt: number; usableAt: number } | undefined;
  private readonly initHooks: Array<() => void | Promise<void>> = [];
  private statusValue: ServerStatus | undefined;
  private versionValue: ServerVersion | undefined;
  /** Resolves when the shipped synthdefs are on the server (volume and blip need them). */
  private synthdefsLoaded: Promise<void> = Promise.resolve();

  private readonly poller: StatusPoller;
  private readonly nodeSync: NodeSync;
  private readonly treeQueries: TreeQueries;
  private readonly volumeControl: VolumeControl;
  /** sc3nb's NodeWatcher: the live node model. */
  readonly nodeWatcher = new NodeWatcher();
  /** Output and input levels, from meter synths this client keeps on the server while wanted. */
  readonly meters: LevelMeters;
  /** Recording the outputs to a sound file. */
  readonly recorder: Recorder;
  /** The scope's signal, read over OSC while wanted. */
  readonly scope: ScopeTap;

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

  constructor(options: ServerOptions | ServerOptionsInit = {}, settings: SCServerSettings = {}) {
    this.options = options instanceof ServerOptions ? options : new ServerOptions(options);
    this.logger = settings.logger ?? silentLogger;
    this.settings = {
      clientId: settings.clientId ?? 1,
      latencyMs: settings.latencyMs ?? 200,
      statusIntervalMs: settings.statusIntervalMs ?? 1000,
      maxMissedStatus: settings.maxMissedStatus ?? 3,
      replyTimeoutMs: settings.replyTimeoutMs ?? 5000,
      synthdefsDir: settings.synthdefsDir ?? synthdefs.shippedSynthdefsDir(),
    };
    this.session = this.newSession(undefined);
    const server = this;
    const sending = () => server.session.isOpen && server.stateValue === 'running';
    this.volumeControl = new VolumeControl({
      get canSend() {
        return sending();
      },
      numOutputBuses: this.options.numOutputBuses,
      get synthdefsLoaded() {
        return server.synthdefsLoaded;
      },
      allocateNodeId: () => this.allocateNodeId(),
      sendMany: (messages) => this.sendMany(messages),
    });
    this.onDidChangeVolume = this.volumeControl.onDidChange;
    this.meters = new LevelMeters({
      get canSend() {
        return sending();
      },
      numOutputBuses: this.options.numOutputBuses,
      numInputBuses: this.options.numInputBuses,
      get synthdefsLoaded() {
        return server.synthdefsLoaded;
      },
      allocateNodeId: () => this.allocateNodeId(),
      send: (packet) => this.send(packet),
    });
    const buffers = {
      allocateBufferId: () => this.allocateBufferId(1)[0],
      freeBufferId: (id: number) => {
        // After a new run the old allocator is gone, and with it the id.
        if (this.session.isOpen) this.freeBufferIds([id]);
      },
    };
    this.scope = new ScopeTap({
      get canSend() {
        return sending();
      },
      get synthdefsLoaded() {
        return server.synthdefsLoaded;
      },
      logger: this.logger,
      allocateNodeId: () => this.allocateNodeId(),
      ...buffers,
      request: (request) => this.request(request),
      requestAll: (requests) => this.session.requestAll(requests),
      send: (packet) => this.send(packet),
    });
    this.recorder = new Recorder({
      get canSend() {
        return sending();
      },
      get synthdefsLoaded() {
        return server.synthdefsLoaded;
      },
      logger: this.logger,
      allocateNodeId: () => this.allocateNodeId(),
      ...buffers,
      request: (request) => this.request(request),
      send: (packet) => this.send(packet),
    });
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
        return server.session.isOpen;
      },
      request: (request) => this.request(request),
      send: (packet) => this.send(packet),
      sync: () => this.sync().then(() => undefined),
      status: () => this.status(),
      allocateNodeId: () => this.allocateNodeId(),
    });
    this.nodeSync = new NodeSync(this.nodeWatcher, {
      get isRunning() {
        return sending();
      },
      logger: this.logger,
      queryAllNodes: (includeControls) => this.queryAllNodes(includeControls),
      queryGroup: async (groupId) => parseQueryTreeReply((await this.request(cmd.groupQueryTree(groupId, false))).args),
      printedTree: () => (this.run?.process ? this.treeQueries.printedTree() : undefined),
    });
    this.nodeWatcher.onDidChange((change) => {
      if (change.kind !== 'removed' || this.stateValue !== 'running') return;
      // This client's own synths, freed by someone else (sclang's Cmd-., another client): put back.
      const nodeId = change.node.nodeId;
      if (this.volumeControl.nodeEnded(nodeId)) void this.volumeControl.apply().catch((error: Error) => this.logger.warn(`Restoring the volume failed: ${error.message}`));
      if (this.meters.nodeEnded(nodeId)) void this.meters.apply().catch((error: Error) => this.logger.warn(`Restoring the meters failed: ${error.message}`));
      if (this.recorder.nodeEnded(nodeId)) this.recorder.apply();
      if (this.scope.nodeEnded(nodeId)) void this.scope.apply().catch((error: Error) => this.logger.warn(`Restoring the scope failed: ${error.message}`));
    });
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
    const remote = this.run?.remoteAddress;
    return remote === undefined || isLoopback(remote.host);
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
    return this.bootTimingsValue;
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
    if (this.stateValue === 'running' && !this.poller.running && ms > 0) this.poller.start();
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
    this.setState('booting');
    const args = this.options.toArgs();
    this.logger.info(`Booting: ${[executable, ...args].join(' ')}`);
    const started = Date.now();
    let proc: ScsynthProcess;
    try {
      proc = await startScsynth(
        executable,
        args,
        { readyTimeoutMs: options.timeoutMs ?? 10_000, env: options.env ? { ...process.env, ...options.env } : undefined, udpPort: port },
        (line) => this.onOutputEmitter.fire(line),
      );
    } catch (error) {
      this.setState('stopped', { reason: (error as Error).message });
      throw error;
    }
    const readyAt = performance.now();
    const run = this.beginRun(proc);
    if (this.startCancelled) {
      await this.quitNow();
      throw new BootCancelledError();
    }
    run.add(proc.onLine((line) => {
      // A tree the core asked scsynth to print is the core's, not the musician's output.
      if (this.treeQueries.takePrintedLine(line.text)) return;
      this.onOutputEmitter.fire(line);
    }));
    run.add(proc.onExit((exit) => this.processExited(proc, exit)));
    this.logger.info(`scsynth ready after ${Date.now() - started} ms (pid ${proc.pid}).`);
    try {
      await this.connect(run, host, port);
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
    const run = this.beginRun(undefined, { host, port });
    this.setState('booting');
    try {
      await this.connect(run, host, port);
      await this.request(cmd.status(), 2000).catch((error: Error) => {
        throw new Error(`No scsynth answered at ${host}:${port}: ${error.message}`);
      });
      await this.init(options.withBlip ?? false);
    } catch (error) {
      this.endRun();
      this.setState('stopped', { reason: (error as Error).message });
      throw error;
    }
  }

  /** A new run: whatever it starts is undone by one dispose() at its end (endRun). */
  private beginRun(proc: ScsynthProcess | undefined, remoteAddress?: { host: string; port: number }): ServerRun {
    this.run?.dispose();
    const run = new ServerRun(proc, remoteAddress);
    this.run = run;
    // Runs last, after the run's listeners and connection are gone.
    run.onEnd(() => {
      this.poller.reset();
      this.nodeSync.reset();
      this.volumeControl.forget();
      this.meters.forget();
      this.scope.serverEnded();
      this.statusValue = undefined;
      this.nodeWatcher.clear();
    });
    return run;
  }

  private endRun(): void {
    this.run?.dispose();
    this.run = undefined;
  }

  private async connect(run: ServerRun, host: string, port: number): Promise<void> {
    const connection = new OscConnection({
      host,
      port,
      bindAddress: isLoopback(host) ? '127.0.0.1' : undefined,
      timeoutMs: this.settings.replyTimeoutMs,
      logger: this.logger,
    });
    await connection.open();
    this.session = this.newSession(connection);
    run.connected(connection, this.session);
    for (const address of NODE_NOTIFICATIONS) {
      run.add(connection.onMessage(address, (message) => this.nodeWatcher.handleNotification(message.address, message.args)));
    }
    run.add(connection.onMessage(METER_REPLY, (message) => this.meters.handleReply(message.args)));
    run.add(connection.onMessage(SCOPE_REPLY, (message) => this.scope.handleReply(message.args)));
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
    this.throwIfCancelled();
    // Usable: registered, ids allocated, default groups and node model in place.
    this.setState('running');
    this.usableAt = performance.now();
    this.poller.start();
    if (!tree) await this.resyncNodeTree();
    await loaded;
    await this.executeInitHooks();
    await this.volumeControl.apply();
    await this.meters.apply();
    await this.scope.apply();
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
    if (this.stateValue !== 'running') throw new ServerNotRunningError('connect sclang');
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
      this.endRun();
      return;
    }
    const proc = this.run?.process;
    this.setState('quitting');
    this.poller.stop();
    // The recording's file is closed by scsynth while it still runs.
    if (this.session.isOpen) await this.recorder.stop().catch((error: Error) => this.logger.warn(`Stopping the recording failed: ${error.message}`));
    else this.recorder.serverEnded();
    if (proc && !proc.hasExited) {
      if (this.session.isOpen) {
        await this.request(cmd.quit(), 1000).catch((error: Error) => this.logger.warn(`/quit was not confirmed: ${error.message}`));
      }
      const exit = await proc.stop(2000, 2000);
      removeSharedMemoryOf(this.options.udpPort);
      this.logger.info(`scsynth exited (${exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`}).`);
    } else if (this.session.isOpen) {
      await this.request(cmd.notify(false), 1000).catch(() => undefined);
    }
    this.recorder.serverEnded();
    this.endRun();
    this.setState('stopped');
  }

  /** Quits and boots again with the same options. Only for a server this program started. */
  async reboot(): Promise<void> {
    if (this.run?.remoteAddress && !this.run.process) throw new Error('Cannot reboot a remote server: this program did not start it.');
    const boot = this.lastBoot ?? {};
    await this.quit();
    await this.boot(boot);
  }

  private processExited(proc: ScsynthProcess, exit: ProcessExit): void {
    removeSharedMemoryOf(this.options.udpPort);
    if (proc !== this.run?.process || this.stateValue === 'quitting' || this.stateValue === 'stopped') return;
    const verdict = classifyExit(exit);
    const lastLines = exit.lastLines.slice(-10).join('\n');
    if (verdict.kind === 'quitByOtherClient') this.logger.info('scsynth quit (asked by another client).');
    else if (verdict.kind === 'audioDriver') this.logger.error(`scsynth stopped because its audio driver stopped ("${verdict.driverLine}"). Last output:\n${lastLines}`);
    else this.logger.error(`${verdict.reason}. Last output:\n${lastLines}`);
    this.recorder.serverEnded();
    this.endRun();
    if (verdict.kind === 'quitByOtherClient') this.setState('stopped', { exit, reason: verdict.reason });
    else this.setState('crashed', { exit, reason: verdict.reason, ...(verdict.kind === 'audioDriver' ? { cause: 'audioDriver' as const } : {}) });
  }

  dispose(): void {
    if (this.ownsProcess) this.run!.process!.signal('SIGTERM');
    this.endRun();
    for (const owned of [this.poller, this.nodeSync, this.volumeControl, this.meters, this.scope, this.recorder, this.nodeWatcher]) owned.dispose();
    for (const emitter of [this.onDidChangeStateEmitter, this.onDidChangeStatusEmitter, this.onDidChangeResponsivenessEmitter, this.onOutputEmitter]) emitter.dispose();
  }

  private setState(state: ServerState, extra: Omit<StateChange, 'state' | 'previous'> = {}): void {
    const previous = this.stateValue;
    if (previous === state) return;
    this.stateValue = state;
    this.onDidChangeStateEmitter.fire({ state, previous, ...extra });
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
   * Frees all nodes (root: everything, re-creating every client's default group; else only
   * this client's default group), clears scheduled bundles, re-runs init hooks and syncs.
   */
  async freeAll(root = true): Promise<void> {
    this.session.requireConnection('free all nodes');
    this.send(cmd.groupFreeAll(root ? 0 : this.defaultGroup));
    this.send(cmd.clearSched());
    if (root) {
      this.volumeControl.forget();
      this.meters.forget();
      this.scope.forget();
      this.recorder.forget();
      this.sendDefaultGroups();
    }
    await this.sync();
    await this.executeInitHooks();
    if (root) {
      await this.volumeControl.apply();
      await this.meters.apply();
      await this.scope.apply();
      this.recorder.apply();
    }
    await this.sync();
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
   * answer: one bundle clears the schedule, frees every node, re-creates the default groups
   * and this client's volume synths. Init hooks run afterwards without being awaited.
   */
  hush(): void {
    if (!this.session.isOpen || this.stateValue !== 'running') throw new ServerNotRunningError('hush');
    this.send({
      timeTag: IMMEDIATELY,
      packets: [
        cmd.clearSched(),
        cmd.groupFreeAll(0),
        ...this.session.defaultGroupMessages(),
        ...this.volumeControl.recreateMessages(),
        ...this.meters.recreateMessages(),
        ...this.scope.recreateMessages(),
        ...this.recorder.recreateMessages(),
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
    return [...this.volumeControl.synthIds, ...this.meters.synthIds, ...this.scope.synthIds, ...this.recorder.synthIds];
  }

  toString(): string {
    return `<SCServer addr=${this.addr.join(':')} state=${this.stateValue} clientId=${this.clientId} pid=${this.pid ?? '-'}>`;
  }
}
