// The sounding blocks' bookkeeping fed as the editor feeds it (soundingMarks.ts), from a real
// scsynth's node notifications and a real sclang's state: a block's synths counted from their
// /n_go until their /n_end, a pattern player as one, and Stop leaving nothing of the block.
import { strict as assert } from 'node:assert';
import { SCLang } from '../../src/core/sclang/sclang';
import { PLAYER_STATE_QUERY, PlayerStatePoller } from '../../src/core/sclang/playerState';
import { SoundingBlocks, soundingCount } from '../../src/core/sclang/soundingBlocks';
import { clientIdOfNode } from '../../src/core/server/idAllocators';
import type { SCServer } from '../../src/core/server/scServer';
import type { TreeNode } from '../../src/core/server/nodeTree';
import { jackEnv } from './jackHooks';
import { MemoryLogger, bootServer, quitAll, waitFor } from './serverHarness';

describe('sounding blocks (real sclang and scsynth)', function () {
  this.timeout(90_000);
  let lang: SCLang | undefined;
  let poller: PlayerStatePoller | undefined;

  afterEach(async () => {
    poller?.dispose();
    await lang?.stop();
    lang = undefined;
    await quitAll();
  });

  /** Wired as the editor wires it: the server's notifications and sclang's state into the blocks. */
  async function setUp(): Promise<{ server: SCServer; lang: SCLang; blocks: SoundingBlocks<string>; started: Map<number, number>; evaluate(place: string, code: string): Promise<number>; stop(key: number): Promise<number> }> {
    const server = await bootServer();
    const sclang = new SCLang({ env: jackEnv(), logger: new MemoryLogger() });
    lang = sclang;
    await sclang.start();
    await server.connectSclang(sclang);
    await waitFor('sclang to see the server running', async () => (await sclang.evaluate('s.serverRunning', { print: false })).result === 'true', 10_000);
    const blocks = new SoundingBlocks<string>();
    const free = (ids: number[]) => Promise.all(ids.map((id) => server.freeNode(id).catch(() => undefined)));
    const started = new Map<number, number>();
    server.nodeWatcher.onDidChange((change) => {
      if (change.kind === 'added' && !change.node.isGroup && clientIdOfNode(change.node.nodeId) !== server.clientId) {
        started.set(change.node.nodeId, Date.now());
        if (blocks.synthStarted(change.node.nodeId)) void free([change.node.nodeId]);
      } else if (change.kind === 'removed' && !change.node.isGroup) blocks.synthEnded(change.node.nodeId);
    });
    poller = new PlayerStatePoller({ query: async () => (sclang.state === 'idle' ? (await sclang.evaluate(PLAYER_STATE_QUERY, { print: false })).result : undefined), intervalMs: 250 });
    poller.onDidRead((state) => void free(blocks.stateRead(state.evaluations, state.evaluationNodes)));
    poller.need();
    return {
      server,
      lang: sclang,
      blocks,
      started,
      evaluate: async (place, code) => {
        const key = blocks.begin(place);
        const result = await sclang.evaluate(code);
        assert.equal(result.status, 'ok', result.output.join('\n'));
        blocks.end(key, result.id);
        void poller!.refresh();
        return key;
      },
      stop: async (key) => {
        const at = Date.now();
        const taken = blocks.take(key);
        assert.ok(taken, 'the block is there to stop');
        await free(taken.synths);
        if (taken.evaluationId !== undefined) await sclang.evaluate(`Library.at(\\sclive, \\stopPlayers).value([${taken.evaluationId}]); nil`);
        return at;
      },
    };
  }

  /** sclang's synths as the server itself lists them (a notification lost on a loaded machine does not count): "id defName". */
  const sclangSynths = async (server: SCServer) => {
    const found: string[] = [];
    const walk = (node: TreeNode) => {
      if (node.kind === 'synth') {
        if (clientIdOfNode(node.nodeId) !== server.clientId) found.push(`${node.nodeId} ${node.defName}`);
      } else node.children.forEach(walk);
    };
    walk(await server.queryAllNodes(false));
    return found;
  };
  /**
   * Stopped: no synth of sclang's starts later than the server latency after Stop (an event sent
   * before it still plays, 0.2 s ahead), and the last ones end (the default SynthDef's 0.3 s release).
   */
  async function expectStopped(server: SCServer, started: Map<number, number>, stoppedAt: number): Promise<void> {
    await waitFor('no synth of sclang\'s left on the server', async () => (await sclangSynths(server)).length === 0, 5000);
    await new Promise((resolve) => setTimeout(resolve, 600));
    assert.deepEqual(await sclangSynths(server), [], 'none started again');
    const late = [...started].filter(([, at]) => at > stoppedAt + 400).map(([id, at]) => `${id} at +${at - stoppedAt} ms`);
    assert.deepEqual(late, [], 'no synth started after Stop (beyond the server latency)');
  }

  const counts = (blocks: SoundingBlocks<string>) => blocks.sounding().map((b) => `${b.location}:${soundingCount(b)}`);

  it('counts a block\'s synth from its /n_go to its /n_end, and not a pattern\'s playing meanwhile', async () => {
    const { server, blocks, started, evaluate, stop } = await setUp();
    const pattern = await evaluate('pattern.scd:1', 'Pbind(\\dur, 0.05, \\legato, 0.5, \\amp, 0.001).play');
    await waitFor('the pattern counted as its player', () => counts(blocks).includes('pattern.scd:1:1') && counts(blocks).length === 1, 5000);
    await evaluate('synth.scd:4', '{ SinOsc.ar(440, 0, 0.001) * Line.kr(1, 1, 1, doneAction: 2) }.play');
    await waitFor('the block\'s synth counted', () => counts(blocks).includes('synth.scd:4:1'), 5000);
    // sclang told its node ids: the pattern's synths starting meanwhile are not the block's.
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.deepEqual(counts(blocks).sort(), ['pattern.scd:1:1', 'synth.scd:4:1']);
    await waitFor('the block silent once its synth ended', () => !counts(blocks).some((c) => c.startsWith('synth.scd')), 5000);
    const stoppedAt = await stop(pattern);
    await expectStopped(server, started, stoppedAt);
  });

  it('Stop of a block with a synth and a pattern player leaves nothing of it on the server', async () => {
    const { server, blocks, started, evaluate, stop } = await setUp();
    const key = await evaluate('both.scd:0', '{ SinOsc.ar(330, 0, 0.001) }.play; Pbind(\\dur, 0.1, \\legato, 0.5, \\amp, 0.001).play');
    const block = await waitFor('the block with its synth and its player', () => blocks.sounding().find((b) => b.player === 'an EventStreamPlayer' && b.synths.size >= 1), 5000);
    assert.equal(block.key, key);
    assert.ok(block.nodes && block.nodes.to - block.nodes.from === 1, `its one synth's node id told: ${JSON.stringify(block.nodes)}`);
    const stoppedAt = await stop(key);
    assert.deepEqual(counts(blocks), []);
    await expectStopped(server, started, stoppedAt);
  });
});
