// One client's registration with one server: the connection it talks through, the client id
// scsynth gave it, the id allocators that follow from that id, and sending (every /s_new is
// told to the node model). One per run; the idle session before the first run has no connection.
import { Logger } from '../events';
import { DecodedMessage, IMMEDIATELY, OscArgument, OscBundle, OscMessage, isBundle } from '../osc/oscCodec';
import { ReplyExpectation, ServerFailError } from '../osc/oscConnection';
import * as cmd from '../scsynth/scsynthCommands';
import type { ServerOptions } from '../scsynth/serverOptions';
import { IDBlockAllocator, MAX_CLIENTS, NodeIdAllocator, clientBlock, defaultGroupIdOf, highestNodeIdsByClient } from './idAllocators';
import { isOverflow } from './nodeSync';
import { GroupNode, parseQueryTreeReply } from './nodeTree';
import { sendPaced } from './sendPacing';
import { ClientIdError, ServerNotRunningError } from './serverErrors';

/** The part of OscConnection a session uses (a fake in unit tests). */
export interface SessionConnection {
  readonly isOpen: boolean;
  send(packet: OscMessage | OscBundle | Uint8Array): void;
  request(request: cmd.Request, timeoutMs?: number): Promise<DecodedMessage>;
  sendAndExpect(packet: OscMessage | OscBundle, command: string, reply: ReplyExpectation, timeoutMs?: number): Promise<DecodedMessage>;
  expect(command: string, reply: ReplyExpectation, timeoutMs?: number): Promise<DecodedMessage>;
}

export interface ClientSessionOptions {
  /** The id to propose (sc3nb proposes 1 and leaves 0 to sclang). */
  proposedClientId: number;
  /** The server's layout: maxLogins and the bus and buffer counts the allocators divide. */
  serverOptions: ServerOptions;
  replyTimeoutMs: number;
  logger: Logger;
  /** Told of each /s_new sent, so the node model has the def name before scsynth's /n_go. */
  synthSent(nodeId: number, defName: string): void;
}

type Allocators = { buffers: IDBlockAllocator; controlBuses: IDBlockAllocator; audioBuses: IDBlockAllocator };

export class ClientSession {
  private clientIdValue: number;
  private maxLoginsValue: number;
  private nodeIds: NodeIdAllocator;
  private allocators: Allocators | undefined;
  private syncId = 0;

  constructor(readonly connection: SessionConnection | undefined, private readonly options: ClientSessionOptions) {
    this.clientIdValue = options.proposedClientId;
    this.maxLoginsValue = options.serverOptions.maxLogins;
    this.nodeIds = new NodeIdAllocator(this.clientIdValue);
  }

  get isOpen(): boolean {
    return !!this.connection?.isOpen;
  }

  get clientId(): number {
    return this.clientIdValue;
  }

  /** As scsynth reports it after /notify (it rounds the option up to a power of two). */
  get maxLogins(): number {
    return this.maxLoginsValue;
  }

  get defaultGroup(): number {
    return defaultGroupIdOf(this.clientIdValue);
  }

  requireConnection(action: string): SessionConnection {
    if (!this.connection?.isOpen) throw new ServerNotRunningError(action);
    return this.connection;
  }

  // ---- registration ----

  /**
   * Registers for notifications, proposing `clientId`. On "already registered" the id scsynth
   * reports is adopted; "too many users" and an id sclang cannot use (above 31) are errors.
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
        this.options.logger.info(`The server does not assign client ids; keeping client id ${this.clientIdValue}.`);
      }
    } catch (error) {
      if (error instanceof ServerFailError && /already registered/.test(error.serverMessage)) {
        const id = error.args.find((arg, index): arg is number => index > 1 && typeof arg === 'number');
        this.options.logger.info(`This client was already registered with scsynth; keeping client id ${id ?? this.clientIdValue}.`);
        this.adoptClient(id, undefined);
        return;
      }
      if (error instanceof ServerFailError && /too many users/.test(error.serverMessage)) {
        throw new Error(`scsynth refused this client: too many users (maxLogins ${this.options.serverOptions.maxLogins}). Quit another client or boot with a larger maxLogins.`, { cause: error });
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
      if (clientId !== this.clientIdValue) this.options.logger.info(`scsynth assigned client id ${clientId} (proposed ${this.clientIdValue}).`);
      this.clientIdValue = clientId;
    }
  }

  /**
   * sc3nb's init up to the node model: /notify, the default groups and a /g_queryTree, sent at
   * once (scsynth runs commands in order), so it all takes one audio period. Resolves with the
   * tree, or undefined when it is too large for one reply (the caller resyncs then). A server
   * this program started gets the default groups in the same packet as the query: its
   * maxLogins is known before /notify answers (scsynth rounds it up to a power of two).
   */
  async register(proposedClientId: number, startedHere: boolean): Promise<GroupNode | undefined> {
    const notified = this.notify(true, proposedClientId);
    const queryTree = cmd.groupQueryTree(0, false);
    const readTree = (groups: OscMessage[]) =>
      this.sendAndExpect({ timeTag: IMMEDIATELY, packets: [...groups, queryTree.message] }, '/g_queryTree', queryTree.reply)
        .then((message) => parseQueryTreeReply(message.args))
        .catch((error: Error) => {
          if (isOverflow(error)) return undefined;
          throw error;
        });
    let tree: GroupNode | undefined;
    if (startedHere) {
      const predicted = nextPowerOfTwo(this.options.serverOptions.maxLogins);
      const treeReply = readTree(this.defaultGroupMessages(0, predicted));
      // If /notify fails first, this wait fails later on its own: handled, not a crash.
      treeReply.catch(() => undefined);
      await notified;
      // Any further clients' groups arrive in the model as notifications.
      if (this.maxLoginsValue > predicted) void this.sendMany(this.defaultGroupMessages(predicted), { wait: false });
      tree = await treeReply;
    } else {
      await notified;
      tree = await readTree(this.defaultGroupMessages());
    }
    this.makeAllocators();
    return tree;
  }

  /** The default group of every client from `fromClient` (sclang's convention), at the head of root. */
  defaultGroupMessages(fromClient = 0, toClient = this.maxLoginsValue): OscMessage[] {
    return this.defaultGroupIds(fromClient, toClient).map((id) => cmd.groupNew(id, cmd.AddAction.head, 0));
  }

  /** The ids of those default groups. */
  defaultGroupIds(fromClient = 0, toClient = this.maxLoginsValue): number[] {
    const ids: number[] = [];
    // A server started with scsynth's own maxLogins (64) has clients sclang cannot be.
    for (let client = fromClient; client < Math.min(toClient, MAX_CLIENTS); client++) ids.push(defaultGroupIdOf(client));
    return ids;
  }

  // ---- allocation ----

  /** This client's share of buffers and buses, once its id and the server's maxLogins are known. */
  makeAllocators(): void {
    const o = this.options.serverOptions;
    const buffers = clientBlock(o.numSampleBuffers, this.maxLoginsValue, this.clientIdValue);
    const controls = clientBlock(o.numControlBuses, this.maxLoginsValue, this.clientIdValue);
    const audio = clientBlock(o.numPrivateBuses, this.maxLoginsValue, this.clientIdValue, o.firstPrivateBus);
    this.nodeIds = new NodeIdAllocator(this.clientIdValue);
    this.allocators = {
      buffers: new IDBlockAllocator(buffers.size, buffers.offset),
      controlBuses: new IDBlockAllocator(controls.size, controls.offset),
      audioBuses: new IDBlockAllocator(audio.size, audio.offset),
    };
  }

  /** After registering again with a server that kept this client's nodes: new ids start past theirs. */
  skipLiveNodeIds(nodeIds: Iterable<number>): void {
    this.nodeIds.skipPast(highestNodeIdsByClient(nodeIds)[this.clientIdValue]);
  }

  allocateNodeId(): number {
    return this.nodeIds.allocate();
  }

  allocator(kind: keyof Allocators): IDBlockAllocator {
    if (!this.allocators) throw new ServerNotRunningError(`allocate ${ALLOCATOR_NOUN[kind]}`);
    return this.allocators[kind];
  }

  // ---- sending ----

  send(packet: OscMessage | OscBundle): void {
    this.noteOutgoing(packet);
    this.requireConnection('send').send(packet);
  }

  request(request: cmd.Request, timeoutMs?: number): Promise<DecodedMessage> {
    this.noteOutgoing(request.message);
    return this.requireConnection(`send ${request.message.address}`).request(request, timeoutMs);
  }

  sendAndExpect(packet: OscMessage | OscBundle, command: string, reply: ReplyExpectation, timeoutMs?: number): Promise<DecodedMessage> {
    this.noteOutgoing(packet);
    return this.requireConnection(`send ${command}`).sendAndExpect(packet, command, reply, timeoutMs);
  }

  /** Several requests in one immediate bundle (one datagram, one wake-up of scsynth); their replies in order. */
  requestAll(requests: readonly cmd.Request[], timeoutMs?: number): Promise<DecodedMessage[]> {
    if (requests.length === 1) return this.request(requests[0], timeoutMs).then((reply) => [reply]);
    const connection = this.requireConnection('send a bundle of requests');
    const replies = requests.map((request) => connection.expect(request.message.address, request.reply, timeoutMs));
    // Promise.all below handles every rejection, also those after the first.
    const all = Promise.all(replies);
    this.send({ timeTag: IMMEDIATELY, packets: requests.map((request) => request.message) });
    return all;
  }

  /** sc3nb's msg: with `awaitReply`, resolves with the reply scsynth answers that command with. */
  async msg(address: string, args: OscArgument[] = [], awaitReply = false, timeoutMs?: number): Promise<DecodedMessage | undefined> {
    const message = { address, args };
    if (!awaitReply) {
      this.send(message);
      return undefined;
    }
    const reply = cmd.expectedReply(address, args);
    if (!reply) throw new Error(`${address} has no reply to wait for; send it without awaitReply and use sync() to wait for it.`);
    return this.sendAndExpect(message, address, reply, timeoutMs);
  }

  /** Many messages, paced (see sendPacing.ts); resolves after a final /sync unless `wait: false`. */
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
  async sync(timeoutMs = this.options.replyTimeoutMs): Promise<boolean> {
    this.syncId = (this.syncId + 1) % 0x7fffffff;
    await this.request(cmd.sync(this.syncId), timeoutMs);
    return true;
  }

  /** Sends and resolves once scsynth has run it. */
  async sendAndSync(message: OscMessage): Promise<void> {
    this.send(message);
    await this.sync();
  }

  private noteOutgoing(packet: OscMessage | OscBundle): void {
    if (isBundle(packet)) {
      for (const inner of packet.packets) this.noteOutgoing(inner);
    } else if (packet.address === '/s_new') {
      const defName = argValue(packet.args[0]);
      const nodeId = argValue(packet.args[1]);
      if (typeof defName === 'string' && typeof nodeId === 'number' && nodeId >= 0) this.options.synthSent(nodeId, defName);
    }
  }
}

const ALLOCATOR_NOUN: Record<keyof Allocators, string> = { buffers: 'a buffer', controlBuses: 'a control bus', audioBuses: 'an audio bus' };

function argValue(arg: OscArgument | undefined): unknown {
  if (arg !== null && typeof arg === 'object' && !(arg instanceof Uint8Array)) return 'value' in arg ? arg.value : undefined;
  return arg;
}

function nextPowerOfTwo(n: number): number {
  return 2 ** Math.ceil(Math.log2(Math.max(1, n)));
}
