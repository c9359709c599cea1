// Expand Selection in SuperCollider code: from a word to the argument, the call with its
// receiver (`SinOsc.ar(440)`, `Pbind(...).play`), the statement, the bracket's inside and the
// bracket, out to the `( ... )` block and the file. Read through the code mask, so a bracket,
// comma or semicolon in a string, symbol or comment never counts.
import { maskCode } from './codeMask';
import type { TextRange } from './codeBlocks';

const WORD = /[~\\]?[A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d+)?(?:e[-+]?\d+)?(?:pi)?/g;
const OPENERS = '([{';
const CLOSERS = ')]}';

interface Pair {
  open: number;
  close: number;
}

/** The ranges around `offset`, innermost first, each holding the one before it and more. */
export function selectionRanges(text: string, offset: number): TextRange[] {
  const { masked } = maskCode(text);
  const pairs = bracketPairs(masked);
  const openerAt = new Map(pairs.map((pair) => [pair.close, pair]));
  // The pairs around the offset, innermost first (the cursor right after `(` or before `)` is inside).
  const around = pairs.filter((pair) => pair.open < offset && offset <= pair.close).sort((a, b) => b.open - a.open);

  const ranges: TextRange[] = [];
  const add = (range: TextRange | undefined) => {
    if (!range || range.end <= range.start) return;
    const last = ranges[ranges.length - 1];
    if (last && !(range.start <= last.start && range.end >= last.end && range.end - range.start > last.end - last.start)) return;
    ranges.push(range);
  };

  add(wordAt(text, masked, offset));
  let current: TextRange = ranges[0] ?? { start: offset, end: offset };
  const containers: (Pair | undefined)[] = [...around, undefined];
  for (const pair of containers) {
    const inside = pair ? { start: pair.open + 1, end: pair.close } : { start: 0, end: text.length };
    // A function's statements come after its arguments (`|a, b|` or `arg a, b;`).
    const body = pair && masked[pair.open] === '{' ? afterArguments(masked, inside) : inside;
    // An argument, a statement, the statements, the whole inside: smallest first (a block has no top-level commas).
    const pieces = [segmentAround(masked, body, current, ','), segmentAround(masked, body, current, ';'), trimmed(text, body), trimmed(text, inside)];
    for (const piece of pieces.filter((range) => range !== undefined).sort((a, b) => a.end - a.start - (b.end - b.start))) add(piece);
    if (!pair) break;
    add({ start: pair.open, end: pair.close + 1 });
    add(callAround(masked, pair, openerAt));
    current = ranges[ranges.length - 1];
  }
  add({ start: 0, end: text.length });
  return ranges;
}

/** Matched bracket pairs of masked code (unmatched brackets, as while typing, are left out). */
function bracketPairs(masked: string): Pair[] {
  const pairs: Pair[] = [];
  const stack: { char: string; offset: number }[] = [];
  for (let i = 0; i < masked.length; i++) {
    const c = masked[i];
    if (OPENERS.includes(c)) stack.push({ char: c, offset: i });
    else if (CLOSERS.includes(c)) {
      const top = stack[stack.length - 1];
      if (top && OPENERS.indexOf(top.char) === CLOSERS.indexOf(c)) {
        stack.pop();
        pairs.push({ open: top.offset, close: i });
      }
    }
  }
  return pairs;
}

/** The word (identifier, `\symbol`, `~variable`, number) at or just before the offset, in code or in a string. */
function wordAt(text: string, masked: string, offset: number): TextRange | undefined {
  // In a string or comment the mask is blank: words are read from the text there.
  const source = masked[offset] === ' ' && text[offset] !== ' ' ? text : masked;
  const lineStart = source.lastIndexOf('\n', offset - 1) + 1;
  const lineEnd = source.indexOf('\n', offset);
  const line = source.slice(lineStart, lineEnd < 0 ? source.length : lineEnd);
  for (const match of line.matchAll(WORD)) {
    const start = lineStart + match.index;
    const end = start + match[0].length;
    if (start <= offset && offset <= end) return { start, end };
  }
  return undefined;
}

/**
 * The piece of a bracket's inside between the separators (`,` or `;`) on its own level that
 * holds `range`, without the separator and surrounding blanks.
 */
function segmentAround(masked: string, inside: TextRange, range: TextRange, separator: string): TextRange | undefined {
  let depth = 0;
  let start = inside.start;
  for (let i = inside.start; i <= inside.end; i++) {
    const c = i < inside.end ? masked[i] : separator;
    if (OPENERS.includes(c)) depth++;
    else if (CLOSERS.includes(c)) depth--;
    else if (c === separator && depth === 0) {
      if (start <= range.start && range.end <= i) return trimmed(masked, { start, end: i });
      start = i + 1;
    }
  }
  return undefined;
}

/**
 * A call's whole expression around a bracket pair: its receiver chain before it
 * (`SinOsc.ar(`, `Pbind(...).play(`, `~x.set(`) back to where the expression starts.
 */
function callAround(masked: string, pair: Pair, openerAt: Map<number, Pair>): TextRange | undefined {
  let start = pair.open;
  for (;;) {
    while (start > 0 && /[\w.~\\]/.test(masked[start - 1])) start--;
    // `foo(1).bar(`: the chain goes on through the earlier call's brackets.
    const before = openerAt.get(start - 1);
    if (before && masked[start] === '.') {
      start = before.open;
      continue;
    }
    break;
  }
  while (masked[start] === '.') start++;
  return start < pair.open ? { start, end: pair.close + 1 } : undefined;
}

/** A function's inside after its argument list, `|...|` or `arg ...;`, if it has one. */
function afterArguments(masked: string, inside: TextRange): TextRange {
  const first = trimmed(masked, inside);
  if (!first) return inside;
  const head = masked.slice(first.start, first.end);
  const end = head.startsWith('|') ? head.indexOf('|', 1) : /^arg\b/.test(head) ? head.indexOf(';') : -1;
  return end > 0 ? { start: first.start + end + 1, end: inside.end } : inside;
}

function trimmed(text: string, range: TextRange): TextRange | undefined {
  let { start, end } = range;
  while (start < end && /\s/.test(text[start])) start++;
  while (end > start && /\s/.test(text[end - 1])) end--;
  return end > start ? { start, end } : undefined;
}
