// Which code an evaluation command sends: the enclosing top-level ( ... ) block, as in the
// SuperCollider IDE. Strings, symbols, character literals and comments are skipped, so a
// bracket inside them never counts.
import { maskCode } from './codeMask';

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
const OPENER_OF: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

/** What region finding needs of the code: brackets, and where statements and lines end. */
interface Token {
  /** A bracket character, `;`, `\n`, or `//` for a line comment (it ends a statement's line). */
  char: string;
  offset: number;
}

/**
 * The tokens of the code outside strings, symbols, character literals and comments, read
 * once from the top (a string or comment left open swallows the rest, as it does for sclang).
 */
function tokenize(text: string): Token[] {
  const { masked } = maskCode(text);
  const tokens: Token[] = [];
  for (let i = 0; i < masked.length; i++) {
    const c = masked[i];
    if (c === '/' && masked[i + 1] === '/') {
      tokens.push({ char: '//', offset: i });
      const lineEnd = masked.indexOf('\n', i);
      if (lineEnd < 0) break;
      i = lineEnd - 1;
      continue;
    }
    if (c in OPENERS || c in OPENER_OF || c === ';' || c === '\n') tokens.push({ char: c, offset: i });
  }
  return tokens;
}

/**
 * The region that starts at the `(` of `tokens[first]`, read from there alone: whatever is
 * unbalanced above it does not matter. Inside, a closer pops to its matching opener and a
 * stray closer is ignored. Undefined when the `(` never closes. `next` is the index of the
 * first token after the region.
 */
function regionAt(text: string, tokens: Token[], first: number): (Region & { next: number }) | undefined {
  const stack: string[] = [];
  for (let t = first; t < tokens.length; t++) {
    const { char, offset } = tokens[t];
    if (char in OPENERS) {
      stack.push(char);
    } else if (char in OPENER_OF) {
      const index = stack.lastIndexOf(OPENER_OF[char]);
      if (index < 0) continue;
      stack.length = index;
      if (index > 0) continue;
      // The region's own ( is closed (only a ) can pop the bottom of the stack).
      const open = tokens[first].offset;
      if (endsLine(text, offset + 1)) return { open, close: offset, end: offset + 1, next: t + 1 };
      return { open, close: offset, ...statementEnd(text, tokens, t + 1, offset + 1) };
    }
  }
  return undefined;
}

/**
 * Where the statement that goes on after a region's `)` (`).play;`, `(1..8).do {`) ends:
 * at the first `;`, line end or comment outside brackets; trailing blanks left out.
 */
function statementEnd(text: string, tokens: Token[], from: number, minEnd: number): { end: number; next: number } {
  let depth = 0;
  let t = from;
  let end = text.length;
  for (; t < tokens.length; t++) {
    const { char, offset } = tokens[t];
    if (char in OPENERS) depth++;
    else if (char in OPENER_OF) depth = Math.max(0, depth - 1);
    else if (depth === 0) {
      end = char === ';' ? offset + 1 : offset;
      t++;
      break;
    }
  }
  while (end > minEnd && /\s/.test(text[end - 1])) end--;
  return { end, next: t };
}

/**
 * Indexes of the tokens that may open a region: a `(` first on its line and not inside a
 * bracket pair that closes (a `(` in a finished function body is no region; one below an
 * unfinished line is).
 */
function regionOpeners(text: string, tokens: Token[]): number[] {
  // Pair brackets over the whole text (a closer pops to its opener; openers left between
  // them never close), then count how many pairs enclose each token.
  const cover = new Int32Array(tokens.length + 1);
  const stack: number[] = [];
  tokens.forEach((token, index) => {
    if (token.char in OPENERS) stack.push(index);
    else if (token.char in OPENER_OF) {
      let k = stack.length - 1;
      while (k >= 0 && tokens[stack[k]].char !== OPENER_OF[token.char]) k--;
      if (k < 0) return;
      cover[stack[k] + 1]++;
      cover[index]--;
      stack.length = k;
    }
  });
  const openers: number[] = [];
  let depth = 0;
  tokens.forEach((token, index) => {
    depth += cover[index];
    if (depth === 0 && token.char === '(' && startsLine(text, token.offset)) openers.push(index);
  });
  return openers;
}

/**
 * The regions of SuperCollider code: parentheses whose `(` is the first thing on its line and
 * that close, outermost first, in document order. Usually the `)` ends its line too (`;` and
 * comments aside) and the region ends there; when code follows it (`).play;`, `(1..8).do {`),
 * the region runs on to the end of that statement, so what is evaluated is whole. Each
 * region is read on its own, so unbalanced code elsewhere (an unfinished line above, a block
 * missing its `)`) hides no other region.
 */
export function topLevelBlocks(text: string): Region[] {
  const tokens = tokenize(text);
  const blocks: Region[] = [];
  let after = 0;
  for (const first of regionOpeners(text, tokens)) {
    if (first < after) continue; // inside a region already found
    const region = regionAt(text, tokens, first);
    if (!region) continue;
    const { next, ...block } = region;
    blocks.push(block);
    after = next;
  }
  return blocks;
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

/**
 * What an evaluation key sends, as in the editors: the selection when there is one, else for
 * 'block' (Ctrl+Enter) the ( ... ) block around the cursor or else its line, for 'line'
 * (Shift+Enter) the line. Help examples use it on their text and cursor too.
 */
export function evaluationRange(text: string, selectionStart: number, selectionEnd: number, scope: 'block' | 'line'): TextRange {
  if (selectionEnd > selectionStart) return { start: selectionStart, end: selectionEnd };
  return (scope === 'block' ? findEnclosingBlock(text, selectionStart) : undefined) ?? lineAt(text, selectionStart);
}
