// What the code around the cursor means for completion and signature help: in a string or a
// comment (nothing), after `Foo.` (class methods), after a receiver whose class the text shows
// (`"str".`, `\sym.`, `[1, 2].`, `(1..5).`, `1.`, `2.5.`, `{ }.`, `SinOsc.ar(...).`), inside
// which call and at which argument. Works on text alone: no sclang, no index.
import { maskCode } from '../editor/codeMask';
import { receiverWithVariables } from './musicContext';

export interface Receiver {
  className: string;
  /** `Foo.`: the class itself (its class methods); otherwise an instance. */
  classSide: boolean;
}

export type CompletionContext =
  | { kind: 'none' }
  | { kind: 'class'; prefix: string }
  | { kind: 'method'; prefix: string; receiver: Receiver | undefined }
  | { kind: 'envVar'; prefix: string }
  | { kind: 'synthDef'; prefix: string }
  | { kind: 'argument'; prefix: string; call: CallContext };

const IDENT_TAIL = /[A-Za-z0-9_]*$/;
/** Methods that answer an instance of the class they are sent to (UGens, constructors). */
const CONSTRUCTORS = new Set(['new', 'ar', 'kr', 'ir', 'dr', 'newClear', 'newFrom', 'with', 'fill', 'series', 'geom', 'read', 'alloc']);

/**
 * `variables`: a receiver the text does not show by itself (`x.`, `~x.`, `sig.`) is read from
 * the variable's nearest visible assignment (musicContext.ts). Off, only literals and calls.
 */
export function completionContext(text: string, offset: number, options: { variables?: boolean; reuseMask?: boolean } = {}): CompletionContext {
  const { masked, inside } = options.reuseMask === false ? maskCode(text, offset) : maskedBefore(text, offset);
  if (inside === 'comment' || inside === 'string') return { kind: 'none' };
  if (inside === 'symbol') return { kind: 'none' };
  // Regexes anchored at the end read only the last characters: on a long file `/…$/` would try
  // every position of the text.
  const prefix = IDENT_TAIL.exec(masked.slice(-256))![0];
  if (/^\d/.test(prefix)) return { kind: 'none' };
  const before = masked.slice(0, masked.length - prefix.length);
  const last = before[before.length - 1];
  if (last === '~') return { kind: 'envVar', prefix };
  if (last === '\\') return isSynthDefSlot(before.slice(-257, -1)) ? { kind: 'synthDef', prefix } : { kind: 'none' };
  if (last === '.') {
    if (before.endsWith('..')) return { kind: 'none' };
    const code = before.slice(0, -1);
    return { kind: 'method', prefix, receiver: options.variables === false ? receiverBefore(code) : receiverWithVariables(code) };
  }
  if (/^[A-Z]/.test(prefix)) return { kind: 'class', prefix };
  // A lowercase word where an argument starts: the call's argument names (freq:).
  if (/[(,]\s*$/.test(before.slice(-256))) {
    const call = callAt(masked, before.length);
    if (call) return { kind: 'argument', prefix, call };
  }
  return { kind: 'none' };
}

/**
 * The text before the cursor masked, reusing the last request's mask of the text up to a line
 * some way above the cursor: while the musician types in one place, the text up there does not
 * change, so only the last lines are masked again (a 5,000-line file costs a few lines, not a
 * pass over the file). A line start in code (not inside a string or comment) masks the same
 * from there as from the file's start.
 */
export function maskedBefore(text: string, offset: number): { masked: string; inside: ReturnType<typeof maskCode>['inside'] } {
  const held = maskHeld;
  if (held && held.end <= offset && held.end > offset - REMASK_LIMIT && text.startsWith(held.prefix)) {
    const tail = maskCode(text.slice(held.end, offset));
    return { masked: held.masked + tail.masked, inside: tail.inside };
  }
  // A line start some way above the cursor: the next requests there reuse the mask up to it.
  const lineStart = text.lastIndexOf('\n', Math.max(0, offset - REMASK_MARGIN)) + 1;
  const head = maskCode(text, lineStart);
  if (head.inside !== 'code' || lineStart === 0) {
    maskHeld = undefined;
    return maskCode(text, offset);
  }
  maskHeld = { prefix: text.slice(0, lineStart), end: lineStart, masked: head.masked };
  const tail = maskCode(text.slice(lineStart, offset));
  return { masked: head.masked + tail.masked, inside: tail.inside };
}

/** How far above the cursor the held mask ends, and how far it may be before it is renewed. */
const REMASK_MARGIN = 2_000;
const REMASK_LIMIT = 20_000;
let maskHeld: { prefix: string; end: number; masked: string } | undefined;

/** `Synth(\`, `Synth.new(\`, `Synth.head(g, \`, `\instrument, \` (a Pbind key). */
function isSynthDefSlot(before: string): boolean {
  return /\bSynth(\.(new|head|tail|before|after|replace|newPaused))?\s*\(\s*$/.test(before) || /\\instrument\s*,\s*$/.test(before);
}

/** The class of the expression ending at the end of `code`, where the text shows it. */
export function receiverBefore(code: string): Receiver | undefined {
  const text = code.trimEnd();
  const end = text.slice(-300);
  const last = text[text.length - 1];
  if (last === undefined) return undefined;
  if (last === '"') return { className: 'String', classSide: false };
  if (last === "'") return { className: 'Symbol', classSide: false };
  if (last === '}') return { className: 'Function', classSide: false };
  if (last === ']') {
    const open = matchingOpen(text, text.length - 1);
    if (open < 0) return undefined;
    // `x[0]` indexes; `[1, 2]` and `#[1, 2]` are arrays.
    return /[A-Za-z0-9_)\]]$/.test(text.slice(0, open).trimEnd().slice(-1)) ? undefined : { className: 'Array', classSide: false };
  }
  if (last === ')') {
    const open = matchingOpen(text, text.length - 1);
    if (open < 0) return undefined;
    const inner = text.slice(open + 1, text.length - 1);
    const head = text.slice(0, open).trimEnd().slice(-300);
    if (/^\s*-?[\d.]+\s*(,\s*-?[\d.]+\s*)?\.\.\s*-?[\d.]+\s*$/.test(inner) && !/[A-Za-z0-9_]$/.test(head)) return { className: 'Array', classSide: false };
    // `Foo.ar(...)` and `Foo(...)` answer a Foo; any other call, who knows.
    const call = /([A-Z][A-Za-z0-9_]*)(?:\s*\.\s*([a-z][A-Za-z0-9_]*))?$/.exec(head);
    if (call && (!call[2] || CONSTRUCTORS.has(call[2]))) return { className: call[1], classSide: false };
    return undefined;
  }
  const word = /(\\?)([A-Za-z_][A-Za-z0-9_]*)$/.exec(end);
  if (word) {
    if (word[1]) return { className: 'Symbol', classSide: false };
    if (/^[A-Z]/.test(word[2]) && !/\.\s*$/.test(end.slice(0, word.index))) return { className: word[2], classSide: true };
    return undefined;
  }
  const number = /(^|[^A-Za-z0-9_.])(-?\d+(\.\d+)?)$/.exec(end);
  if (number) return { className: number[3] ? 'Float' : 'Integer', classSide: false };
  if (/\$a+$/.test(end)) return { className: 'Char', classSide: false };
  return undefined;
}

function matchingOpen(text: string, close: number): number {
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  const stack: string[] = [];
  for (let i = close; i >= 0; i--) {
    const c = text[i];
    if (c === ')' || c === ']' || c === '}') stack.push(pairs[c]);
    else if (c === '(' || c === '[' || c === '{') {
      if (stack.pop() !== c) return -1;
      if (stack.length === 0) return i;
    }
  }
  return -1;
}

export interface CallContext {
  /** `Foo.bar(`: Foo's class method bar; `Foo(`: Foo's *new; `x.bar(`: bar on a receiver of unknown or known class. */
  receiver: Receiver | undefined;
  selector: string;
  /** 0-based position of the argument the cursor is in, counting positional arguments. */
  argumentIndex: number;
  /** The keyword the current argument names (`freq: 440`), if it names one. */
  keyword: string | undefined;
  /** Keywords already given in the call (a positional index after them counts from their place). */
  keywordsUsed: string[];
}

/** The call whose parentheses hold the cursor, and where in its arguments the cursor is. */
export function signatureContext(text: string, offset: number): CallContext | undefined {
  const { masked, inside } = maskedBefore(text, offset);
  if (inside === 'comment') return undefined;
  return callAt(masked, masked.length);
}

function callAt(masked: string, end: number): CallContext | undefined {
  let depth = 0;
  let commas = 0;
  /** Where the argument the cursor is in starts: after the nearest comma, else after the `(`. */
  let argStart = -1;
  const keywordsUsed: string[] = [];
  for (let i = end - 1; i >= 0; i--) {
    const c = masked[i];
    if (c === ')' || c === ']' || c === '}') depth++;
    else if (c === '[' || c === '{') {
      if (depth === 0) return undefined;
      depth--;
    } else if (c === '(') {
      if (depth > 0) {
        depth--;
        continue;
      }
      const full = masked.slice(0, i).trimEnd();
      // The end-anchored regexes read the last characters only (see completionContext).
      const head = full.slice(-300);
      if (argStart < 0) argStart = i + 1;
      const current = masked.slice(argStart, end);
      const keyword = /^\s*([a-z][A-Za-z0-9_]*)\s*:/.exec(current)?.[1];
      for (const part of masked.slice(i + 1, Math.max(i + 1, argStart - 1)).split(',')) {
        const named = /^\s*([a-z][A-Za-z0-9_]*)\s*:/.exec(part);
        if (named) keywordsUsed.push(named[1]);
      }
      const method = /\.\s*([a-z][A-Za-z0-9_]*)$/.exec(head);
      if (method) {
        return { receiver: receiverBefore(full.slice(0, full.length - head.length + method.index)), selector: method[1], argumentIndex: commas, keyword, keywordsUsed };
      }
      const cls = /(^|[^A-Za-z0-9_.\\])([A-Z][A-Za-z0-9_]*)$/.exec(head);
      if (cls) return { receiver: { className: cls[2], classSide: true }, selector: 'new', argumentIndex: commas, keyword, keywordsUsed };
      return undefined;
    } else if (c === ',' && depth === 0) {
      if (commas === 0) argStart = i + 1;
      commas++;
    } else if (c === ';' && depth === 0) return undefined;
  }
  return undefined;
}
