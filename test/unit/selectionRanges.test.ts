import { strict as assert } from 'node:assert';
import { selectionRanges } from '../../src/core/editor/selectionRanges';

/** The texts Expand Selection steps through from the `¦` in `marked`. */
function expansions(marked: string): string[] {
  const offset = marked.indexOf('¦');
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  return selectionRanges(text, offset).map((range) => text.slice(range.start, range.end));
}

describe('selectionRanges', () => {
  it('goes from a word to the argument, the call with its receiver, the statement, the block', () => {
    const text = '(\nvar sig = SinOsc.ar(44¦0, 0, 0.1);\nOut.ar(0, sig);\n)';
    assert.deepEqual(expansions(text), [
      '440',
      '440, 0, 0.1',
      '(440, 0, 0.1)',
      'SinOsc.ar(440, 0, 0.1)',
      'var sig = SinOsc.ar(440, 0, 0.1)',
      'var sig = SinOsc.ar(440, 0, 0.1);\nOut.ar(0, sig);',
      '(\nvar sig = SinOsc.ar(440, 0, 0.1);\nOut.ar(0, sig);\n)',
    ]);
  });

  it('takes a function\'s statements without its arguments, then with them', () => {
    for (const args of ['|out = 0, freq|', 'arg out = 0, freq;']) {
      const expanded = expansions(`f = { ${args}\n\tvar sig = SinOsc.ar(fr¦eq);\n\tOut.ar(out, sig);\n};`);
      assert.ok(expanded.includes('var sig = SinOsc.ar(freq)'), expanded.join(' | '));
      assert.ok(expanded.includes('var sig = SinOsc.ar(freq);\n\tOut.ar(out, sig);'), expanded.join(' | '));
      assert.ok(expanded.includes(`${args}\n\tvar sig = SinOsc.ar(freq);\n\tOut.ar(out, sig);`), expanded.join(' | '));
    }
  });

  it('follows a chain of calls back to its first receiver', () => {
    const expanded = expansions('Pbind(\\degree, Pseq([0, 2], inf)).play(quant: ¦4);');
    assert.ok(expanded.includes('Pbind(\\degree, Pseq([0, 2], inf)).play(quant: 4)'), expanded.join(' | '));
  });

  it('takes a symbol and an environment variable whole', () => {
    assert.equal(expansions('Pdef(\\me¦l, Pbind())')[0], '\\mel');
    assert.equal(expansions('~dr¦one.play;')[0], '~drone');
  });

  it('does not split at a comma or bracket inside a string or comment', () => {
    const expanded = expansions('f = { |x| x.postln; "a, (b;" ++ x¦; /* ; ) */ };');
    assert.ok(expanded.includes('"a, (b;" ++ x'), expanded.join(' | '));
    assert.ok(expanded.includes('{ |x| x.postln; "a, (b;" ++ x; /* ; ) */ }'), expanded.join(' | '));
  });

  it('reads a word inside a string from the text', () => {
    assert.equal(expansions('"hello wor¦ld".postln;')[0], 'world');
  });

  it('gives ranges that each hold the one before and more, out to the whole text', () => {
    const text = 'x = [1, [2, ¦3], { 4 }];\ny = 5;';
    const offset = text.indexOf('¦');
    const clean = text.replace('¦', '');
    const ranges = selectionRanges(clean, offset);
    for (let i = 1; i < ranges.length; i++) {
      assert.ok(ranges[i].start <= ranges[i - 1].start && ranges[i].end >= ranges[i - 1].end);
      assert.ok(ranges[i].end - ranges[i].start > ranges[i - 1].end - ranges[i - 1].start);
    }
    assert.deepEqual(ranges[ranges.length - 1], { start: 0, end: clean.length });
  });
});
