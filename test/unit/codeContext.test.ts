import { strict as assert } from 'node:assert';
import { completionContext, signatureContext } from '../../src/core/language/codeContext';

/** `|` marks the cursor. */
function at(snippet: string): [string, number] {
  const offset = snippet.indexOf('|');
  return [snippet.slice(0, offset) + snippet.slice(offset + 1), offset];
}

const complete = (snippet: string) => completionContext(...at(snippet));
const signature = (snippet: string) => signatureContext(...at(snippet));

describe('completion context', () => {
  const table: Array<[string, unknown]> = [
    ['SinOsc.|', { kind: 'method', prefix: '', receiver: { className: 'SinOsc', classSide: true } }],
    ['SinOsc.a|', { kind: 'method', prefix: 'a', receiver: { className: 'SinOsc', classSide: true } }],
    ['Sin|', { kind: 'class', prefix: 'Sin' }],
    ['x = Pbi|', { kind: 'class', prefix: 'Pbi' }],
    // The cases the LanguageServer quark's users report failing:
    ['SinOsc.ar(440, 0, 0.1).|', { kind: 'method', prefix: '', receiver: { className: 'SinOsc', classSide: false } }],
    ['SinOsc.ar(440).ra|', { kind: 'method', prefix: 'ra', receiver: { className: 'SinOsc', classSide: false } }],
    ['"hello".|', { kind: 'method', prefix: '', receiver: { className: 'String', classSide: false } }],
    ['"a.b; (c".si|', { kind: 'method', prefix: 'si', receiver: { className: 'String', classSide: false } }],
    ['\\sym.|', { kind: 'method', prefix: '', receiver: { className: 'Symbol', classSide: false } }],
    ["'sym bol'.as|", { kind: 'method', prefix: 'as', receiver: { className: 'Symbol', classSide: false } }],
    ['[1, 2, 3].|', { kind: 'method', prefix: '', receiver: { className: 'Array', classSide: false } }],
    ['#[1, 2].sc|', { kind: 'method', prefix: 'sc', receiver: { className: 'Array', classSide: false } }],
    ['(1..5).|', { kind: 'method', prefix: '', receiver: { className: 'Array', classSide: false } }],
    ['1.|', { kind: 'method', prefix: '', receiver: { className: 'Integer', classSide: false } }],
    ['2.5.mid|', { kind: 'method', prefix: 'mid', receiver: { className: 'Float', classSide: false } }],
    ['{ SinOsc.ar }.|', { kind: 'method', prefix: '', receiver: { className: 'Function', classSide: false } }],
    ['Array.fill(3, 0).|', { kind: 'method', prefix: '', receiver: { className: 'Array', classSide: false } }],
    ['x.|', { kind: 'method', prefix: '', receiver: undefined }],
    ['x[0].|', { kind: 'method', prefix: '', receiver: undefined }],
    ['foo(1).|', { kind: 'method', prefix: '', receiver: undefined }],
    ['~lead|', { kind: 'envVar', prefix: 'lead' }],
    ['Synth(\\|', { kind: 'synthDef', prefix: '' }],
    ['Synth.new(\\pa|', { kind: 'synthDef', prefix: 'pa' }],
    ['Pbind(\\instrument, \\pa|', { kind: 'synthDef', prefix: 'pa' }],
    ['Pbind(\\degree, \\pa|', { kind: 'none' }],
    // No completion inside strings and comments.
    ['"SinOsc.|', { kind: 'none' }],
    ['// SinOsc.|', { kind: 'none' }],
    ['/* SinOsc.| */', { kind: 'none' }],
    ["'Sin|", { kind: 'none' }],
    ['1.5|', { kind: 'none' }],
    ['(1..|', { kind: 'none' }],
  ];
  for (const [snippet, expected] of table) {
    it(snippet, () => assert.deepEqual(complete(snippet), expected));
  }

  it('offers the call\'s argument names where an argument starts', () => {
    const context = complete('SinOsc.ar(440, ph|');
    assert.equal(context.kind, 'argument');
    if (context.kind === 'argument') assert.deepEqual([context.prefix, context.call.selector, context.call.argumentIndex], ['ph', 'ar', 1]);
  });
});

describe('signature context', () => {
  it('finds the call and the argument the cursor is in', () => {
    assert.deepEqual(signature('SinOsc.ar(|'), { receiver: { className: 'SinOsc', classSide: true }, selector: 'ar', argumentIndex: 0, keyword: undefined, keywordsUsed: [] });
    assert.equal(signature('SinOsc.ar(440, |')?.argumentIndex, 1);
    assert.equal(signature('SinOsc.ar(440, [1, 2], |')?.argumentIndex, 2, 'commas inside brackets do not count');
    assert.equal(signature('SinOsc.ar(440, "a, b", |')?.argumentIndex, 2, 'nor inside strings');
  });

  it('understands keyword arguments', () => {
    const context = signature('SinOsc.ar(freq: 440, mul: 0.|');
    assert.equal(context?.keyword, 'mul');
    assert.deepEqual(context?.keywordsUsed, ['freq']);
  });

  it('Foo( runs *new; x.bar( is bar on an unknown receiver; nested calls answer the innermost', () => {
    assert.deepEqual(signature('Synth(|')?.receiver, { className: 'Synth', classSide: true });
    assert.equal(signature('Synth(|')?.selector, 'new');
    assert.deepEqual([signature('x.set(|')?.receiver, signature('x.set(|')?.selector], [undefined, 'set']);
    assert.equal(signature('Pan2.ar(SinOsc.ar(|')?.selector, 'ar');
    assert.deepEqual(signature('Pan2.ar(SinOsc.ar(440), |')?.receiver, { className: 'Pan2', classSide: true });
  });

  it('says nothing outside a call', () => {
    assert.equal(signature('SinOsc.ar(440); |'), undefined);
    assert.equal(signature('x = 1 + |'), undefined);
  });
});
