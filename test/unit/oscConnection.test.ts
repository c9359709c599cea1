import { strict as assert } from 'node:assert';
import * as dgram from 'node:dgram';
import { DecodedMessage, IMMEDIATELY, decodePacket, encodeBundle, encodeMessage, forEachMessage } from '../../src/core/osc/oscCodec';
import { ConnectionClosedError, OscConnection, OscTimeoutError, ServerFailError } from '../../src/core/osc/oscConnection';
import { expectedReply, nodeFree, sync, synthNew } from '../../src/core/scsynth/scsynthCommands';

type Reply = (data: Uint8Array) => void;

/** A tiny stand-in for scsynth on 127.0.0.1: decodes what arrives and lets a test answer. */
class FakeServer {
  readonly received: DecodedMessage[] = [];
  handle: (message: DecodedMessage, reply: Reply) => void = () => {};

  private constructor(private readonly socket: dgram.Socket) {
    socket.on('message', (data, rinfo) => {
      const reply: Reply = (bytes) => socket.send(bytes, rinfo.port, rinfo.address);
      forEachMessage(decodePacket(new Uint8Array(data)), (message) => {
        this.received.push(message);
        this.handle(message, reply);
      });
    });
  }

  static async start(): Promise<FakeServer> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return new FakeServer(socket);
  }

  get port(): number {
    return this.socket.address().port;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('OscConnection (against a fake UDP server)', () => {
  let server: FakeServer;
  let connection: OscConnection | undefined;

  before(async () => {
    server = await FakeServer.start();
  });

  after(async () => {
    await server.close();
  });

  beforeEach(async () => {
    server.handle = () => {};
    server.received.length = 0;
    connection = new OscConnection({ host: '127.0.0.1', port: server.port, timeoutMs: 2000 });
    await connection.open();
  });

  afterEach(() => {
    connection?.dispose();
    connection = undefined;
  });

  function open(): OscConnection {
    assert.ok(connection);
    return connection;
  }

  it('matches replies by id, not by arrival order', async () => {
    const conn = open();
    const syncs: DecodedMessage[] = [];
    server.handle = (message, reply) => {
      if (message.address !== '/sync') return;
      syncs.push(message);
      if (syncs.length === 2) {
        reply(encodeMessage('/synced', [2]));
        reply(encodeMessage('/synced', [1]));
      }
    };
    const resolved: number[] = [];
    const first = conn.request(sync(1)).then((reply) => (resolved.push(1), reply));
    const second = conn.request(sync(2)).then((reply) => (resolved.push(2), reply));
    const [reply1, reply2] = await Promise.all([first, second]);
    assert.deepEqual(reply1, { address: '/synced', args: [1] });
    assert.deepEqual(reply2, { address: '/synced', args: [2] });
    // The answer for 2 came first and went to the second caller.
    assert.deepEqual(resolved, [2, 1]);
    // The ids went out as int32.
    assert.deepEqual(syncs.map((m) => m.args), [[1], [2]]);
  });

  it('matches with expectations from expectedReply too', async () => {
    const conn = open();
    server.handle = (message, reply) => {
      if (message.address === '/sync') {
        reply(encodeMessage('/synced', [99])); // someone else's
        reply(encodeMessage('/synced', message.args as number[]));
      }
    };
    const args = [{ type: 'i' as const, value: 42 }];
    const expectation = expectedReply('/sync', args);
    assert.ok(expectation);
    const reply = await conn.request({ message: { address: '/sync', args }, reply: expectation });
    assert.deepEqual(reply.args, [42]);
  });

  it('delivers replies that arrive inside a bundle', async () => {
    const conn = open();
    server.handle = (message, reply) => {
      if (message.address === '/sync' && message.args[0] === 2) {
        reply(encodeBundle(IMMEDIATELY, [{ address: '/synced', args: [2] }, { address: '/synced', args: [1] }]));
      }
    };
    const replies = await Promise.all([conn.request(sync(1)), conn.request(sync(2))]);
    assert.deepEqual(replies.map((r) => r.args[0]), [1, 2]);
  });

  it('rejects the pending /s_new with ServerFailError carrying scsynth\'s message', async () => {
    const conn = open();
    server.handle = (message, reply) => {
      if (message.address === '/s_new') reply(encodeMessage('/fail', ['/s_new', 'SynthDef not found']));
      if (message.address === '/sync') setTimeout(() => reply(encodeMessage('/synced', message.args as number[])), 30);
    };
    const pendingSync = conn.request(sync(5));
    const creation = conn.sendAndExpect(synthNew('no_such_def', 1000), '/s_new', { address: '/n_go', match: (args) => args[0] === 1000 });
    await assert.rejects(creation, (error: unknown) => {
      assert.ok(error instanceof ServerFailError);
      assert.equal(error.command, '/s_new');
      assert.equal(error.serverMessage, 'SynthDef not found');
      assert.match(error.message, /\/s_new: SynthDef not found/);
      return true;
    });
    // The /fail for /s_new did not touch the /sync waiting at the same time.
    assert.deepEqual((await pendingSync).args, [5]);
  });

  it('reports a /fail nobody waits for on onUnmatchedFail', async () => {
    const conn = open();
    server.handle = (message, reply) => {
      if (message.address === '/n_free') reply(encodeMessage('/fail', ['/n_free', 'Node 1234 not found']));
      if (message.address === '/sync') reply(encodeMessage('/synced', message.args as number[]));
    };
    const failures: ServerFailError[] = [];
    conn.onUnmatchedFail((error) => failures.push(error));
    conn.send(nodeFree(1234));
    await conn.request(sync(1));
    assert.equal(failures.length, 1);
    assert.equal(failures[0].command, '/n_free');
    assert.equal(failures[0].serverMessage, 'Node 1234 not found');
  });

  it('rejects with OscTimeoutError naming the command when nothing answers', async () => {
    const conn = open();
    const started = Date.now();
    await assert.rejects(conn.request(sync(9), 60), (error: unknown) => {
      assert.ok(error instanceof OscTimeoutError);
      assert.equal(error.command, '/sync');
      assert.equal(error.expected, '/synced');
      assert.equal(error.timeoutMs, 60);
      assert.match(error.message, /\/sync/);
      assert.match(error.message, /60 ms/);
      return true;
    });
    assert.ok(Date.now() - started >= 50);
    // The request did go out.
    assert.deepEqual(server.received.map((m) => m.address), ['/sync']);
  });

  it('counts a malformed datagram and still delivers later valid replies', async () => {
    const conn = open();
    server.handle = (message, reply) => {
      if (message.address !== '/sync') return;
      reply(new Uint8Array([1, 2, 3, 4, 5]));
      reply(new Uint8Array(Buffer.from('garbage!')));
      reply(encodeMessage('/synced', message.args as number[]));
    };
    assert.equal(conn.malformedPackets, 0);
    const reply = await conn.request(sync(4));
    assert.deepEqual(reply.args, [4]);
    assert.equal(conn.malformedPackets, 2);
    // And the connection keeps working.
    assert.deepEqual((await conn.request(sync(5))).args, [5]);
    assert.equal(conn.malformedPackets, 4);
  });

  it('takes datagrams from the server only: another local socket\'s /n_go is counted and dropped', async () => {
    const conn = open();
    const seen: DecodedMessage[] = [];
    conn.onMessage('/n_go', (message) => seen.push(message));
    const intruder = dgram.createSocket('udp4');
    try {
      await new Promise<void>((resolve) => intruder.bind(0, '127.0.0.1', () => resolve()));
      for (let i = 0; i < 3; i++) intruder.send(encodeMessage('/n_go', [31337, 1, -1, -1, 0]), conn.localPort, '127.0.0.1');
      server.handle = (message, reply) => {
        if (message.address === '/sync') {
          reply(encodeMessage('/n_go', [1000, 1, -1, -1, 0]));
          reply(encodeMessage('/synced', message.args as number[]));
        }
      };
      await delay(50);
      await conn.request(sync(1));
      assert.deepEqual(seen.map((message) => message.args[0]), [1000], 'only the server\'s /n_go');
      assert.equal(conn.foreignPackets, 3);
    } finally {
      intruder.close();
    }
  });

  it('logs a flood of malformed datagrams as one line per burst, not one per datagram', async () => {
    const lines: string[] = [];
    const log = (message: string) => lines.push(message);
    const conn = new OscConnection({ host: '127.0.0.1', port: server.port, logger: { trace: log, debug: log, info: log, warn: log, error: log } });
    await conn.open();
    try {
      server.handle = (message, reply) => {
        if (message.address !== '/sync') return;
        for (let i = 0; i < 2000; i++) reply(new Uint8Array([1, 2, 3, 4, 5]));
        reply(encodeMessage('/synced', message.args as number[]));
      };
      await conn.request(sync(9));
      await delay(50);
      assert.ok(conn.malformedPackets > 100, `${conn.malformedPackets} malformed datagrams arrived`);
      assert.equal(lines.length, 1, lines.slice(0, 3).join('\n'));
      assert.match(lines[0], /^Dropped a datagram from 127\.0\.0\.1:\d+: /);
    } finally {
      conn.dispose();
    }
  });

  it('names a host that does not resolve', async () => {
    const conn = new OscConnection({ host: 'no-such-host.invalid', port: 57110 });
    await assert.rejects(conn.open(), /The host name no-such-host\.invalid could not be resolved \((ENOTFOUND|EAI_AGAIN)\)/);
  });

  it('passes every message to onMessage listeners and onAnyMessage', async () => {
    const conn = open();
    server.handle = (message, reply) => {
      if (message.address === '/sync') {
        reply(encodeMessage('/n_go', [1000, 1, -1, -1, 0]));
        reply(encodeMessage('/synced', message.args as number[]));
      }
    };
    const nGo: DecodedMessage[] = [];
    const any: string[] = [];
    const subscription = conn.onMessage('/n_go', (message) => nGo.push(message));
    conn.onAnyMessage((message) => any.push(message.address));
    await conn.request(sync(1));
    assert.deepEqual(nGo, [{ address: '/n_go', args: [1000, 1, -1, -1, 0] }]);
    assert.deepEqual(any, ['/n_go', '/synced']);
    subscription.dispose();
    await conn.request(sync(2));
    assert.equal(nGo.length, 1);
  });

  it('close() rejects pending requests with ConnectionClosedError, and later requests too', async () => {
    const conn = open();
    const pending = [conn.request(sync(7)), conn.request(sync(8))];
    await delay(10);
    conn.close('the test closed it');
    for (const request of pending) {
      await assert.rejects(request, (error: unknown) => {
        assert.ok(error instanceof ConnectionClosedError);
        assert.match(error.message, /\/sync/);
        assert.match(error.message, /the test closed it/);
        return true;
      });
    }
    assert.equal(conn.isOpen, false);
    await assert.rejects(conn.request(sync(9)), ConnectionClosedError);
    assert.throws(() => conn.send(sync(10).message), ConnectionClosedError);
  });
});
