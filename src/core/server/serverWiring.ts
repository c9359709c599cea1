// The parts of one SCServer, made and wired together: ServerLifecycle (boot, connect, quit,
// crash; each run a ServerRun), ClientSession (registration, ids, sending), StatusPoller,
// NodeWatcher and NodeSync (the node model), TreeQueries, DefaultGroupKeeper, and the kept
// synths (KeptSynthSet). Also sc3nb's init: what a run does once connected. SCServer is the
// facade in front of it (sc3nb's API, each method a delegate).
import { Emitter, Logger } from '../events';
import { OscBundle, OscMessage, timeTagFromUnixMs } from '../osc/oscCodec';
import { isLoopback } from '../osc/oscConnection';
import type { OscTransport } from '../osc/oscTransport';
import * as cmd from '../scsynth/scsynthCommands';
import type { ServerOptions } from '../scsynth/serverOptions';
import type { ProcessLine } from '../scsynth/scsynthProcess';
import { ServerStatus, ServerVersion, parseStatusReply, parseVersionReply } from '../scsynth/serverStatus';
import { ClientSession } from './clientSession';
import { NODE_NOTIFICATIONS, NodeWatcher } from './nodeWatcher';
import { NodeSync } from './nodeSync';
import { GroupNode, parseQueryTreeReply } from './nodeTree';
import type { ServerRun } from './serverRun';
import { StatusPoller } from './statusPoller';
import * as synthdefs from './synthdefs';
import { TreeQueries } from './treeQueries';
import { VolumeControl } from './volumeControl';
import { KeptSynthSet } from './keptSynths';
import { DefaultGroupKeeper } from './defaultGroupKeeper';
import { LifecycleHost, ServerLifecycle } from './serverLifecycle';
import { LevelMeters } from '../meters/levelMeters';
import { Recorder } from '../recording/recorder';
import { ProxyLevels } from '../meters/proxyLevels';
import { ScopeTap } from '../meters/scopeTap';

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

type ServerSettings = Required<Omit<SCServerSettings, 'logger'>>;

export class ServerWiring {
  /** Boot, connect, quit, crash: the runs of this server. */
  readonly lifecycle: ServerLifecycle;
  /** The session of the run in progress, or of the last one (its client id stays readable). */
  session: ClientSession;
  statusValue: ServerStatus | undefined;
  versionValue: ServerVersion | undefined;
  /** Resolves when the shipped synthdefs are on the server (volume and blip need them). */
  synthdefsLoaded: Promise<void> = Promise.resolve();

  readonly poller: StatusPoller;
  readonly nodeSync: NodeSync;
  readonly treeQueries: TreeQueries;
  readonly volumeControl: VolumeControl;
  /** Output and input levels, from meter synths this client keeps on the server while wanted. */
  readonly meters: LevelMeters;
  /** The scope's signal, read over OSC while wanted. */
  readonly scope: ScopeTap;
  /** A level for each monitored proxy of sclang's, for the Proxies view, while it shows. */
  readonly proxyLevels: ProxyLevels;
  /** Recording the outputs to a sound file. */
  readonly recorder: Recorder;
  /** The synths this client keeps on the server for itself: every keeper, declared once. */
  readonly kept: KeptSynthSet;
  /** Every client's default group, put back when someone else frees it. */
  readonly defaultGroups: DefaultGroupKeeper;
  /** sc3nb's NodeWatcher: the live node model. */
  readonly nodeWatcher = new NodeWatcher();

  readonly onDidChangeStatusEmitter = new Emitter<ServerStatus>();
  readonly onDidChangeResponsivenessEmitter = new Emitter<boolean>();
  readonly onOutputEmitter = new Emitter<ProcessLine>();

  readonly settings: ServerSettings;
  private optionsValue: ServerOptions;

  constructor(options: ServerOptions, settings: SCServerSettings, readonly logger: Logger) {
    this.optionsValue = options;
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
    const access = this.access();
    this.volumeControl = new VolumeControl(access);
    this.meters = new LevelMeters(access);
    // The meters' updates pace the scope's reads while both run: one wake-up of this process fewer per picture.
    this.scope = new ScopeTap(access, this.meters);
    this.recorder = new Recorder(access);
    // In this order at the tail of the root group: volume first, the others hear what it lets through.
    this.proxyLevels = new ProxyLevels(access);
    this.kept = new KeptSynthSet([this.volumeControl, this.meters, this.proxyLevels, this.scope, this.recorder], this.logger);
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
    const wiring = this;
    this.defaultGroups = new DefaultGroupKeeper({
      logger: this.logger,
      sendMany: access.sendMany,
      get canSend() {
        return access.canSend;
      },
      get maxLogins() {
        return wiring.session.maxLogins;
      },
      has: (nodeId) => this.nodeWatcher.has(nodeId),
    });
    this.nodeWatcher.onDidChange((change) => {
      // A proxy's meter seen on the server is not asked for again.
      if (change.kind === 'added') this.proxyLevels.nodeStarted(change.node.nodeId);
      if (this.lifecycle.state !== 'running') return;
      // A resync of the model: a kept synth missing from it was freed unseen (its /n_end lost); put back.
      if (change.kind === 'reset') {
        for (const nodeId of this.kept.synthIds) if (!this.nodeWatcher.has(nodeId)) this.kept.nodeEnded(nodeId);
        return;
      }
      if (change.kind !== 'removed') return;
      // This client's own synths and every client's default group, freed by someone else (sclang's Cmd-., another client): put back.
      this.kept.nodeEnded(change.node.nodeId);
      this.defaultGroups.nodeEnded(change.node.nodeId);
    });
  }

  get run(): ServerRun | undefined {
    return this.lifecycle.run;
  }

  /** The options of the run in progress, or of the next one. */
  get options(): ServerOptions {
    return this.optionsValue;
  }

  /**
   * Options for the next run. Only between runs: a run's process, session and kept synths were
   * made from the options it started with, and one run never sees two sets of them.
   */
  useOptions(options: ServerOptions): void {
    if (!this.canTakeOptions) {
      throw new Error(`Cannot change the options of a server that is ${this.lifecycle.isStarting ? 'starting' : this.lifecycle.state}: they apply between runs; quit it first.`);
    }
    this.optionsValue = options;
  }

  /** Between runs: stopped or crashed, and no boot or connection in flight. */
  get canTakeOptions(): boolean {
    const state = this.lifecycle.state;
    return (state === 'stopped' || state === 'crashed') && !this.lifecycle.isStarting;
  }

  /** Whether this program started the scsynth process (and so may stop it). */
  get ownsProcess(): boolean {
    return !!this.run?.process && !this.run.process.hasExited;
  }

  get isLocal(): boolean {
    const remote = this.run?.remoteAddress;
    return remote === undefined || isLoopback(remote.host);
  }

  /** Whether messages can reach a running server now. */
  get canSend(): boolean {
    return this.session.isOpen && this.lifecycle.state === 'running';
  }

  async status(timeoutMs?: number): Promise<ServerStatus> {
    const reply = await this.session.request(cmd.status(), timeoutMs);
    this.statusValue = parseStatusReply(reply.args);
    return this.statusValue;
  }

  async version(timeoutMs?: number): Promise<ServerVersion> {
    if (this.versionValue && this.lifecycle.state === 'running') return this.versionValue;
    const reply = await this.session.request(cmd.version(), timeoutMs);
    this.versionValue = parseVersionReply(reply.args);
    return this.versionValue;
  }

  /**
   * What the collaborators may use of the server, as one object (each takes the part its own
   * interface names): they are tested with a fake of that part, no sockets.
   */
  private access() {
    const wiring = this;
    return {
      logger: this.logger,
      // Read at each use: the options may change between runs (useOptions).
      get numOutputBuses() {
        return wiring.options.numOutputBuses;
      },
      get numInputBuses() {
        return wiring.options.numInputBuses;
      },
      /** Whether messages can reach a running server now. */
      get canSend() {
        return wiring.canSend;
      },
      get isOpen() {
        return wiring.session.isOpen;
      },
      /** Only a scsynth this program started prints where the core can read it. */
      get canPrint() {
        return wiring.ownsProcess;
      },
      get synthdefsLoaded() {
        return wiring.synthdefsLoaded;
      },
      get sampleRate() {
        return wiring.statusValue?.nominalSr;
      },
      allocateNodeId: () => this.session.allocateNodeId(),
      allocateBufferId: () => this.session.allocator('buffers').allocate(1)[0],
      freeBufferId: (id: number) => {
        // After a new run the old allocator is gone, and with it the id.
        if (this.session.isOpen) this.session.allocator('buffers').freeIds([id]);
      },
      send: (packet: OscMessage | OscBundle) => this.session.send(packet),
      sendMany: (messages: readonly OscMessage[]) => this.session.sendMany(messages),
      request: (request: cmd.Request) => this.session.request(request),
      requestAll: (requests: readonly cmd.Request[]) => this.session.requestAll(requests),
      sync: () => this.session.sync().then(() => undefined),
      status: () => this.status(),
      queryAllNodes: (includeControls: boolean) => this.treeQueries.queryAllNodes(includeControls),
      queryGroup: async (groupId: number) => parseQueryTreeReply((await this.session.request(cmd.groupQueryTree(groupId, false))).args),
      printedTree: () => (this.run?.process ? this.treeQueries.printedTree() : undefined),
    };
  }

  private newSession(connection: OscTransport | undefined): ClientSession {
    return new ClientSession(connection, {
      proposedClientId: this.settings.clientId,
      serverOptions: this.options,
      replyTimeoutMs: this.settings.replyTimeoutMs,
      logger: this.logger,
      synthSent: (nodeId, defName) => this.nodeWatcher.expectSynth(nodeId, defName),
    });
  }

  /** What the lifecycle asks of this server at each step of a run. */
  private lifecycleHost(): LifecycleHost {
    const wiring = this;
    return {
      get options() {
        return wiring.options;
      },
      logger: this.logger,
      replyTimeoutMs: this.settings.replyTimeoutMs,
      get sessionOpen() {
        return wiring.session.isOpen;
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
        for (const subscription of this.kept.subscribeReplies(connection)) run.add(subscription);
      },
      initSession: (withBlip) => this.init(withBlip),
      reconnected: () => this.registerAgain(),
      beforeQuit: async () => {
        this.poller.stop();
        // The recording's file is closed by scsynth while it still runs.
        await this.kept.beforeQuit();
      },
      request: (request, timeoutMs) => this.session.request(request, timeoutMs),
    };
  }

  /**
   * sc3nb's init: notify, allocators, shipped synthdefs, default groups, node model, kept synths.
   * scsynth runs commands in order, so everything up to the node model is sent at once and
   * the replies awaited together: one audio period instead of one per step.
   */
  private async init(withBlip: boolean): Promise<void> {
    const session = this.session;
    session.requireConnection('initialise the session');
    this.nodeWatcher.beginResync();
    let tree: GroupNode | undefined;
    // The synthdefs load alongside the registration; the session needs them only at the end.
    const loaded = synthdefs.loadSynthdefs(this.synthdefChannel, this.settings.synthdefsDir);
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
    if (!tree) await this.nodeSync.resync();
    await loaded;
    await this.kept.applyAll();
    if (withBlip) this.blip();
  }

  /**
   * The TCP connection came back: the server forgot this client's registration with the old
   * connection (or is a new server on the same port), so register again and read the tree anew.
   */
  private async registerAgain(): Promise<void> {
    const session = this.session;
    // A new server on that port has none of the shipped synthdefs; the same one just reloads them.
    const loaded = synthdefs.loadSynthdefs(this.synthdefChannel, this.settings.synthdefsDir);
    this.synthdefsLoaded = loaded.catch(() => undefined);
    this.nodeWatcher.beginResync();
    let tree: GroupNode | undefined;
    try {
      tree = await session.register(this.settings.clientId, false);
    } finally {
      this.nodeWatcher.finishResync(tree);
    }
    if (!tree) await this.nodeSync.resync();
    // Registering made new allocators: a server that stayed up still has this client's synths.
    session.skipLiveNodeIds(this.nodeWatcher.nodeIds());
    await loaded;
    await this.kept.applyAll();
  }

  /** A short sound that says the server is there, a latency from now. */
  private blip(): void {
    const timeTag = timeTagFromUnixMs(Date.now() + this.settings.latencyMs);
    this.session.send({ timeTag, packets: [cmd.synthNew('sclive_blip', this.session.allocateNodeId(), cmd.AddAction.head, this.session.defaultGroup, { freq: 880, amp: 0.1 })] });
  }

  /** A local server reads a synthdef file itself; a remote one gets its bytes. */
  get synthdefChannel(): synthdefs.SynthdefChannel {
    return { isLocal: this.isLocal, send: (message) => this.session.send(message), request: (request) => this.session.request(request) };
  }

  dispose(): void {
    this.lifecycle.dispose();
    for (const owned of [this.poller, this.defaultGroups, this.nodeSync, this.kept, this.nodeWatcher]) owned.dispose();
    for (const emitter of [this.onDidChangeStatusEmitter, this.onDidChangeResponsivenessEmitter, this.onOutputEmitter]) emitter.dispose();
  }
}
