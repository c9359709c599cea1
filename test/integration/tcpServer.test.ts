// OSC over TCP against a real scsynth started with -t: replies, notifications, a synth in the
// queried tree, a stopped server that comes back (SIGSTOP/SIGCONT) and a restarted one that
// the connection finds again by itself.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { DecodedMessage } from '../../src/core/osc/oscCodec';
import { OscTimeoutError } from '../../src/core/osc/oscConnection';
import { TcpConnectionState, TcpOscConnection } from '../../src/core/osc/tcpOscConnection';
import * as cmd from '../../src/core/scsynth/scsynthCommands';
import { findScsynth } from '../../src/core/scsynth/scsynthLocator';
import { ScsynthProcess, startScsynth } from '../../src/core/scsynth/scsynthProcess';
import { parseQueryTreeReply, walkTree } from '../../src/core/server/nodeTree';
import { jackEnv } from './jackHooks';
import { MemoryLogger, freshPort, waitFor } from './serverHarness';

const SYNTHDEFS = path.resolve(__dirname, '../../../synthdefs');

function startTcpScsynth(port: number): Promise<ScsynthProcess> {
  return startScsynth(findScsynth(), ['-t', String(port), '-B', '127.0.0.1', '-R', '0', '-l', '4'], { readyTimeoutMs: 15_000, env: jackEnv(), udpPort: port });
}

/** Synth ids in the server's tree, read with /g_queryTree over the connection. */
async function treeSynths(connection: TcpOscConnection): Promise<Array<[number, string]>> {
  const tree = parseQueryTreeReply((await connection.request(cmd.groupQueryTree(0, false))).args);
  const synths: Array<[number, string]> = [];
  for (const { node } of walkTree(tree)) if (node.kind === 'synth') synths.push([node.nodeId, node.defName]);
  return synths;
}

/** Registers for notifications, loads the sine and starts one; resolves with scsynth's /done /notify and the synth's /n_go. */
async function notifyAndPlay(connection: TcpOscConnection, nodeId: number): Promise<{ notified: DecodedMessage; go: DecodedMessage }> {
  const notified = await connection.request(cmd.notify(true, 1));
  await connection.request(cmd.synthdefLoad(path.join(SYNTHDEFS, 'sclive_sine.scsyndef')), 10_000);
  const go = new Promise<DecodedMessage>((resolve) => {
    const listener = connection.onMessage('/n_go', (message) => {
      if (message.args[0] !== nodeId) return;
      listener.dispose();
      resolve(message);
    });
  });
  connection.send(cmd.synthNew('sclive_sine', nodeId, cmd.AddAction.head, 0, { amp: 0.01 }));
  return { notified, go: await go };
}

describe('OSC over TCP with a real scsynth (-t)', function () {
  this.timeout(60_000);
  let port: number;
  let server: ScsynthProcess | undefined;
  let connection: TcpOscConnection | undefined;
  const logger = new MemoryLogger();

  beforeEach(async () => {
    port = freshPort();
    server = await startTcpScsynth(port);
    connection = new TcpOscConnection({ host: '127.0.0.1', port, timeoutMs: 3000, logger, reconnect: { initialDelayMs: 50, maxDelayMs: 400, unreachableAfterAttempts: 4 } });
    await connection.open();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') console.log(logger.lines.join('\n'));
    connection?.dispose();
    connection = undefined;
    if (server && !server.hasExited) {
      server.signal('SIGCONT');
      server.signal('SIGTERM');
    }
    await server?.exited;
    server = undefined;
  });

  it('answers /status and /notify, and a /s_new shows in /g_queryTree', async () => {
    const conn = connection!;
    const status = await conn.request(cmd.status());
    assert.equal(status.address, '/status.reply');
    assert.equal(status.args[2], 0, 'no synth yet');
    const { notified, go } = await notifyAndPlay(conn, 1000);
    assert.deepEqual(notified.args, ['/notify', 1, 4], 'client 1 of maxLogins 4');
    assert.deepEqual(go.args.slice(0, 5), [1000, 0, -1, -1, 0]);
    assert.deepEqual(await treeSynths(conn), [[1000, 'sclive_sine']]);
    assert.equal((await conn.request(cmd.status())).args[2], 1);
    assert.equal(conn.malformedPackets + conn.frameErrors, 0);
  });

  it('stays connected through SIGSTOP: requests time out meanwhile, and are answered after SIGCONT', async () => {
    const conn = connection!;
    server!.signal('SIGSTOP');
    await assert.rejects(conn.request(cmd.status(), 500), OscTimeoutError);
    assert.equal(conn.state, 'connected', 'a stopped server still holds its end of the connection');
    server!.signal('SIGCONT');
    const status = await conn.request(cmd.status());
    assert.equal(status.address, '/status.reply');
    assert.equal(conn.reconnects, 0);
  });

  it('after the server is killed: reconnecting, then unreachable, then connected again to the restarted server', async () => {
    const conn = connection!;
    await notifyAndPlay(conn, 1000);
    const states: TcpConnectionState[] = [];
    conn.onDidChangeState((change) => states.push(change.state));
    server!.signal('SIGKILL');
    await server!.exited;
    await waitFor('the connection to say unreachable', () => conn.state === 'unreachable', 10_000);
    assert.deepEqual(states, ['reconnecting', 'unreachable']);
    await assert.rejects(conn.request(cmd.status()), /is unreachable/);

    const reconnected = new Promise<void>((resolve) => conn.onReconnected(resolve));
    server = await startTcpScsynth(port);
    await reconnected;
    assert.deepEqual(states, ['reconnecting', 'unreachable', 'connected']);
    assert.equal(conn.reconnects, 1);
    // A new scsynth: empty, and notifications only after registering again on this connection.
    assert.deepEqual(await treeSynths(conn), []);
    await notifyAndPlay(conn, 1001);
    assert.deepEqual(await treeSynths(conn), [[1001, 'sclive_sine']]);
  });
});
