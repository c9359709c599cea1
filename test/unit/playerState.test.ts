import { strict as assert } from 'node:assert';
import { findPlayer, parsePlayerState, playerExpression, PlayerStatePoller, sclangSymbol } from '../../src/core/sclang/playerState';
import { findPlayerReferences } from '../../src/core/sclang/playerReferences';

// What sclang 3.13 answered for Ndef(\drone), Pdef(\mel), Pbindef(\pb), Tdef(\t) (no server).
const ANSWER = '[{"kind":"Ndef","key":"drone","space":"localhost","playing":false,"vol":1,"fadeTime":0.02,"group":null,"bus":4,"channels":1,"rate":"audio"},{"kind":"Pdef","key":"mel","playing":true},{"kind":"Pbindef","key":"pb","playing":false},{"kind":"Tdef","key":"t","playing":false}]';

describe('sclang\'s player state', () => {
  it('reads proxies and pattern players, sorted by key', () => {
    const state = parsePlayerState(ANSWER);
    assert.deepEqual(state.proxies, [{ kind: 'Ndef', key: 'drone', space: 'localhost', playing: false, vol: 1, fadeTime: 0.02, group: null, bus: 4, channels: 1, rate: 'audio' }]);
    assert.deepEqual(state.patterns.map((p) => `${p.kind} ${p.key} ${p.playing}`), ['Pdef mel true', 'Pbindef pb false', 'Tdef t false']);
  });

  it('skips rows it does not know and refuses what is not a list of JSON', () => {
    assert.deepEqual(parsePlayerState('[{"kind":"Pfoo","key":"x","playing":true},{"kind":"Pdef","key":3,"playing":true},null]'), { proxies: [], patterns: [], evaluations: [], evaluationNodes: [] });
    assert.throws(() => parsePlayerState('nil'), /not JSON/);
    assert.throws(() => parsePlayerState('{"kind":"Pdef"}'), /not a list/);
  });

  it('finds the player a line names: a Pdef line names a Pbindef of that key too', () => {
    const state = parsePlayerState(ANSWER);
    assert.equal(findPlayer(state, 'Pdef', 'pb')?.kind, 'Pbindef');
    assert.equal(findPlayer(state, 'Pbindef', 'mel')?.kind, 'Pdef');
    assert.equal(findPlayer(state, 'Ndef', 'drone')?.kind, 'Ndef');
    assert.equal(findPlayer(state, 'Tdef', 'mel'), undefined);
  });

  it('reaches each player with an sclang expression, whatever its name holds', () => {
    assert.equal(sclangSymbol("it's\\"), "'it\\'s\\\\'");
    assert.equal(playerExpression({ kind: 'Pbindef', key: 'pb' }), "Pdef('pb')");
    assert.equal(playerExpression({ kind: 'Tdef', key: 't' }), "Tdef('t')");
    assert.equal(playerExpression({ kind: 'Ndef', key: 'drone' }), "Ndef('drone')");
    assert.equal(playerExpression({ kind: 'Ndef', key: 'drone', space: 'localhost' }), "(Ndef.all.at('localhost') !? { |space| space.envir.at('drone') } ? Ndef('drone'))");
    assert.equal(playerExpression({ kind: 'ProxySpace', key: 'a', space: 'current' }), "currentEnvironment.envir.at('a')");
    assert.equal(playerExpression({ kind: 'ProxySpace', key: 'a', space: 'p' }), "ProxySpace.all.at('p').envir.at('a')");
  });
});

describe('the player state poller', () => {
  it('asks only while needed, fires on change only, and skips when sclang cannot answer', async () => {
    const answers: Array<string | undefined> = [ANSWER, ANSWER, undefined, '[]'];
    let asked = 0;
    const poller = new PlayerStatePoller({ query: async () => answers[asked++], intervalMs: 5 });
    const changes: number[] = [];
    poller.onDidChange((state) => changes.push(state.proxies.length + state.patterns.length));
    const need = poller.need();
    await new Promise((resolve) => setTimeout(resolve, 80));
    need.dispose();
    const askedWhileNeeded = asked;
    await new Promise((resolve) => setTimeout(resolve, 40));
    assert.equal(asked, askedWhileNeeded, 'no query once nothing needs it');
    assert.deepEqual(changes, [4, 0], 'the same answer twice and a busy sclang fire nothing');
    poller.dispose();
  });

  it('reports a bad answer and keeps the last state', async () => {
    const errors: string[] = [];
    const answers = [ANSWER, 'ERROR'];
    let asked = 0;
    const poller = new PlayerStatePoller({ query: async () => answers[asked++], onError: (e) => errors.push(e.message) });
    await poller.refresh();
    await poller.refresh();
    assert.equal(poller.state.patterns.length, 3);
    assert.match(errors[0], /not JSON/);
    poller.dispose();
  });

  it('asks once when a read\'s own end asks for a read (sclang idle again after the query): no endless queries', async () => {
    let asked = 0;
    // As the extension wires it: sclang's return to idle (after each query too) refreshes.
    const query = async () => {
      asked++;
      await new Promise((resolve) => setTimeout(resolve, 1));
      void poller.refresh();
      return ANSWER;
    };
    const poller = new PlayerStatePoller({ query });
    await poller.refresh();
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(asked, 1);
    poller.dispose();
  });
});

describe('player references in code', () => {
  it('finds Pdef, Tdef, Pbindef and Ndef names as symbols, one a line, skipping comments and strings', () => {
    const code = [
      'Pdef(\\mel, Pbind(\\degree, 1)).play;',
      '  Ndef( \'drone wide\', { SinOsc.ar }); Tdef(\\t)',
      '// Pdef(\\commented)',
      '"Pdef(\\\\inString)".postln; Pbindef(\\pb, \\dur, 0.25)',
      '/* Tdef(\\x)',
      '*/ Ndef(x)',
    ].join('\n');
    assert.deepEqual(findPlayerReferences(code), [
      { line: 0, character: 0, kind: 'Pdef', key: 'mel' },
      { line: 1, character: 2, kind: 'Ndef', key: 'drone wide' },
      { line: 3, character: 27, kind: 'Pbindef', key: 'pb' },
    ]);
  });
});
