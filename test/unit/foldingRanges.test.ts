import { strict as assert } from 'node:assert';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { foldingRanges } from '../../src/core/editor/foldingRanges';

const fold = (text: string) => foldingRanges(text).map((range) => `${range.start}-${range.end} ${range.kind}`);

describe('foldingRanges', () => {
  it('folds a ( ) block and the function inside it up to the line before each closer', () => {
    const text = ['(', 'SynthDef(\\a, {', '\tvar sig = SinOsc.ar;', '\tOut.ar(0, sig)', '}).add;', ')'].join('\n');
    assert.deepEqual(fold(text), ['0-4 code', '1-3 code']);
  });

  it('folds through the closer\'s line when code comes before the closer', () => {
    const text = ['x = [', '  1, 2,', '  3];', 'y = 1;'].join('\n');
    assert.deepEqual(fold(text), ['0-2 code']);
  });

  it('does not fold brackets on one line or two-line pairs that leave nothing to hide', () => {
    assert.deepEqual(fold('(1 + 2).postln;\nf = {\n};'), []);
  });

  it('ignores brackets in strings, symbols, characters and comments', () => {
    const text = ['a = "(";', "b = '[';", 'c = $(;', '// {', 'd = (', '  1', ');'].join('\n');
    assert.deepEqual(fold(text), ['4-5 code']);
  });

  it('folds around a bracket left open (code being typed) and after it, and not at a stray closer', () => {
    const text = ['(', '  x = [1, 2', ')', '{', '  1', '}', '  ]', 'y = 1;'].join('\n');
    assert.deepEqual(fold(text), ['0-1 code', '3-4 code']);
  });

  it('folds a class body and its methods in a class file', () => {
    const text = ['Foo : Object {', '\tvar x;', '\t*new { |a|', '\t\t^super.new.init(a)', '\t}', '\tinit { |a| x = a }', '}'].join('\n');
    assert.deepEqual(fold(text), ['0-5 code', '2-3 code']);
  });

  it('folds block comments (nested ones whole) and runs of line comments, not a single one', () => {
    const text = ['/* one', '/* nested */', 'still */', 'x = 1;', '// a', '// b', '  // c', 'y = 2; // after code', '// lone', 'z = 3;'].join('\n');
    assert.deepEqual(fold(text), ['0-2 comment', '4-6 comment']);
  });

  it('folds region markers, nested, and keeps them out of comment runs', () => {
    const text = ['// region drums', '// kick', '// snare', '// #region inner', 'x = 1;', '// endregion', '// endregion'].join('\n');
    assert.deepEqual(fold(text), ['0-6 region', '1-2 comment', '3-5 region']);
  });

  it('keeps one fold per first line, the widest', () => {
    const text = ['f = { |x| [', '  x,', '  x * 2', '] };'].join('\n');
    assert.deepEqual(fold(text), ['0-2 code']);
  });

  it('folds every file of SuperCollider\'s own examples with each range inside its file', () => {
    // The examples come with Debian's sclang package, which the test command installs.
    const dir = '/usr/share/SuperCollider/examples/demonstrations';
    const files = readdirSync(dir).filter((name) => name.endsWith('.scd'));
    assert.ok(files.length >= 10, `examples in ${dir}`);
    let folded = 0;
    for (const name of files) {
      const text = readFileSync(path.join(dir, name), 'utf8');
      const lines = text.split('\n').length;
      const ranges = foldingRanges(text);
      folded += ranges.length;
      for (const range of ranges) assert.ok(range.start < range.end && range.end < lines, `${name}: ${range.start}-${range.end} of ${lines}`);
    }
    assert.ok(folded > files.length, `${folded} folds in ${files.length} files`);
  });
});
