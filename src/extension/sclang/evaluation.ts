// Evaluating SuperCollider code from the editor: line, block or selection, file; flashing
// what was evaluated; Hush.
import * as vscode from 'vscode';
import { findEnclosingBlock, lineAt, SclangErrorStream } from '../../core';
import type { EvaluationResult, TextRange } from '../../core';
import type { ScliveContext } from '../context';
import { CommandHandler, registerCommand, showUserError } from '../commands/userErrors';
import { readLiveCodingSettings } from '../settings';
import { ErrorMarks, ErrorPlace } from './errorMarks';
import { PostLinks, registerPostLinks } from './postLinks';

const FLASH_MS = 300;

export type EvaluationScope = 'line' | 'block' | 'file';

/**
 * The range a command evaluates: the selection if any, else the block (or line, or file);
 * `lineInsteadOfBlock` when a block was asked for and the cursor is in none.
 */
export function evaluationRange(document: vscode.TextDocument, selection: vscode.Selection, scope: EvaluationScope): { range: vscode.Range; lineInsteadOfBlock: boolean } {
  const toRange = (range: TextRange) => new vscode.Range(document.positionAt(range.start), document.positionAt(range.end));
  if (scope === 'file') return { range: toRange({ start: 0, end: document.getText().length }), lineInsteadOfBlock: false };
  if (!selection.isEmpty) return { range: new vscode.Range(selection.start, selection.end), lineInsteadOfBlock: false };
  const text = document.getText();
  const offset = document.offsetAt(selection.active);
  const block = scope === 'block' ? findEnclosingBlock(text, offset) : undefined;
  return { range: toRange(block ?? lineAt(text, offset)), lineInsteadOfBlock: scope === 'block' && !block };
}

export function registerEvaluation(scliveContext: ScliveContext): void {
  const { sclang, log, nodeTree, extension: context } = scliveContext;
  const flash = vscode.window.createTextEditorDecorationType({ backgroundColor: new vscode.ThemeColor('sclive.evaluationFlash') });
  const errorFlash = vscode.window.createTextEditorDecorationType({ backgroundColor: new vscode.ThemeColor('sclive.evaluationErrorFlash') });
  context.subscriptions.push(flash, errorFlash);
  // Errors at their place in the file, named in the post window as links (errorMarks.ts, postLinks.ts).
  const errorMarks = new ErrorMarks();
  const postLinks = new PostLinks();
  const postPlace = (place: ErrorPlace | undefined, when = '') => {
    if (place) sclang.post.post(`[sclive] ${place.warning ? 'WARNING' : 'ERROR'}${when} at ${postLinks.placeOf(place.uri, place.position)}: ${place.message}`);
  };
  const laterErrors = new SclangErrorStream((report) => {
    if (report.fromRoutine) postPlace(errorMarks.later(report), ' of a Routine, Task or pattern');
  });
  context.subscriptions.push(errorMarks, registerPostLinks(postLinks), sclang.post.onDidPost((line) => laterErrors.push(line)));

  const showFlash = (editor: vscode.TextEditor, range: vscode.Range, failed: boolean) => {
    if (!readLiveCodingSettings().flash) return;
    const type = failed ? errorFlash : flash;
    editor.setDecorations(type, [range]);
    setTimeout(() => editor.setDecorations(type, []), FLASH_MS);
  };

  const evaluate = (scope: EvaluationScope) => async (): Promise<EvaluationResult | undefined> => {
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      void vscode.window.showInformationMessage('Open a SuperCollider file (.scd) to evaluate code from it.');
      return undefined;
    }
    const { range, lineInsteadOfBlock } = evaluationRange(editor.document, editor.selection, scope);
    const code = editor.document.getText(range);
    if (!code.trim()) return undefined;
    // The evaluation keys evaluate the code as written; a suggestion popup left open would
    // take the next Enter.
    void vscode.commands.executeCommand('hideSuggestWidget');
    // The flash shows what runs; the status bar says why it is only the line.
    if (lineInsteadOfBlock) vscode.window.setStatusBarMessage('$(info) No ( ... ) block around the cursor: evaluated the line', 4000);
    let result: EvaluationResult;
    try {
      const evaluation = sclang.evaluate(code);
      scliveContext.takeTimeline.evaluating({ document: editor.document.uri, line: range.start.line, code, result: evaluation });
      result = await evaluation;
    } catch (error) {
      showFlash(editor, range, true);
      sclang.post.post(`[sclive] ${(error as Error).message}`);
      void showUserError(log, error, 'Could not evaluate', 'Show Post Window').then((choice) => choice === 'Show Post Window' && sclang.post.show());
      return undefined;
    }
    const failed = result.status !== 'ok';
    showFlash(editor, range, failed);
    postPlace(errorMarks.evaluated(editor.document, range, result.output));
    if (result.result) nodeTree.evaluated(result.result, { uri: editor.document.uri, line: range.start.line });
    if (failed && readLiveCodingSettings().openPostOnError) sclang.post.show();
    return result;
  };

  const register = (id: string, handler: CommandHandler) => registerCommand(context, log, id, handler);
  register('sclive.eval.line', evaluate('line'));
  register('sclive.eval.block', evaluate('block'));
  register('sclive.eval.file', evaluate('file'));
  register('sclive.server.hush', () => sclang.hush());
  register('sclive.sclang.start', () => sclang.ensureStarted().then(() => true, (error: Error) => {
    void vscode.window.showErrorMessage(error.message, 'Show Post Window').then((choice) => choice && sclang.post.show());
    return false;
  }));
  register('sclive.sclang.restart', () => sclang.restart());
  register('sclive.sclang.recompile', async () => {
    await sclang.restart();
    // The help's own sclang compiled the old class library: it starts afresh with the next page.
    await scliveContext.helpRenderer.stop();
    await scliveContext.classIndex.refresh(true);
  });
  register('sclive.sclang.stop', () => sclang.stop());
  register('sclive.post.clear', () => sclang.post.clear());
  register('sclive.post.show', () => sclang.post.show());
}
