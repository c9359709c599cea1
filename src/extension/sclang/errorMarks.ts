// sclang's errors at their place in the file: a diagnostic (squiggle and Problems entry, source
// "sclang") for each error of an evaluation, and for a later error of a Routine, Task or
// pattern that an evaluated block started. Marks go when their code is evaluated again without
// error, or edited.
import * as vscode from 'vscode';
import { findSingleCall, parseSclangErrors } from '../../core';
import type { SclangErrorReport } from '../../core';

/** Evaluations remembered for errors that come later (from what they started). */
const RECENT_EVALUATIONS = 50;

interface Evaluated {
  uri: vscode.Uri;
  range: vscode.Range;
  code: string;
}

interface Mark {
  /** The evaluated range it belongs to: an evaluation there clears it. */
  evaluated: vscode.Range;
  diagnostic: vscode.Diagnostic;
}

/** Where an evaluation's first error is, for the post window: `file.scd:12:5`. */
export interface ErrorPlace {
  uri: vscode.Uri;
  position: vscode.Position;
  message: string;
  /** Only a warning (sclang went on): posted as one. */
  warning: boolean;
}

export class ErrorMarks implements vscode.Disposable {
  readonly diagnostics = vscode.languages.createDiagnosticCollection('sclang');
  private readonly marks = new Map<string, Mark[]>();
  private recent: Evaluated[] = [];
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor() {
    this.subscriptions.push(
      vscode.workspace.onDidChangeTextDocument((event) => this.edited(event)),
      vscode.workspace.onDidCloseTextDocument((document) => this.forget(document.uri)),
    );
  }

  /**
   * An evaluation of `range` ended with this output: its old marks go, its errors are marked.
   * Returns the place of the first error (undefined when there is none).
   */
  evaluated(document: vscode.TextDocument, range: vscode.Range, output: readonly string[]): ErrorPlace | undefined {
    const key = document.uri.toString();
    const code = document.getText(range);
    this.recent = [{ uri: document.uri, range, code }, ...this.recent.filter((entry) => !(entry.uri.toString() === key && entry.range.isEqual(range)))].slice(0, RECENT_EVALUATIONS);
    const kept = (this.marks.get(key) ?? []).filter((mark) => !mark.evaluated.intersection(range));
    const added = parseSclangErrors(output)
      .filter((report) => !report.fromRoutine)
      .map((report): Mark => ({ evaluated: range, diagnostic: this.diagnosticOf(document, range, code, report) }));
    this.set(document.uri, [...kept, ...added]);
    const first = added[0]?.diagnostic;
    return first && { uri: document.uri, position: first.range.start, message: first.message, warning: first.severity === vscode.DiagnosticSeverity.Warning };
  }

  /** An error of a Routine, Task or pattern, after its evaluation: marked on the block that calls its selector. */
  later(report: SclangErrorReport): ErrorPlace | undefined {
    if (!report.selector) return undefined;
    for (const entry of this.recent) {
      const offset = findSingleCall(entry.code, report.selector);
      if (offset === undefined) continue;
      const document = vscode.workspace.textDocuments.find((open) => open.uri.toString() === entry.uri.toString());
      if (!document) return undefined;
      const start = document.positionAt(document.offsetAt(entry.range.start) + offset);
      const diagnostic = this.makeDiagnostic(new vscode.Range(start, start.translate(0, report.selector.length)), report, 'in a Routine, Task or pattern this block started');
      const key = entry.uri.toString();
      const kept = (this.marks.get(key) ?? []).filter((mark) => !mark.diagnostic.range.isEqual(diagnostic.range));
      this.set(entry.uri, [...kept, { evaluated: entry.range, diagnostic }]);
      return { uri: entry.uri, position: start, message: diagnostic.message, warning: false };
    }
    return undefined;
  }

  private diagnosticOf(document: vscode.TextDocument, range: vscode.Range, code: string, report: SclangErrorReport): vscode.Diagnostic {
    if (report.kind === 'syntax' && report.line !== undefined) {
      // sclang counts lines and chars inside the text it was sent; its char is the token's last column (1-based).
      const line = Math.min(range.start.line + report.line - 1, document.lineCount - 1);
      const lineLength = document.lineAt(line).text.length;
      const column = Math.max(0, (report.line === 1 ? range.start.character : 0) + (report.column ?? 1) - 1);
      const at = new vscode.Position(line, Math.min(column, lineLength));
      const word = document.getWordRangeAtPosition(at);
      const place = word ?? new vscode.Range(at, new vscode.Position(line, Math.min(column + 1, lineLength)));
      return this.makeDiagnostic(place.isEmpty && lineLength ? document.lineAt(line).range : place, report);
    }
    // A runtime error names no place: the one call of its selector in the block, else the block.
    const offset = report.selector ? findSingleCall(code, report.selector) : undefined;
    if (offset !== undefined) {
      const start = document.positionAt(document.offsetAt(range.start) + offset);
      return this.makeDiagnostic(new vscode.Range(start, start.translate(0, report.selector!.length)), report);
    }
    return this.makeDiagnostic(range, report);
  }

  private makeDiagnostic(range: vscode.Range, report: SclangErrorReport, context?: string): vscode.Diagnostic {
    const receiver = report.receiver !== undefined ? ` RECEIVER: ${report.receiver}` : '';
    const message = `${report.message}${receiver}${context ? ` (${context})` : ''}`;
    const diagnostic = new vscode.Diagnostic(range, message, report.warning ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Error);
    diagnostic.source = 'sclang';
    return diagnostic;
  }

  /** An edit touching a mark clears it; marks below an edit move with their lines. */
  private edited(event: vscode.TextDocumentChangeEvent): void {
    const key = event.document.uri.toString();
    const marks = this.marks.get(key);
    const recent = this.recent.filter((entry) => entry.uri.toString() === key);
    if (!event.contentChanges.length || (!marks?.length && !recent.length)) return;
    let current = marks ?? [];
    for (const change of event.contentChanges) {
      const lineDelta = change.text.split('\n').length - 1 - (change.range.end.line - change.range.start.line);
      const moved = (range: vscode.Range): vscode.Range | undefined => {
        if (change.range.end.line < range.start.line) return lineDelta ? new vscode.Range(range.start.translate(lineDelta), range.end.translate(lineDelta)) : range;
        if (change.range.start.isAfter(range.end)) return range;
        return undefined;
      };
      current = current.flatMap((mark) => {
        const range = moved(mark.diagnostic.range);
        const evaluated = moved(mark.evaluated);
        if (!range || !evaluated) return [];
        const diagnostic = this.makeDiagnosticLike(mark.diagnostic, range);
        return [{ evaluated, diagnostic }];
      });
      this.recent = this.recent.flatMap((entry) => {
        if (entry.uri.toString() !== key) return [entry];
        const range = moved(entry.range);
        return range ? [{ ...entry, range }] : [];
      });
    }
    if (marks) this.set(event.document.uri, current);
  }

  private makeDiagnosticLike(old: vscode.Diagnostic, range: vscode.Range): vscode.Diagnostic {
    if (old.range.isEqual(range)) return old;
    const diagnostic = new vscode.Diagnostic(range, old.message, old.severity);
    diagnostic.source = old.source;
    return diagnostic;
  }

  private set(uri: vscode.Uri, marks: Mark[]): void {
    if (marks.length) this.marks.set(uri.toString(), marks);
    else this.marks.delete(uri.toString());
    this.diagnostics.set(uri, marks.map((mark) => mark.diagnostic));
  }

  private forget(uri: vscode.Uri): void {
    this.marks.delete(uri.toString());
    this.recent = this.recent.filter((entry) => entry.uri.toString() !== uri.toString());
    this.diagnostics.delete(uri);
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.diagnostics.dispose();
  }
}
