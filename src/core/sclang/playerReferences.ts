// Where code names a player: `Pdef(\x`, `Tdef('x'`, `Pbindef(\x`, `Ndef(\x` (the lines that
// get a code lens saying whether it plays). Comments and strings are not searched.
import type { PlayerEntry } from './playerState';

export interface PlayerReference {
  /** 0-based line and the column where the name starts (`Pdef`). */
  line: number;
  character: number;
  kind: Extract<PlayerEntry['kind'], 'Pdef' | 'Pbindef' | 'Tdef' | 'Ndef'>;
  key: string;
}

const REFERENCE = /\b(Pdef|Pbindef|Tdef|Ndef)\s*\(\s*(?:\\([A-Za-z_][A-Za-z0-9_]*)|'((?:[^'\\\n]|\\.)*)')/g;

/** Blanks out comments and string literals (same length, newlines kept), so offsets and lines stay. */
function codeOnly(text: string): string {
  return text.replace(/\/\/[^\n]*|\/\*[\s\S]*?(?:\*\/|$)|"(?:[^"\\]|\\[\s\S])*"?/g, (match) => match.replace(/[^\n]/g, ' '));
}

/** The first reference of each line that names a player (one lens a line). */
export function findPlayerReferences(text: string): PlayerReference[] {
  const code = codeOnly(text);
  const references: PlayerReference[] = [];
  let line = 0;
  let lineStart = 0;
  let lastLine = -1;
  for (const match of code.matchAll(REFERENCE)) {
    const offset = match.index ?? 0;
    for (let i = code.indexOf('\n', lineStart); i !== -1 && i < offset; i = code.indexOf('\n', lineStart)) {
      line++;
      lineStart = i + 1;
    }
    if (line === lastLine) continue;
    lastLine = line;
    const key = match[2] ?? match[3].replace(/\\(.)/g, '$1');
    references.push({ line, character: offset - lineStart, kind: match[1] as PlayerReference['kind'], key });
  }
  return references;
}
