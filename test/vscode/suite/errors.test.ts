// Errors where the code is, and a post window that reads right: sclang's errors as diagnostics
// at the file's own lines, the place named as a link in the post window, results and errors
// in colours of their own in the light and the dark theme (the runner checks the page).
import { strict as assert } from 'node:assert';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SuperColliderLiveApi } from '../../../src/extension/extension';
import { activateExtension, pageCheckedByRunner, waitFor } from './runnerHandshake';

describe('Errors where the code is', function () {
  this.timeout(120_000);
  let api: SuperColliderLiveApi;
  let document: vscode.TextDocument;
  let editor: vscode.TextEditor;
  let copyDir: string | undefined;
  const themeBefore = vscode.workspace.getConfiguration('workbench').inspect<string>('colorTheme')?.globalValue;

  /** What each evaluation answered, for the failure messages. */
  const log: string[] = [];
  const sclangDiagnostics = () => vscode.languages.getDiagnostics(document.uri).filter((diagnostic) => diagnostic.source === 'sclang');
  /** Evaluates one line (1-based, as the editor shows it), or the block around it. */
  const evaluateAt = async (line: number, scope: 'line' | 'block' = 'line') => {
    editor = await vscode.window.showTextDocument(document, { preserveFocus: false });
    editor.selection = new vscode.Selection(line - 1, 0, line - 1, 0);
    // The command evaluates in the active editor (the post window, focused, would be one too).
    await waitFor('errors.scd to be the active editor', () => vscode.window.activeTextEditor?.document === document);
    const result = await vscode.commands.executeCommand<{ status: string; output: string[] }>(`sclive.eval.${scope}`);
    log.push(`line ${line} (${scope}): ${result?.status}: ${result?.output.join(' | ')}`);
    return result;
  };

  before(async () => {
    api = await activateExtension();
    // Earlier files' editors (the help page's webview among them) may lie over the panel the runner clicks in.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // A copy: VS Code for the Web saves edits by itself (files.autoSave is afterDelay there), and
    // the suite edits the file.
    copyDir = mkdtempSync(path.join(os.tmpdir(), 'sclive-errors-'));
    const copy = path.join(copyDir, 'errors.scd');
    copyFileSync(path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'errors.scd'), copy);
    document = await vscode.workspace.openTextDocument(copy);
    editor = await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('sclive.sclang.start');
    await api.sclang.evaluate('~erring = nil');
  });

  after(async () => {
    await vscode.workspace.getConfiguration('workbench').update('colorTheme', themeBefore, vscode.ConfigurationTarget.Global);
    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await api.sclang.evaluate('~erring = nil');
    if (copyDir) rmSync(copyDir, { recursive: true, force: true });
  });

  it('a syntax error on line 12 is a squiggle on line 12 and one Problems entry, gone after a fixed evaluation', async () => {
    const result = await evaluateAt(12, 'block');
    assert.equal(result?.status, 'syntax', log.join('\n'));
    const diagnostics = await waitFor('the diagnostic', () => sclangDiagnostics().length > 0 && sclangDiagnostics());
    assert.equal(diagnostics.length, 1, diagnostics.map((d) => d.message).join('; '));
    const [diagnostic] = diagnostics;
    // `a + + 2;`: sclang stops at the second +, column 5 of line 12.
    assert.equal(diagnostic.range.start.line, 11);
    assert.equal(diagnostic.range.start.character, 4);
    assert.match(diagnostic.message, /syntax error, unexpected '\+'/);
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
    // One entry in Problems, everything VS Code knows counted.
    assert.equal(vscode.languages.getDiagnostics().flatMap(([, list]) => list).filter((d) => d.source === 'sclang').length, 1);
    await pageCheckedByRunner('errors-squiggle', { line: 12 });

    // The post window names the place, as a link.
    await waitFor('the place in the post window', () => api.sclang.post.text.includes('errors.scd:12:5'));
    // A class-library path as sclang posts it is a link too.
    const classFile = await api.sclang.evaluate('SinOsc.filenameSymbol.postln');
    assert.match(classFile.output.join('\n'), /SCClassLibrary\/.*Osc\.sc/);
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    api.sclang.post.show();
    // The runner Ctrl+clicks the link: the file's editor goes to line 12, column 5.
    await pageCheckedByRunner('errors-post-link', { place: 'errors.scd:12:5', classFile: classFile.output[0] });
    const opened = await waitFor('the link to open the place', () => {
      const active = vscode.window.activeTextEditor;
      return active?.document.uri.toString() === document.uri.toString() && active.selection.active.line === 11 && active;
    });
    assert.equal(opened.selection.active.character, 4);
    editor = await vscode.window.showTextDocument(document);

    // Fixed and evaluated again: the mark goes.
    await editor.edit((edit) => edit.replace(new vscode.Range(11, 0, 11, document.lineAt(11).text.length), 'a + 2;'));
    const fixed = await evaluateAt(12, 'block');
    assert.equal(fixed?.status, 'ok', fixed?.output.join('\n'));
    assert.deepEqual(sclangDiagnostics(), []);
  });

  it('nil.foo is marked with sclang\'s message and receiver, at the call', async () => {
    const result = await evaluateAt(17);
    assert.equal(result?.status, 'error');
    const [diagnostic, ...more] = sclangDiagnostics().filter((d) => d.range.start.line === 16);
    assert.equal(more.length, 0);
    assert.equal(document.getText(diagnostic.range), 'foo');
    assert.match(diagnostic.message, /Message 'foo' not understood\..*RECEIVER: nil/);
  });

  it('a mark goes when its code is evaluated again without error, and when it is edited', async () => {
    assert.equal((await evaluateAt(15))?.status, 'error');
    await waitFor('the mark of ~erring.bar', () => sclangDiagnostics().some((d) => d.range.start.line === 14));
    assert.equal((await evaluateAt(16))?.status, 'ok');
    assert.ok(sclangDiagnostics().some((d) => d.range.start.line === 14), 'evaluating another line leaves it');
    assert.equal((await evaluateAt(15))?.status, 'ok');
    assert.ok(!sclangDiagnostics().some((d) => d.range.start.line === 14), 'a clean evaluation of its line clears it');
    // nil.foo's mark (line 17) goes with an edit of that line; one above it moves it down.
    assert.ok(sclangDiagnostics().some((d) => d.range.start.line === 16));
    await editor.edit((edit) => edit.insert(new vscode.Position(13, 0), '\n'));
    await waitFor('the mark to move with its line', () => sclangDiagnostics().some((d) => d.range.start.line === 17));
    await editor.edit((edit) => edit.insert(new vscode.Position(17, 0), ' '));
    await waitFor('the edited line\'s mark to go', () => !sclangDiagnostics().some((d) => d.range.start.line === 17));
    await editor.edit((edit) => edit.delete(new vscode.Range(13, 0, 14, 0)));
    await editor.edit((edit) => edit.delete(new vscode.Range(16, 0, 16, 1)));
  });

  it('a Routine\'s later error is marked on the line that started it', async () => {
    const result = await evaluateAt(18);
    assert.equal(result?.status, 'ok');
    const diagnostic = await waitFor('the Routine\'s error', () => sclangDiagnostics().find((d) => d.message.includes('lateCall')), 10_000);
    assert.equal(diagnostic.range.start.line, 17);
    assert.equal(document.getText(diagnostic.range), 'lateCall');
    assert.match(diagnostic.message, /RECEIVER: nil/);
    await waitFor('the place in the post window', () => api.sclang.post.text.includes('errors.scd:18:'));
  });

  it('the post window draws a result and an ERROR: line in different colours, in the light and the dark theme', async () => {
    api.sclang.post.clear();
    assert.equal((await evaluateAt(17))?.status, 'error');
    assert.equal((await evaluateAt(19))?.status, 'ok');
    await waitFor('the result posted', () => api.sclang.post.text.includes('-> 3'));
    api.sclang.post.show();
    for (const [theme, kind] of [['Default Light Modern', 'light'], ['Default Dark Modern', 'dark']]) {
      await vscode.workspace.getConfiguration('workbench').update('colorTheme', theme, vscode.ConfigurationTarget.Global);
      await pageCheckedByRunner(`errors-colours-${kind}`, { kind, result: '-> 3', error: "^^ ERROR: Message 'foo' not understood." });
    }
  });
});
