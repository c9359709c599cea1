// The outline of a SuperCollider file, for VS Code's Outline view, breadcrumbs and sticky
// scroll: in a .scd file its top-level blocks with the SynthDefs, ~variables and
// Pdef/Ndef/Tdef keys they define; in a .sc file its classes (and class extensions) and methods.
import { topLevelBlocks } from '../editor/codeBlocks';
import { maskCode } from '../editor/codeMask';

export type OutlineKind = 'block' | 'synthDef' | 'variable' | 'proxy' | 'class' | 'extension' | 'method' | 'classMethod';

export interface OutlineSymbol {
  name: string;
  detail: string;
  kind: OutlineKind;
  /** The whole of it, and the part that names it (offsets). */
  start: number;
  end: number;
  nameStart: number;
  nameEnd: number;
  children: OutlineSymbol[];
}

const NAME = String.raw`(\\[A-Za-z_][A-Za-z0-9_]*|'[^']*'|"[^"]*")`;
const SYNTHDEF = new RegExp(String.raw`\bSynthDef\s*\(\s*${NAME}`, 'g');
const PROXY = new RegExp(String.raw`\b(Pdef|Ndef|Tdef|Pbindef|Pdefn|Fdef)\s*\(\s*${NAME}`, 'g');
const ENV_ASSIGN = /(^|[^A-Za-z0-9_~])~([A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)/g;

function symbolName(literal: string): string {
  return literal.startsWith('\\') ? literal.slice(1) : literal.slice(1, -1);
}

/** A .scd file: blocks, and what they define. */
export function scdOutline(text: string): OutlineSymbol[] {
  const { masked } = maskCode(text);
  // Names are read from the text; the masked copy (same offsets) says what is code.
  const found: OutlineSymbol[] = [];
  const pushMatches = (pattern: RegExp, make: (match: RegExpExecArray) => OutlineSymbol) => {
    pattern.lastIndex = 0;
    for (let match = pattern.exec(masked); match; match = pattern.exec(masked)) found.push(make(match));
  };
  const literalAt = (match: RegExpExecArray, group: number) => {
    const start = match.index + match[0].length - match[group].length;
    return { start, end: start + match[group].length, name: symbolName(text.slice(start, start + match[group].length)) };
  };
  pushMatches(SYNTHDEF, (match) => {
    const literal = literalAt(match, 1);
    return { name: literal.name, detail: 'SynthDef', kind: 'synthDef', start: match.index, end: literal.end, nameStart: literal.start, nameEnd: literal.end, children: [] };
  });
  pushMatches(PROXY, (match) => {
    const literal = literalAt(match, 2);
    return { name: `${match[1]}(\\${literal.name})`, detail: match[1], kind: 'proxy', start: match.index, end: literal.end, nameStart: literal.start, nameEnd: literal.end, children: [] };
  });
  pushMatches(ENV_ASSIGN, (match) => {
    const start = match.index + match[1].length;
    const nameEnd = start + 1 + match[2].length;
    return { name: `~${match[2]}`, detail: 'environment variable', kind: 'variable', start, end: nameEnd, nameStart: start, nameEnd, children: [] };
  });
  found.sort((a, b) => a.start - b.start);
  const blocks = topLevelBlocks(text).map((region): OutlineSymbol => {
    const inner = text.slice(region.open + 1, region.close);
    const firstLine = inner.split('\n').map((line) => line.trim()).find((line) => line && !line.startsWith('//')) ?? '( )';
    return { name: firstLine.length > 60 ? `${firstLine.slice(0, 59)}…` : firstLine, detail: 'block', kind: 'block', start: region.open, end: region.end, nameStart: region.open, nameEnd: region.open + 1, children: [] };
  });
  const top: OutlineSymbol[] = [...blocks];
  for (const symbol of found) {
    const block = blocks.find((b) => symbol.start >= b.start && symbol.start < b.end);
    if (block) block.children.push(symbol);
    else top.push(symbol);
  }
  return top.sort((a, b) => a.start - b.start);
}

/** A .sc file: classes and class extensions (`+ Foo { }`), with their methods. */
export function scOutline(text: string): OutlineSymbol[] {
  const { masked } = maskCode(text);
  const classes: OutlineSymbol[] = [];
  let depth = 0;
  let boundary = 0;
  let current: OutlineSymbol | undefined;
  let method: OutlineSymbol | undefined;
  for (let i = 0; i < masked.length; i++) {
    const c = masked[i];
    if (c === '{') {
      const header = masked.slice(boundary, i);
      if (depth === 0) {
        const m = /(\+\s*)?([A-Z][A-Za-z0-9_]*)\s*(?::\s*([A-Z][A-Za-z0-9_]*))?\s*(?:\[[^\]]*\])?\s*$/.exec(header);
        if (m) {
          const nameStart = boundary + m.index + (m[1]?.length ?? 0);
          current = { name: m[2], detail: m[1] ? 'extension' : m[3] ? `: ${m[3]}` : '', kind: m[1] ? 'extension' : 'class', start: boundary + m.index, end: i, nameStart, nameEnd: nameStart + m[2].length, children: [] };
          classes.push(current);
        }
      } else if (depth === 1 && current) {
        const m = /(\*?)([a-z][A-Za-z0-9_]*|[-+*/<>=!@%&|]+)\s*$/.exec(header);
        if (m) {
          const nameStart = boundary + m.index;
          method = { name: `${m[1]}${m[2]}`, detail: '', kind: m[1] ? 'classMethod' : 'method', start: nameStart, end: i, nameStart, nameEnd: nameStart + m[0].trimEnd().length, children: [] };
          current.children.push(method);
        }
      }
      depth++;
      boundary = i + 1;
    } else if (c === '}') {
      depth = Math.max(0, depth - 1);
      if (depth === 1 && method) {
        method.end = i + 1;
        method = undefined;
      }
      if (depth === 0 && current) {
        current.end = i + 1;
        current = undefined;
      }
      boundary = i + 1;
    } else if (c === ';' && depth <= 1) boundary = i + 1;
  }
  return classes;
}
