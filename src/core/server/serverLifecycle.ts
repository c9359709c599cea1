// The state machine of a server's runs: boot a local scsynth (or connect to one that runs),
// quit it, notice when it exits on its own. Each run is a ServerRun, ended by one dispose();
// what a run does once connected (the session, the node model) is the host's (ServerWiring).
import { Emitter, Event, Logger } from '../events';
import type { DecodedMessage } from '../osc/oscCodec';
import { OscConnection, isLoopback } from '../osc/oscConnection';
import { TcpOscConnection, TcpStateChange } from '../osc/tcpOscConnection';
import type { OscProtocol, OscTransport } from '../osc/oscTransport';
import * as cmd from '../scsynth/scsynthCommands';
import type { ServerOptions } from '../scsynth/serverOptions';
import { findScsynth } from '../scsynth/scsynthLocator';
import { ProcessExit, ProcessLine, ScsynthProcess, startScsynth } from '../scsynth/scsynthProcess';
import { classifyExit, removeSharedMemoryOf } from '../scsynth/scsynthExit';
import { answersStatus, isUdpPortTaken } from '../scsynth/portProbe';
import { BootCancelledError, PortInUseError } from './serverErrors';
import { ServerRun } from './serverRun';

/**
 * `reconnecting` and `unreachable` are a running remote server's over TCP whose connection
 * dropped: nothing can be sent until it is back (then re-registered, its tree read again, and
 * `running` once more); quit() lets go of it.
 */
export type ServerState = 'stopped' | 'booting' | 'running' | 'reconnecting' | 'unreachable' | 'quitting' | 'crashed';

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

export interface RemoteOptions {
  withBlip?: boolean;
  /** UDP (the default) or TCP, for a server started with `-t`. */
  protocol?: OscProtocol;
}

/** What a run needs of the server object around it. */
export interface LifecycleHost {
  readonly options: ServerOptions;
  readonly logger: Logger;
  readonly replyTimeoutMs: number;
  /** Whether the current session's connection is open. */
  readonly sessionOpen: boolean;
  /** A line scsynth printed. */
  output(line: ProcessLine): void;
  /** A new run began: what must be undone at its end goes into `run.onEnd`. */
  runBegan(run: ServerRun): void;
  /** The run's connection is open: the host makes its session and listeners. */
  connected(run: ServerRun, connection: OscTransport): void;
  /** sc3nb's init; calls `running()` once the session is usable. */
  initSession(withBlip: boolean): Promise<void>;
  /** A TCP connection came back after a drop: register again and read the tree (the server may be a new one). */
  reconnected(): Promise<void>;
  /** Before /quit: what scsynth must close while it still runs (the recording). */
  beforeQuit(): Promise<void>;
  request(request: cmd.Request, timeoutMs?: number): Promise<DecodedMessage>;
}

export class ServerLifecycle {
  private stateValue: ServerState = 'stopped';
  private runValue: ServerRun | undefined;
  private lastBoot: BootOptions | undefined;
  /** The boot or connection in flight, and whether quit() asked to cancel it. */
  private starting: Promise<void> | undefined;
  private startCancelled = false;
  private usableAt = 0;
  private bootTimingsValue: { readyAt: number; usableAt: number } | undefined;
  private readonly onDidChangeStateEmitter = new Emitter<StateChange>();
  readonly onDidChangeState: Event<StateChange> = this.onDidChangeStateEmitter.event;

  constructor(private readonly host: LifecycleHost) {}

  get state(): ServerState {
    return this.stateValue;
  }

  /** The run in progress (from boot or connect to quit or crash). */
  get run(): ServerRun | undefined {
    return this.runValue;
  }

  get bootTimings(): { readyAt: number; usableAt: number } | undefined {
    return this.bootTimingsValue;
  }

  /** A boot or connection is in flight (the state may still read "stopped" while the port is checked). */
  get isStarting(): boolean {
    return this.starting !== undefined;
  }

  /** Starts a local scsynth and initialises the session. `quit()` meanwhile cancels it. */
  boot(options: BootOptions = {}): Promise<void> {
    if (this.stateValue === 'running' || this.stateValue === 'booting' || this.stateValue === 'quitting') {
      return Promise.reject(new Error(`Cannot boot: the server is ${this.stateValue}.`));
    }
    return this.startingRun(() => this.bootNow(options));
  }

  /** Connects to a running scsynth (this program did not start it, and will not stop it), over UDP unless `protocol` says TCP. */
  remote(host: string, port: number, options: RemoteOptions = {}): Promise<void> {
    if (this.stateValue === 'running' || this.stateValue === 'booting' || this.stateValue === 'quitting') return Promise.reject(new Error(`Cannot connect: the server is ${this.stateValue}.`));
    if (!Number.isInteger(port) || port < 1 || port > 65535) return Promise.reject(new RangeError(`port must be a whole number from 1 to 65535, got ${JSON.stringify(port)} (${typeof port})`));
    return this.startingRun(() => this.remoteNow(host, port, options));
  }

  /** Called by the host between the steps of its init: a quit() since the last step ends it here. */
  throwIfCancelled(): void {
    if (this.startCancelled) throw new BootCancelledError();
  }

  /** The session is usable: registered, ids allocated, default groups and node model in place. */
  running(): void {
    this.throwIfCancelled();
    this.setState('running');
    this.usableAt = performance.now();
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

  /** Quits and boots again with the same options. Only for a server this program started. */
  async reboot(): Promise<void> {
    if (this.runValue?.remoteAddress && !this.runValue.process) throw new Error('Cannot reboot a remote server: this program did not start it.');
    const boot = this.lastBoot ?? {};
    await this.quit();
    await this.boot(boot);
  }

  /**
   * Ends a frozen run at once: a scsynth this program started is killed (SIGKILL reaches a
   * SIGSTOPped process or a hung DSP thread, where /quit and SIGTERM wait in vain), nothing
   * waits for a reply. A recording's file is left for the recorder to repair (its run ended).
   * A server this program did not start is only let go of. Never throws for a run that ended.
   */
  async kill(): Promise<void> {
    if (this.starting) return this.quit();
    if (this.stateValue === 'stopped' || this.stateValue === 'crashed') {
      this.endRun();
      return;
    }
    const proc = this.runValue?.process;
    this.setState('quitting');
    if (proc && !proc.hasExited) {
      proc.signal('SIGKILL');
      const exit = await proc.exited;
      removeSharedMemoryOf(this.host.options.udpPort);
      this.host.logger.info(`scsynth killed (${exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`}).`);
    }
    this.endRun();
    this.setState('stopped', { reason: proc ? 'killed: it did not answer' : 'let go: it did not answer' });
  }

  /** The window closes: a process this program started is terminated, the run ended. */
  dispose(): void {
    const proc = this.runValue?.process;
    if (proc && !proc.hasExited) proc.signal('SIGTERM');
    this.endRun();
    this.onDidChangeStateEmitter.dispose();
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

  private async bootNow(options: BootOptions): Promise<void> {
    this.lastBoot = options;
    const { options: serverOptions, logger } = this.host;
    const executable = findScsynth({ explicitPath: options.scsynthPath, program: serverOptions.program });
    const port = serverOptions.udpPort;
    const host = serverOptions.bindAddress === '0.0.0.0' ? '127.0.0.1' : serverOptions.bindAddress;
    if (await isUdpPortTaken(port, serverOptions.bindAddress)) {
      const answered = await answersStatus(host, port, 500);
      if (answered && options.attachIfRunning) {
        logger.info(`A scsynth already runs on UDP port ${port}; connecting to it.`);
        return this.remoteNow(host, port, { withBlip: options.withBlip });
      }
      throw new PortInUseError(port, answered);
    }
    this.setState('booting');
    const args = serverOptions.toArgs();
    logger.info(`Booting: ${[executable, ...args].join(' ')}`);
    const started = Date.now();
    let proc: ScsynthProcess;
    try {
      proc = await startScsynth(
        executable,
        args,
        { readyTimeoutMs: options.timeoutMs ?? 10_000, env: options.env ? { ...process.env, ...options.env } : undefined, udpPort: port },
        (line) => this.host.output(line),
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
    run.add(proc.onLine((line) => this.host.output(line)));
    run.add(proc.onExit((exit) => this.processExited(proc, exit)));
    logger.info(`scsynth ready after ${Date.now() - started} ms (pid ${proc.pid}).`);
    try {
      await this.connect(run, host, port);
      this.throwIfCancelled();
      await this.host.initSession(options.withBlip ?? false);
      this.bootTimingsValue = { readyAt, usableAt: this.usableAt };
    } catch (error) {
      if (!(error instanceof BootCancelledError)) logger.error(`Initialising the server failed: ${(error as Error).message}`);
      await this.quitNow().catch(() => undefined);
      throw error;
    }
  }

  private async remoteNow(host: string, port: number, options: RemoteOptions): Promise<void> {
    const protocol = options.protocol ?? 'udp';
    const run = this.beginRun(undefined, { host, port, protocol });
    this.setState('booting');
    try {
      await this.connect(run, host, port, protocol);
      await this.host.request(cmd.status(), 2000).catch((error: Error) => {
        throw new Error(`No scsynth answered at ${host}:${port}: ${error.message}`);
      });
      await this.host.initSession(options.withBlip ?? false);
    } catch (error) {
      this.endRun();
      this.setState('stopped', { reason: (error as Error).message });
      throw error;
    }
  }

  /** A new run: whatever it starts is undone by one dispose() at its end (endRun). */
  private beginRun(proc: ScsynthProcess | undefined, remoteAddress?: { host: string; port: number; protocol: OscProtocol }): ServerRun {
    this.runValue?.dispose();
    const run = new ServerRun(proc, remoteAddress);
    this.runValue = run;
    this.host.runBegan(run);
    return run;
  }

  private endRun(): void {
    this.runValue?.dispose();
    this.runValue = undefined;
  }

  private async connect(run: ServerRun, host: string, port: number, protocol: OscProtocol = 'udp'): Promise<void> {
    const connection: OscTransport = protocol === 'tcp'
      ? new TcpOscConnection({ host, port, timeoutMs: this.host.replyTimeoutMs, logger: this.host.logger })
      : new OscConnection({
          host,
          port,
          bindAddress: isLoopback(host) ? '127.0.0.1' : undefined,
          timeoutMs: this.host.replyTimeoutMs,
          logger: this.host.logger,
        });
    try {
      await connection.open();
    } catch (error) {
      connection.close();
      throw error;
    }
    if (connection instanceof TcpOscConnection) run.add(connection.onDidChangeState((change) => this.tcpStateChanged(run, connection, change)));
    this.host.connected(run, connection);
  }

  /** A running server's TCP connection dropped or came back: its state says so, and a reconnect registers again. */
  private tcpStateChanged(run: ServerRun, connection: TcpOscConnection, change: TcpStateChange): void {
    if (run !== this.runValue || this.starting) return;
    const state = this.stateValue;
    if (state !== 'running' && state !== 'reconnecting' && state !== 'unreachable') return;
    if (change.state === 'reconnecting' || change.state === 'unreachable') {
      this.setState(change.state, { reason: `the TCP connection to ${connection.target} ${change.state === 'unreachable' ? 'cannot be made again' : 'was lost'}${change.reason ? ` (${change.reason})` : ''}` });
    } else if (change.state === 'connected') {
      void this.host.reconnected().then(
        () => {
          if (run === this.runValue && this.stateValue !== 'quitting') this.setState('running', { reason: `connected again to ${connection.target}` });
        },
        (error: Error) => this.host.logger.warn(`Registering again with ${connection.target} failed: ${error.message}`),
      );
    }
  }

  private async quitNow(): Promise<void> {
    if (this.stateValue === 'stopped' || this.stateValue === 'crashed') {
      this.endRun();
      return;
    }
    const proc = this.runValue?.process;
    const { logger } = this.host;
    this.setState('quitting');
    await this.host.beforeQuit();
    if (proc && !proc.hasExited) {
      if (this.host.sessionOpen) {
        await this.host.request(cmd.quit(), 1000).catch((error: Error) => logger.warn(`/quit was not confirmed: ${error.message}`));
      }
      const exit = await proc.stop(2000, 2000);
      removeSharedMemoryOf(this.host.options.udpPort);
      logger.info(`scsynth exited (${exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`}).`);
    } else if (this.host.sessionOpen) {
      await this.host.request(cmd.notify(false), 1000).catch(() => undefined);
    }
    this.endRun();
    this.setState('stopped');
  }

  private processExited(proc: ScsynthProcess, exit: ProcessExit): void {
    removeSharedMemoryOf(this.host.options.udpPort);
    if (proc !== this.runValue?.process || this.stateValue === 'quitting' || this.stateValue === 'stopped') return;
    const { logger } = this.host;
    const verdict = classifyExit(exit);
    const lastLines = exit.lastLines.slice(-10).join('\n');
    if (verdict.kind === 'quitByOtherClient') logger.info('scsynth quit (asked by another client).');
    else if (verdict.kind === 'audioDriver') logger.error(`scsynth stopped because its audio driver stopped ("${verdict.driverLine}"). Last output:\n${lastLines}`);
    else logger.error(`${verdict.reason}. Last output:\n${lastLines}`);
    this.endRun();
    if (verdict.kind === 'quitByOtherClient') this.setState('stopped', { exit, reason: verdict.reason });
    else this.setState('crashed', { exit, reason: verdict.reason, ...(verdict.kind === 'audioDriver' ? { cause: 'audioDriver' as const } : {}) });
  }

  private setState(state: ServerState, extra: Omit<StateChange, 'state' | 'previous'> = {}): void {
    const previous = this.stateValue;
    if (previous === state) return;
    this.stateValue = state;
    this.onDidChangeStateEmitter.fire({ state, previous, ...extra });
  }
}
