// The editing basics in the real VS Code, done with the keyboard in the rendered editor by the
// runner (pageChecks/editing.ts): a snippet expands, a `( )` block folds, Enter after `{`
// indents and `}` outdents, Expand Selection grows to the call and the statement, and Ctrl+D
// looks up documentation unless the setting gives it back to VS Code.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { activateExtension, pageCheckedByRunner, waitFor } from './runnerHandshake';

// The block's lines are not indented (as most SuperCollider code is written): folding it needs
// the brackets, indentation alone would not fold it.
const LINES = [
  '(',
  'SynthDef(\\scliveFold, { |out = 0|',
  'var sig = SinOsc.ar(440, 0, 0.1);',
  'Out.ar(out, sig ! 2);',
  '}).add;',
  ')',
  '',
  'f = {',
];

describe('Editing basics', function () {
  this.timeout(120_000);
  let document: vscode.TextDocument;
  let editor: vscode.TextEditor;
  const underRunner = Boolean(process.env.SCLIVE_E2E_DIR);

  before(async () => {
    await activateExtension();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    document = await vscode.workspace.openTextDocument({ language: 'supercollider', content: LINES.join('\n') });
    editor = await vscode.window.showTextDocument(document);
  });

  after(async () => {
    await vscode.workspace.getConfiguration('sclive.editor').update('ctrlDLooksUpDocumentation', undefined, vscode.ConfigurationTarget.Global);
    // The untitled document, edited, is reverted rather than saved (closing it would ask).
    if (!document.isClosed) {
      await vscode.window.showTextDocument(document);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('folds the ( ) block, the SynthDef inside it, and nothing on one line', async () => {
    const ranges = await vscode.commands.executeCommand<vscode.FoldingRange[]>('vscode.executeFoldingRangeProvider', document.uri);
    assert.deepEqual(ranges.map((range) => `${range.start}-${range.end}`), ['0-4', '1-3']);
    if (!underRunner) return;
    await pageCheckedByRunner('editing-fold', { below: 'SynthDef(\\scliveFold', hidden: ['SynthDef(\\scliveFold', 'var sig = SinOsc', 'Out.ar(out'], stays: ')' });
  });

  it('expands the pdef snippet typed on an empty line', async function () {
    if (!underRunner) this.skip();
    await pageCheckedByRunner('editing-snippet', { below: 'f = {', prefix: 'pdef', expanded: 'Pdef(\\name, Pbind(' });
    // The page's edits reach the extension host's document a moment later.
    const text = await waitFor('the snippet in the document', () => document.getText().includes('.play(quant: 4);') && document.getText(), 5000);
    assert.match(text, /\nPdef\(\\name, Pbind\(\n\t?\s*\\instrument, \\default,\n[\s\S]*\)\)\.play\(quant: 4\);\n/);
  });

  it('indents the line after { and outdents a }', async function () {
    if (!underRunner) this.skip();
    await pageCheckedByRunner('editing-indent', { opener: 'f = {', inner: '1;' });
    const lines = await waitFor('the typed lines in the document', () => document.getText().endsWith('}') && document.getText().split('\n'), 5000);
    const opener = lines.indexOf('f = {');
    assert.match(lines[opener + 1], /^\s+1;$/);
    assert.equal(lines[opener + 2], '}');
  });

  it('grows a selection from 440 to the argument list, the call with its receiver, the statement and the block', async function () {
    if (!underRunner) this.skip();
    const line = LINES.indexOf('var sig = SinOsc.ar(440, 0, 0.1);');
    editor = await vscode.window.showTextDocument(document);
    editor.selection = new vscode.Selection(line, 21, line, 21);
    const seen: string[] = [];
    const listening = vscode.window.onDidChangeTextEditorSelection((event) => {
      if (event.textEditor.document === document) seen.push(document.getText(event.selections[0]));
    });
    try {
      await pageCheckedByRunner('editing-expand', { presses: 16 });
      await waitFor('the block selected', () => seen.some((text) => text.startsWith('(\nSynthDef')), 5000).catch(() => undefined);
    } finally {
      listening.dispose();
    }
    const order = ['440', 'SinOsc.ar(440, 0, 0.1)', 'var sig = SinOsc.ar(440, 0, 0.1)'].map((text) => seen.indexOf(text));
    assert.ok(order.every((at, i) => at >= 0 && (i === 0 || at > order[i - 1])), `selections: ${seen.map((text) => JSON.stringify(text)).join(' → ')}`);
    assert.ok(seen.some((text) => text.startsWith('(\nSynthDef')), `out to the block: ${seen.map((text) => JSON.stringify(text)).join(' → ')}`);
  });

  it('gives Ctrl+D back to Add Selection to Next Find Match when the setting is off', async function () {
    if (!underRunner) this.skip();
    await vscode.workspace.getConfiguration('sclive.editor').update('ctrlDLooksUpDocumentation', false, vscode.ConfigurationTarget.Global);
    const line = LINES.indexOf('var sig = SinOsc.ar(440, 0, 0.1);');
    editor = await vscode.window.showTextDocument(document);
    editor.selection = new vscode.Selection(line, 4, line, 7);
    await pageCheckedByRunner('editing-ctrl-d-off', {});
    const selected = await waitFor('two selections of sig', () => (editor.selections.length === 2 ? editor.selections.map((selection) => document.getText(selection)) : undefined), 5000);
    assert.deepEqual(selected, ['sig', 'sig']);
  });

  it('looks up SinOsc with Ctrl+D while the setting is on (the default)', async function () {
    if (!underRunner) this.skip();
    await vscode.workspace.getConfiguration('sclive.editor').update('ctrlDLooksUpDocumentation', undefined, vscode.ConfigurationTarget.Global);
    const line = LINES.indexOf('var sig = SinOsc.ar(440, 0, 0.1);');
    editor = await vscode.window.showTextDocument(document);
    editor.selection = new vscode.Selection(line, 12, line, 12);
    await pageCheckedByRunner('editing-ctrl-d-help', { tab: 'Help: SinOsc' });
    assert.equal(editor.selections.length, 1, 'no second selection');
  });
});
