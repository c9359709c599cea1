import { strict as assert } from 'node:assert';
import { silentLogger } from '../../src/core/events';
import type { DecodedMessage, OscBundle, OscMessage } from '../../src/core/osc/oscCodec';
import { ServerFailError } from '../../src/core/osc/oscConnection';
import type { Request } from '../../src/core/scsynth/scsynthCommands';
import { ServerOptions } from '../../src/core/scsynth/serverOptions';
import { ClientSession, SessionConnection } from '../../src/core/server/clientSession';
import { ClientIdError, ServerNotRunningError } from '../../src/core/server/serverErrors';

/** A connection whose scsynth answers /notify with `notifyReply` (or fails it) and /sync at once. */
function fakeConnection(notifyReply: (args: unknown[]) => DecodedMessage) {
  const sent: Array<OscMessage | OscBundle | Uint8Array> = [];
  const connection: SessionConnection = {
    isOpen: true,
    send: (packet) => void sent.push(packet),
    request: async (request: Request) => {
      sent.push(request.message);
      if (request.message.address === '/notify') return notifyReply(request.message.args.map((arg) => (typeof arg === 'object' && arg && 'value' in arg ? arg.value : arg)));
      return { address: request.reply.address, args: [] };
    },
    sendAndExpect: async (packet, _command, reply) => {
      sent.push(packet);
      return { address: reply.address, args: [] };
    },
    expect: async (_command, reply) => ({ address: reply.address, args: [] }),
  };
  return { connection, sent };
}

function session(connection: SessionConnection | undefined, options: { maxLogins?: number; proposed?: number } = {}) {
  const synths: Array<[number, string]> = [];
  const value = new ClientSession(connection, {
    proposedClientId: options.proposed ?? 1,
    serverOptions: new ServerOptions({ maxLogins: options.maxLogins ?? 8, numControlBuses: 16384, numAudioBuses: 1024, numSampleBuffers: 1024 }),
    replyTimeoutMs: 1000,
    logger: silentLogger,
    synthSent: (nodeId, defName) => void synths.push([nodeId, defName]),
  });
  return { session: value, synths };
}

const addresses = (packets: Array<OscMessage | OscBundle | Uint8Array>) => packets.map((p) => ('address' in p ? p.address : 'bundle'));

describe('ClientSession', () => {
  it('adopts the client id and maxLogins scsynth assigns, and divides buses and buffers by them', async () => {
    const { connection } = fakeConnection(() => ({ address: '/done', args: ['/notify', 3, 4] }));
    const { session: s } = session(connection);
    await s.notify(true, 1);
    s.makeAllocators();
    assert.equal(s.clientId, 3);
    assert.equal(s.maxLogins, 4);
    assert.equal(s.defaultGroup, 3 * 2 ** 26 + 1);
    assert.equal(s.allocateNodeId(), 3 * 2 ** 26 + 1000, 'node ids start at sclang\'s 1000 in this client\'s range');
    // 1024 buffers over 4 clients: client 3 owns 768..1023.
    assert.deepEqual(s.allocator('buffers').allocate(2), [768, 769]);
    assert.deepEqual(s.allocator('controlBuses').allocate(1), [3 * 4096]);
  });

  it('keeps the id scsynth reports when the client was already registered', async () => {
    const { connection } = fakeConnection(() => {
      throw new ServerFailError('/notify', 'already registered', ['/notify', 'already registered', 2]);
    });
    const { session: s } = session(connection);
    await s.notify(true, 1);
    assert.equal(s.clientId, 2);
  });

  it('explains "too many users" with what to do', async () => {
    const { connection } = fakeConnection(() => {
      throw new ServerFailError('/notify', 'too many users', ['/notify', 'too many users']);
    });
    await assert.rejects(session(connection).session.notify(true, 1), /too many users \(maxLogins 8\)\. Quit another client or boot with a larger maxLogins/);
  });

  it('refuses an id above 31 (sclang cannot use it) and unregisters at once', async () => {
    const { connection, sent } = fakeConnection(() => ({ address: '/done', args: ['/notify', 40, 64] }));
    await assert.rejects(session(connection).session.notify(true, 1), (error: unknown) => error instanceof ClientIdError && error.clientId === 40);
    const last = sent[sent.length - 1] as OscMessage;
    assert.equal(last.address, '/notify');
    assert.deepEqual(last.args, [{ type: 'i', value: 0 }]);
  });

  it('keeps the proposed id when the server assigns none (supernova)', async () => {
    const { connection } = fakeConnection(() => ({ address: '/done', args: ['/notify', 0] }));
    const { session: s } = session(connection, { proposed: 5 });
    await s.notify(true, 5);
    assert.equal(s.clientId, 5);
  });

  it('makes default groups for clients 0..31 only, however many logins the server has', async () => {
    // A scsynth started elsewhere with its own default of 64 logins.
    const { connection } = fakeConnection(() => ({ address: '/done', args: ['/notify', 1, 64] }));
    const { session: s } = session(connection);
    await s.notify(true, 1);
    assert.equal(s.maxLogins, 64);
    const groups = s.defaultGroupMessages();
    assert.equal(groups.length, 32);
    assert.deepEqual(groups[31].args[0], { type: 'i', value: 31 * 2 ** 26 + 1 });
  });

  it('tells the node model the def name of every /s_new it sends, inside bundles too', () => {
    const { connection, sent } = fakeConnection(() => ({ address: '/done', args: [] }));
    const { session: s, synths } = session(connection);
    s.send({ address: '/s_new', args: ['default', { type: 'i', value: 1001 }, { type: 'i', value: 0 }, { type: 'i', value: 1 }] });
    s.send({ timeTag: { seconds: 0, fraction: 1 }, packets: [{ address: '/s_new', args: ['sine', { type: 'i', value: 1002 }] }, { address: '/n_free', args: [{ type: 'i', value: 9 }] }] });
    assert.deepEqual(synths, [[1001, 'default'], [1002, 'sine']]);
    assert.deepEqual(addresses(sent), ['/s_new', 'bundle']);
  });

  it('a session without an open connection says the server is not running; buffers need a registration', async () => {
    const { session: idle } = session(undefined);
    assert.throws(() => idle.send({ address: '/status', args: [] }), ServerNotRunningError);
    await assert.rejects(idle.sync(), /Cannot send \/sync: the server is not running/);
    assert.throws(() => idle.allocator('audioBuses'), /Cannot allocate an audio bus: the server is not running/);
    assert.equal(idle.allocateNodeId(), 2 ** 26 + 1000, 'node ids work before a boot (sc3nb allows it)');
  });
});
