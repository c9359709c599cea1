// The Get Started walkthrough in the real VS Code: it opens with its seven steps drawn, the
// boot step ticks itself once the server runs, and the demo, the keys and the Meters tick
// theirs as the musician uses them (the runner clicks and presses keys in the page:
// test/vscode/pageChecks/walkthrough.ts). Steps that wait for a command count only what the
// workbench runs (a key, a click), never what the extension host runs, so the page does it.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { SuperColliderLiveApi } from '../../../src/extension/extension';
import { activateExtension, pageCheckedByRunner, waitFor } from './runnerHandshake';

const MANIFEST_STEPS = () =>
  (vscode.extensions.getExtension('supercollider-live.supercollider-live')!.packageJSON.contributes.walkthroughs[0].steps as Array<{ id: string; title: string }>);

describe('Get Started walkthrough', function () {
  this.timeout(180_000);
  let api: SuperColliderLiveApi;
  const demoDocument = () => vscode.workspace.textDocuments.find((document) => document.isUntitled && document.getText().includes('SuperCollider Live: a first sound'));

  before(async () => {
    api = await activateExtension();
    // Earlier files' editors (the help page among them) would take the room the walkthrough needs beside the demo.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  after(async () => {
    await vscode.commands.executeCommand('sclive.server.hush');
    const demo = demoDocument();
    if (demo) {
      await vscode.window.showTextDocument(demo);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('opens with its seven steps drawn, the first ticked by itself (scsynth and sclang found); booting ticks the boot step by itself', async () => {
    const neverBooted = api.controller.server === undefined;
    await vscode.commands.executeCommand('sclive.walkthrough.open');
    await pageCheckedByRunner('walkthrough-open', { titles: MANIFEST_STEPS().map((step) => step.title), neverBooted });
    // The step's button looks again and says where.
    const found = await vscode.commands.executeCommand<{ scsynth?: string; sclang?: string }>('sclive.programs.find');
    assert.match(found?.scsynth ?? 'not found', /scsynth$/);
    assert.match(found?.sclang ?? 'not found', /sclang$/);
    if (api.controller.state !== 'running') assert.equal(await vscode.commands.executeCommand<boolean>('sclive.server.boot'), true);
    await pageCheckedByRunner('walkthrough-booted', {});
  });

  it('ticks the demo, Ctrl+Enter, Ctrl+., Ctrl+D and the Meters as they are used', async function () {
    // The help's own sclang may start with this first page (slow on a loaded machine).
    this.timeout(300_000);
    // sclang ready before the key, so the evaluation is quick (started from here, it ticks nothing).
    await vscode.commands.executeCommand('sclive.sclang.start');
    await pageCheckedByRunner('walkthrough-demo', {});
    // The cursor waits in the first block, ready for Ctrl+Enter (the command puts it there once the editor shows).
    const cursorInBlock = (editor: vscode.TextEditor) => /^\{ SinOsc\.ar\(\[220, 221\]/.test(editor.document.lineAt(editor.selection.active.line).text);
    // Focused, so Ctrl+Enter plays it next (the page the button was clicked in can take the focus back: the command gives it to the demo again).
    const demo = await waitFor('the demo file open and focused in an editor, the cursor in its first block', () => {
      const editor = vscode.window.activeTextEditor;
      return editor && editor.document === demoDocument() && cursorInBlock(editor) && editor;
    });
    // And still so once the page is done with its click (the command looks again 300 ms on).
    await new Promise((resolve) => setTimeout(resolve, 600));
    assert.equal(vscode.window.activeTextEditor?.document, demo.document, 'the demo keeps the focus after the page\'s click');
    // Beside the walkthrough, not in its place (the page's click could make its own group active again first).
    const walkthroughTab = vscode.window.tabGroups.all.flatMap((group) => group.tabs).find((tab) => /Walkthrough: SuperCollider Live/.test(tab.label));
    assert.ok(walkthroughTab, `the walkthrough still open beside the demo (tabs: ${vscode.window.tabGroups.all.map((group) => group.tabs.map((tab) => tab.label).join(', ')).join(' | ')})`);
    assert.notEqual(walkthroughTab.group.viewColumn, demo.viewColumn, 'the demo in a group of its own, beside the walkthrough');
    assert.equal(demo.document.languageId, 'supercollider');
    assert.ok(demo.document.isUntitled, 'the demo is a new file of the musician\'s, not the extension\'s copy');

    const postBefore = api.sclang.post.text.length;
    await pageCheckedByRunner('walkthrough-play', { line: 'LFPulse', key: 'Control+Enter', step: 'evaluate' });
    const played = await waitFor('the block\'s synth in the post window', () => /-> Synth\('temp__\d+' : (\d+)\)/.exec(api.sclang.post.text.slice(postBefore)) ?? undefined, 30_000);
    const synthId = Number(played[1]);
    const server = api.controller.server!;
    await waitFor('the block\'s synth on the server', () => server.nodeWatcher.has(synthId), 5000);

    await pageCheckedByRunner('walkthrough-hush', { line: 'LFPulse', key: 'Control+Period', step: 'hush' });
    await waitFor('Ctrl+. to free the block\'s synth', () => !server.nodeWatcher.has(synthId), 5000);

    await pageCheckedByRunner('walkthrough-lookup', { line: '^SinOsc$', key: 'Control+D', step: 'lookUp' });
    await waitFor('SinOsc\'s help page', () => api.help.lastShown?.title === 'SinOsc', 150_000);

    await pageCheckedByRunner('walkthrough-meters', {});
    assert.ok(api.meters, 'the Meters view');
  });
});
