// sclang's error reports, read from what it posts (SuperCollider 3.13's wording), so the editor
// can put each error at its place in the file.
//
// Parse errors name a place inside the evaluated text:
//   ERROR: syntax error, unexpected '+'      (or: Class not defined. / Variable 'foo' not defined. / Parse error)
//     in interpreted text
//     line 4 char 5:
// "char" is the 1-based column of the last character of the token sclang stopped at.
// Runtime errors name no place; their report ends with a summary after the backtrace:
//   ^^ ERROR: Message 'foo' not understood.          (or: ^^ The preceding error dump is for ERROR: ...)
//   Perhaps you misspelled 'for', or ...             (optional lines of detail)
//   RECEIVER: nil

export type SclangErrorKind = 'syntax' | 'runtime';

export interface SclangErrorReport {
  kind: SclangErrorKind;
  /** sclang's message without the `ERROR: ` prefix, with its detail lines (e.g. "Index not an Integer"). */
  message: string;
  /** 1-based line inside the evaluated text (parse errors only). */
  line?: number;
  /** 1-based column (sclang's "char") inside that line (parse errors only). */
  column?: number;
  /** The receiver as sclang prints it in the summary (runtime errors). */
  receiver?: string;
  /** The selector of a "Message 'x' not understood." */
  selector?: string;
  /** Only a warning: sclang went on (an open-ended string). */
  warning?: boolean;
  /** For runtime errors: the backtrace shows it ran from a Routine/Task/pattern, not inside an evaluation. */
  fromRoutine?: boolean;
}

const ERROR_LINE = /^ERROR: (.*)$/;
const IN_INTERPRETED = /^\s*in interpreted text\s*$/;
const LINE_CHAR = /^\s*line (\d+) char (\d+):?\s*$/;
/** `unmatched ')'` then `  in interpreted text line 1 char 9`. */
const INLINE_PLACE = /^\s*in interpreted text line (\d+) char (\d+)\s*$/;
const OPEN_STRING = /^Open ended (string|symbol) started on line (\d+) of interpreted text/;
const SUMMARY = /^\^\^ (?:The preceding error dump is for )?ERROR: (.*)$/;
const RECEIVER_SUMMARY = /^RECEIVER: (.*)$/;
const NOT_UNDERSTOOD = /^Message '(.+)' not understood\./;
/** Messages sclang posts next to a better one at the same place. */
const VAGUE = new Set(['Parse error', 'Command line parse failed']);

/**
 * The errors in a run of sclang's output lines (one evaluation's, or the post window's stream).
 * Parse errors at the same place are merged into one report (sclang posts up to three for an
 * unmatched bracket); "Command line parse failed" alone is not a report.
 */
export function parseSclangErrors(lines: readonly string[]): SclangErrorReport[] {
  const reports: SclangErrorReport[] = [];
  const syntaxAt = new Map<string, SclangErrorReport>();
  const addSyntax = (message: string, line: number, column: number, warning = false) => {
    const key = `${line}:${column}`;
    const known = syntaxAt.get(key);
    if (!known) {
      const report: SclangErrorReport = { kind: 'syntax', message, line, column, ...(warning ? { warning } : {}) };
      syntaxAt.set(key, report);
      reports.push(report);
    } else if (VAGUE.has(known.message)) known.message = message;
    else if (!VAGUE.has(message) && !known.message.includes(message)) known.message = `${known.message}; ${message}`;
  };
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i];
    const error = ERROR_LINE.exec(text);
    if (error && IN_INTERPRETED.test(lines[i + 1] ?? '')) {
      const place = LINE_CHAR.exec(lines[i + 2] ?? '');
      if (place) {
        addSyntax(error[1].trim(), Number(place[1]), Number(place[2]));
        i += 2;
        continue;
      }
    }
    const inline = INLINE_PLACE.exec(lines[i + 1] ?? '');
    if (inline && text.trim() && !text.startsWith(' ')) {
      addSyntax(text.trim(), Number(inline[1]), Number(inline[2]));
      i += 1;
      continue;
    }
    const open = OPEN_STRING.exec(text);
    if (open) {
      addSyntax(text.trim(), Number(open[2]), 1, true);
      continue;
    }
    const summary = SUMMARY.exec(text);
    if (summary) {
      const detail: string[] = [];
      let receiver: string | undefined;
      let j = i + 1;
      for (; j < lines.length && j <= i + 10; j++) {
        const receiverLine = RECEIVER_SUMMARY.exec(lines[j]);
        if (receiverLine) {
          receiver = receiverLine[1];
          break;
        }
        if (!lines[j].trim()) break;
        detail.push(lines[j].trim());
      }
      const message = [summary[1].trim(), ...detail].join(' ');
      const selector = NOT_UNDERSTOOD.exec(summary[1])?.[1];
      reports.push({ kind: 'runtime', message, ...(receiver !== undefined ? { receiver } : {}), ...(selector ? { selector } : {}), ...(ranFromRoutine(lines, i) ? { fromRoutine: true } : {}) });
      i = receiver !== undefined ? j : i;
    }
  }
  return reports;
}

/**
 * Whether the backtrace above a summary line (back to its `ERROR:` line) came from a Routine
 * that a clock ran (a Routine, Task or pattern player), rather than from an evaluation
 * (whose CALL STACK ends in `Process:interpretCmdLine`).
 */
function ranFromRoutine(lines: readonly string[], summaryIndex: number): boolean {
  for (let k = summaryIndex - 1; k >= 0 && k >= summaryIndex - 400; k--) {
    const text = lines[k];
    if (/^\s*Process:interpretCmdLine\b/.test(text)) return false;
    if (/^\s*Routine:prStart\b|^\s*Thread:handleError\b/.test(text)) return true;
    if (/^ERROR: /.test(text)) return false;
  }
  return false;
}

/**
 * Reads the post window's stream line by line and reports each runtime error once its summary
 * (and receiver) is complete: the errors of Routines, Tasks and patterns that come after
 * their evaluation has ended. The lines of an error report are kept until its summary.
 */
export class SclangErrorStream {
  /** The lines of the report being read, from its `ERROR:` line. */
  private report: string[] = [];
  /** Lines read since the summary line, while waiting for its receiver. */
  private sinceSummary: number | undefined;

  constructor(private readonly onReport: (report: SclangErrorReport) => void) {}

  push(line: string): void {
    if (/^ERROR: /.test(line)) {
      this.report = [line];
      this.sinceSummary = undefined;
      return;
    }
    if (!this.report.length) return;
    // A backtrace is a few dozen lines; a report that never ends is dropped.
    if (this.report.length > 2000) {
      this.report = [];
      return;
    }
    this.report.push(line);
    if (SUMMARY.test(line)) {
      this.sinceSummary = 0;
      return;
    }
    if (this.sinceSummary === undefined) return;
    this.sinceSummary++;
    if (RECEIVER_SUMMARY.test(line) || !line.trim() || this.sinceSummary > 10) {
      const reports = parseSclangErrors(this.report).filter((report) => report.kind === 'runtime');
      this.report = [];
      this.sinceSummary = undefined;
      if (reports.length) this.onReport(reports[reports.length - 1]);
    }
  }
}

/**
 * Where a selector is called in the code (`.foo`, `.foo(`, `foo(` as a function call), when it is
 * called in exactly one place: the offset of its name. A runtime error names the selector it
 * could not send; in a block that calls it once, that call is the place.
 */
export function findSingleCall(code: string, selector: string): number | undefined {
  const escaped = selector.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`\\.\\s*(${escaped})\\b|(?<![\\w.])(${escaped})\\s*\\(`, 'g');
  const offsets: number[] = [];
  for (const match of code.matchAll(pattern)) {
    offsets.push(match.index + match[0].indexOf(selector));
    if (offsets.length > 1) return undefined;
  }
  return offsets[0];
}
