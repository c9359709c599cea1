// supernova, booted for real: a parallel group made with /p_new, as the core decodes it from
// node notifications, from /g_queryTree plus /n_query, and from supernova's printed tree.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { OscConnection } from '../../src/core/osc/oscConnection';
import { TcpOscConnection } from '../../src/core/osc/tcpOscConnection';
import * as cmd from '../../src/core/scsynth/scsynthCommands';
import { findScsynth } from '../../src/core/scsynth/scsynthLocator';
import { ScsynthProcess, startScsynth } from '../../src/core/scsynth/scsynthProcess';
import { ServerOptions } from '../../src/core/scsynth/serverOptions';
import { formatTree, parseDumpTree, parseQueryTreeReply } from '../../src/core/server/nodeTree';
import { NODE_NOTIFICATIONS, NodeWatcher } from '../../src/core/server/nodeWatcher';
import { findParallelGroups, markParallelGroups, parallelGroupNew } from '../../src/core/server/parallelGroups';
import { jackEnv } from './jackHooks';
import { freshPort, waitFor } from './serverHarness';

const SYNTHDEFS = path.resolve(__dirname, '../../../synthdefs');

describe('supernova parallel groups (real supernova)', function () {
  this.timeout(60_000);
  let server: ScsynthProcess | undefined;
  let connection: OscConnection | undefined;
  const lines: string[] = [];

  afterEach(async () => {
    connection?.dispose();
    connection = undefined;
    if (server && !server.hasExited) server.signal('SIGTERM');
    await server?.exited;
    server = undefined;
    lines.length = 0;
  });

  it('boots with -T, and the core tells its ParGroup from a Group', async () => {
    const options = new ServerOptions({ program: 'supernova', udpPort: freshPort(), threads: 2 });
    assert.deepEqual(options.toArgs().slice(-2), ['-T', '2']);
    server = await startScsynth(findScsynth({ program: 'supernova' }), options.toArgs(), { readyTimeoutMs: 15_000, env: jackEnv(), udpPort: options.udpPort });
    server.onLine((line) => lines.push(line.text));
    connection = new OscConnection({ host: '127.0.0.1', port: options.udpPort, timeoutMs: 5000 });
    await connection.open();
    const watcher = new NodeWatcher();
    const gaps: string[] = [];
    watcher.onGap((reason) => gaps.push(reason));
    for (const address of NODE_NOTIFICATIONS) connection.onMessage(address, (message) => watcher.handleNotification(address, message.args));
    await connection.request(cmd.notify(true, 1));
    await connection.request(cmd.synthdefLoad(path.join(SYNTHDEFS, 'sclive_sine.scsyndef')), 10_000);

    connection.send(parallelGroupNew(3000, cmd.AddAction.head, 0));
    connection.send(cmd.groupNew(3001, cmd.AddAction.head, 3000));
    connection.send(cmd.synthNew('sclive_sine', 3002, cmd.AddAction.tail, 3000, { amp: 0.01 }));
    connection.send(cmd.synthNew('sclive_sine', 3003, cmd.AddAction.head, 3001, { amp: 0.01 }));
    await connection.request(cmd.sync(1));
    await waitFor('the synths\' /n_go', () => watcher.has(3002) && watcher.has(3003), 5000);

    // From the notifications.
    assert.equal(watcher.get(3000)?.parallel, true, 'the /p_new group is parallel');
    assert.equal(watcher.get(3001)?.parallel, undefined, 'the /g_new group is not');
    assert.deepEqual(watcher.children(3000).map((node) => node.nodeId).sort(), [3001, 3002]);
    assert.deepEqual(gaps, []);

    // From /g_queryTree, which does not mark it, plus /n_query of each group.
    const tree = parseQueryTreeReply((await connection.request(cmd.groupQueryTree(0, false))).args);
    const conn = connection;
    const parallel = await findParallelGroups(tree, (request) => conn.request(request));
    assert.deepEqual([...parallel], [3000]);
    assert.match(formatTree(markParallelGroups(tree, parallel)), /3000 parallel group\n(.*\n)*\s+3001 group\n\s+3003 sclive_sine/);

    // From supernova's printed tree.
    connection.send(cmd.groupDumpTree(0, false));
    await connection.request(cmd.sync(2));
    await waitFor('the printed tree', () => lines.some((line) => /3003 sclive_sine/.test(line)), 5000).catch((error) => {
      throw new Error(`${error.message}; supernova printed:\n${lines.join('\n')}`);
    });
    const printed = parseDumpTree(lines.slice(lines.findIndex((line) => /NODE TREE Group 0/.test(line))));
    assert.ok(printed);
    assert.match(formatTree(printed), /3000 parallel group/);
    assert.doesNotMatch(formatTree(printed), /3001 parallel group/);

    const status = await connection.request(cmd.status());
    assert.equal(status.args[2], 2, 'two synths');
  });

  it('speaks OSC over TCP too (-t)', async () => {
    const port = freshPort();
    server = await startScsynth(findScsynth({ program: 'supernova' }), ['-t', String(port), '-B', '127.0.0.1', '-R', '0'], { readyTimeoutMs: 15_000, env: jackEnv(), udpPort: port });
    const tcp = new TcpOscConnection({ host: '127.0.0.1', port, timeoutMs: 5000 });
    try {
      await tcp.open();
      assert.equal((await tcp.request(cmd.status())).address, '/status.reply');
      const notified = await tcp.request(cmd.notify(true, 1));
      assert.equal(notified.args[0], '/notify');
    } finally {
      tcp.dispose();
    }
  });
});
