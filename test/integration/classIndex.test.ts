// The class library index from a real sclang.
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, truncateSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { HelpRenderer } from '../../src/core/language/helpRenderer';
import { ClassIndex, formatSignature, parseClassIndex } from '../../src/core/language/classIndex';
import { introspectClassLibrary } from '../../src/core/language/introspection';
import { cacheTempFile, introspectAndCache, loadIndex, saveIndex } from '../../src/core/language/indexCache';
import { isAlive } from '../../tools/processAlive';

/** Processes whose environment holds `entry` (e.g. the XDG_DATA_HOME of one test). */
function processesWithEnv(entry: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/environ`, 'utf8').split('\0').includes(entry)) found.push(Number(name));
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

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
      const page = await renderer.page(`${simpleNumber.path}#${simpleNumber.anchor}`);
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

  it('takes a cache only whole: one cut in half is refused, and so is an index whose counts do not match', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sclive-index-cache-'));
    try {
      saveIndex(dir, text, index, sclangPath);
      const file = path.join(dir, 'class-index.tsv');
      truncateSync(file, Math.floor(statSync(file).size / 2));
      assert.equal(loadIndex(dir, sclangPath), undefined, 'half a cache is no cache');
      assert.throws(() => parseClassIndex(text.slice(0, Math.floor(text.length / 2))), /cut short \(no end record after \d+ classes/);
      // A class line lost from the middle: the end record's counts tell.
      const lines = text.split('\n');
      const classLine = lines.findIndex((line) => line.startsWith('C\tSinOsc\t'));
      assert.throws(() => parseClassIndex([...lines.slice(0, classLine), ...lines.slice(classLine + 1)].join('\n')), /incomplete: its end record counts \d+, \d+, \d+ classes/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the index read from sclang, and the cache it had, when the disk is full on save', async function () {
    if (!existsSync('/dev/full')) this.skip();
    const dir = mkdtempSync(path.join(tmpdir(), 'sclive-index-cache-'));
    try {
      saveIndex(dir, text, index, sclangPath);
      const before = readFileSync(path.join(dir, 'class-index.tsv'), 'utf8');
      // The kernel's full disk: every write to /dev/full fails with ENOSPC.
      symlinkSync('/dev/full', cacheTempFile(dir));
      const result = await introspectAndCache(dir);
      assert.equal(result.index.classCount, index.classCount, 'the index is there to use');
      assert.match(result.saveError?.message ?? '', /could not be saved in .* \(ENOSPC: no space left on device.*completion works in this window/);
      assert.equal(readFileSync(path.join(dir, 'class-index.tsv'), 'utf8'), before, 'the previous cache is untouched');
      assert.deepEqual(readdirSync(dir), ['class-index.tsv'], 'no temp file left');
      assert.equal(loadIndex(dir, sclangPath)?.classCount, index.classCount);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('The class library index when sclang fails', function () {
  this.timeout(60_000);

  it('a class file that does not compile fails within seconds with sclang\'s own message, and leaves no sclang', async () => {
    const dataHome = mkdtempSync(path.join(tmpdir(), 'sclive-broken-library-'));
    try {
      // sclang compiles the user's Extensions folder under XDG_DATA_HOME with its own library.
      const extensions = path.join(dataHome, 'SuperCollider', 'Extensions');
      mkdirSync(extensions, { recursive: true });
      writeFileSync(path.join(extensions, 'Broken.sc'), 'Broken : Object {\n  foo { ^1 + }\n}\n');
      const started = performance.now();
      await assert.rejects(introspectClassLibrary({ env: { XDG_DATA_HOME: dataHome } }), (error: Error) => {
        assert.match(error.message, /could not compile the class library/);
        assert.match(error.message, /ERROR: syntax error, unexpected '}'/);
        assert.match(error.message, /Broken\.sc'\n\s*line 2 char 14/);
        return true;
      });
      const seconds = (performance.now() - started) / 1000;
      assert.ok(seconds < 20, `failed after ${seconds.toFixed(1)} s (sclang reports it in about 3 s; the old limit was 120 s)`);
      const left = processesWithEnv(`XDG_DATA_HOME=${dataHome}`).map((pid) => { try { return `${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ')} ${readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ').slice(2, 4).join(' ')}`; } catch { return String(pid); } });
      assert.deepEqual(left, [], 'its sclang is gone');
    } finally {
      rmSync(dataHome, { recursive: true, force: true });
    }
  });

  it('an sclang that hangs and ignores SIGTERM is killed after the grace period, and leaves neither process nor temp folder', async () => {
    const fake = path.resolve(__dirname, '../../../test/integration/fixtures/sigterm-proof-sclang');
    let said = '';
    await assert.rejects(introspectClassLibrary({ sclangPath: fake, timeoutMs: 1500, killGraceMs: 500 }), (error: Error) => {
      said = error.message;
      return /took longer than 2 s and was stopped/.test(error.message);
    });
    const [, pid, folder] = /pid (\d+) in (\S+)/.exec(said) ?? [];
    assert.ok(pid && folder, `the fake said where it was: ${said}`);
    assert.match(folder, /sclive-index-/);
    assert.equal(isAlive(Number(pid)), false, 'killed');
    assert.equal(existsSync(folder), false, 'its temp folder removed');
  });
});
