import { strict as assert } from 'node:assert';
import * as dgram from 'node:dgram';
import * as path from 'node:path';
import { readFile } from 'node:fs/promises';
import { PortInUseError, SCServer } from '../../src/core';
import type { StateChange } from '../../src/core';
import { ScsynthNotFoundError } from '../../src/core/scsynth/scsynthLocator';
import * as cmd from '../../src/core/scsynth/scsynthCommands';
import { countNodes, walkTree, SynthNode, GroupNode } from '../../src/core/server/nodeTree';
import { defaultGroupIdOf } from '../../src/core/server/idAllocators';
import { ProcessLine } from '../../src/core/scsynth/scsynthProcess';
import { jackEnv } from './jackHooks';
import { MemoryLogger, bootServer, freshPort, isAlive, quitAll, track, waitFor } from './serverHarness';

const SYNTHDEFS = path.resolve(__dirname, '../../../synthdefs');

function synthsIn(tree: GroupNode): SynthNode[] {
  return [...walkTree(tree)].map(({ node }) => node).filter((node): node is SynthNode => node.kind === 'synth');
}

function topLevelIds(tree: GroupNode): number[] {
  return tree.children.map((child) => child.nodeId);
}

describe('SCServer against a real scsynth', function () {
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      // Show what the core logged when a test fails.
    }
    await quitAll();
  });

  it('boots, reports ready and running, and answers status and version', async () => {
    const states: string[] = [];
    const server = track(new SCServer({ udpPort: freshPort() }, { statusIntervalMs: 100 }));
    server.onDidChangeState((change) => states.push(change.state));
    await server.boot({ env: jackEnv() });
    assert.deepEqual(states, ['booting', 'running']);
    assert.equal(server.isAnswering, true);
    assert.ok(server.pid && isAlive(server.pid));
    const status = await server.status();
    assert.equal(status.nominalSr, 48000);
    assert.equal(status.numSynthdefs >= 6, true, 'the shipped synthdefs are loaded');
    assert.equal(status.numGroups, 1 + server.maxLogins, 'root plus one default group per client');
    const version = await server.version();
    assert.equal(version.name, 'scsynth');
    assert.equal(version.majorVersion, 3);
    // Polled properties come from the last /status.reply.
    await waitFor('a polled status', () => server.avgCpu !== undefined);
    assert.equal(typeof server.peakCpu, 'number');
    assert.equal(server.sampleRate, 48000);
    const rtt = await server.ping();
    assert.ok(rtt > 0 && rtt < 1000, `ping ${rtt} ms`);
  });

  it('loads a synthdef from bytes, creates a synth, and sees it in the node model and the tree with its controls', async () => {
    const server = await bootServer();
    const before = (await server.status()).numSynthdefs;
    server.send({ address: '/d_free', args: ['sclive_sine'] });
    await server.sync();
    assert.equal((await server.status()).numSynthdefs, before - 1);
    await server.sendSynthdef(await readFile(path.join(SYNTHDEFS, 'sclive_sine.scsyndef')));
    assert.equal((await server.status()).numSynthdefs, before);

    const id = server.allocateNodeId();
    assert.equal(id, server.clientId * 2 ** 26 + 1000, 'sclang-compatible first node id');
    const added = new Promise<void>((resolve) => server.nodeWatcher.onDidChange((change) => change.kind === 'added' && change.node.nodeId === id && resolve()));
    server.send(cmd.synthNew('sclive_sine', id, cmd.AddAction.head, server.defaultGroup, { freq: 330, amp: 0.05 }));
    await added;
    const live = server.nodeWatcher.get(id)!;
    assert.equal(live.parentId, server.defaultGroup);
    assert.equal(live.defName, 'sclive_sine');

    const tree = await server.queryAllNodes(true);
    const synth = synthsIn(tree).find((node) => node.nodeId === id)!;
    assert.equal(synth.defName, 'sclive_sine');
    const controls = new Map(synth.controls);
    assert.equal(controls.get('freq'), 330);
    assert.ok(Math.abs((controls.get('amp') as number) - 0.05) < 1e-6);
  });

  it('a failing command rejects with scsynth\'s message', async () => {
    const server = await bootServer();
    await assert.rejects(server.msg('/d_load', ['/no/such/file.scsyndef'], true), (error: Error) => {
      assert.match(error.message, /d_load/);
      return true;
    });
    await assert.rejects(server.msg('/g_queryTree', [{ type: 'i', value: 4242 }, { type: 'i', value: 0 }], true), /Group 4242 not found/);
  });

  it('freeAll empties the tree and brings the default groups back', async () => {
    const server = await bootServer();
    for (let i = 0; i < 5; i++) server.send(cmd.synthNew('sclive_sine', server.allocateNodeId(), cmd.AddAction.tail, server.defaultGroup));
    await server.sync();
    await waitFor('5 synths in the model', () => server.nodeWatcher.numSynths === 5);
    await server.freeAll();
    const tree = await server.queryAllNodes(false);
    const expectedGroups = Array.from({ length: server.maxLogins }, (_, client) => defaultGroupIdOf(client)).reverse();
    assert.deepEqual(topLevelIds(tree), expectedGroups);
    assert.equal(countNodes(tree).synths, 0);
    await waitFor('the model to match', () => server.nodeWatcher.numSynths === 0 && server.nodeWatcher.numGroups === 1 + server.maxLogins);
    assert.deepEqual(server.nodeWatcher.children(0).map((node) => node.nodeId), expectedGroups);
  });

  it('volume and mute put the volume synth after all groups with the right amplitude; 0 dB unmuted removes it', async () => {
    const server = await bootServer();
    const volumeSynth = async () => synthsIn(await server.queryAllNodes(true)).filter((node) => node.defName.startsWith('sclive_volume_'));
    assert.deepEqual(await volumeSynth(), [], 'no volume synth at 0 dB');

    await server.setVolume(-6);
    const tree = await server.queryAllNodes(true);
    const last = tree.children[tree.children.length - 1] as SynthNode;
    assert.equal(last.defName, 'sclive_volume_2ch', 'the volume synth is the last node of the root group');
    assert.ok(Math.abs((new Map(last.controls).get('volumeAmp') as number) - 0.501187) < 1e-5);

    await server.setVolume(-200);
    assert.equal(server.volume, -90, 'clipped to -90 dB');
    await server.mute();
    assert.equal(new Map((await volumeSynth())[0].controls).get('volumeAmp'), 0);

    await server.freeAll();
    const afterFreeAll = await volumeSynth();
    assert.equal(afterFreeAll.length, 1, 'volume survives freeAll');
    assert.equal(new Map(afterFreeAll[0].controls).get('volumeAmp'), 0, 'still muted after freeAll');

    await server.unmute();
    await server.setVolume(0);
    await waitFor('the volume synth to go', () => server.nodeWatcher.numSynths === 0, 2000);
    assert.deepEqual(await volumeSynth(), []);
  });

  it('two clients on one server get different client ids and disjoint ids', async () => {
    const first = await bootServer();
    const second = track(new SCServer({ udpPort: first.addr[1] }, { clientId: first.clientId, statusIntervalMs: 200, logger: new MemoryLogger() }));
    await second.remote('127.0.0.1', first.addr[1]);
    assert.notEqual(second.clientId, first.clientId, 'scsynth assigns another id when the proposed one is taken');
    const firstNodes = Array.from({ length: 100 }, () => first.allocateNodeId());
    const secondNodes = Array.from({ length: 100 }, () => second.allocateNodeId());
    assert.equal(firstNodes.filter((id) => secondNodes.includes(id)).length, 0);
    const [firstBuffers, secondBuffers] = [first.allocateBufferId(10), second.allocateBufferId(10)];
    assert.equal(firstBuffers.filter((id) => secondBuffers.includes(id)).length, 0);
    const [firstBuses, secondBuses] = [first.allocateAudioBusIdx(4), second.allocateAudioBusIdx(4)];
    assert.equal(firstBuses.filter((id) => secondBuses.includes(id)).length, 0);
    assert.ok(firstBuses[0] >= first.options.firstPrivateBus && secondBuses[0] >= first.options.firstPrivateBus);
    // A synth the second client creates appears in the first client's model.
    const id = second.allocateNodeId();
    second.send(cmd.synthNew('sclive_sine', id, cmd.AddAction.head, second.defaultGroup));
    await waitFor('the other client\'s synth in the model', () => first.nodeWatcher.get(id));
    await waitFor('its def name', () => first.nodeWatcher.get(id)?.defName === 'sclive_sine');
    // Quitting the attached client leaves the server running.
    await second.quit();
    assert.ok(isAlive(first.pid!));
    assert.ok(await first.ping());
  });

  it('a taken UDP port gives a clear error, or attaches when asked', async () => {
    const first = await bootServer();
    const port = first.addr[1];
    const second = track(new SCServer({ udpPort: port }, { logger: new MemoryLogger() }));
    await assert.rejects(second.boot({ env: jackEnv() }), (error: Error) => {
      assert.ok(error instanceof PortInUseError);
      assert.match(error.message, new RegExp(`UDP port ${port} is already used by a running scsynth`));
      return true;
    });
    assert.equal(second.state, 'stopped');
    await second.boot({ env: jackEnv(), attachIfRunning: true });
    assert.equal(second.ownsProcess, false, 'attached, not started');
    assert.equal(second.isAnswering, true);

    const blocker = dgram.createSocket('udp4');
    const blockedPort = freshPort();
    await new Promise<void>((resolve) => blocker.bind(blockedPort, '127.0.0.1', resolve));
    try {
      const third = track(new SCServer({ udpPort: blockedPort }, { logger: new MemoryLogger() }));
      await assert.rejects(third.boot({ env: jackEnv() }), /already in use by another program/);
    } finally {
      blocker.close();
    }
  });

  it('a missing scsynth is a clear error and nothing is started', async () => {
    const server = track(new SCServer({ udpPort: freshPort() }));
    await assert.rejects(server.boot({ scsynthPath: '/nonexistent/scsynth' }), (error: Error) => {
      assert.ok(error instanceof ScsynthNotFoundError);
      assert.match(error.message, /\/nonexistent\/scsynth/);
      assert.match(error.message, /apt-get install supercollider-server/);
      return true;
    });
    assert.equal(server.state, 'stopped');
    assert.equal(server.pid, undefined);
  });

  it('killing scsynth with SIGKILL is reported as a crash within a second, and polling stops', async () => {
    const server = await bootServer();
    const pid = server.pid!;
    const crashed = new Promise<StateChange>((resolve) => server.onDidChangeState((change) => change.state === 'crashed' && resolve(change)));
    let statusAfterCrash = 0;
    const killedAt = Date.now();
    process.kill(pid, 'SIGKILL');
    const change = await crashed;
    assert.ok(Date.now() - killedAt < 1000, 'reported within a second');
    assert.equal(change.exit?.signal, 'SIGKILL');
    assert.ok(change.exit.lastLines.some((line) => line.includes('server ready')), 'the last lines come with the report');
    server.onDidChangeStatus(() => statusAfterCrash++);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(statusAfterCrash, 0, 'no polling after the crash');
    assert.equal(server.isAnswering, false);
    await assert.rejects(server.status(), /not running/);
  });

  it('a server that stops answering is reported unresponsive, and responsive again when it resumes', async () => {
    const server = await bootServer({}, { statusIntervalMs: 100, unresponsiveAfterMs: 300 });
    process.kill(server.pid!, 'SIGSTOP');
    try {
      await waitFor('unresponsive', () => server.unresponsive, 3000);
      assert.equal(server.isAnswering, false);
    } finally {
      process.kill(server.pid!, 'SIGCONT');
    }
    await waitFor('responsive again', () => !server.unresponsive, 3000);
  });

  it('quit stops the process it started and leaves nothing behind', async () => {
    const server = await bootServer();
    const pid = server.pid!;
    await server.quit();
    assert.equal(server.state, 'stopped');
    assert.equal(isAlive(pid), false);
    // And it can boot again.
    await server.boot({ env: jackEnv() });
    assert.equal(server.isAnswering, true);
    const second = server.pid!;
    await server.reboot();
    assert.equal(isAlive(second), false);
    assert.ok(server.pid && server.pid !== second && isAlive(server.pid));
  });

  it('dumpOsc makes scsynth print incoming commands; dumpTree prints the tree', async () => {
    const server = await bootServer();
    const lines: ProcessLine[] = [];
    server.onOutput((line) => lines.push(line));
    server.dumpOsc(1);
    await server.sync(); // scsynth dumps what arrives after it processed /dumpOSC
    server.send({ address: '/version', args: [] });
    await waitFor('a dumped /version', () => lines.some((line) => line.text.includes('"/version"')));
    server.dumpOsc(0);
    const dump = await server.dumpTree(false, true);
    assert.match(dump!, /^NODE TREE Group 0/);
    assert.match(dump!, new RegExp(`${server.defaultGroup} group`));
  });

  it('returns the whole tree when one /g_queryTree reply cannot hold it', async function () {
    this.timeout(60_000);
    const server = await bootServer({ maxNodes: 8192, memSize: 65536 });
    const count = 4000;
    const ids = Array.from({ length: count }, () => server.allocateNodeId());
    await server.sendMany(ids.map((id) => cmd.synthNew('sclive_sine', id, cmd.AddAction.tail, server.defaultGroup, { amp: 0 })), { windowSize: 500 });
    await assert.rejects(server.request(cmd.groupQueryTree(0, false)), /overflow/, 'scsynth refuses one reply this large');
    const tree = await server.queryAllNodes(false);
    const synths = synthsIn(tree);
    assert.deepEqual(synths.map((synth) => synth.nodeId), ids, 'every synth, in order');
    assert.ok(synths.every((synth) => synth.defName === 'sclive_sine'));
    assert.deepEqual(topLevelIds(tree), Array.from({ length: server.maxLogins }, (_, client) => defaultGroupIdOf(client)).reverse());
    // With controls: the same complete tree.
    assert.equal(synthsIn(await server.queryAllNodes(true)).length, count);
    await waitFor('the model to hold every synth', () => server.nodeWatcher.numSynths === count, 5000);
    // scsynth's printed dump leaves out what is inside a paused group; the tree must not.
    server.send(cmd.nodeRun(server.defaultGroup, false));
    await server.sync();
    assert.deepEqual(synthsIn(await server.queryAllNodes(false)).map((synth) => synth.nodeId), ids, 'every synth of a paused group');
  });

  it('controls come with a large tree wherever a group\'s own reply can hold them', async function () {
    this.timeout(60_000);
    const server = await bootServer({ maxNodes: 8192, memSize: 65536 });
    // Two groups of 600 synths with 5 controls each: too large together, each fits on its own.
    const groups = [server.allocateNodeId(), server.allocateNodeId()];
    const messages = groups.map((id) => cmd.groupNew(id, cmd.AddAction.tail, server.defaultGroup));
    for (const group of groups) for (let i = 0; i < 600; i++) messages.push(cmd.synthNew('sclive_sine', server.allocateNodeId(), cmd.AddAction.tail, group, { freq: 100 + i }));
    await server.sendMany(messages, { windowSize: 500 });
    const synths = synthsIn(await server.queryAllNodes(true));
    assert.equal(synths.length, 1200);
    assert.ok(synths.every((synth) => synth.controls?.length === 5), 'every synth has its 5 controls');
    assert.equal(new Map(synths[1199].controls).get('freq'), 699);
  });

  it('a burst of 4,000 /s_new + /n_free reaches scsynth whole and the node model ends exactly right', async function () {
    this.timeout(60_000);
    const server = await bootServer({ maxNodes: 8192, memSize: 65536 }, { statusIntervalMs: 0 });
    const failures: string[] = [];
    server.oscConnection!.onUnmatchedFail((error) => failures.push(error.message));
    const before = server.nodeWatcher.notificationsReceived;
    const messages = [];
    for (let i = 0; i < 4000; i++) {
      const id = server.allocateNodeId();
      messages.push(cmd.synthNew('sclive_sine', id, cmd.AddAction.tail, server.defaultGroup, { amp: 0 }), cmd.nodeFree(id));
    }
    await server.sendMany(messages);
    await waitFor('every /n_go and /n_end', () => server.nodeWatcher.notificationsReceived - before === 8000, 5000);
    assert.deepEqual(failures, [], 'no command was lost (a lost /s_new shows as a failed /n_free)');
    const status = await server.status();
    assert.equal(status.numSynths, 0, 'no synth left over');
    assert.equal(server.nodeWatcher.numSynths, 0);
    assert.equal(server.nodeWatcher.gapsDetected, 0);
  });

  it('runs supernova, the multi-core server, the same way', async () => {
    const server = await bootServer({ program: 'supernova' });
    assert.equal((await server.version()).name, 'supernova');
    assert.equal(server.clientId, 1, 'supernova assigns no client ids: the proposed one stays');
    const id = server.allocateNodeId();
    server.send(cmd.synthNew('sclive_sine', id, cmd.AddAction.head, server.defaultGroup, { amp: 0 }));
    await waitFor('the synth in the model', () => server.nodeWatcher.get(id)?.defName === 'sclive_sine');
    assert.ok(synthsIn(await server.queryAllNodes(true)).some((synth) => synth.nodeId === id));
    const pid = server.pid!;
    await server.quit();
    assert.equal(isAlive(pid), false);
  });

  it('notices notifications scsynth dropped (an unpaced burst) and resynchronises the node model', async function () {
    this.timeout(60_000);
    const server = await bootServer({ maxNodes: 8192, memSize: 65536 }, { statusIntervalMs: 100 });
    const messages = [];
    for (let i = 0; i < 4000; i++) {
      // Synths that stay: their /n_go beyond scsynth's 1,024 per period are lost (and, sent
      // unpaced, some of the commands too).
      messages.push(cmd.synthNew('sclive_sine', server.allocateNodeId(), cmd.AddAction.tail, server.defaultGroup, { amp: 0 }));
    }
    const before = server.nodeWatcher.notificationsReceived;
    await server.sendMany(messages, { windowSize: Infinity });
    const received = server.nodeWatcher.notificationsReceived - before;
    const onServer = (await server.status()).numSynths;
    assert.ok(received < onServer, `scsynth dropped notifications (received ${received} for ${onServer} synths)`);
    await waitFor('the model to resynchronise from a tree query', () => server.nodeWatcher.numSynths === onServer, 5000);
    assert.ok(server.nodeWatcher.gapsDetected > 0, 'the gap was noticed');
    const tree = await server.queryAllNodes(false);
    const inTree = (tree.children.find((group) => group.nodeId === server.defaultGroup) as GroupNode).children.map((node) => node.nodeId);
    assert.deepEqual(server.nodeWatcher.children(server.defaultGroup).map((node) => node.nodeId), inTree, 'the model holds exactly what scsynth has, in order');
  });
});
