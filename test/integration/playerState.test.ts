// What plays in sclang, read from a real sclang following a real scsynth: the Ndef's monitor,
// group and bus; the Pdef, Pbindef and Tdef playing or stopped; the commands the extension
// sends (playerExpression) acting on them.
import { strict as assert } from 'node:assert';
import { SCLang } from '../../src/core/sclang/sclang';
import { PLAYER_STATE_QUERY, findPlayer, parsePlayerState, playerExpression } from '../../src/core/sclang/playerState';
import { jackEnv } from './jackHooks';
import { MemoryLogger, bootServer, quitAll, waitFor } from './serverHarness';

describe('sclang\'s player state (real sclang and scsynth)', function () {
  this.timeout(90_000);
  let lang: SCLang | undefined;

  afterEach(async () => {
    await lang?.stop();
    lang = undefined;
    await quitAll();
  });

  it('reports Ndefs, Pdefs, Pbindefs and Tdefs as they play and stop', async () => {
    const server = await bootServer();
    lang = new SCLang({ env: jackEnv(), logger: new MemoryLogger() });
    await lang.start();
    await server.connectSclang(lang);
    await waitFor('sclang to see the server running', async () => (await lang!.evaluate('s.serverRunning', { print: false })).result === 'true', 10_000);
    const state = async () => parsePlayerState((await lang!.evaluate(PLAYER_STATE_QUERY, { print: false })).result ?? '');
    assert.deepEqual(await state(), { proxies: [], patterns: [], evaluations: [], evaluationNodes: [] });
    const played = await lang.evaluate('Ndef(\\drone, { SinOsc.ar([220, 221], 0, 0.01) }).play; Pdef(\\mel, Pbind(\\dur, 0.2, \\amp, 0.001)).play; Pbindef(\\pb, \\dur, 0.3, \\amp, 0.001); Tdef(\\t, { loop { 1.wait } }).play; 0');
    assert.equal(played.status, 'ok', played.output.join('\n'));
    const playing = await waitFor('the drone\'s group', async () => {
      const s = await state();
      return s.proxies[0]?.group ? s : undefined;
    }, 5000);
    const drone = playing.proxies[0];
    assert.deepEqual({ ...drone, group: 'some', bus: 'some' }, { kind: 'Ndef', key: 'drone', space: 'localhost', playing: true, vol: 1, fadeTime: 0.02, group: 'some', bus: 'some', channels: 2, rate: 'audio' });
    await waitFor('its group on the server', () => server.nodeWatcher.has(drone.group!), 5000);
    assert.deepEqual(playing.patterns.map((p) => `${p.kind} ${p.key} ${p.playing}`), ['Pdef mel true', 'Pbindef pb false', 'Tdef t true']);

    // What the Proxies view's and the lenses' commands send.
    for (const code of [`${playerExpression(drone)}.stop`, `${playerExpression(drone)}.vol_(0.5)`, `${playerExpression(drone)}.fadeTime_(2)`, `${playerExpression({ kind: 'Pdef', key: 'mel' })}.stop`, `${playerExpression({ kind: 'Pbindef', key: 'pb' })}.play`]) {
      const result = await lang.evaluate(code);
      assert.equal(result.status, 'ok', `${code}: ${result.output.join('\n')}`);
    }
    const after = await state();
    assert.deepEqual({ playing: after.proxies[0].playing, vol: after.proxies[0].vol, fadeTime: after.proxies[0].fadeTime }, { playing: false, vol: 0.5, fadeTime: 2 });
    assert.equal(findPlayer(after, 'Pdef', 'mel')?.playing, false);
    assert.equal(findPlayer(after, 'Pdef', 'pb')?.playing, true);

    // A player an evaluation returned is reported under the evaluation's id while it plays; stopPlayers stops it.
    const pattern = await lang.evaluate('Pbind(\\dur, 0.2, \\amp, 0.001).play');
    assert.ok(pattern.id !== undefined && pattern.result === 'an EventStreamPlayer', JSON.stringify(pattern));
    // (The Pdef('pb').play above returned the Pdef, which plays too.)
    assert.deepEqual((await state()).evaluations.map((e) => e.what), ["Pbindef('pb', 'dur', 0.3, 'amp', 0.001)", 'an EventStreamPlayer']);
    assert.equal((await state()).evaluations[1].evaluationId, pattern.id);
    await lang.evaluate(`Library.at(\\sclive, \\stopPlayers).value([${pattern.id}])`);
    assert.deepEqual((await state()).evaluations.map((e) => e.what), ["Pbindef('pb', 'dur', 0.3, 'amp', 0.001)"]);
    const notPlayed = await lang.evaluate('Pdef(\\idle, Pbind(\\dur, 1))');
    assert.equal(notPlayed.status, 'ok');
    assert.equal((await state()).evaluations.length, 1, 'a Pdef not played does not count');

    // What a query costs sclang (it runs only while sclang is idle): the median of 50 round trips.
    const times: number[] = [];
    for (let i = 0; i < 50; i++) {
      const start = performance.now();
      await lang.evaluate(PLAYER_STATE_QUERY, { print: false });
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    console.log(`      player state query round trip: median ${times[25].toFixed(2)} ms, max ${times[49].toFixed(2)} ms`);
    await lang.evaluate('CmdPeriod.run');
  });

  it('tells the node ids each evaluation allocated: the server\'s synths of that block, not those of a pattern playing meanwhile', async () => {
    const server = await bootServer();
    lang = new SCLang({ env: jackEnv(), logger: new MemoryLogger() });
    await lang.start();
    await server.connectSclang(lang);
    await waitFor('sclang to see the server running', async () => (await lang!.evaluate('s.serverRunning', { print: false })).result === 'true', 10_000);
    const state = async () => parsePlayerState((await lang!.evaluate(PLAYER_STATE_QUERY, { print: false })).result ?? '');
    const started: number[] = [];
    server.nodeWatcher.onDidChange((change) => change.kind === 'added' && !change.node.isGroup && started.push(change.node.nodeId));
    // A pattern plays on meanwhile: its synths start while the block is evaluated and after.
    const pattern = await lang.evaluate('Pbind(\\dur, 0.02, \\legato, 0.5, \\amp, 0.001).play');
    await waitFor('the pattern\'s synths', () => started.length >= 3, 10_000);
    await state();
    const before = started.length;
    const block = await lang.evaluate('{ SinOsc.ar(440, 0, 0.001) }.play; Synth(\\default, [\\amp, 0.001]); 1');
    assert.equal(block.status, 'ok', block.output.join('\n'));
    const range = (await state()).evaluationNodes.find((n) => n.evaluationId === block.id);
    assert.ok(range, 'the block\'s node ids are told');
    assert.equal(range.to - range.from, 2, JSON.stringify(range));
    await waitFor('the block\'s two synths', () => started.filter((id) => id >= range.from && id < range.to).length === 2, 5000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const others = started.slice(before).filter((id) => id < range.from || id >= range.to);
    assert.ok(others.length >= 3, `the pattern's synths meanwhile are outside the block's ids: ${JSON.stringify({ range, others })}`);
    assert.deepEqual((await state()).evaluationNodes, [], 'told once');
    await lang.evaluate(`Library.at(\\sclive, \\stopPlayers).value([${pattern.id}])`);

    // An Ndef: its synth (and its monitor's) are allocated by the evaluation too.
    const ndef = await lang.evaluate('Ndef(\\ranges, { SinOsc.ar(220, 0, 0.001) }).play');
    const ndefRange = (await state()).evaluationNodes.find((n) => n.evaluationId === ndef.id)!;
    const group = (await state()).proxies.find((p) => p.key === 'ranges')?.group;
    await new Promise((resolve) => setTimeout(resolve, 500));
    const ndefSynths = started.filter((id) => id >= ndefRange.from && id < ndefRange.to);
    console.log(`      Ndef(\\ranges).play allocated ${JSON.stringify(ndefRange)} (group ${group}); synths started in it: ${JSON.stringify(ndefSynths)}`);
    assert.ok(ndefSynths.length >= 1, 'the Ndef\'s synths are among its ids');
    await lang.evaluate('Ndef(\\ranges).clear; CmdPeriod.run');
  });
});
