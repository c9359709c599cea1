// What folds in a SuperCollider file: brackets that span lines (a `( ... )` block, a function,
// an array, a class body), block comments, runs of line comments, and `// region` markers.
// Read through the code mask, so brackets in strings, symbols and comments never count.
import { CommentSpan, maskCode } from './codeMask';
import { lineStarts, positionAt } from './lineStarts';

export type FoldKind = 'code' | 'comment' | 'region';

export interface FoldRange {
  /** 0-based first line (it stays visible when folded). */
  start: number;
  /** 0-based last line hidden by the fold. */
  end: number;
  kind: FoldKind;
}

const CLOSER_OF: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const REGION_START = /^\s*\/\/\s*#?region\b/;
const REGION_END = /^\s*\/\/\s*#?endregion\b/;

/** The fold ranges of `text`, ordered by first line; one per first line (the outermost). */
export function foldingRanges(text: string): FoldRange[] {
  const comments: CommentSpan[] = [];
  const { masked } = maskCode(text, text.length, comments);
  const starts = lineStarts(text);
  const lineOf = (offset: number) => positionAt(starts, offset).line;
  const folds: FoldRange[] = [];

  // Brackets: a pair whose closer is on a later line folds up to the line before the closer, so
  // `})` or `)` stays in sight; a closer with code before it on its line folds that line too
  // (closers before it, as in `}).add;`, are not code).
  const open: { char: string; offset: number }[] = [];
  for (let i = 0; i < masked.length; i++) {
    const c = masked[i];
    if (c === '(' || c === '[' || c === '{') open.push({ char: c, offset: i });
    else if (c === ')' || c === ']' || c === '}') {
      // Code being typed leaves brackets open: a closer ends the nearest opener it matches
      // (the unclosed ones inside it fold nothing); a closer that matches none ends nothing.
      let at = open.length - 1;
      while (at >= 0 && CLOSER_OF[open[at].char] !== c) at--;
      if (at < 0) continue;
      const top = open[at];
      open.length = at;
      const first = lineOf(top.offset);
      const closeLine = lineOf(i);
      const closerLeads = /^[\s)\]}]*$/.test(masked.slice(starts[closeLine], i));
      const last = closerLeads ? closeLine - 1 : closeLine;
      if (last > first) folds.push({ start: first, end: last, kind: 'code' });
    }
  }

  // Comments: a block comment over lines, and two or more lines that hold only a line comment.
  let run: { start: number; end: number } | undefined;
  const endRun = () => {
    if (run && run.end > run.start) folds.push({ ...run, kind: 'comment' });
    run = undefined;
  };
  for (const comment of comments) {
    const line = lineOf(comment.start);
    if (comment.block) {
      endRun();
      const last = lineOf(Math.max(comment.start, comment.end - 1));
      if (last > line) folds.push({ start: line, end: last, kind: 'comment' });
      continue;
    }
    const lineText = text.slice(starts[line], comment.end);
    // Region markers are not comments to fold, and a comment after code is not a comment line.
    if (REGION_START.test(lineText) || REGION_END.test(lineText) || text.slice(starts[line], comment.start).trim() !== '') {
      endRun();
      continue;
    }
    if (run && run.end === line - 1) run.end = line;
    else {
      endRun();
      run = { start: line, end: line };
    }
  }
  endRun();

  // Region markers, nested: `// region name` ... `// endregion`.
  const regions: number[] = [];
  for (const comment of comments) {
    if (comment.block) continue;
    const line = lineOf(comment.start);
    const lineText = text.slice(starts[line], comment.end);
    if (REGION_START.test(lineText)) regions.push(line);
    else if (REGION_END.test(lineText)) {
      const start = regions.pop();
      if (start !== undefined && line > start) folds.push({ start, end: line, kind: 'region' });
    }
  }

  // One fold per first line: the editor folds one range per line, the widest one.
  const widest = new Map<number, FoldRange>();
  for (const fold of folds) {
    const known = widest.get(fold.start);
    if (!known || fold.end > known.end) widest.set(fold.start, fold);
  }
  return [...widest.values()].sort((a, b) => a.start - b.start);
}
