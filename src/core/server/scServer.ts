// sc3nb's SCServer in TypeScript: a local or remote scsynth, its client session and state.
// The facade: sc3nb's methods, each a delegate to one of the parts ServerWiring makes and wires
// (ServerLifecycle, ClientSession, StatusPoller, NodeSync, TreeQueries, the kept synths in
// KeptSynthSet, synthdefs.ts); Free All and Hush are freeAll.ts.
import { Disposable, Event, Logger, silentLogger } from '../events';
import { OscArgument, OscBundle, OscMessage, timeTagFromUnixMs } from '../osc/oscCodec';
import type { DecodedMessage } from '../osc/oscCodec';
import type { OscProtocol, OscTransport } from '../osc/oscTransport';
import { OscConnection } from '../osc/oscConnection';
import { TcpOscConnection } from '../osc/tcpOscConnection';
import * as cmd from '../scsynth/scsynthCommands';
import { ServerOptions, ServerOptionsInit } from '../scsynth/serverOptions';
import type { ProcessLine } from '../scsynth/scsynthProcess';
import type { ServerStatus, ServerVersion } from '../scsynth/serverStatus';
import { Bundler } from './bundler';
import { ControlValue, GroupNode, formatTree } from './nodeTree';
import { ServerNotRunningError } from './serverErrors';
import type { ServerRun } from './serverRun';
import * as synthdefs from './synthdefs';
import type { KeptSynthSet } from './keptSynths';
import type { NodeWatcher } from './nodeWatcher';
import type { BootOptions, RemoteOptions, ServerState, StateChange } from './serverLifecycle';
import { SCServerSettings, ServerWiring } from './serverWiring';
import { freeAll, hush } from './freeAll';
import type { LevelMeters } from '../meters/levelMeters';
import type { Recorder } from '../recording/recorder';
import type { ProxyLevels } from '../meters/proxyLevels';
import type { ScopeTap } from '../meters/scopeTap';

export type { BootOptions, RemoteOptions, SCServerSettings, ServerState, StateChange };

/**
 * A SuperCollider audio server: boots a local scsynth or attaches to a remote one, and keeps
 * the client session (id, default groups, allocators, node model, status, volume).
 */
export class SCServer implements Disposable {
  private readonly logger: Logger;
  private readonly parts: ServerWiring;
  /** sc3nb's NodeWatcher: the live node model. */
  readonly nodeWatcher: NodeWatcher;
  /** Output and input levels, from meter synths this client keeps on the server while wanted. */
  readonly meters: LevelMeters;
  /** Recording the outputs to a sound file. */
  readonly recorder: Recorder;
  /** The scope's signal, read over OSC while wanted. */
  readonly scope: ScopeTap;
  /** A level for each monitored proxy, for the Proxies view (the extension says which proxies). */
  readonly proxyLevels: ProxyLevels;
  /** The synths this client keeps on the server for itself (volume, meters, proxies' levels, scope, recording). */
  readonly keptSynths: KeptSynthSet;

  readonly onDidChangeState: Event<StateChange>;
  /** Each polled status (also when unchanged). */
  readonly onDidChangeStatus: Event<ServerStatus>;
  readonly onDidChangeResponsiveness: Event<boolean>;
  /** scsynth's stdout and stderr, line by line. */
  readonly onOutput: Event<ProcessLine>;
  readonly onDidChangeVolume: Event<{ volume: number; muted: boolean }>;

  constructor(options: ServerOptions | ServerOptionsInit = {}, settings: SCServerSettings = {}) {
    this.logger = settings.logger ?? silentLogger;
    this.parts = new ServerWiring(options instanceof ServerOptions ? options : new ServerOptions(options), settings, this.logger);
    ({ nodeWatcher: this.nodeWatcher, meters: this.meters, recorder: this.recorder, scope: this.scope, proxyLevels: this.proxyLevels, kept: this.keptSynths } = this.parts);
    this.onDidChangeState = this.parts.lifecycle.onDidChangeState;
    this.onDidChangeStatus = this.parts.onDidChangeStatusEmitter.event;
    this.onDidChangeResponsiveness = this.parts.onDidChangeResponsivenessEmitter.event;
    this.onOutput = this.parts.onOutputEmitter.event;
    this.onDidChangeVolume = this.parts.volumeControl.onDidChange;
  }

  private get session() {
    return this.parts.session;
  }

  /** The options it boots with (those of the run in progress, if one is). */
  get options(): ServerOptions {
    return this.parts.options;
  }

  /**
   * New options for its next boot, taken at once: only while it is stopped or crashed (throws
   * otherwise), so the same object, and everyone holding on to it, boots with them.
   */
  useOptions(options: ServerOptions): void {
    this.parts.useOptions(options);
  }

  /** Whether useOptions may be called now: stopped or crashed, and no boot or connection in flight. */
  get canTakeOptions(): boolean {
    return this.parts.canTakeOptions;
  }

  private get run(): ServerRun | undefined {
    return this.parts.run;
  }

  // ---- state ---------------------------------------------------------------------------

  get state(): ServerState {
    return this.parts.lifecycle.state;
  }

  /** True while the server is running and answers its status polls. */
  get isAnswering(): boolean {
    return this.state === 'running' && !this.parts.poller.unresponsive;
  }

  /** True while the server runs but has not answered a status poll for `unresponsiveAfterMs` (frozen, or saturated). */
  get unresponsive(): boolean {
    return this.parts.poller.unresponsive;
  }

  /** How long an unresponsive server has been silent, in ms (0 while it answers). */
  get silentForMs(): number {
    return this.parts.poller.silentForMs;
  }

  get unresponsiveAfterMs(): number {
    return this.parts.poller.unresponsiveAfterMs;
  }

  set unresponsiveAfterMs(ms: number) {
    if (!(ms >= 200)) throw new RangeError('the unresponsive time must be >= 200 ms');
    this.parts.poller.unresponsiveAfterMs = ms;
  }

  get isLocal(): boolean {
    return this.parts.isLocal;
  }

  /** Datagrams this client sent to and received from the server in this run. */
  get oscTraffic(): { sent: number; received: number } {
    const connection = this.run?.connection;
    // Datagrams over UDP, length-prefixed packets over TCP.
    if (connection instanceof OscConnection) return { sent: connection.datagramsSent, received: connection.datagramsReceived };
    if (connection instanceof TcpOscConnection) return { sent: connection.packetsSent, received: connection.packetsReceived };
    return { sent: 0, received: 0 };
  }

  /** Whether this program started the scsynth process (and so may stop it). */
  get ownsProcess(): boolean {
    return this.parts.ownsProcess;
  }

  get pid(): number | undefined {
    return this.run?.process?.pid;
  }

  /** When the last boot saw scsynth's ready line and when the session was usable (performance.now() ms). */
  get bootTimings(): { readyAt: number; usableAt: number } | undefined {
    return this.parts.lifecycle.bootTimings;
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
    return this.parts.settings.latencyMs;
  }

  set latencyMs(ms: number) {
    if (!(ms >= 0)) throw new RangeError('latency must be >= 0 ms');
    this.parts.settings.latencyMs = ms;
  }

  get statusIntervalMs(): number {
    return this.parts.poller.intervalMs;
  }

  /** Changes the poll interval; takes effect at once while running (0 stops polling). */
  set statusIntervalMs(ms: number) {
    if (!(ms >= 0)) throw new RangeError('status interval must be >= 0 ms');
    const poller = this.parts.poller;
    poller.intervalMs = ms;
    // From 0 (no polling) to an interval while running: polling starts.
    if (this.state === 'running' && !poller.running && ms > 0) poller.start();
  }

  /** The last polled status, undefined before the first reply. */
  get lastStatus(): ServerStatus | undefined {
    return this.parts.statusValue;
  }

  // sc3nb's status properties, from the last polled status.
  get peakCpu(): number | undefined { return this.lastStatus?.peakCpu; }
  get avgCpu(): number | undefined { return this.lastStatus?.avgCpu; }
  get sampleRate(): number | undefined { return this.lastStatus?.nominalSr; }

  // ---- boot, attach, quit (ServerLifecycle) ---------------------------------------------

  /** Starts a local scsynth and initialises the session. `quit()` meanwhile cancels it. */
  boot(options: BootOptions = {}): Promise<void> {
    return this.parts.lifecycle.boot(options);
  }

  /** Connects to a running scsynth (this program did not start it, and will not stop it), over UDP or (`protocol: 'tcp'`, a `-t` server) TCP. */
  remote(host: string, port: number, options: RemoteOptions = {}): Promise<void> {
    return this.parts.lifecycle.remote(host, port, options);
  }

  /** UDP or TCP: how this run reaches its server (a server started here is reached over UDP). */
  get protocol(): OscProtocol {
    return this.run?.remoteAddress?.protocol ?? 'udp';
  }

  /**
   * Quits: a server this program started is sent /quit, then waited for, terminated and
   * killed, each after a timeout. A remote server is only disconnected from.
   */
  quit(): Promise<void> {
    return this.parts.lifecycle.quit();
  }

  /**
   * Quits and boots again with the same options. Only for a server this program started. A take
   * being recorded is closed after its last half and goes on in a next file of the new run.
   */
  reboot(): Promise<void> {
    if (!this.ownsProcess) return this.parts.lifecycle.reboot();
    return this.keptSynths.acrossReboot(() => this.parts.lifecycle.reboot());
  }

  /**
   * Ends a frozen server at once: a scsynth this program started is killed (however stuck),
   * without /quit or waiting for any reply; a remote one is let go of. See ServerLifecycle.kill.
   */
  kill(): Promise<void> {
    this.parts.poller.stop();
    return this.parts.lifecycle.kill();
  }

  /** sc3nb's connect_sclang: makes sclang's default server `s` this server (sclang keeps its own client id, so ids never collide). */
  async connectSclang(lang: { attachToServer(port: number, maxLogins: number): Promise<void> }): Promise<void> {
    if (this.state !== 'running') throw new ServerNotRunningError('connect sclang');
    await lang.attachToServer(this.addr[1], this.maxLogins);
  }

  dispose(): void {
    this.parts.dispose();
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

  /**
   * sc3nb's bundler: a bundle to be executed at `timestamp` plus the server latency.
   * `timestamp` <= 1e6 is seconds from now, larger is seconds since 1970.
   */
  bundler(timestamp = 0): Bundler {
    const base = timestamp > 1e6 ? timestamp * 1000 : Date.now() + timestamp * 1000;
    return new Bundler(this, timeTagFromUnixMs(base + this.parts.settings.latencyMs));
  }

  /** The UDP connection, for callers that need raw access (e.g. the benchmark); undefined over TCP. */
  get oscConnection(): OscConnection | undefined {
    const connection = this.run?.connection;
    return connection instanceof OscConnection ? connection : undefined;
  }

  /** The run's connection, UDP or TCP. */
  get transport(): OscTransport | undefined {
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

  status(timeoutMs?: number): Promise<ServerStatus> {
    return this.parts.status(timeoutMs);
  }

  version(timeoutMs?: number): Promise<ServerVersion> {
    return this.parts.version(timeoutMs);
  }

  /** Makes scsynth print incoming OSC: 0 off, 1 parsed, 2 hex, 3 both. */
  dumpOsc(level = 1): void {
    if (![0, 1, 2, 3, 4].includes(level)) throw new RangeError('dumpOsc level is 0 (off), 1 (parsed), 2 (hex), 3 (both) or 4 (parsed, without /status)');
    this.send(cmd.dumpOsc(level));
  }

  /** Sends a compiled SynthDef (.scsyndef bytes) and waits for scsynth to load it. */
  sendSynthdef(bytes: Uint8Array, wait = true): Promise<void> {
    return synthdefs.sendSynthdef(this.parts.synthdefChannel, bytes, wait);
  }

  // ---- allocation (ClientSession) ------------------------------------------------------

  allocateNodeId(): number { return this.session.allocateNodeId(); }
  allocateBufferId(num = 1): number[] { return this.session.allocator('buffers').allocate(num); }
  allocateAudioBusIdx(num = 1): number[] { return this.session.allocator('audioBuses').allocate(num); }

  // ---- nodes ---------------------------------------------------------------------------

  /**
   * Frees all nodes (root: everything, emptying every client's default group; else only this
   * client's default group), clears scheduled bundles and syncs. This client's own synths stay:
   * a take being recorded goes on without a gap.
   */
  freeAll(root = true): Promise<void> {
    return freeAll(this.parts, root);
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
   * empties the default groups.
   */
  hush(): void {
    hush(this.parts);
  }

  /** A synth's controls with their current values (see TreeQueries.synthControls). */
  synthControls(synthId: number, parentId: number, names?: readonly string[]): Promise<Array<[string, ControlValue]> | undefined> {
    return this.parts.treeQueries.synthControls(synthId, parentId, names);
  }

  /** The server's whole node tree, however large (see TreeQueries.queryAllNodes). */
  queryAllNodes(includeControls = true): Promise<GroupNode> {
    return this.parts.treeQueries.queryAllNodes(includeControls);
  }

  /** Makes scsynth print the tree; with `returnTree` the tree is also returned as text. */
  async dumpTree(controls = true, returnTree = false): Promise<string | undefined> {
    this.send(cmd.groupDumpTree(0, controls));
    if (!returnTree) return undefined;
    return formatTree(await this.queryAllNodes(controls));
  }

  /** Replaces the node model with a fresh tree query (NodeSync). */
  resyncNodeTree(): Promise<void> {
    return this.parts.nodeSync.resync();
  }

  // ---- volume (VolumeControl) ---------------------------------------------------------

  /** Volume in dB (-90..+6). */
  get volume(): number {
    return this.parts.volumeControl.volume;
  }

  set volume(dB: number) {
    void this.setVolume(dB).catch((error: Error) => this.logger.warn(`Setting the volume failed: ${error.message}`));
  }

  get muted(): boolean { return this.parts.volumeControl.muted; }
  setVolume(dB: number): Promise<void> { return this.parts.volumeControl.setVolume(dB); }
  mute(): Promise<void> { return this.parts.volumeControl.setMuted(true); }
  unmute(): Promise<void> { return this.parts.volumeControl.setMuted(false); }

  /** Node ids of the volume synths now on the server. */
  get volumeSynthIds(): readonly number[] {
    return this.parts.volumeControl.synthIds;
  }

  /** This client's own synths (every kept synth): not the musician's, so not shown or counted as theirs. */
  get ownSynthIds(): readonly number[] {
    return this.keptSynths.synthIds;
  }

  toString(): string {
    return `<SCServer addr=${this.addr.join(':')} state=${this.state} clientId=${this.clientId} pid=${this.pid ?? '-'}>`;
  }
}
