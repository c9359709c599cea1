import { strict as assert } from 'node:assert';
import { LineSplitter } from '../../src/core/process/lineSplitter';

function collect(): { lines: string[]; splitter: LineSplitter } {
  const lines: string[] = [];
  return { lines, splitter: new LineSplitter((line) => lines.push(line)) };
}

describe('LineSplitter', () => {
  it('emits a ready line split across chunks once, whole', () => {
    const { lines, splitter } = collect();
    splitter.push('SuperCollider 3 ser');
    assert.deepEqual(lines, []);
    splitter.push('ver ready.\n');
    assert.deepEqual(lines, ['SuperCollider 3 server ready.']);
    splitter.flush();
    assert.deepEqual(lines, ['SuperCollider 3 server ready.']);
  });

  it('accepts Buffers and several lines per chunk, keeping empty lines', () => {
    const { lines, splitter } = collect();
    splitter.push(Buffer.from('a\nb\n\nc'));
    splitter.push(Buffer.from('d\n'));
    assert.deepEqual(lines, ['a', 'b', '', 'cd']);
  });

  it('strips CR of CRLF, also when CR and LF arrive in different chunks', () => {
    const { lines, splitter } = collect();
    splitter.push('Booting with:\r\n  In: MME\r');
    splitter.push('\nready\r\n');
    assert.deepEqual(lines, ['Booting with:', '  In: MME', 'ready']);
  });

  it('flush emits the unterminated rest once', () => {
    const { lines, splitter } = collect();
    splitter.push('one\ntwo');
    assert.deepEqual(lines, ['one']);
    splitter.flush();
    assert.deepEqual(lines, ['one', 'two']);
    splitter.flush();
    assert.deepEqual(lines, ['one', 'two']);
  });

  it('keeps a multi-byte UTF-8 character split across Buffer chunks', () => {
    const { lines, splitter } = collect();
    const bytes = Buffer.from('Périphérique\n', 'utf8');
    splitter.push(bytes.subarray(0, 2));
    splitter.push(bytes.subarray(2));
    assert.deepEqual(lines, ['Périphérique']);
  });
});

describe('LineSplitter with output that grows without bound', () => {
  it('splits a 20 MB line arriving in 64 KB chunks in linear time, and cuts it with a mark', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    const chunk = 'x'.repeat(64 * 1024);
    const chunks = Math.ceil((20 * 1024 * 1024) / chunk.length);
    const started = performance.now();
    for (let i = 0; i < chunks; i++) splitter.push(chunk);
    splitter.push('\nnext line\n');
    const ms = performance.now() - started;
    assert.ok(ms < 500, `took ${ms.toFixed(0)} ms`);
    assert.equal(lines.length, 2);
    assert.ok(lines[0].startsWith('x'.repeat(1000)));
    assert.match(lines[0], new RegExp(`… \\[${(chunks * chunk.length - 100_000).toLocaleString('en-US')} more characters of this line not shown\\]$`));
    assert.equal(lines[1], 'next line');
  });

  it('keeps lines up to the limit whole', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line), 10);
    splitter.push('0123456789\r\n01234');
    splitter.push('567890\n');
    assert.deepEqual(lines, ['0123456789', '0123456789 … [1 more characters of this line not shown]']);
  });
});
