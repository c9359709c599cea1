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
    assert.deepEqual(await state(), { proxies: [], patterns: [] });
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
});
