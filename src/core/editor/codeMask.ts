// The one reading of SuperCollider's strings, symbols, character literals and comments:
// the code with their insides blanked, same length, so offsets still point into the text.
// Block finding (codeBlocks.ts), completion, outlines and references all read code through it.

export type MaskedInside = 'code' | 'string' | 'symbol' | 'comment';

/** Where a comment is (for folding): `//` to the end of its line, or a whole (nested) block comment. */
export interface CommentSpan {
  start: number;
  /** Offset after its last character. */
  end: number;
  block: boolean;
}

/**
 * The text up to `end` with the insides of strings, symbols, characters and comments blanked
 * (quotes and a line comment's `//` stay), and what the text ends inside of. Code is copied a
 * run at a time, so a long file costs about one pass. `comments`, if given, receives each
 * comment's span.
 */
export function maskCode(text: string, end = text.length, comments?: CommentSpan[]): { masked: string; inside: MaskedInside } {
  const out: string[] = [];
  let inside: MaskedInside = 'code';
  let codeStart = 0;
  let i = 0;
  /** Copies the code up to `i`, then `replacement` for what runs to `to`. */
  const blank = (to: number, replacement: string) => {
    out.push(text.slice(codeStart, i), replacement);
    i = to;
    codeStart = to;
  };
  while (i < end) {
    const c = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    if (c === SLASH && next === SLASH) {
      const stop = text.indexOf('\n', i);
      const to = stop < 0 || stop > end ? end : stop;
      // The `//` stays: a line comment ends a statement's line (block finding needs that).
      const kept = Math.min(2, to - i);
      inside = to === end && (stop < 0 || stop >= end) ? 'comment' : 'code';
      comments?.push({ start: i, end: to, block: false });
      blank(to, '//'.slice(0, kept) + ' '.repeat(to - i - kept));
      continue;
    }
    if (c === SLASH && next === STAR) {
      // sclang's block comments nest.
      let depth = 0;
      let j = i;
      while (j < end) {
        if (text.charCodeAt(j) === SLASH && text.charCodeAt(j + 1) === STAR) {
          depth++;
          j += 2;
        } else if (text.charCodeAt(j) === STAR && text.charCodeAt(j + 1) === SLASH) {
          depth--;
          j += 2;
          if (depth === 0) break;
        } else j++;
      }
      const to = Math.min(j, end);
      inside = depth > 0 ? 'comment' : 'code';
      comments?.push({ start: i, end: to, block: true });
      blank(to, ' '.repeat(to - i));
      continue;
    }
    if (c === DOUBLE_QUOTE || c === SINGLE_QUOTE) {
      const quote = text[i];
      let j = i + 1;
      while (j < end && text.charCodeAt(j) !== c) j += text.charCodeAt(j) === BACKSLASH ? 2 : 1;
      if (j >= end) {
        inside = quote === '"' ? 'string' : 'symbol';
        blank(end, quote + ' '.repeat(Math.max(0, end - i - 1)));
        break;
      }
      inside = 'code';
      blank(j + 1, quote + ' '.repeat(j - i - 1) + quote);
      continue;
    }
    if (c === DOLLAR && i + 1 < end) {
      // A character literal: $a, $\n, $( do not open anything.
      const len = Math.min(next === BACKSLASH ? 3 : 2, end - i);
      inside = 'code';
      blank(i + len, '$' + 'a'.repeat(len - 1));
      continue;
    }
    inside = 'code';
    i++;
  }
  if (codeStart < end) out.push(text.slice(codeStart, Math.min(i, end)));
  return { masked: out.join('').slice(0, end), inside };
}

const SLASH = 47;
const STAR = 42;
const DOUBLE_QUOTE = 34;
const SINGLE_QUOTE = 39;
const BACKSLASH = 92;
const DOLLAR = 36;
