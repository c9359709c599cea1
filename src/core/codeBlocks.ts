// Which code an evaluation command sends: the enclosing top-level ( ... ) block, as in the
// SuperCollider IDE. Strings, symbols, character literals and comments are skipped, so a
// bracket inside them never counts.

export interface TextRange {
  /** Offset of the first character. */
  start: number;
  /** Offset after the last character. */
  end: number;
}

interface BracketPair {
  open: number;
  close: number;
}

const OPENERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const CLOSERS = new Set([')', ']', '}']);

/**
 * Top-level parenthesis pairs whose `(` is the first thing on its line (the convention for
 * a region in SuperCollider code), in document order. Unbalanced code yields only the pairs
 * that do close.
 */
export function topLevelBlocks(text: string): BracketPair[] {
  const blocks: BracketPair[] = [];
  const stack: Array<{ char: string; offset: number }> = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    const next = text[i + 1];
    if (c === '/' && next === '/') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && next === '*') {
      // Block comments nest in SuperCollider.
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (text[i] === '/' && text[i + 1] === '*') {
          depth++;
          i += 2;
        } else if (text[i] === '*' && text[i + 1] === '/') {
          depth--;
          i += 2;
        } else i++;
      }
      continue;
    }
    if (c === '"' || c === "'") {
      i++;
      while (i < n && text[i] !== c) i += text[i] === '\\' ? 2 : 1;
      i++;
      continue;
    }
    if (c === '$') {
      // A character literal: $a, $(, $", and escaped ones such as $\n.
      i += next === '\\' ? 3 : 2;
      continue;
    }
    if (c in OPENERS) {
      stack.push({ char: c, offset: i });
    } else if (CLOSERS.has(c)) {
      // Pop to the matching opener; a stray closer is ignored.
      const index = findLastIndex(stack, (entry) => OPENERS[entry.char] === c);
      if (index >= 0) {
        const opener = stack[index];
        stack.length = index;
        if (index === 0 && c === ')' && startsLine(text, opener.offset)) blocks.push({ open: opener.offset, close: i });
      }
    }
    i++;
  }
  return blocks;
}

function findLastIndex<T>(items: T[], predicate: (item: T) => boolean): number {
  for (let index = items.length - 1; index >= 0; index--) if (predicate(items[index])) return index;
  return -1;
}

function startsLine(text: string, offset: number): boolean {
  for (let i = offset - 1; i >= 0; i--) {
    if (text[i] === '\n') return true;
    if (text[i] !== ' ' && text[i] !== '\t') return false;
  }
  return true;
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function lineEnd(text: string, offset: number): number {
  const end = text.indexOf('\n', offset);
  return end < 0 ? text.length : end;
}

/**
 * The block to evaluate for a cursor at `offset`: the top-level ( ... ) block around it,
 * also when the cursor is on the line of its opening or closing parenthesis. Undefined when
 * the cursor is in no block (then the current line is evaluated).
 */
export function findEnclosingBlock(text: string, offset: number): TextRange | undefined {
  for (const { open, close } of topLevelBlocks(text)) {
    const from = lineStart(text, open);
    const to = lineEnd(text, close);
    if (offset >= from && offset <= to) return { start: open, end: close + 1 };
  }
  return undefined;
}

/** The line around `offset`, without its line break. */
export function lineAt(text: string, offset: number): TextRange {
  return { start: lineStart(text, offset), end: lineEnd(text, offset) };
}
