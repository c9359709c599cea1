// Several servers at once, all real: the default scsynth, a second scsynth and a supernova on
// loopback ports chosen from the pid, and a "remote" scsynth this test starts with -t, reached
// over TCP. Each answers; a synth made by raw OSC on one port lands in that server's model only;
// Hush All clears all; a SIGKILLed one is marked crashed alone; a TCP server killed and started
// again shows reconnecting/unreachable, then runs again. A declared scsynth whose inherited
// option changed runs on (same pid) and, rebooted, runs with it. Everything started is stopped by pid.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { OscConnection } from '../../src/core/osc/oscConnection';
import * as cmd from '../../src/core/scsynth/scsynthCommands';
import { findScsynth } from '../../src/core/scsynth/scsynthLocator';
import { ScsynthProcess, startScsynth } from '../../src/core/scsynth/scsynthProcess';
import { ServerOptions } from '../../src/core/scsynth/serverOptions';
import { SCServer } from '../../src/core/server/scServer';
import type { ServerState } from '../../src/core/server/serverLifecycle';
import { LocalServerEntry, ServerEntry, parseServerList } from '../../src/core/server/serverList';
import { DeclaredServer, ServerSet, ServerSlot } from '../../src/core/server/serverSet';
import { jackEnv } from './jackHooks';
import { MemoryLogger, freshPort, isAlive, waitFor } from './serverHarness';

function startTcpScsynth(port: number): Promise<ScsynthProcess> {
  return startScsynth(findScsynth(), ['-t', String(port), '-B', '127.0.0.1', '-R', '0', '-l', '8'], { readyTimeoutMs: 15_000, env: jackEnv(), udpPort: port });
}

/** The musician's synths in a server's model (its own kept synths left out). */
function synthsOf(server: SCServer): number[] {
  const own = new Set(server.ownSynthIds);
  return [...server.nodeWatcher.nodeIds()].filter((id) => server.nodeWatcher.get(id)?.isGroup === false && !own.has(id));
}

describe('Several servers in one set (real scsynth, supernova, scsynth -t over TCP)', function () {
  this.timeout(90_000);
  const logger = new MemoryLogger();
  let set: ServerSet | undefined;
  let defaultServer: DeclaredServer | undefined;
  let remoteProcess: ScsynthProcess | undefined;
  let remotePort = 0;
  const raw: OscConnection[] = [];
  /** pids of every scsynth/supernova this test started, checked gone at the end. */
  const pids = new Set<number>();

  const makeServer = (entry: ServerEntry) => new SCServer(entry.kind === 'local' ? entry.options : {}, { statusIntervalMs: 200, replyTimeoutMs: 4000, logger });

  before(async () => {
    const defaultOptions = new ServerOptions({ udpPort: freshPort(), maxLogins: 8 });
    const ports = [freshPort(), freshPort()];
    remotePort = freshPort();
    remoteProcess = await startTcpScsynth(remotePort);
    pids.add(remoteProcess.pid!);
    const parsed = parseServerList([
      { name: 'drums', program: 'scsynth', udpPort: ports[0] },
      { name: 'pads', program: 'supernova', udpPort: ports[1], threads: 2 },
      { name: 'pi', host: '127.0.0.1', udpPort: remotePort, protocol: 'tcp' },
    ], { options: defaultOptions, env: {} });
    assert.deepEqual(parsed.errors.map((error) => error.message), []);
    const defaultEntry: LocalServerEntry = { kind: 'local', name: 'default', program: 'scsynth', options: defaultOptions, env: {} };
    defaultServer = new DeclaredServer(defaultEntry, makeServer, () => ({ env: jackEnv(), timeoutMs: 15_000 }));
    set = new ServerSet({ defaultSlot: defaultServer, makeServer, bootOptions: () => ({ env: jackEnv(), timeoutMs: 15_000 }) });
    const applied = await set.apply(parsed.servers);
    assert.deepEqual(applied.added, ['drums', 'pads', 'pi']);
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(logger.lines.slice(-80).join('\n'));
  });

  after(async () => {
    for (const connection of raw) connection.dispose();
    await set?.quitAll();
    await set?.close();
    await defaultServer?.stop();
    defaultServer?.server.dispose();
    set?.dispose();
    if (remoteProcess && !remoteProcess.hasExited) remoteProcess.signal('SIGTERM');
    await remoteProcess?.exited;
    for (const pid of pids) await waitFor(`pid ${pid} gone`, () => !isAlive(pid), 5000);
  });

  it('boots and connects all; each answers, as its own client, with its own address', async () => {
    const results = await set!.bootAll();
    assert.deepEqual(results.map((result) => [result.name, result.error?.message]), [['default', undefined], ['drums', undefined], ['pads', undefined], ['pi', undefined]]);
    for (const slot of set!.slots) {
      const server = slot.server!;
      assert.equal(server.state, 'running', `${slot.name} runs`);
      if (server.pid) pids.add(server.pid);
      const status = await server.status();
      assert.ok(status.nominalSr > 0, `${slot.name} answers /status`);
    }
    assert.equal(set!.get('pads')!.server!.commandLine?.includes('supernova'), true, 'pads is supernova');
    assert.equal(set!.get('pi')!.server!.protocol, 'tcp');
    assert.equal(set!.get('pi')!.server!.ownsProcess, false, 'the remote one is not ours');
    assert.deepEqual(set!.get('pi')!.server!.addr, ['127.0.0.1', remotePort]);
    assert.equal(set!.runningCount, 4);
    assert.equal(new Set(set!.slots.map((slot) => slot.server!.addr[1])).size, 4, 'four ports');
  });

  it('a synth made by raw OSC on one port appears in that server\'s model only', async () => {
    const drums = set!.get('drums')!.server!;
    const connection = new OscConnection({ host: '127.0.0.1', port: drums.addr[1], timeoutMs: 3000 });
    raw.push(connection);
    await connection.open();
    connection.send(cmd.synthNew('sclive_sine', 4321, cmd.AddAction.head, 0, { amp: 0.001 }));
    await waitFor('the synth in drums\' model', () => drums.nodeWatcher.has(4321), 5000);
    for (const slot of set!.slots) {
      await slot.server!.sync();
      assert.equal(slot.server!.nodeWatcher.has(4321), slot.name === 'drums', `${slot.name}'s model`);
    }
  });

  it('the active server is one of them, with an event on change', () => {
    const seen: string[] = [];
    const listener = set!.onDidChangeActive((slot) => seen.push(slot.name));
    assert.equal(set!.active.name, 'default');
    set!.setActive('pads');
    set!.setActive('pads');
    assert.equal(set!.active.server, set!.get('pads')!.server);
    assert.throws(() => set!.setActive('nope'), /no server named "nope"; the servers are "default", "drums", "pads", "pi"/);
    set!.setActive('default');
    listener.dispose();
    assert.deepEqual(seen, ['pads', 'default']);
  });

  it('Hush All clears every server, one bundle each', async () => {
    for (const slot of set!.slots) {
      const server = slot.server!;
      for (let i = 0; i < 3; i++) server.send(cmd.synthNew('sclive_sine', server.allocateNodeId(), cmd.AddAction.head, server.defaultGroup, { amp: 0.001 }));
      await server.sync();
      await waitFor(`${slot.name}'s synths`, () => synthsOf(server).length >= 3, 5000);
    }
    const hushed = set!.hushAll();
    assert.deepEqual(hushed, ['default', 'drums', 'pads', 'pi']);
    for (const slot of set!.slots) {
      await waitFor(`${slot.name} silent`, () => synthsOf(slot.server!).length === 0, 5000);
      assert.equal((await slot.server!.status()).numSynths, slot.server!.ownSynthIds.length, `${slot.name}: no synth but the extension's own`);
    }
  });

  it('a SIGKILLed server is marked crashed alone; the others keep answering, and Hush All skips it', async () => {
    const pads = set!.get('pads')!.server!;
    const states: ServerState[] = [];
    const others = set!.slots.filter((slot) => slot.name !== 'pads').map((slot) => slot.server!);
    const otherStates: ServerState[] = [];
    const listeners = [pads.onDidChangeState((change) => states.push(change.state)), ...others.map((server) => server.onDidChangeState((change) => otherStates.push(change.state)))];
    process.kill(pads.pid!, 'SIGKILL');
    await waitFor('pads crashed', () => pads.state === 'crashed', 5000);
    listeners.forEach((listener) => listener.dispose());
    assert.deepEqual(states, ['crashed']);
    assert.deepEqual(otherStates, [], 'no other server changed state');
    for (const server of others) {
      assert.equal(server.state, 'running');
      assert.ok((await server.status()).nominalSr > 0);
    }
    assert.deepEqual(set!.hushAll(), ['default', 'drums', 'pi']);
    assert.equal(set!.runningCount, 3);
    // Boot All brings back only what is down.
    const results = await set!.bootAll();
    assert.deepEqual(results.filter((result) => result.error).map((result) => result.name), []);
    assert.equal(pads.state, 'running');
    pids.add(pads.pid!);
  });

  it('a TCP server that goes away reads reconnecting, then unreachable; started again, it runs again', async () => {
    const pi = set!.get('pi')!.server!;
    const states: ServerState[] = [];
    const listener = pi.onDidChangeState((change) => states.push(change.state));
    remoteProcess!.signal('SIGKILL');
    await remoteProcess!.exited;
    await waitFor('pi reconnecting', () => pi.state === 'reconnecting', 5000);
    assert.throws(() => pi.hush(), /hush/, 'nothing can be sent meanwhile');
    assert.deepEqual(set!.hushAll(), ['default', 'drums', 'pads']);
    await waitFor('pi unreachable', () => pi.state === 'unreachable', 30_000);
    remoteProcess = await startTcpScsynth(remotePort);
    pids.add(remoteProcess.pid!);
    await waitFor('pi running again', () => pi.state === 'running', 20_000);
    listener.dispose();
    assert.deepEqual(states, ['reconnecting', 'unreachable', 'running']);
    // Registered again with the new server: its notifications reach the model.
    const id = pi.allocateNodeId();
    pi.send(cmd.synthNew('sclive_sine', id, cmd.AddAction.head, pi.defaultGroup, { amp: 0.001 }));
    await waitFor('the new synth in pi\'s model', () => pi.nodeWatcher.has(id), 5000);
    // A network loss with the server up (the connection dropped on this side): back, registered
    // again, and its next synth is not a duplicate of the one that still plays.
    const failures: string[] = [];
    states.length = 0;
    const stateListener = pi.onDidChangeState((change) => states.push(change.state));
    (pi.transport as unknown as { socket: import('node:net').Socket }).socket.destroy();
    await waitFor('pi running again after the drop', () => states.includes('reconnecting') && pi.state === 'running', 10_000);
    stateListener.dispose();
    const failed = pi.transport!.onUnmatchedFail((error) => failures.push(error.message));
    const next = pi.allocateNodeId();
    assert.ok(next > id, `the next id ${next} is past ${id}, still playing`);
    pi.send(cmd.synthNew('sclive_sine', next, cmd.AddAction.head, pi.defaultGroup, { amp: 0.001 }));
    await pi.sync();
    await waitFor('both synths in pi\'s model', () => pi.nodeWatcher.has(id) && pi.nodeWatcher.has(next), 5000);
    failed.dispose();
    assert.deepEqual(failures, []);
  });

  it('a changed list quits the servers no longer listed, and only those; the rest run on', async () => {
    const drums = set!.get('drums')!.server!;
    const drumsPid = drums.pid!;
    const pi = set!.get('pi')!.server!;
    set!.setActive('drums');
    const kept = set!.declared.filter((declared) => declared.name !== 'drums' && declared.name !== 'pi').map((declared) => declared.entry);
    const result = await set!.apply(kept);
    assert.deepEqual(result, { added: [], removed: ['drums', 'pi'], nextBoot: [], updated: [] });
    assert.equal(set!.active.name, 'default', 'the active server left the list: the default one is active');
    await waitFor('drums\' scsynth gone', () => !isAlive(drumsPid), 5000);
    assert.equal(pi.state, 'stopped', 'the remote one let go of');
    assert.equal(remoteProcess!.hasExited, false, 'the remote scsynth, not started by the set, still runs');
    assert.deepEqual(set!.slots.map((slot) => [slot.name, slot.server?.state]), [['default', 'running'], ['pads', 'running']]);
  });
});

describe('A declared scsynth and an option it inherits from the default server (real scsynth)', function () {
  this.timeout(60_000);
  const logger = new MemoryLogger();
  let set: ServerSet | undefined;
  /** pids of every scsynth this test started, checked gone at the end. */
  const pids = new Set<number>();
  const defaultSlot: ServerSlot = {
    name: 'default',
    entry: undefined,
    server: undefined,
    start: () => Promise.reject(new Error('the default server is not part of this test')),
    stop: () => Promise.resolve(),
  };

  /** scsynth's command line as the kernel has it. */
  function commandLineOf(pid: number): string[] {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  }

  function outputsFlag(args: string[]): string | undefined {
    return args[args.indexOf('-o') + 1];
  }

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(logger.lines.slice(-80).join('\n'));
  });

  after(async () => {
    await set?.close();
    set?.dispose();
    for (const pid of pids) await waitFor(`pid ${pid} gone`, () => !isAlive(pid), 5000);
  });

  it('runs on (same pid) when sclive.server.numOutputBuses changes, and rebooted runs with the new option', async () => {
    const defaultPort = freshPort();
    const list = [{ name: 'drums', program: 'scsynth', udpPort: freshPort() }];
    const parse = (numOutputBuses: number) => {
      const parsed = parseServerList(list, { options: new ServerOptions({ udpPort: defaultPort, numOutputBuses }), env: {} });
      assert.deepEqual(parsed.errors.map((error) => error.message), []);
      return parsed.servers;
    };
    set = new ServerSet({
      defaultSlot,
      makeServer: (entry) => new SCServer(entry.kind === 'local' ? entry.options : {}, { statusIntervalMs: 200, replyTimeoutMs: 4000, logger }),
      bootOptions: () => ({ env: jackEnv(), timeoutMs: 15_000 }),
    });
    await set.apply(parse(2));
    const drums = set.get('drums') as DeclaredServer;
    await drums.start();
    const server = drums.server;
    const firstPid = server.pid!;
    pids.add(firstPid);
    assert.equal(outputsFlag(commandLineOf(firstPid)), '2');

    const change = await set.apply(parse(4));
    assert.deepEqual(change, { added: [], removed: [], nextBoot: ['drums'], updated: [] });
    assert.equal(set.get('drums'), drums, 'the same declared server');
    assert.equal(drums.server, server, 'the same SCServer (the Node Tree and the runs hold on to it)');
    assert.equal(server.state, 'running');
    assert.equal(server.pid, firstPid, 'the same scsynth process');
    assert.ok(isAlive(firstPid));
    assert.ok((await server.status()).nominalSr > 0, 'it still answers');
    assert.equal(outputsFlag(commandLineOf(firstPid)), '2', 'the run in progress keeps its options');
    assert.equal(set.hasOptionsWaiting('drums'), true);

    await drums.reboot();
    // Read through drums: `server.pid` is narrowed to the first pid by the assertion above.
    const secondPid = drums.server.pid;
    assert.ok(secondPid, 'the rebooted scsynth has a pid');
    pids.add(secondPid);
    assert.notEqual(secondPid, firstPid);
    await waitFor('the first scsynth gone', () => !isAlive(firstPid), 5000);
    assert.equal(server.state, 'running');
    assert.equal(outputsFlag(commandLineOf(secondPid)), '4', 'booted with the new option');
    assert.equal(server.options.numOutputBuses, 4);
    assert.ok((await server.status()).nominalSr > 0, 'the new run answers');
    assert.equal(set.hasOptionsWaiting('drums'), false);
  });
});
