import { strict as assert } from 'node:assert';
import { describePlot, isNoDisplayLine, NoDisplayLines, parseGuiRequest, plotRange } from '../../src/core/sclang/guiRequest';

describe('sclang\'s GUI requests', () => {
  it('reads the scope, meter and node tree requests', () => {
    assert.deepEqual(parseGuiRequest('{"kind":"scope","mode":"spectrum","bus":4}'), { kind: 'scope', mode: 'spectrum', bus: 4 });
    assert.deepEqual(parseGuiRequest('{"kind":"scope","mode":"wave","bus":-3,"channels":1,"rate":"audio"}'), { kind: 'scope', mode: 'wave', bus: 0, channels: 1 });
    assert.deepEqual(parseGuiRequest('{"kind":"meter"}'), { kind: 'meter' });
    assert.deepEqual(parseGuiRequest('{"kind":"nodeTree"}'), { kind: 'nodeTree' });
  });

  it('reads a plot, nan and inf as gaps (null)', () => {
    const plot = parseGuiRequest('{"kind":"plot","name":"Envelope","channels":[{"size":3,"values":[0,1,null]}],"domain":[0,1.01,"s"],"min":-1}');
    assert.deepEqual(plot, { kind: 'plot', name: 'Envelope', channels: [{ size: 3, values: [0, 1, null] }], domain: [0, 1.01, 's'], min: -1 });
    assert.equal(describePlot(plot as never), 'Envelope: 3 values, over 0 to 1.01 s, from 0 to 1');
  });

  it('says what is wrong with a bad request', () => {
    assert.throws(() => parseGuiRequest('{"kind":'), /not JSON/);
    assert.throws(() => parseGuiRequest('{"kind":"window"}'), /unknown kind \(window\)/);
    assert.throws(() => parseGuiRequest('{"kind":"plot","channels":[{"values":[1,"x"]}]}'), /channel 1 is not a list of numbers/);
  });

  it('draws between the values\' own extremes unless given bounds; a flat line gets room around it', () => {
    assert.deepEqual(plotRange([{ size: 3, values: [2, null, -4] }]), [-4, 2]);
    assert.deepEqual(plotRange([{ size: 2, values: [3, 3] }]), [2, 4]);
    assert.deepEqual(plotRange([{ size: 2, values: [0, 0.5] }], -1, 1), [-1, 1]);
    assert.equal(describePlot({ kind: 'plot', name: 'two', channels: [{ size: 2, values: [1, 2] }, { size: 20000, values: [3, 5] }] }), 'two: 2 channels of 2, 20,000 values, from 1 to 5');
  });

  it('knows Qt\'s line for a window shown without a display', () => {
    assert.equal(isNoDisplayLine('This plugin does not support raise()'), true);
    assert.equal(isNoDisplayLine('This plugin does not support propagateSizeHints()'), true);
    assert.equal(isNoDisplayLine('-> This plugin does not support raise()'), false);
  });

  it('turns Qt\'s no-display lines of one sclang run into one line that says what they mean', () => {
    const lines = new NoDisplayLines();
    assert.equal(lines.filter('-> a Window'), 'keep');
    assert.deepEqual(lines.filter('This plugin does not support raise()'), { post: NoDisplayLines.NOTICE });
    assert.equal(lines.filter('This plugin does not support raise()'), 'drop');
    assert.equal(lines.filter('This plugin does not support propagateSizeHints()'), 'drop');
    lines.reset();
    assert.deepEqual(lines.filter('This plugin does not support raise()'), { post: NoDisplayLines.NOTICE });
  });
});
