// Which code an evaluation command sends: the enclosing top-level ( ... ) block, as in the
// SuperCollider IDE. Strings, symbols, character literals and comments are skipped, so a
// bracket inside them never counts.

export interface TextRange {
  /** Offset of the first character. */
  start: number;
  /** Offset after the last character. */
  end: number;
}

export interface Region {
  /** Offset of the region's `(`. */
  open: number;
  /** Offset of its matching `)`. */
  close: number;
  /** Offset after the region's last character: the `)`, or the end of the statement it starts. */
  end: number;
}

const OPENERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const CLOSERS = new Set([')', ']', '}']);

/**
 * The regions of SuperCollider code: top-level parentheses whose `(` is the first thing on its
 * line, in document order. Usually the `)` ends its line too (`;` and comments aside) and the
 * region ends there; when code follows it (`).play;`, `(1..8).do {`), the region runs on to
 * the end of that statement, so what is evaluated is whole. Unbalanced code yields only the
 * regions that do close.
 */
export function topLevelBlocks(text: string): Region[] {
  const blocks: Region[] = [];
  const stack: Array<{ char: string; offset: number }> = [];
  /** A region whose `)` had code after it: it ends where that statement ends. */
  let open: { open: number; close: number } | undefined;
  const finish = (end: number) => {
    if (!open) return;
    let last = end;
    while (last > open.close + 1 && /\s/.test(text[last - 1])) last--;
    blocks.push({ ...open, end: last });
    open = undefined;
  };
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    const next = text[i + 1];
    if (c === '/' && next === '/') {
      if (open && stack.length === 0) finish(i);
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
    if (open && stack.length === 0 && (c === '\n' || c === ';')) {
      finish(c === ';' ? i + 1 : i);
    } else if (c in OPENERS) {
      stack.push({ char: c, offset: i });
    } else if (CLOSERS.has(c)) {
      // Pop to the matching opener; a stray closer is ignored.
      const index = findLastIndex(stack, (entry) => OPENERS[entry.char] === c);
      if (index >= 0) {
        const opener = stack[index];
        stack.length = index;
        if (index === 0 && c === ')' && !open && startsLine(text, opener.offset)) {
          if (endsLine(text, i + 1)) blocks.push({ open: opener.offset, close: i, end: i + 1 });
          else open = { open: opener.offset, close: i };
        }
      }
    }
    i++;
  }
  if (stack.length === 0) finish(n);
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

/** Only `;`, blanks or a comment follow on the line. */
function endsLine(text: string, offset: number): boolean {
  return /^[ \t]*;?[ \t]*(\/\/.*|\/\*.*)?$/.test(text.slice(offset, lineEnd(text, offset)));
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** End of the line, before its line break (`\n` or `\r\n`). */
function lineEnd(text: string, offset: number): number {
  const newline = text.indexOf('\n', offset);
  if (newline < 0) return text.length;
  return newline > offset && text[newline - 1] === '\r' ? newline - 1 : newline;
}

/**
 * The block to evaluate for a cursor at `offset`: the top-level ( ... ) block around it,
 * also when the cursor is on the line of its opening or closing parenthesis. Undefined when
 * the cursor is in no block (then the current line is evaluated).
 */
export function findEnclosingBlock(text: string, offset: number): TextRange | undefined {
  for (const { open, end } of topLevelBlocks(text)) {
    const from = lineStart(text, open);
    const to = lineEnd(text, end - 1);
    if (offset >= from && offset <= to) return { start: open, end };
  }
  return undefined;
}

/** The line around `offset`, without its line break. */
export function lineAt(text: string, offset: number): TextRange {
  return { start: lineStart(text, offset), end: lineEnd(text, offset) };
}
