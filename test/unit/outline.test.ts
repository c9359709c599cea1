import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { OutlineSymbol, scOutline, scdOutline } from '../../src/core/language/outline';

const fixture = (name: string) => readFileSync(path.resolve(__dirname, '../../../test/unit/fixtures', name), 'utf8');
const names = (symbols: OutlineSymbol[]): unknown[] => symbols.map((s) => (s.children.length ? [s.name, names(s.children)] : s.name));

describe('outline', () => {
  it('of a .scd file: its blocks, with the SynthDefs, ~variables and proxies they define', () => {
    const outline = scdOutline(fixture('sample.scd'));
    assert.deepEqual(names(outline).slice(0, 4), [
      ['SynthDef(\\pad, { |out = 0, freq = 440, amp = 0.1, gate = 1,…', ['pad']],
      ['~bass = Pbind(', ['~bass']],
      'Ndef(\\drone)',
      '~lfo',
    ]);
    assert.ok(names(outline).includes('~multiline'), 'assignments further down are found too');
    const synthDef = outline[0].children[0];
    assert.equal(synthDef.kind, 'synthDef');
  });

  it('ignores what is in comments and strings', () => {
    assert.deepEqual(names(scdOutline('// SynthDef(\\no)\n"~not = 1";\n~yes = 2;\n')), ['~yes']);
  });

  it('of a .sc file: classes, extensions and their methods', () => {
    const outline = scOutline(fixture('Sample.sc'));
    assert.deepEqual(names(outline).slice(0, 2), [
      ['Sample', ['*new', 'init', 'play', 'prBasicNew']],
      ['SimpleNumber', ['sampleDouble']],
    ]);
    assert.equal(outline[0].detail, ': Object');
    assert.equal(outline[1].kind, 'extension');
  });
});
