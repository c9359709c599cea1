// What a server talks OSC through, whichever the protocol: UDP datagrams (OscConnection, the
// default) or a TCP stream of length-prefixed packets (TcpOscConnection, `-t` servers).
import type { Disposable, Event, Logger } from '../events';
import { OscConnection } from './oscConnection';
import { TcpOscConnection } from './tcpOscConnection';
import type { DecodedMessage, OscBundle, OscMessage } from './oscCodec';
import type { ReplyExpectation, ServerFailError } from './replyRouter';

export type OscProtocol = 'udp' | 'tcp';

export const OSC_PROTOCOLS: readonly OscProtocol[] = ['udp', 'tcp'];

/** An OSC message together with the reply it expects, if any. */
export interface OscRequest {
  message: OscMessage;
  reply?: ReplyExpectation;
}

export interface OscTransport extends Disposable {
  readonly protocol: OscProtocol;
  readonly host: string;
  readonly port: number;
  /** `host:port`, for messages. */
  readonly target: string;
  /** Whether a packet sent now goes out. */
  readonly isOpen: boolean;
  open(): Promise<void>;
  /** Sends a message or bundle without waiting for anything; throws ConnectionClosedError when not open. */
  send(packet: OscMessage | OscBundle | Uint8Array): void;
  /** Sends a request and waits for its reply (or its `/fail`, or the timeout). */
  request(request: OscRequest & { reply: ReplyExpectation }, timeoutMs?: number): Promise<DecodedMessage>;
  /** Registers a wait for `reply`, then sends `packet` (which may be a bundle). */
  sendAndExpect(packet: OscMessage | OscBundle | Uint8Array, command: string, reply: ReplyExpectation, timeoutMs?: number): Promise<DecodedMessage>;
  /** Waits for a reply without sending anything. */
  expect(command: string, reply: ReplyExpectation, timeoutMs?: number): Promise<DecodedMessage>;
  /** Listens to every message with this address. */
  onMessage(address: string, listener: (message: DecodedMessage) => void): Disposable;
  /** Every message received (bundles flattened), after matched requests were resolved. */
  readonly onAnyMessage: Event<DecodedMessage>;
  /** A `/fail` that no pending request was waiting for. */
  readonly onUnmatchedFail: Event<ServerFailError>;
  /** Closes for good; every pending request is rejected with `reason`. */
  close(reason?: string): void;
}

/** What every connection to a server is given, whichever the protocol. */
export interface OscEndpointOptions {
  host: string;
  port: number;
  /** Default reply timeout in ms. */
  timeoutMs?: number;
  logger?: Logger;
}

export interface OscTransportOptions extends OscEndpointOptions {
  protocol?: OscProtocol;
}

/** The connection a server entry asks for: UDP (the default) or TCP. */
export function createOscTransport(options: OscTransportOptions): OscTransport {
  const { protocol = 'udp', ...rest } = options;
  if (protocol === 'tcp') return new TcpOscConnection(rest);
  if (protocol === 'udp') return new OscConnection(rest);
  throw new Error(`Unknown OSC protocol "${String(protocol)}"; use "udp" or "tcp".`);
}
