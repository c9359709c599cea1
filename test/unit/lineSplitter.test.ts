import { strict as assert } from 'node:assert';
import { LineSplitter } from '../../src/core/lineSplitter';

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
