import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { withOwnKeys } from '../../src/core/sclang/welcomeLine';
import { findSingleCall, parseSclangErrors, SclangErrorReport, SclangErrorStream } from '../../src/core/sclang/sclangErrors';

// What sclang 3.13 (Debian's) posted for each piece of code, captured from a real sclang
// running the extension's evaluation function (test/unit/fixtures/sclangErrors).
const FIXTURES = path.resolve(__dirname, '../../../test/unit/fixtures/sclangErrors');
const captured: Array<{ code: string; output: string[] }> = JSON.parse(readFileSync(path.join(FIXTURES, 'sclang-3.13-errors.json'), 'utf8'));

function outputOf(code: string): string[] {
  const found = captured.find((entry) => entry.code === code);
  if (!found) throw new Error(`no capture of ${code}`);
  return found.output;
}

describe('sclang\'s error reports', () => {
  it('reads a parse error\'s place inside the evaluated text', () => {
    assert.deepEqual(parseSclangErrors(outputOf('(\nvar a = 1;\nvar b = 2;\na + + ;\n)')), [
      { kind: 'syntax', message: "syntax error, unexpected '+'", line: 4, column: 5 },
    ]);
    assert.deepEqual(parseSclangErrors(outputOf('1 + ')), [{ kind: 'syntax', message: 'syntax error, unexpected end of file', line: 1, column: 5 }]);
  });

  it('reads "Class not defined" and "Variable not defined" as parse errors at their place', () => {
    assert.deepEqual(parseSclangErrors(outputOf('Foo.new')), [{ kind: 'syntax', message: 'Class not defined.', line: 1, column: 3 }]);
    assert.deepEqual(parseSclangErrors(outputOf('(\nfoo = 3;\n)')), [{ kind: 'syntax', message: "Variable 'foo' not defined.", line: 2, column: 8 }]);
  });

  it('merges the three reports of an unmatched bracket into one, with the telling message', () => {
    const reports = parseSclangErrors(outputOf('[1,2] + ) '));
    assert.equal(reports.length, 1);
    assert.equal(reports[0].line, 1);
    assert.equal(reports[0].column, 9);
    assert.match(reports[0].message, /unmatched '\)'/);
    assert.doesNotMatch(reports[0].message, /Parse error/);
  });

  it('reads an open-ended string as a warning at its line', () => {
    assert.deepEqual(parseSclangErrors(outputOf('"abc ')), [
      { kind: 'syntax', message: 'Open ended string started on line 1 of interpreted text', line: 1, column: 1, warning: true },
    ]);
  });

  it('reads a runtime error\'s message, receiver and selector from its summary', () => {
    assert.deepEqual(parseSclangErrors(outputOf('nil.foo')), [{ kind: 'runtime', message: "Message 'foo' not understood.", receiver: 'nil', selector: 'foo' }]);
    assert.deepEqual(parseSclangErrors(outputOf('(\n1;\n2;\n3.foo(1, 2)\n)')), [
      { kind: 'runtime', message: "Message 'foo' not understood. Perhaps you misspelled 'for', or meant to call 'foo' on another receiver?", receiver: '3', selector: 'foo' },
    ]);
  });

  it('reads a failed primitive with its reason', () => {
    assert.deepEqual(parseSclangErrors(outputOf('Array.fill(3, 1).at(\\x)')), [
      { kind: 'runtime', message: "Primitive '_BasicAt' failed. Index not an Integer", receiver: '[ 1, 1, 1 ]' },
    ]);
  });

  it('tells an error of a Routine, Task or pattern from an error of the evaluation', () => {
    const late = (code: string) => parseSclangErrors(outputOf(code)).map((report) => [report.selector, report.fromRoutine ?? false]);
    assert.deepEqual(late('Routine { 0.1.wait; nil.bar }.play'), [['bar', true]]);
    assert.deepEqual(late('Task { 0.1.wait; 3.baz }.play'), [['baz', true]]);
    assert.deepEqual(late('Pbind(\\dur, Pfunc { nil.qux }).play'), [['qux', true]]);
    assert.deepEqual(late('{ var x; x = 1; y.z }.value'), [['z', false]]);
  });

  it('finds nothing in output without errors (a warning, a result)', () => {
    assert.deepEqual(parseSclangErrors(outputOf('"warn".warn')), []);
    assert.deepEqual(parseSclangErrors(outputOf('1.0.asInteger; Array.newClear(-1)')), []);
  });

  it('reports each error of a stream of post lines once its summary is complete', () => {
    const seen: SclangErrorReport[] = [];
    const stream = new SclangErrorStream((report) => seen.push(report));
    for (const code of ['Routine { 0.1.wait; nil.bar }.play', '"warn".warn', 'nil.foo', 'Array.fill(3, 1).at(\\x)']) {
      for (const line of outputOf(code)) stream.push(line);
    }
    assert.deepEqual(seen.map((report) => [report.message.slice(0, 30), report.receiver, report.fromRoutine ?? false]), [
      ["Message 'bar' not understood.", 'nil', true],
      ["Message 'foo' not understood.", 'nil', false],
      ["Primitive '_BasicAt' failed. I", '[ 1, 1, 1 ]', false],
    ]);
  });

  it('finds the one call of a selector in a block, and none where there are two', () => {
    assert.equal(findSingleCall('(\n1;\n3.foo(1, 2)\n)', 'foo'), 7);
    assert.equal(findSingleCall('x.foo; y.foo', 'foo'), undefined);
    assert.equal(findSingleCall('x.food', 'foo'), undefined);
    assert.equal(findSingleCall('foo(1)', 'foo'), 0);
  });
});

describe('sclang\'s welcome line', () => {
  it('names this editor\'s keys instead of Emacs\', vim\'s and gedit\'s', () => {
    const startup: string[] = JSON.parse(readFileSync(path.join(FIXTURES, 'sclang-3.13-startup.json'), 'utf8')).startup;
    const welcome = startup.find((line) => line.includes('Welcome to SuperCollider'))!;
    const told = withOwnKeys(welcome);
    assert.match(told, /^\*\*\* Welcome to SuperCollider 3\.13\.0\. \*\*\* /);
    for (const key of ['Ctrl+Enter', 'Shift+Enter', 'Ctrl+.', 'Ctrl+D']) assert.ok(told.includes(key), key);
    assert.doesNotMatch(told, /Emacs|vim|gedit/);
    assert.equal(withOwnKeys('compile done'), 'compile done');
  });
});
