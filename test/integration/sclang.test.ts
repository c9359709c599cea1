import { strict as assert } from 'node:assert';
import { MAX_EVALUATION_OUTPUT_CHARS, MAX_EVALUATION_OUTPUT_LINES, SCLang } from '../../src/core/sclang/sclang';
import { SCServer } from '../../src/core/server/scServer';
import { jackEnv } from './jackHooks';
import { MemoryLogger, bootServer, freshPort, isAlive, quitAll, track, waitFor } from './serverHarness';

describe('SCLang with a real sclang and scsynth', function () {
  this.timeout(60_000);
  const langs: SCLang[] = [];
  const startLang = async () => {
    const lang = new SCLang({ env: jackEnv(), logger: new MemoryLogger() });
    langs.push(lang);
    await lang.start();
    return lang;
  };

  afterEach(async () => {
    const pids = langs.map((lang) => lang.pid).filter((pid): pid is number => pid !== undefined);
    await Promise.all(langs.splice(0).map((lang) => lang.stop()));
    await quitAll();
    for (const pid of pids) assert.equal(isAlive(pid), false, `sclang ${pid} was stopped`);
  });

  it('evaluates code and posts the result; a syntax error is reported as an error', async () => {
    const lang = await startLang();
    const posted: string[] = [];
    lang.onPost((line) => posted.push(line));
    const sum = await lang.evaluate('1 + 1');
    assert.equal(sum.status, 'ok');
    assert.equal(sum.result, '2');
    assert.ok(posted.includes('-> 2'), 'the post window shows -> 2');
    const broken = await lang.evaluate('1 +* ;; 2');
    assert.equal(broken.status, 'syntax');
    assert.ok(broken.output.some((line) => /syntax error/.test(line)), 'sclang\'s message is in the output');
    const runtime = await lang.evaluate('nil.foo');
    assert.equal(runtime.status, 'error');
    assert.ok(runtime.output.some((line) => /Message 'foo' not understood/.test(line)));
    // Interpreter variables persist between evaluations, as in the IDE.
    await lang.evaluate('a = 21');
    assert.equal((await lang.evaluate('a * 2')).result, '42');
    // A query that must not clutter the post window still returns its value.
    const quiet = await lang.evaluate('"a > b" ++ (3 * 5)', { print: false });
    assert.equal(quiet.result, 'a > b15');
    assert.equal(posted.some((line) => line.includes('a > b15')), false, 'not posted');
    assert.equal(posted.some((line) => line.includes('<<sclive')), false, 'no markers in the post window');
  });

  it('shares the server: a synth played from sclang appears in the core\'s node model, and hush removes it', async () => {
    const server = await bootServer();
    const lang = await startLang();
    await server.connectSclang(lang);
    await waitFor('sclang to see the server running', async () => (await lang.evaluate('s.serverRunning')).result === 'true', 10_000);
    const clientId = Number((await lang.evaluate('s.clientID')).result);
    assert.notEqual(clientId, server.clientId, 'sclang is another client');
    const played = await lang.evaluate('x = { SinOsc.ar(440, 0, 0.1) }.play');
    assert.equal(played.status, 'ok');
    const nodeId = Number((await lang.evaluate('x.nodeID')).result);
    assert.equal(Math.floor(nodeId / 2 ** 26), clientId, 'the node id is in sclang\'s range');
    const node = await waitFor('the synth in the node model', () => server.nodeWatcher.get(nodeId));
    assert.equal(node.isGroup, false);
    await waitFor('its def name', () => server.nodeWatcher.get(nodeId)?.defName?.startsWith('temp__'));
    await lang.hush();
    await server.freeAll();
    await waitFor('the synth to be gone', () => !server.nodeWatcher.get(nodeId));
    assert.equal(server.nodeWatcher.numSynths, 0);
  });

  it('keeps at most 10,000 lines of one evaluation\'s output, with a mark, and posts all of it', async () => {
    const lang = await startLang();
    let posted = 0;
    lang.onPost(() => posted++);
    const flood = await lang.evaluate('30000.do { |i| ("line " ++ i ++ " " ++ String.fill(100, $x)).postln }; "done"');
    assert.equal(flood.status, 'ok');
    assert.equal(flood.result, 'done');
    assert.equal(flood.output.length, MAX_EVALUATION_OUTPUT_LINES + 1);
    assert.match(flood.output[flood.output.length - 1], /^… \[20,001 more lines posted; see the post window\]$/);
    assert.ok(posted >= 30_000, `every line was posted (${posted})`);
  });

  it('keeps at most 2,000,000 characters of one evaluation\'s output, with a mark, and posts all of it', async () => {
    const lang = await startLang();
    let posted = 0;
    lang.onPost((line) => line.startsWith('long ') && posted++);
    // 60 lines of 90,000 characters: 5.4 million, far under the line limit.
    const flood = await lang.evaluate('60.do { |i| ("long " ++ i ++ " " ++ String.fill(90000, $x)).postln }; "done"');
    assert.equal(flood.status, 'ok');
    assert.equal(flood.result, 'done');
    const kept = flood.output.slice(0, -1);
    assert.equal(kept.length, 22, `${kept.length} lines kept`);
    assert.ok(kept.join('').length <= MAX_EVALUATION_OUTPUT_CHARS);
    assert.match(kept[21], /^long 21 x{90000}$/);
    assert.match(flood.output[flood.output.length - 1], /^… \[\d+ more lines posted; see the post window\]$/);
    assert.equal(posted, 60, 'every line was posted');
  });

  it('stays busy while code that never ends runs, and says what stops it', async () => {
    const lang = await startLang();
    await assert.rejects(lang.evaluate('loop { 1 + 1 }', { timeoutMs: 500 }), /still running that code.*Restarting sclang stops it; its interpreter variables are lost/);
    assert.equal(lang.state, 'busy', 'not idle: sclang is still stuck');
    assert.ok(lang.busySince !== undefined && performance.now() - lang.busySince >= 500);
    await lang.recompile();
    assert.equal((await lang.evaluate('1 + 1')).result, '2');
    assert.equal(lang.state, 'idle');
  });

  it('background queries (what plays, read 4 times a second) leave its state idle; the musician\'s evaluation makes it busy', async () => {
    const lang = await startLang();
    const states: string[] = [];
    lang.onDidChangeState((state) => states.push(state));
    for (let i = 0; i < 8; i++) {
      const answer = await lang.evaluate('Pdef.all.size', { print: false, background: true });
      assert.equal(answer.result, '0');
    }
    assert.deepEqual(states, [], 'no busy/idle flicker in the status bar');
    await lang.evaluate('1 + 1');
    assert.deepEqual(states, ['busy', 'idle']);
    // A background query stuck behind a long task is overdue, so the editor does not queue another.
    assert.equal(lang.backgroundQueryOverdue, false);
    await assert.rejects(lang.evaluate('loop { 1 + 1 }', { print: false, background: true, timeoutMs: 300 }), /still running that code/);
    assert.equal(lang.backgroundQueryOverdue, true);
    await lang.recompile();
    assert.equal(lang.backgroundQueryOverdue, false);
  });
  it('still evaluates after a restart', async () => {
    const lang = await startLang();
    const firstPid = lang.pid!;
    await lang.recompile();
    assert.notEqual(lang.pid, firstPid);
    assert.equal(isAlive(firstPid), false);
    assert.equal((await lang.evaluate('3 * 4')).result, '12');
  });

  it('a sclang restarted while attached to the core\'s server logs in cleanly (no "login after a crash" warning)', async () => {
    const server = await bootServer();
    const lang = await startLang();
    await lang.attachToServer(server.addr[1], server.maxLogins, 'first');
    await lang.recompile();
    const posted: string[] = [];
    lang.onPost((line) => posted.push(line));
    await lang.attachToServer(server.addr[1], server.maxLogins, 'second');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.ok(!posted.some((line) => /already registered|login after a crash/.test(line)), posted.join('\n'));
    assert.equal((await lang.evaluate('Server.default.serverRunning')).result, 'true');
  });

  it('reports a server that sclang boots itself, so the core can attach to it', async () => {
    const lang = await startLang();
    const port = freshPort();
    const booted = new Promise<number>((resolve) => lang.onServerBooted(resolve));
    await lang.evaluate(`s.options.maxLogins = 8; s.addr = NetAddr("127.0.0.1", ${port}); s.boot`);
    assert.equal(await booted, port);
    const scsynthPid = Number((await lang.evaluate('s.pid')).result);
    try {
      const client = track(new SCServer({ udpPort: port }, { logger: new MemoryLogger(), statusIntervalMs: 200 }));
      await client.remote('127.0.0.1', port);
      assert.equal(client.ownsProcess, false);
      await lang.evaluate('y = { SinOsc.ar(220, 0, 0.1) }.play');
      const nodeId = Number((await lang.evaluate('y.nodeID')).result);
      await waitFor('sclang\'s synth in the attached model', () => client.nodeWatcher.get(nodeId));
      await client.quit();
      assert.ok(isAlive(scsynthPid), 'disconnecting does not stop a server this program did not start');
    } finally {
      await lang.evaluate('s.quit');
      await waitFor('sclang\'s scsynth to quit', () => !isAlive(scsynthPid), 10_000).catch(() => process.kill(scsynthPid, 'SIGKILL'));
    }
  });
});
