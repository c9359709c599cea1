import { strict as assert } from 'node:assert';
import * as net from 'node:net';
import { DecodedMessage, decodePacket, encodeMessage, forEachMessage } from '../../src/core/osc/oscCodec';
import { OscFrameDecoder, frameOscPacket } from '../../src/core/osc/oscFrames';
import { ConnectionClosedError } from '../../src/core/osc/oscConnection';
import { createOscTransport } from '../../src/core/osc/oscTransport';
import { TcpConnectError, TcpConnectionState, TcpOscConnection } from '../../src/core/osc/tcpOscConnection';
import { status, sync } from '../../src/core/scsynth/scsynthCommands';

/** A stand-in for `scsynth -t` on 127.0.0.1: decodes frames, lets a test answer or misbehave. */
class FakeTcpServer {
  readonly received: DecodedMessage[] = [];
  readonly sockets = new Set<net.Socket>();
  handle: (message: DecodedMessage, socket: net.Socket) => void = () => {};
  private server: net.Server;

  constructor(readonly port = 0) {
    this.server = net.createServer((socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined);
      const frames = new OscFrameDecoder();
      socket.on('data', (chunk) => frames.push(chunk, (bytes) => forEachMessage(decodePacket(bytes), (message) => {
        this.received.push(message);
        this.handle(message, socket);
      })));
    });
  }

  async listen(port = this.port): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    return (this.server.address() as net.AddressInfo).port;
  }

  /** Stops listening and drops every connection (as a server that went away). */
  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function nextState(connection: TcpOscConnection, state: TcpConnectionState, timeoutMs = 4000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${state}" within ${timeoutMs} ms (state: ${connection.state})`)), timeoutMs);
    const listener = connection.onDidChangeState((change) => {
      if (change.state !== state) return;
      clearTimeout(timer);
      listener.dispose();
      resolve();
    });
  });
}

const fastReconnect = { initialDelayMs: 20, maxDelayMs: 80, unreachableAfterAttempts: 3 };

describe('TcpOscConnection (against a fake TCP server)', () => {
  let server: FakeTcpServer;
  let port: number;
  let connection: TcpOscConnection;

  beforeEach(async () => {
    server = new FakeTcpServer();
    port = await server.listen();
    connection = new TcpOscConnection({ host: '127.0.0.1', port, timeoutMs: 1000, reconnect: fastReconnect });
  });

  afterEach(async () => {
    connection.dispose();
    await server.stop().catch(() => undefined);
  });

  it('sends framed packets and matches the framed replies', async () => {
    server.handle = (message, socket) => {
      if (message.address === '/sync') socket.write(frameOscPacket(encodeMessage('/synced', [message.args[0] as number])));
    };
    await connection.open();
    assert.equal(connection.state, 'connected');
    assert.equal(connection.isOpen, true);
    const replies = await Promise.all([connection.request(sync(7)), connection.request(sync(8))]);
    assert.deepEqual(replies.map((reply) => reply.args[0]), [7, 8]);
    assert.deepEqual(server.received.map((message) => message.address), ['/sync', '/sync']);
  });

  it('takes replies the network split across chunks and joined with others', async () => {
    server.handle = (message, socket) => {
      if (message.address !== '/status') return;
      const reply = frameOscPacket(encodeMessage('/status.reply', [1, 2, 3, 4, 5, 0.5, 0.7, 48000, 48000]));
      const both = Buffer.concat([reply, frameOscPacket(encodeMessage('/n_go', [1000, 1, -1, -1, 0]))]);
      // Byte by byte, each in its own write.
      void (async () => {
        for (const byte of both) {
          socket.write(Uint8Array.of(byte));
          await delay(0);
        }
      })();
    };
    await connection.open();
    const nodeGo = new Promise<DecodedMessage>((resolve) => connection.onMessage('/n_go', resolve));
    const reply = await connection.request(status());
    assert.equal(reply.args[2], 3);
    assert.deepEqual((await nodeGo).args, [1000, 1, -1, -1, 0]);
  });

  it('resets the connection on a negative frame length, fails what waited, and comes back', async () => {
    let first = true;
    server.handle = (message, socket) => {
      if (message.address !== '/sync') return;
      if (first) {
        first = false;
        socket.write(Uint8Array.of(0xff, 0xff, 0xff, 0xf0));
      } else {
        socket.write(frameOscPacket(encodeMessage('/synced', [message.args[0] as number])));
      }
    };
    await connection.open();
    const frameErrors: string[] = [];
    connection.onFrameError((error) => frameErrors.push(error.message));
    const states: TcpConnectionState[] = [];
    connection.onDidChangeState((change) => states.push(change.state));
    const reconnected = new Promise<void>((resolve) => connection.onReconnected(resolve));
    await assert.rejects(connection.request(sync(1)), (error: Error) => error instanceof ConnectionClosedError && /was lost \(an OSC frame announced a negative length \(-16\)/.test(error.message));
    await reconnected;
    assert.deepEqual(states, ['reconnecting', 'connected']);
    assert.equal(frameErrors.length, 1);
    assert.equal(connection.frameErrors, 1);
    assert.equal((await connection.request(sync(2))).args[0], 2);
  });

  it('resets the connection on an oversized frame', async () => {
    connection.dispose();
    connection = new TcpOscConnection({ host: '127.0.0.1', port, timeoutMs: 1000, reconnect: fastReconnect, maxFrameBytes: 4096 });
    server.handle = (message, socket) => {
      if (message.address === '/status') socket.write(frameOscPacket(new Uint8Array(5000)));
    };
    await connection.open();
    const reset = nextState(connection, 'reconnecting');
    connection.send(status().message);
    await reset;
    assert.equal(connection.frameErrors, 1);
    await nextState(connection, 'connected');
  });

  it('drops a malformed packet inside a good frame without resetting', async () => {
    server.handle = (message, socket) => {
      if (message.address !== '/sync') return;
      socket.write(frameOscPacket(Uint8Array.of(1, 2, 3, 4, 5)));
      socket.write(frameOscPacket(encodeMessage('/synced', [message.args[0] as number])));
    };
    await connection.open();
    assert.equal((await connection.request(sync(3))).args[0], 3);
    assert.equal(connection.malformedPackets, 1);
    assert.equal(connection.reconnects, 0);
    assert.equal(connection.state, 'connected');
  });

  it('reconnects after the server goes away, says unreachable after the set tries, and connects when it is back', async () => {
    await connection.open();
    const states: TcpConnectionState[] = [];
    connection.onDidChangeState((change) => states.push(change.state));
    const unreachable = nextState(connection, 'unreachable');
    await server.stop();
    await unreachable;
    assert.deepEqual(states, ['reconnecting', 'unreachable']);
    assert.throws(() => connection.send(status().message), (error: Error) => error instanceof ConnectionClosedError && /is unreachable/.test(error.message));
    await assert.rejects(connection.request(sync(4)), /is unreachable/);

    server = new FakeTcpServer();
    server.handle = (message, socket) => {
      if (message.address === '/sync') socket.write(frameOscPacket(encodeMessage('/synced', [message.args[0] as number])));
    };
    const reconnected = new Promise<void>((resolve) => connection.onReconnected(resolve));
    await server.listen(port);
    await reconnected;
    assert.deepEqual(states, ['reconnecting', 'unreachable', 'connected']);
    assert.equal((await connection.request(sync(5))).args[0], 5);
  });

  it('stops reconnecting once closed', async () => {
    await connection.open();
    const reconnecting = nextState(connection, 'reconnecting');
    for (const socket of server.sockets) socket.destroy();
    await reconnecting;
    connection.close('done here');
    assert.equal(connection.state, 'closed');
    await delay(200);
    assert.equal(connection.state, 'closed');
    assert.equal(server.sockets.size, 0);
  });

  it('rejects open with a clear error when nothing listens', async () => {
    await server.stop();
    await assert.rejects(connection.open(), (error: Error) =>
      error instanceof TcpConnectError && error.code === 'ECONNREFUSED' && /Nothing accepts TCP connections at 127\.0\.0\.1:\d+\. Is the server running, started with -t \d+\?/.test(error.message));
    assert.equal(connection.state, 'closed');
  });

  it('is what createOscTransport gives for protocol "tcp"; UDP stays the default', () => {
    const tcp = createOscTransport({ protocol: 'tcp', host: '127.0.0.1', port });
    const udp = createOscTransport({ host: '127.0.0.1', port });
    assert.equal(tcp.protocol, 'tcp');
    assert.ok(tcp instanceof TcpOscConnection);
    assert.equal(udp.protocol, 'udp');
    tcp.dispose();
    udp.dispose();
    assert.throws(() => createOscTransport({ protocol: 'sctp' as 'udp', host: '127.0.0.1', port }), /Unknown OSC protocol "sctp"; use "udp" or "tcp"/);
  });
});
