import { strict as assert } from 'node:assert';
import { DEF_NAME_HOLD_MS, isRowHeld, isTemporaryDefName, nodeLabel, parseNodePlayer, parseProxyGroups } from '../../src/core/server/nodeLabels';

describe('Node labels in the musician\'s words', () => {
  it('names a proxy\'s synths and group by the proxy, not the temp__ def', () => {
    assert.deepEqual(nodeLabel({ isGroup: false, defName: 'temp__0drone-1586786326_1342', proxyName: 'Ndef(\\drone)' }), { label: 'Ndef(\\drone)' });
    assert.deepEqual(nodeLabel({ isGroup: false, defName: 'temp__0a454503927_1018', proxyName: '~a' }), { label: '~a' });
    assert.deepEqual(nodeLabel({ isGroup: true, proxyName: '~a' }), { label: '~a' });
    assert.deepEqual(nodeLabel({ isGroup: true }), { label: 'group' });
    // The synth that plays a proxy to the speakers (.play) keeps its def name beside the proxy's.
    assert.deepEqual(nodeLabel({ isGroup: false, defName: 'system_link_audio_1', proxyName: 'Ndef(\\drone) monitor' }), { label: 'Ndef(\\drone) monitor', detail: 'system_link_audio_1' });
  });

  it('names a function synth, an instrument, and nothing for a def name not known yet', () => {
    assert.deepEqual(nodeLabel({ isGroup: false, defName: 'temp__12' }), { label: '{ } function', detail: 'temp__12' });
    assert.deepEqual(nodeLabel({ isGroup: false, defName: 'default' }), { label: 'default' });
    assert.equal(nodeLabel({ isGroup: false }), undefined);
    assert.equal(isTemporaryDefName('temporary'), false);
  });

  it('parses the proxy group map sclang sends, skipping what does not fit', () => {
    assert.deepEqual([...parseProxyGroups('1003 Ndef(\\drone);1010 ~a;junk;')], [[1003, 'Ndef(\\drone)'], [1010, '~a']]);
    assert.equal(parseProxyGroups('').size, 0);
  });

  it('names a pattern\'s synth by its instrument and the Pdef whose player made it', () => {
    assert.deepEqual(nodeLabel({ isGroup: false, defName: 'default', playerName: 'Pdef \\mel' }), { label: 'default (Pdef \\mel)' });
    assert.deepEqual(parseNodePlayer('Pdef \\mel:1004,1005'), { player: 'Pdef \\mel', nodeIds: [1004, 1005] });
    assert.deepEqual(parseNodePlayer('Pdef \\a:b:7'), { player: 'Pdef \\a:b', nodeIds: [7] });
    assert.equal(parseNodePlayer('Pdef \\mel:'), undefined);
    assert.equal(parseNodePlayer('Pdef \\mel:x,2'), undefined);
    assert.equal(parseNodePlayer('1004'), undefined);
  });

  it('holds a synth\'s row while its name may come, at most 250 ms', () => {
    const since = 1000;
    assert.equal(isRowHeld({ heldSinceMs: since, proxyNameAsked: false }, since + 10), true, 'no def name yet');
    assert.equal(isRowHeld({ heldSinceMs: since, proxyNameAsked: false }, since + DEF_NAME_HOLD_MS), false, 'drawn at 250 ms, named or not');
    assert.equal(isRowHeld({ defName: 'default', heldSinceMs: since, proxyNameAsked: true }, since + 10), false, 'named: drawn at once');
    assert.equal(isRowHeld({ defName: 'temp__0drone-1_2', heldSinceMs: since, proxyNameAsked: true }, since + 10), true, 'a proxy source waits for its proxy\'s name');
    assert.equal(isRowHeld({ defName: 'temp__0drone-1_2', heldSinceMs: since, proxyNameAsked: false }, since + 10), false);
    assert.equal(isRowHeld({ heldSinceMs: undefined, proxyNameAsked: false }, since), false, 'never held (named when it came)');
  });
});
