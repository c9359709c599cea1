import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { evaluationRange, findEnclosingBlock, lineAt, topLevelBlocks } from '../../src/core/editor/codeBlocks';

// Which code an evaluation sends: the top-level ( ... ) block around the cursor, else the line.
// In the snippets, | marks the cursor (removed before the call). Snippets that contain
// SuperCollider's own | (argument lists) mark the cursor with ‸ instead.

const ROOT = path.resolve(__dirname, '../../..');
const BLOCKS_FIXTURE = path.join(ROOT, 'test/unit/fixtures/blocks.scd');

interface Cursor {
  text: string;
  offset: number;
}

/** The snippet without its cursor marker, and the marker's offset. */
function cursor(snippet: string, marker = '|'): Cursor {
  const offset = snippet.indexOf(marker);
  assert.ok(offset >= 0, `the snippet has a cursor marker ${marker}`);
  assert.equal(snippet.indexOf(marker, offset + 1), -1, `the snippet has one cursor marker ${marker}`);
  return { text: snippet.slice(0, offset) + snippet.slice(offset + marker.length), offset };
}

/** The text of the block around the cursor, or undefined. */
function blockText({ text, offset }: Cursor): string | undefined {
  const range = findEnclosingBlock(text, offset);
  return range && text.slice(range.start, range.end);
}

/** What the caller evaluates: the block, else the line. */
function evaluatedText(at: Cursor): string {
  const range = findEnclosingBlock(at.text, at.offset) ?? lineAt(at.text, at.offset);
  return at.text.slice(range.start, range.end);
}

const crlf = (text: string) => text.replace(/\n/g, '\r\n');

interface Case {
  name: string;
  snippet: string;
  /** The block's exact text; absent: no block. */
  block?: string;
  /** Without a block: the line evaluated instead. */
  line?: string;
  crlfLine?: true;
  marker?: string;
}

const SIMPLE = String.raw`(
~a = 1;
~b = 2;
)`;

const cases: Case[] = [
  // The cursor inside a block, and on its opening and closing lines.
  { name: 'cursor inside a simple block', snippet: '(\n~a = 1;\n~b = |2;\n)', block: SIMPLE },
  { name: 'cursor at the start of an inner line', snippet: '(\n|~a = 1;\n~b = 2;\n)', block: SIMPLE },
  { name: 'cursor at the end of an inner line', snippet: '(\n~a = 1;|\n~b = 2;\n)', block: SIMPLE },
  { name: 'cursor before the (', snippet: '|(\n~a = 1;\n~b = 2;\n)', block: SIMPLE },
  { name: 'cursor after the (', snippet: '(|\n~a = 1;\n~b = 2;\n)', block: SIMPLE },
  {
    name: 'cursor after a comment on the opening line',
    snippet: '( // setup|\n~a = 1;\n)',
    block: '( // setup\n~a = 1;\n)',
  },
  { name: 'cursor before the )', snippet: '(\n~a = 1;\n~b = 2;\n|)', block: SIMPLE },
  { name: 'cursor after the )', snippet: '(\n~a = 1;\n~b = 2;\n)|', block: SIMPLE },
  {
    name: 'cursor after the ) followed by more lines',
    snippet: '(\n~a = 1;\n~b = 2;\n)|\n\n~c = 3;',
    block: SIMPLE,
  },
  {
    name: 'code after the ) belongs to the block (the whole statement), cursor in the block',
    snippet: '(\n{ SinOsc.ar(|440, 0, 0.1) }\n).play;',
    block: '(\n{ SinOsc.ar(440, 0, 0.1) }\n).play;',
  },
  {
    name: 'code after the ) belongs to the block, cursor at the end of it',
    snippet: '(\n{ SinOsc.ar(440, 0, 0.1) }\n).play;|',
    block: '(\n{ SinOsc.ar(440, 0, 0.1) }\n).play;',
  },
  {
    name: 'cursor after a comment on the closing line',
    snippet: '(\n~a = 1;\n) // done|',
    block: '(\n~a = 1;\n)',
  },
  { name: 'cursor on the line after the block', snippet: '(\n~a = 1;\n)\n|~b = 2;', line: '~b = 2;' },
  { name: 'cursor on the line before the block', snippet: '~z = 0;|\n(\n~a = 1;\n)', line: '~z = 0;' },

  // Nesting.
  {
    name: 'nested parentheses, brackets and braces',
    snippet: String.raw`(
SynthDef(\pad, { |freq = 440, amp = 0.1|
    var sig = SinOsc.ar(freq * [1, 1.01], 0, amp);
    Out.ar(0, Pan2.ar(sig.sum‸, 0));
}).add;
)`,
    marker: '‸',
    block: String.raw`(
SynthDef(\pad, { |freq = 440, amp = 0.1|
    var sig = SinOsc.ar(freq * [1, 1.01], 0, amp);
    Out.ar(0, Pan2.ar(sig.sum, 0));
}).add;
)`,
  },
  {
    name: 'a line-leading ( nested in a block: the outer block',
    snippet: '(\n~f = {\n    (\n    1.p|ostln;\n    )\n};\n)',
    block: '(\n~f = {\n    (\n    1.postln;\n    )\n};\n)',
  },

  // Brackets that are not brackets.
  {
    name: 'brackets inside a string',
    snippet: '(\n"((".postln;\n~x = |1;\n)',
    block: '(\n"((".postln;\n~x = 1;\n)',
  },
  {
    name: 'a ) inside a string does not close the block',
    snippet: '(\n"a ) b".postln;\n~x = |1;\n)',
    block: '(\n"a ) b".postln;\n~x = 1;\n)',
  },
  {
    name: 'escaped quotes and backslashes inside a string',
    snippet: String.raw`(
"say \")\" (".postln;
~path = "C:\\sounds\\";
~x = |1;
)`,
    block: String.raw`(
"say \")\" (".postln;
~path = "C:\\sounds\\";
~x = 1;
)`,
  },
  {
    name: 'a // inside a string is no comment',
    snippet: '(\n~url = "http://example.com/(";\n~x = |1;\n)',
    block: '(\n~url = "http://example.com/(";\n~x = 1;\n)',
  },
  {
    name: "brackets inside 'quoted' symbols",
    snippet: "(\n~s = '(';\n~t = 'it\\'s )';\n~x = |1;\n)",
    block: "(\n~s = '(';\n~t = 'it\\'s )';\n~x = 1;\n)",
  },
  {
    name: '\\symbols next to brackets',
    snippet: String.raw`(
Pbind(\instrument, \pad, \dur, 0.25).play;
~x = |1;
)`,
    block: String.raw`(
Pbind(\instrument, \pad, \dur, 0.25).play;
~x = 1;
)`,
  },
  {
    name: 'character literals $( $) $" $\' $\\',
    snippet: String.raw`(
~chars = [$(, $), $", $', $\\, $\n];
~x = |1;
)`,
    block: String.raw`(
~chars = [$(, $), $", $', $\\, $\n];
~x = 1;
)`,
  },
  {
    name: 'brackets inside // comments',
    snippet: '(\n// ) closes nothing\n~x = |1; // nor does this (\n)',
    block: '(\n// ) closes nothing\n~x = 1; // nor does this (\n)',
  },
  {
    name: 'a /* inside a // comment starts no block comment',
    snippet: '(\n// /* not a comment start\n~x = |1;\n)',
    block: '(\n// /* not a comment start\n~x = 1;\n)',
  },
  {
    name: 'brackets inside nested /* /* */ */ comments',
    snippet: '(\n/* /* ( */ ) */\n~x = |1;\n)',
    block: '(\n/* /* ( */ ) */\n~x = 1;\n)',
  },
  {
    name: 'a commented-out block is no block',
    snippet: '/*\n(\n~x = |1;\n)\n*/',
    line: '~x = 1;',
  },
  {
    name: 'a line-comment ( is no block',
    snippet: '// (\n~x = |1;\n// )',
    line: '~x = 1;',
  },

  // Parentheses that are not blocks.
  { name: 'a ( that is not first on its line', snippet: 'x = (1 + |2);', line: 'x = (1 + 2);' },
  {
    name: 'a multi-line ( that is not first on its line',
    snippet: '~x = (\n1 + |2\n);',
    line: '1 + 2',
  },
  {
    name: 'a ( indented on its own line inside a top-level { }',
    snippet: '~f = {\n    (\n    1.postln;|\n    )\n};',
    line: '    1.postln;',
  },
  {
    name: 'a line-leading [ or { is no block',
    snippet: '[\n1, |2\n].postln;\n{\n3\n}.value;',
    line: '1, 2',
  },

  // Several blocks.
  {
    name: 'two blocks, cursor in the second',
    snippet: '(\n~a = 1;\n)\n(\n~b = |2;\n)',
    block: '(\n~b = 2;\n)',
  },
  {
    name: 'two blocks, cursor in the first',
    snippet: '(\n~a = |1;\n)\n(\n~b = 2;\n)',
    block: '(\n~a = 1;\n)',
  },
  { name: 'cursor between blocks', snippet: '(\n~a = 1;\n)\n|\n(\n~b = 2;\n)', line: '' },
  {
    name: 'cursor on a code line between blocks',
    snippet: '(\n~a = 1;\n)\n~c = |3;\n(\n~b = 2;\n)',
    line: '~c = 3;',
  },

  // Unbalanced code.
  {
    name: 'a block missing its )',
    snippet: '(\n~a = 1;\n)\n(\n~b = |2;\n',
    line: '~b = 2;',
  },
  {
    name: 'a complete block before one missing its )',
    snippet: '(\n~a = |1;\n)\n(\n~b = 2;\n',
    block: '(\n~a = 1;\n)',
  },
  {
    name: 'a stray ) before a block is ignored',
    snippet: ')\n(\n~a = |1;\n)',
    block: '(\n~a = 1;\n)',
  },
  {
    name: 'an unfinished line above a block (an unclosed { and ()',
    snippet: '~x = 1;\n~lead = { SinOsc.ar(\n\n(\n~b = |2;\n)\n',
    block: '(\n~b = 2;\n)',
  },
  {
    name: 'an unfinished line below a block',
    snippet: '(\n~b = |2;\n)\n~lead = { SinOsc.ar(\n',
    block: '(\n~b = 2;\n)',
  },
  {
    name: 'unfinished lines above and below, the block in the middle',
    snippet: '~lead = { SinOsc.ar(\n(\nx = [1, 2, |3];\n).postln;\n~pad = [ { \n',
    block: '(\nx = [1, 2, 3];\n).postln;',
  },
  {
    name: 'an unfinished block above: its inner lines are not a block, the next block is',
    snippet: '(\n~a = { |x|\n  x + 1;\n)\n(\n~b = ‸2;\n)',
    block: '(\n~b = 2;\n)',
    marker: '‸',
  },
  {
    name: 'a stray } above and a stray ] below',
    snippet: '}\n(\n~a = |[1, 2];\n)\n]\n',
    block: '(\n~a = [1, 2];\n)',
  },
  {
    name: 'the cursor on the unfinished line itself evaluates that line',
    snippet: '(\n~a = 1;\n)\n~lead = { SinOsc|.ar(\n(\n~b = 2;\n)',
    line: '~lead = { SinOsc.ar(',
  },
  {
    name: 'an unclosed ( at the start of a line above, inside a finished block below',
    snippet: '(\n// scratch\n\n(\n{ SinOsc.ar(|440) }.play;\n)',
    block: '(\n{ SinOsc.ar(440) }.play;\n)',
  },
  {
    name: 'an unclosed string swallows the rest',
    snippet: '(\n~a = "oops;\n~b = |2;\n)',
    line: '~b = 2;',
  },

  // Indentation.
  {
    name: 'spaces before the (',
    snippet: '    (\n    ~a = |1;\n    )',
    block: '(\n    ~a = 1;\n    )',
  },
  {
    name: 'a tab before the (, cursor at the start of the opening line',
    snippet: '|\t(\n\t~a = 1;\n\t)',
    block: '(\n\t~a = 1;\n\t)',
  },

  // CRLF line endings.
  { name: 'CRLF: cursor inside', snippet: crlf('(\n~a = 1;\n~b = |2;\n)'), block: crlf(SIMPLE) },
  { name: 'CRLF: cursor after the (', snippet: crlf('(|\n~a = 1;\n~b = 2;\n)'), block: crlf(SIMPLE) },
  {
    name: 'CRLF: cursor at the end of the closing line',
    snippet: crlf('(\n~a = 1;\n~b = 2;\n).play;|\n~c = 3;'),
    block: crlf('(\n~a = 1;\n~b = 2;\n).play;'),
  },
  {
    name: 'CRLF: two blocks, cursor in the second',
    snippet: crlf('(\n~a = 1;\n)\n\n(\n// )\n~b = |"(";\n)'),
    block: crlf('(\n// )\n~b = "(";\n)'),
  },
  { name: 'CRLF: a ( that is not first on its line', snippet: crlf('(\n)\nx = (1 + |2);\n'), crlfLine: true },
  { name: 'CRLF: a block missing its )', snippet: crlf('(\n~a = 1;\n)\n(\n~b = |2;\n'), crlfLine: true },
];

describe('codeBlocks', () => {
  describe('findEnclosingBlock on snippets', () => {
    for (const c of cases) {
      it(c.name, () => {
        const at = cursor(c.snippet, c.marker);
        if (c.block !== undefined) {
          assert.equal(blockText(at), c.block);
        } else {
          assert.equal(blockText(at), undefined, 'no block');
          if (!c.crlfLine) assert.equal(evaluatedText(at), c.line, 'the line is evaluated instead');
        }
      });
    }

    it('a one-line ( ... ) followed by code evaluates the whole statement, not just the ( )', () => {
      const first = cursor('|(freq: 440).play;');
      assert.equal(evaluatedText(first), '(freq: 440).play;');
      const second = cursor('(1..8).d‸o { |i|\n    i.postln;\n};', '‸');
      assert.equal(evaluatedText(second), '(1..8).do { |i|\n    i.postln;\n};');
    });
  });

  describe('lineAt', () => {
    const line = (snippet: string) => {
      const at = cursor(snippet);
      const range = lineAt(at.text, at.offset);
      return at.text.slice(range.start, range.end);
    };

    it('is the line around the offset, without its line break', () => {
      assert.equal(line('a;\nb|b;\nc;'), 'bb;');
      assert.equal(line('a;\n|bb;\nc;'), 'bb;');
      assert.equal(line('a;\nbb;|\nc;'), 'bb;');
    });

    it('handles the first line, the last line without a newline, and empty lines', () => {
      assert.equal(line('|a;\nb;'), 'a;');
      assert.equal(line('a;\nb;|'), 'b;');
      assert.equal(line('a;\n|\nb;'), '');
      assert.equal(line('|'), '');
    });

    it('leaves out the \\r of a CRLF line break', () => {
      assert.equal(line('a;\r\nb|b;\r\nc;'), 'bb;');
      assert.equal(line('a;\r\nbb;|\r\nc;'), 'bb;');
    });
  });

  describe('topLevelBlocks', () => {
    it('lists the top-level line-leading ( ) pairs in order, with their offsets', () => {
      const text = '(\n1\n)\nx = (2);\n  (\n[3, (4)]\n  )\n{\n(\n5\n)\n}';
      const blocks = topLevelBlocks(text);
      assert.deepEqual(
        blocks.map(({ open, close }) => text.slice(open, close + 1)),
        ['(\n1\n)', '(\n[3, (4)]\n  )'],
      );
      assert.deepEqual(blocks[0], { open: 0, close: 4, end: 5 });
      assert.equal(text[blocks[1].open], '(');
      assert.equal(text[blocks[1].close], ')');
    });

    it('yields only the pairs that close in unbalanced code', () => {
      const text = '(\n1\n)\n(\n2\n';
      assert.deepEqual(topLevelBlocks(text), [{ open: 0, close: 4, end: 5 }]);
      assert.deepEqual(topLevelBlocks('(\n[\n)'), [{ open: 0, close: 4, end: 5 }], 'an unclosed [ inside is dropped');
      assert.deepEqual(topLevelBlocks('(\n]\n)'), [{ open: 0, close: 4, end: 5 }], 'a stray ] inside is ignored');
    });

    it('finds nothing in empty text, comments and strings', () => {
      assert.deepEqual(topLevelBlocks(''), []);
      assert.deepEqual(topLevelBlocks('// (\n// )'), []);
      assert.deepEqual(topLevelBlocks('/*\n(\n)\n*/'), []);
      assert.deepEqual(topLevelBlocks('"\n(\n)\n"'), []);
    });

    it('finds the blocks below a ( that never closes', () => {
      // sclang would read everything after the unclosed ( as inside it, but the musician
      // evaluating the block below means that block.
      const open = '(\n~wip = 1;\n\n(\n~b = 2;\n)';
      assert.deepEqual(topLevelBlocks(open).map(({ open: o, end }) => open.slice(o, end)), ['(\n~b = 2;\n)']);
      assert.equal(topLevelBlocks(open.replace('~wip = 1;', '~wip = 1;\n)')).length, 2);
    });
  });

  for (const [name, convert] of [
    ['LF', (text: string) => text],
    ['CRLF', crlf],
  ] as const) {
    describe(`the blocks.scd fixture (${name})`, () => {
      const text = convert(readFileSync(BLOCKS_FIXTURE, 'utf8').replace(/\r\n/g, '\n'));

      /** The offset of `fragment` (unique in the file, written with \n) plus `delta`. */
      const offsetOf = (fragment: string, delta = 0): number => {
        const index = text.indexOf(convert(fragment));
        assert.ok(index >= 0 && text.indexOf(fragment, index + 1) < 0, `one ${JSON.stringify(fragment)} in the fixture`);
        return index + delta;
      };
      /** The text from the ( of `openLine` to the ) of `closeLine`. */
      const between = (openLine: string, closeLine: string): string => {
        const open = offsetOf(openLine) + openLine.indexOf('(');
        const close = offsetOf(closeLine) + closeLine.indexOf(')');
        return text.slice(open, close + 1);
      };
      const block = (offset: number) => blockText({ text, offset });
      /** No block at `offset`, so the line is evaluated (its text checked with LF only: see the lineAt BUG). */
      const assertLine = (offset: number, line: string) => {
        assert.equal(block(offset), undefined, `no block for ${JSON.stringify(line)}`);
        if (name === 'LF') assert.equal(evaluatedText({ text, offset }), line);
      };

      it('has three top-level blocks', () => {
        const blocks = topLevelBlocks(text).map(({ open, close }) => text.slice(open, close + 1));
        assert.deepEqual(blocks, [
          between('( // pad', ') // pad end'),
          between('    ( // indented', '    ) // indented end'),
          between('( // events', ').play; // events end'),
        ]);
      });

      it('evaluates the SynthDef block from anywhere in it', () => {
        const pad = between('( // pad', ') // pad end');
        assert.ok(pad.startsWith(convert('( // pad\nSynthDef(')) && pad.endsWith(convert('}).add;\n)')), pad);
        for (const fragment of [
          '( // pad',
          '// pad\n',
          'SynthDef(',
          'freq = 440',
          'line comment: )',
          '/* ) /* ( */ ) */',
          '( a ) string',
          '$), $"',
          'doneAction',
          '}).add;',
          ') // pad end',
        ]) {
          assert.equal(block(offsetOf(fragment)), pad, fragment);
          assert.equal(block(offsetOf(fragment, fragment.length)), pad, `after ${fragment}`);
        }
      });

      it('evaluates the line for an inline (, a function body and comments', () => {
        assertLine(offsetOf('x = (1 + 2);', 6), 'x = (1 + 2); // not a block: its ( is not the first thing on the line');
        assertLine(offsetOf('"inside a function'), '    "inside a function: not a block".postln;');
        assertLine(offsetOf('"old idea"'), '"old idea".postln; /* ) */');
        assertLine(offsetOf('no blocks: (', 11), '// Brackets in comments are no blocks: (');
        assertLine(offsetOf('s.boot;'), 's.boot;');
      });

      it('evaluates an indented block', () => {
        const indented = between('    ( // indented', '    ) // indented end');
        assert.ok(indented.startsWith(convert('( // indented\n')), indented);
        assert.equal(block(offsetOf("\\sym, '('")), indented);
        assert.equal(block(offsetOf('    ( // indented')), indented, 'cursor in the indentation');
        assert.equal(block(offsetOf('    ) // indented end', '    ) // indented end'.length)), indented);
      });

      it('takes the .play after its ) into the block', () => {
        const events = between('( // events', ').play; // events end').replace(/\)$/, ').play;');
        assert.ok(events.endsWith(convert('~e.postln;\n).play;')), events);
        assert.equal(block(offsetOf('(freq: 440')), events);
        assert.equal(block(offsetOf('// events end', '// events end'.length)), events);
      });

      it('finds no block for the unfinished one at the end', () => {
        assertLine(offsetOf('~nope'), '~nope = [1, 2];');
        assert.equal(block(offsetOf('( // unfinished')), undefined);
      });
    });
  }
});

describe('evaluationRange (the editors, and help examples)', () => {
  // A help example of four lines of synths, then a block: one line runs one synth.
  const example = '{ SinOsc.ar(440, 0, 0.1) }.play;\n{ SinOsc.ar(550, 0, 0.1) }.play;\n(\n{ Saw.ar(220, 0.1) }.play;\n{ Saw.ar(330, 0.1) }.play;\n)\n';
  const code = (start: number, end: number, scope: 'block' | 'line') => {
    const range = evaluationRange(example, start, end, scope);
    return example.slice(range.start, range.end);
  };
  const at = (needle: string) => example.indexOf(needle);

  it('Ctrl+Enter on a line outside any block runs that line, not the whole example', () => {
    assert.equal(code(at('550'), at('550'), 'block'), '{ SinOsc.ar(550, 0, 0.1) }.play;');
  });
  it('Ctrl+Enter inside ( ... ) runs the block; Shift+Enter there runs the line', () => {
    assert.equal(code(at('330'), at('330'), 'block'), '(\n{ Saw.ar(220, 0.1) }.play;\n{ Saw.ar(330, 0.1) }.play;\n)');
    assert.equal(code(at('330'), at('330'), 'line'), '{ Saw.ar(330, 0.1) }.play;');
  });
  it('a selection runs as it is', () => {
    assert.equal(code(at('SinOsc'), at('SinOsc') + 6, 'block'), 'SinOsc');
  });
});
