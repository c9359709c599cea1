// OSC over one TCP connection to a server started with `-t <port>` (scsynth or supernova):
// length-prefixed packets (oscFrames.ts), replies matched as over UDP (OscDispatch), and a
// connection that comes back by itself after it dropped, with a state that says where it is.
import * as net from 'node:net';
import { Emitter, Event, Logger, silentLogger } from '../events';
import { DropLog } from './dropLog';
import { resolveHost } from './hostAddress';
import { DecodedMessage, DecodedPacket, OscBundle, OscMessage, decodePacket, encodePacket, forEachMessage } from './oscCodec';
import { OscDispatch } from './oscDispatch';
import { DEFAULT_MAX_FRAME_BYTES, OscFrameDecoder, OscFrameError, frameOscPacket } from './oscFrames';
import type { OscEndpointOptions, OscProtocol, OscRequest, OscTransport } from './oscTransport';
import { DEFAULT_RECONNECT_POLICY, ReconnectPolicy, reconnectDelayMs } from './reconnectPolicy';
import { ConnectionClosedError, ReplyExpectation } from './replyRouter';

/**
 * closed: not opened yet, or closed for good. connecting: the first connect of open().
 * connected: packets flow. reconnecting: the connection dropped and is being made again.
 * unreachable: still reconnecting, but enough tries failed that the user should know.
 */
export type TcpConnectionState = 'closed' | 'connecting' | 'connected' | 'reconnecting' | 'unreachable';

export interface TcpStateChange {
  state: TcpConnectionState;
  previous: TcpConnectionState;
  /** Why, where there is a why (the socket error, the bad frame). */
  reason?: string;
}

/** The first connect failed: nothing listens there, or the host cannot be reached. */
export class TcpConnectError extends Error {
  constructor(readonly target: string, readonly code: string | undefined, detail: string) {
    super(code === 'ECONNREFUSED'
      ? `Nothing accepts TCP connections at ${target}. Is the server running, started with -t ${target.split(':').pop()}?`
      : `Could not connect over TCP to ${target}: ${detail}. Check the host, the port and the network.`);
    this.name = 'TcpConnectError';
  }
}

export interface TcpOscConnectionOptions extends OscEndpointOptions {
  /** How long one connect may take before it counts as failed, in ms. */
  connectTimeoutMs?: number;
  reconnect?: Partial<ReconnectPolicy>;
  /** Frames announcing more bytes than this reset the connection. */
  maxFrameBytes?: number;
  /** Idle time before the system's TCP keep-alive probes start, in ms. */
  keepAliveMs?: number;
}

export class TcpOscConnection implements OscTransport {
  readonly protocol: OscProtocol = 'tcp';
  readonly host: string;
  readonly port: number;
  private socket: net.Socket | undefined;
  private stateValue: TcpConnectionState = 'closed';
  private serverAddress: string | undefined;
  private closedReason: string | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private failedAttempts = 0;
  private readonly dispatcher: OscDispatch;
  private readonly frames: OscFrameDecoder;
  private readonly policy: ReconnectPolicy;
  private readonly timeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly keepAliveMs: number;
  private readonly logger: Logger;
  private readonly dropLog: DropLog;

  private readonly onStateEmitter = new Emitter<TcpStateChange>();
  /** Every change of state (connected, reconnecting, unreachable, closed...). */
  readonly onDidChangeState: Event<TcpStateChange> = this.onStateEmitter.event;
  private readonly onReconnectedEmitter = new Emitter<void>();
  /**
   * The connection is back after a drop. A server keeps `/notify` registrations per
   * connection, so whoever registered must register again.
   */
  readonly onReconnected: Event<void> = this.onReconnectedEmitter.event;
  private readonly onFrameErrorEmitter = new Emitter<OscFrameError>();
  /** A frame's length could not be right; the connection was reset. */
  readonly onFrameError: Event<OscFrameError> = this.onFrameErrorEmitter.event;

  readonly onAnyMessage: Event<DecodedMessage>;
  readonly onUnmatchedFail: OscDispatch['onUnmatchedFail'];

  packetsSent = 0;
  packetsReceived = 0;
  /** Packets whose frame was fine but whose OSC could not be decoded (dropped). */
  malformedPackets = 0;
  /** Bad length prefixes, each of which reset the connection. */
  frameErrors = 0;
  /** Times the connection came back after a drop. */
  reconnects = 0;

  constructor(options: TcpOscConnectionOptions) {
    this.host = options.host;
    this.port = options.port;
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 3000;
    this.keepAliveMs = options.keepAliveMs ?? 5000;
    this.policy = { ...DEFAULT_RECONNECT_POLICY, ...options.reconnect };
    this.logger = options.logger ?? silentLogger;
    this.dropLog = new DropLog(this.logger);
    this.frames = new OscFrameDecoder(options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES);
    this.dispatcher = new OscDispatch(this.target, this.logger);
    this.onAnyMessage = this.dispatcher.onAnyMessage;
    this.onUnmatchedFail = this.dispatcher.onUnmatchedFail;
  }

  get target(): string {
    return `${this.host}:${this.port}`;
  }

  get state(): TcpConnectionState {
    return this.stateValue;
  }

  get isOpen(): boolean {
    return this.stateValue === 'connected';
  }

  /** Connects once; a failure rejects with a TcpConnectError (no retries: the caller decides). */
  async open(): Promise<void> {
    if (this.stateValue !== 'closed') return;
    this.closedReason = undefined;
    this.setState('connecting');
    try {
      this.serverAddress = await resolveHost(this.host);
      const socket = await this.connectOnce();
      if (this.closedReason !== undefined) {
        socket.destroy();
        throw new ConnectionClosedError('connect', this.closedReason);
      }
      this.attach(socket);
      this.setState('connected');
    } catch (error) {
      // close() may have run meanwhile; it set the state itself.
      if ((this.stateValue as TcpConnectionState) === 'connecting') this.setState('closed', (error as Error).message);
      throw error;
    }
  }

  send(packet: OscMessage | OscBundle | Uint8Array): void {
    const socket = this.socket;
    if (!socket || this.stateValue !== 'connected') {
      throw new ConnectionClosedError(packet instanceof Uint8Array ? 'packet' : describe(packet), this.notOpenReason());
    }
    const data = packet instanceof Uint8Array ? packet : encodePacket(packet);
    socket.write(frameOscPacket(data));
    this.packetsSent++;
  }

  request(request: OscRequest & { reply: ReplyExpectation }, timeoutMs = this.timeoutMs): Promise<DecodedMessage> {
    return this.sendAndExpect(request.message, request.message.address, request.reply, timeoutMs);
  }

  sendAndExpect(packet: OscMessage | OscBundle | Uint8Array, command: string, reply: ReplyExpectation, timeoutMs = this.timeoutMs): Promise<DecodedMessage> {
    return this.dispatcher.sendAndExpect(() => this.send(packet), command, reply, timeoutMs, this.stateValue === 'connected' ? undefined : this.notOpenReason());
  }

  expect(command: string, reply: ReplyExpectation, timeoutMs = this.timeoutMs): Promise<DecodedMessage> {
    return this.dispatcher.expect(command, reply, timeoutMs, this.stateValue === 'connected' ? undefined : this.notOpenReason());
  }

  onMessage(address: string, listener: (message: DecodedMessage) => void) {
    return this.dispatcher.onMessage(address, listener);
  }

  close(reason = 'the connection was closed'): void {
    this.closedReason = reason;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    const socket = this.socket;
    this.socket = undefined;
    socket?.destroy();
    this.dispatcher.replies.rejectAll(reason);
    this.dropLog.dispose();
    if (this.stateValue !== 'closed') this.setState('closed', reason);
  }

  dispose(): void {
    this.close();
    this.dispatcher.dispose();
    this.onStateEmitter.dispose();
    this.onReconnectedEmitter.dispose();
    this.onFrameErrorEmitter.dispose();
  }

  private notOpenReason(): string {
    if (this.closedReason !== undefined) return this.closedReason;
    if (this.stateValue === 'closed') return 'the connection is not open';
    return `the TCP connection to ${this.target} is ${this.stateValue}`;
  }

  private connectOnce(): Promise<net.Socket> {
    return new Promise<net.Socket>((resolve, reject) => {
      const socket = net.connect({ host: this.serverAddress ?? this.host, port: this.port });
      const fail = (error: Error) => {
        socket.destroy();
        reject(new TcpConnectError(this.target, (error as NodeJS.ErrnoException).code, error.message));
      };
      socket.setTimeout(this.connectTimeoutMs, () => fail(new Error(`no answer within ${this.connectTimeoutMs} ms`)));
      socket.once('error', fail);
      socket.once('connect', () => {
        socket.off('error', fail);
        socket.setTimeout(0);
        resolve(socket);
      });
    });
  }

  private attach(socket: net.Socket): void {
    // OSC is many small packets that should leave at once (a /s_new should not wait for an ack).
    socket.setNoDelay(true);
    socket.setKeepAlive(true, this.keepAliveMs);
    this.frames.reset();
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => this.receive(socket, chunk));
    socket.on('error', (error) => this.logger.warn(`OSC TCP connection to ${this.target}: ${error.message}`));
    socket.on('close', () => {
      if (this.socket === socket) this.lost(socket.errored?.message ?? 'the server closed the connection');
    });
  }

  private receive(socket: net.Socket, chunk: Uint8Array): void {
    if (this.socket !== socket) return;
    try {
      this.frames.push(chunk, (bytes) => this.receivePacket(bytes));
    } catch (error) {
      if (!(error instanceof OscFrameError)) throw error;
      // The next frame cannot be found in the stream: start a new one.
      this.frameErrors++;
      this.logger.warn(`OSC TCP connection to ${this.target}: ${error.message}; resetting the connection.`);
      this.onFrameErrorEmitter.fire(error);
      this.lost(error.message);
      socket.destroy();
    }
  }

  private receivePacket(bytes: Uint8Array): void {
    this.packetsReceived++;
    let packet: DecodedPacket;
    try {
      packet = decodePacket(bytes);
    } catch (error) {
      // Framing is intact, so only this packet is lost.
      this.malformedPackets++;
      this.dropLog.drop(`from ${this.target}: ${(error as Error).message}`);
      return;
    }
    forEachMessage(packet, (message) => this.dispatcher.dispatch(message));
  }

  /** The connection dropped (not closed by us): fail what waits, and start reconnecting. */
  private lost(reason: string): void {
    this.socket = undefined;
    this.dispatcher.replies.rejectAll(`the TCP connection to ${this.target} was lost (${reason})`);
    this.failedAttempts = 0;
    this.setState('reconnecting', reason);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.tryReconnect(), reconnectDelayMs(this.policy, this.failedAttempts));
  }

  private async tryReconnect(): Promise<void> {
    this.reconnectTimer = undefined;
    if (this.closedReason !== undefined) return;
    let socket: net.Socket;
    try {
      socket = await this.connectOnce();
    } catch (error) {
      if (this.closedReason !== undefined) return;
      this.failedAttempts++;
      if (this.failedAttempts >= this.policy.unreachableAfterAttempts && this.stateValue !== 'unreachable') {
        this.setState('unreachable', (error as Error).message);
      }
      this.scheduleReconnect();
      return;
    }
    if (this.closedReason !== undefined) {
      socket.destroy();
      return;
    }
    this.attach(socket);
    this.failedAttempts = 0;
    this.reconnects++;
    this.setState('connected');
    this.onReconnectedEmitter.fire();
  }

  private setState(state: TcpConnectionState, reason?: string): void {
    const previous = this.stateValue;
    if (previous === state) return;
    this.stateValue = state;
    const how = reason ? ` (${reason})` : '';
    if (state === 'unreachable' || state === 'reconnecting') this.logger.warn(`OSC TCP connection to ${this.target}: ${state}${how}`);
    else this.logger.info(`OSC TCP connection to ${this.target}: ${state}${how}`);
    this.onStateEmitter.fire({ state, previous, reason });
  }
}

function describe(packet: OscMessage | OscBundle): string {
  return 'address' in packet ? packet.address : 'bundle';
}
