// The snippets as a musician gets them with every placeholder left at its default: the text
// the unit and integration tests read and compile.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

export interface Snippet {
  prefix: string | string[];
  description: string;
  body: string[];
}

export const SNIPPETS_FILE = path.resolve(__dirname, '../../snippets/supercollider.json');

export function readSnippets(): Record<string, Snippet> {
  return JSON.parse(readFileSync(SNIPPETS_FILE, 'utf8'));
}

/** VS Code's snippet syntax resolved: `${1:default}` to its default, `$1` / `$0` to nothing, a backslash before `$`, `}` or a backslash to that character. */
export function expandedSnippet(snippet: Snippet): string {
  const text = snippet.body.join('\n');
  let out = '';
  let openPlaceholders = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && '$}\\'.includes(text[i + 1])) out += text[++i];
    else if (c === '$' && text[i + 1] === '{') {
      i = text.indexOf(':', i);
      openPlaceholders++;
    } else if (c === '$' && /\d/.test(text[i + 1])) {
      while (/\d/.test(text[i + 1])) i++;
    } else if (c === '}' && openPlaceholders > 0) openPlaceholders--;
    else out += c;
  }
  return out;
}
