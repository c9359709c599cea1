import { strict as assert } from 'node:assert';
import { maskCode } from '../../src/core/editor/codeMask';
import { musicCompletion, receiverWithVariables, synthDefControls } from '../../src/core/language/musicContext';
import { parseSynthDescs } from '../../src/core/language/synthDescs';

/** The last `|` marks the cursor; the receiver before the `.` just before it. */
function receiverAt(snippet: string): string | undefined {
  const offset = snippet.lastIndexOf('|');
  const text = snippet.slice(0, offset) + snippet.slice(offset + 1);
  const masked = maskCode(text, offset).masked.replace(/[A-Za-z0-9_]*$/, '');
  assert.ok(masked.endsWith('.'), `the snippet ends with a dot before the cursor: ${snippet}`);
  const receiver = receiverWithVariables(masked.slice(0, -1));
  return receiver && `${receiver.className}${receiver.classSide ? ' class' : ''}`;
}

function keysAt(snippet: string) {
  const offset = snippet.lastIndexOf('|');
  return musicCompletion(snippet.slice(0, offset) + snippet.slice(offset + 1), offset);
}

describe('variable inference for completion', () => {
  const table: Array<[string, string | undefined]> = [
    ['~x = [1, 2];\n~x.|', 'Array'],
    ['~x = [1, 2];\n~x.si|', 'Array'],
    ['x = [1, 2, 3];\nx.|', 'Array'],
    ['(\nvar sig = SinOsc.ar(440);\nsig.|', 'SinOsc'],
    ['{ var sig = LFSaw.kr(2, 0, 0.5); sig.|', 'LFSaw'],
    ['var sig = SinOsc.ar([440, 442]); sig.|', 'Array'],
    ['var sig = SinOsc.ar(440) * 0.1; sig.|', undefined],
    ['x = Synth(\\default, [\\freq, 300]);\nx.|', 'Synth'],
    ['p = Pbind(\\dur, 0.25, \\degree, Pseq([0, 1], inf));\np.|', 'Pbind'],
    ['p = Pbind(\\dur, 0.25).play;\np.|', 'EventStreamPlayer'],
    ['x = { SinOsc.ar * 0.1 }.play;\nx.|', 'Synth'],
    ['a = 1; a.|', 'Integer'],
    ['a = -2.5; a.|', 'Float'],
    ['a = "hi"; a.|', 'String'],
    ['a = \\hi; a.|', 'Symbol'],
    ["a = 'hi there'; a.|", 'Symbol'],
    ['e = (a: 1, b: 2); e.|', 'Event'],
    ['f = { |x| x * 2 }; f.|', 'Function'],
    ['n = 5 ! 3; n.|', 'Array'],
    ['n = 5.dup(4); n.|', 'Array'],
    ['c = SinOsc; c.|', 'SinOsc class'],
    ['b = [1]; c = b; c.|', 'Array'],
    // The nearest preceding assignment wins: reassignment.
    ['x = [1, 2];\nx = "now a string";\nx.|', 'String'],
    ['x = [1, 2];\nx = foo.bar;\nx.|', undefined],
    // var lists.
    ['var a = 1, b = [1, 2], c;\nb.|', 'Array'],
    ['var a = 1, b = [1, 2], c;\na.|', 'Integer'],
    ['var a = 1, b = [1, 2], c;\nc.|', undefined],
    ['var a = Array.fill(3, { |i| i }), b = 2;\nb.|', 'Integer'],
    // Scope: a closed function's variables are out of reach; a nearer var or argument shadows.
    ['x = 1;\nf = { var x = "in"; x };\nx.|', 'Integer'],
    ['var sig = 1;\nf = { |sig| sig.|', undefined],
    ['var sig = 1;\nf = { |sig = 2.5| sig.|', 'Float'],
    ['var sig = 1;\nf = { arg sig; sig.|', undefined],
    ['var sig = 1;\nf = { var sig; sig.|', undefined],
    ['(\nvar q = [1];\n)\n(\nq.|', undefined],
    ['(\nq = [1];\n)\n(\nq.|', 'Array'],
    // Typing the assignment itself: the one before it counts.
    ['x = [1, 2];\nx = x.|', 'Array'],
    // Literals and calls still read as before.
    ['[1, 2].|', 'Array'],
    ['SinOsc.ar(440).|', 'SinOsc'],
    // In a string or comment nothing is assigned.
    ['"x = [1]"; x.|', undefined],
    ['// x = [1]\nx.|', undefined],
  ];
  for (const [snippet, expected] of table) {
    it(`${JSON.stringify(snippet)} → ${expected ?? 'unknown'}`, () => assert.equal(receiverAt(snippet), expected));
  }
});

describe('event keys and SynthDef controls: positions', () => {
  it('after Pbind(\\ : event keys', () => assert.deepEqual(keysAt('Pbind(\\|'), { kind: 'eventKey', prefix: '', instrument: undefined, used: [] }));
  it('a prefix is kept', () => assert.deepEqual(keysAt('Pbind(\\du|'), { kind: 'eventKey', prefix: 'du', instrument: undefined, used: [] }));
  it('key positions only (odd arguments are values)', () => {
    assert.deepEqual(keysAt('Pbind(\\dur, 0.25, \\|'), { kind: 'eventKey', prefix: '', instrument: undefined, used: ['dur'] });
    assert.equal(keysAt('Pbind(\\dur, \\|'), undefined);
    assert.equal(keysAt('Pbind(\\dur, Pseq([\\|'), undefined);
  });
  it('nested values do not count as pairs', () => {
    assert.deepEqual(keysAt('Pbind(\\dur, Pseq([1, 2, 3], inf), \\degree, Pwhite(0, 7), \\|'), { kind: 'eventKey', prefix: '', instrument: undefined, used: ['dur', 'degree'] });
  });
  it('the instrument named before: its controls', () => {
    assert.deepEqual(keysAt('Pbind(\n  \\instrument, \\bass,\n  \\dur, 0.5,\n  \\|'), { kind: 'eventKey', prefix: '', instrument: 'bass', used: ['instrument', 'dur'] });
  });
  it('Pbindef, Pdef(Pbind), Pmono', () => {
    assert.deepEqual(keysAt('Pbindef(\\a, \\|'), { kind: 'eventKey', prefix: '', instrument: undefined, used: [] });
    assert.equal(keysAt('Pbindef(\\a, \\dur, \\|'), undefined);
    assert.deepEqual(keysAt('Pdef(\\mel, Pbind(\\degree, 1, \\|'), { kind: 'eventKey', prefix: '', instrument: undefined, used: ['degree'] });
    assert.deepEqual(keysAt('Pmono(\\lead, \\|'), { kind: 'eventKey', prefix: '', instrument: 'lead', used: [] });
    assert.equal(keysAt('Pmono(\\|'), undefined);
  });
  it('Synth(\\name, [\\ and x.set(\\ : the SynthDef\'s controls', () => {
    assert.deepEqual(keysAt('Synth(\\bass, [\\|'), { kind: 'control', prefix: '', synthDef: 'bass', used: [] });
    assert.deepEqual(keysAt('Synth(\\bass, [\\freq, 300, \\a|'), { kind: 'control', prefix: 'a', synthDef: 'bass', used: ['freq'] });
    assert.equal(keysAt('Synth(\\bass, [\\freq, \\|'), undefined);
    assert.deepEqual(keysAt('x = Synth(\\bass);\nx.set(\\|'), { kind: 'control', prefix: '', synthDef: 'bass', used: [] });
    assert.deepEqual(keysAt('y.set(\\|'), { kind: 'control', prefix: '', synthDef: '', used: [] });
  });
  it('elsewhere: nothing', () => {
    assert.equal(keysAt('foo(\\|'), undefined);
    assert.equal(keysAt('\\|'), undefined);
    assert.equal(keysAt('Pbind(\\dur, 1); \\|'), undefined);
    assert.equal(keysAt('"Pbind(\\|'), undefined);
  });
});

describe('SynthDef controls from source', () => {
  it('arguments with defaults, arg lists and named controls', () => {
    const text = [
      'SynthDef(\\bass, { |out = 0, freq = 440, amp = 0.1, gate = 1|',
      '  var sig = Saw.ar(freq) * \\cutoff.kr(1200) * NamedControl.kr(\\drive, 2);',
      '  Out.ar(out, sig * amp);',
      '}).add;',
      "SynthDef('pad', { arg freq, width = #[0.2, 0.3]; Out.ar(0, SinOsc.ar(freq)) }).add;",
      'SynthDef.new(\\lead, { Out.ar(\\out.ir(0), SinOsc.ar(\\freq.kr(220)) * \\amp.kr(0.2)) }).add;',
    ].join('\n');
    const controls = synthDefControls(text);
    assert.deepEqual(controls.get('bass'), [
      { name: 'out', defaultValue: '0' },
      { name: 'freq', defaultValue: '440' },
      { name: 'amp', defaultValue: '0.1' },
      { name: 'gate', defaultValue: '1' },
      { name: 'cutoff', defaultValue: '1200' },
      { name: 'drive', defaultValue: '2' },
    ]);
    assert.deepEqual(controls.get('pad'), [
      { name: 'freq', defaultValue: undefined },
      { name: 'width', defaultValue: '#[0.2, 0.3]' },
    ]);
    assert.deepEqual(controls.get('lead')?.map((c) => `${c.name}=${c.defaultValue}`), ['out=0', 'freq=220', 'amp=0.2']);
  });
});

describe('SynthDescLib answer', () => {
  it('records apart by ASCII 30, fields by 31; a record without controls; junk lines skipped', () => {
    const descs = parseSynthDescs('zap\u001fout=0.0\u001ffreq=440.0\u001fwidth=[ 0.2, 0.3 ]\u001edefault\u001fout=0.0\u001famp=0.1\u001ebare\u001e\u001e');
    assert.deepEqual(descs.get('zap'), [{ name: 'out', defaultValue: '0.0' }, { name: 'freq', defaultValue: '440.0' }, { name: 'width', defaultValue: '[ 0.2, 0.3 ]' }]);
    assert.deepEqual(descs.get('default')?.map((c) => c.name), ['out', 'amp']);
    assert.deepEqual(descs.get('bare'), []);
    assert.equal(descs.size, 3);
  });
});
