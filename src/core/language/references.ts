// Where a class or a selector is used in SuperCollider code: whole words in code only (not in
// strings or comments); a selector as a message (`.play`), a keyword-free call (`play(x)`), a
// method definition (`play {`) or a binary-operator-free identifier use.
import { maskCode } from '../editor/codeMask';

export interface ReferenceMatch {
  start: number;
  end: number;
}

export function findReferences(text: string, name: string, kind: 'class' | 'selector'): ReferenceMatch[] {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return [];
  const { masked } = maskCode(text);
  const pattern = kind === 'class'
    ? new RegExp(String.raw`(?<![A-Za-z0-9_\\~])${name}(?![A-Za-z0-9_])`, 'g')
    // A message send (.name), a method definition (name { or *name {), or a call name(.
    : new RegExp(String.raw`(?:\.\s*|^\s*\*?|(?<=[\s;{}])\*?)${name}(?![A-Za-z0-9_:])(?=\s*[({.;,)\]\s]|$)`, 'gm');
  const matches: ReferenceMatch[] = [];
  for (let match = pattern.exec(masked); match; match = pattern.exec(masked)) {
    const end = match.index + match[0].length;
    const start = end - name.length;
    // Selectors: only where the name follows a dot or starts a definition (`name {`).
    if (kind === 'selector' && !/\.\s*$/.test(masked.slice(0, start)) && !/^\s*\{|^\s*\(/.test(masked.slice(end))) continue;
    matches.push({ start, end });
  }
  return matches;
}
