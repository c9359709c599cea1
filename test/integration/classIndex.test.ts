// The class library index from a real sclang.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { HelpRenderer } from '../../src/core/language/helpRenderer';
import { ClassIndex, formatSignature } from '../../src/core/language/classIndex';
import { introspectClassLibrary } from '../../src/core/language/introspection';
import { loadIndex, saveIndex } from '../../src/core/language/indexCache';

describe('The class library index from a real sclang', function () {
  this.timeout(120_000);
  let index: ClassIndex;
  let text: string;
  let sclangPath: string;
  before(async () => {
    ({ index, text, sclangPath } = await introspectClassLibrary());
  });

  it('holds SinOsc with *ar(freq: 440, phase: 0, mul: 1, add: 0), defined in Osc.sc at the line of "SinOsc : PureUGen"', () => {
    const sinOsc = index.classes.get('SinOsc')!;
    assert.equal(sinOsc.superclass, 'PureUGen');
    assert.equal(path.basename(sinOsc.file), 'Osc.sc');
    const ar = index.respondingMethod('SinOsc', 'ar', true)!;
    assert.equal(formatSignature(ar), '*ar(freq: 440.0, phase: 0.0, mul: 1.0, add: 0.0)');
    const { line } = index.position(sinOsc.file, sinOsc.charPos);
    assert.match(readFileSync(sinOsc.file, 'utf8').split('\n')[line], /^SinOsc : PureUGen/);
    assert.ok(index.classCount > 1000 && index.methodCount > 10_000, `${index.classCount} classes, ${index.methodCount} methods`);
  });

  it('knows where midicps is documented (Look Up on a method): SimpleNumber\'s page, at the method, as SCDoc renders it', async () => {
    const places = index.methodDocumentation('midicps');
    assert.ok(places.length >= 2, places.map((p) => p.className).join(', '));
    const simpleNumber = places.find((p) => p.className === 'SimpleNumber');
    assert.deepEqual(simpleNumber, { className: 'SimpleNumber', path: 'Classes/SimpleNumber', anchor: '-midicps' });
    assert.deepEqual(index.methodDocumentation('ar').find((p) => p.className === 'SinOsc'), { className: 'SinOsc', path: 'Classes/SinOsc', anchor: '*ar' });
    const renderer = new HelpRenderer({ sclangPath });
    try {
      const page = await renderer.page(`${simpleNumber!.path}#${simpleNumber!.anchor}`);
      assert.equal(page.anchor, '-midicps');
      assert.match(readFileSync(page.file, 'utf8'), /name='-midicps'/, 'the page holds the method\'s anchor');
    } finally {
      await renderer.stop();
    }
  });

  it('answers inherited methods, implementations and help summaries', () => {
    assert.ok(index.methodsOf('SinOsc', false).some((m) => m.name === 'range' && m.owner === 'UGen'), 'SinOsc instances answer UGen:range');
    // Nearest first (completion lists them so): SinOsc's own class methods, then UGen's, then Class's.
    const owners = [...new Set(index.methodsOf('SinOsc', true).map((m) => m.owner))];
    assert.equal(owners[0], 'SinOsc');
    assert.ok(owners.indexOf('UGen') > 0 && owners.indexOf('UGen') < owners.indexOf('Class'), owners.join(' > '));
    assert.ok((index.implementations.get('play') ?? []).length > 5, 'play is defined by many classes');
    assert.equal(index.classDocument('SinOsc')?.summary, 'Interpolating sine wavetable oscillator.');
    assert.deepEqual(index.classNamesWithPrefix('SinOs'), ['SinOsc', 'SinOscFB']);
  });

  it('is cached on disk with what it was made from, and refused once that changed', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sclive-index-cache-'));
    try {
      saveIndex(dir, text, index, sclangPath);
      assert.equal(loadIndex(dir, sclangPath)?.classCount, index.classCount);
      assert.equal(loadIndex(dir, '/usr/bin/true'), undefined, 'another sclang, another index');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
