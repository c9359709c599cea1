import * as dgram from 'node:dgram';
import { Disposable, Emitter, Event, Logger, silentLogger } from '../events';
import { DropLog } from './dropLog';
import { OscDispatch } from './oscDispatch';
import { ConnectionClosedError, ReplyExpectation } from './replyRouter';

export { ConnectionClosedError, OscTimeoutError, ServerFailError } from './replyRouter';
export type { ReplyExpectation } from './replyRouter';
import { HostResolutionError, isLoopback, resolveHost } from './hostAddress';

export { HostResolutionError, isLoopback };
import {
  DecodedMessage,
  DecodedPacket,
  OscBundle,
  OscMessage,
  decodePacket,
  encodePacket,
  forEachMessage,
} from './oscCodec';

import type { OscEndpointOptions, OscProtocol, OscRequest, OscTransport } from './oscTransport';

export type { OscRequest };

export interface OscConnectionOptions extends OscEndpointOptions {
  /** Local address to bind; loopback for a local server. */
  bindAddress?: string;
  /** Receive buffer to ask the kernel for, in bytes (capped by net.core.rmem_max). */
  receiveBufferBytes?: number;
}

/**
 * One UDP socket talking OSC to one scsynth (sc3nb's OSCCommunication). Replies are matched
 * to the request that expects them by address and, where the reply carries it, by id, so
 * concurrent callers waiting on the same address each get their own answer.
 */
export class OscConnection implements OscTransport {
  readonly protocol: OscProtocol = 'udp';
  readonly host: string;
  readonly port: number;
  private socket: dgram.Socket | undefined;
  private readonly dispatcher: OscDispatch;
  private readonly logger: Logger;
  private readonly timeoutMs: number;
  private readonly bindAddress: string;
  private readonly receiveBufferBytes: number;
  private closedReason: string | undefined;

  /** Every message received (bundles flattened), after matched requests were resolved. */
  readonly onAnyMessage: Event<DecodedMessage>;
  /** A `/fail` that no pending request was waiting for. */
  readonly onUnmatchedFail: OscDispatch['onUnmatchedFail'];
  private readonly onErrorEmitter = new Emitter<Error>();
  /** Socket errors, e.g. ICMP port unreachable when the server has gone away. */
  readonly onSocketError: Event<Error> = this.onErrorEmitter.event;

  /** Datagrams sent and received (each one a system call, a received one a wake-up of this process). */
  datagramsSent = 0;
  datagramsReceived = 0;
  /** Count of datagrams that could not be decoded and were dropped. */
  malformedPackets = 0;
  /** Count of datagrams from any address but the server's, dropped unread. */
  foreignPackets = 0;
  /** The server's IP address (host resolved at open), the only source replies are taken from. */
  private serverAddress: string | undefined;
  /** One log line per burst of dropped datagrams, not one per datagram. */
  private readonly dropLog: DropLog;

  constructor(options: OscConnectionOptions) {
    this.host = options.host;
    this.port = options.port;
    this.bindAddress = options.bindAddress ?? (isLoopback(options.host) ? '127.0.0.1' : '0.0.0.0');
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.receiveBufferBytes = options.receiveBufferBytes ?? 8 * 1024 * 1024;
    this.logger = options.logger ?? silentLogger;
    this.dropLog = new DropLog(this.logger);
    this.dispatcher = new OscDispatch(this.target, this.logger);
    this.onAnyMessage = this.dispatcher.onAnyMessage;
    this.onUnmatchedFail = this.dispatcher.onUnmatchedFail;
  }

  get target(): string {
    return `${this.host}:${this.port}`;
  }

  get isOpen(): boolean {
    return this.socket !== undefined;
  }

  /** The local port this client sends from (scsynth replies there). */
  get localPort(): number | undefined {
    return this.socket?.address().port;
  }

  async open(): Promise<void> {
    if (this.socket) return;
    this.serverAddress = await resolveHost(this.host);
    const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: this.receiveBufferBytes });
    socket.on('message', (data, from) => this.receive(data, from));
    socket.on('error', (error) => {
      this.logger.warn(`OSC socket error (${this.target}): ${error.message}`);
      this.onErrorEmitter.fire(error);
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind({ address: this.bindAddress, port: 0, exclusive: true }, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    try {
      socket.setSendBufferSize(this.receiveBufferBytes);
    } catch {
      // The kernel caps it; the default still works.
    }
    this.socket = socket;
    this.closedReason = undefined;
  }

  /** Sends a message or bundle without waiting for anything. */
  send(packet: OscMessage | OscBundle | Uint8Array): void {
    const socket = this.requireSocket(packet instanceof Uint8Array ? 'packet' : describe(packet));
    const data = packet instanceof Uint8Array ? packet : encodePacket(packet);
    socket.send(data, this.port, this.host);
    this.datagramsSent++;
  }

  /** Sends a request and waits for its reply (or its `/fail`, or the timeout). */
  request(request: OscRequest & { reply: ReplyExpectation }, timeoutMs = this.timeoutMs): Promise<DecodedMessage> {
    return this.sendAndExpect(request.message, request.message.address, request.reply, timeoutMs);
  }

  /** Registers a wait for `reply`, then sends `packet` (which may be a bundle). */
  sendAndExpect(packet: OscMessage | OscBundle | Uint8Array, command: string, reply: ReplyExpectation, timeoutMs = this.timeoutMs): Promise<DecodedMessage> {
    return this.dispatcher.sendAndExpect(() => this.send(packet), command, reply, timeoutMs, this.notOpenReason());
  }

  /** Waits for a reply without sending anything (for replies triggered otherwise). */
  expect(command: string, reply: ReplyExpectation, timeoutMs = this.timeoutMs): Promise<DecodedMessage> {
    return this.dispatcher.expect(command, reply, timeoutMs, this.notOpenReason());
  }

  /** Why nothing can be sent now, or undefined when the socket is open. */
  private notOpenReason(): string | undefined {
    if (this.closedReason !== undefined || !this.socket) return this.closedReason ?? 'the connection is not open';
    return undefined;
  }

  /** Listens to every message with this address. */
  onMessage(address: string, listener: (message: DecodedMessage) => void): Disposable {
    return this.dispatcher.onMessage(address, listener);
  }

  /** Closes the socket; every pending request is rejected with `reason`. */
  close(reason = 'the connection was closed'): void {
    this.closedReason = reason;
    this.dispatcher.replies.rejectAll(reason);
    const socket = this.socket;
    this.socket = undefined;
    this.dropLog.dispose();
    socket?.close();
  }

  dispose(): void {
    this.close();
    this.dispatcher.dispose();
    this.onErrorEmitter.dispose();
  }

  /** Feeds one datagram through decoding and dispatch; only the server's are read. */
  private receive(data: Uint8Array, from?: dgram.RemoteInfo): void {
    this.datagramsReceived++;
    if (from && (from.port !== this.port || from.address !== this.serverAddress)) {
      // Any local program could otherwise add nodes to the model or fake a status.
      this.foreignPackets++;
      this.dropLog.drop(`from ${from.address}:${from.port}, which is not the server ${this.target}`);
      return;
    }
    let packet: DecodedPacket;
    try {
      packet = decodePacket(data);
    } catch (error) {
      // A malformed packet is logged and dropped; the receive loop goes on.
      this.malformedPackets++;
      this.dropLog.drop(`from ${this.target}: ${(error as Error).message}`);
      return;
    }
    forEachMessage(packet, (message) => this.dispatcher.dispatch(message));
  }

  private requireSocket(what: string): dgram.Socket {
    if (!this.socket) {
      throw new ConnectionClosedError(what, this.closedReason ?? 'the connection is not open');
    }
    return this.socket;
  }
}

function describe(packet: OscMessage | OscBundle): string {
  return 'address' in packet ? packet.address : 'bundle';
}
