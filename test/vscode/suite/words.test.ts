// Issue 17, parts 5 and 6: the Node Tree names an Ndef's synths `Ndef(\drone)` (never "synth N"
// first), a ProxySpace proxy's `~a`; a take with evaluations leaves a timeline (JSON and WebVTT)
// beside its sound file, and Open Timeline shows the code at each moment.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SuperColliderLiveApi } from '../../../src/extension/extension';
import type { LiveNode } from '../../../src/core/server/nodeWatcher';
import { parseTimelineJson } from '../../../src/core/recording/timeline';
import { activateExtension, pageCheckedByRunner, waitFor } from './runnerHandshake';

const WORDS_FILE = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'words.scd');

/** Evaluates one line of words.scd (0-based) as a musician does: cursor there, Shift+Enter's command. */
async function evaluateLine(line: number): Promise<{ status: string; result?: string }> {
  const editor = await vscode.window.showTextDocument(vscode.Uri.file(WORDS_FILE), { preview: false });
  editor.selection = new vscode.Selection(line, 0, line, 0);
  const result = await vscode.commands.executeCommand<{ status: string; result?: string }>('sclive.eval.line');
  assert.ok(result, `line ${line + 1} was evaluated`);
  return result;
}

describe('The Node Tree in the musician\'s words, and the take that keeps the code', function () {
  this.timeout(120_000);
  let api: SuperColliderLiveApi;

  before(async () => {
    api = await activateExtension();
    if (api.controller.state !== 'running') assert.equal(await vscode.commands.executeCommand<boolean>('sclive.server.boot'), true);
  });

  after(async () => {
    // What this file started stops here; the server stays for the next file.
    await api?.sclang.evaluate('y.free; Ndef(\\drone).clear; currentEnvironment.tryPerform(\\clear); if(currentEnvironment.isKindOf(ProxySpace)) { currentEnvironment.pop };').catch(() => undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  /** The row the Node Tree draws for a node (label and description), from the provider. */
  const row = (node: LiveNode) => {
    const item = api.nodeTree.getTreeItem(node);
    return { label: String(typeof item.label === 'object' ? item.label.label : item.label), description: String(item.description ?? '') };
  };
  const groupNamed = (name: string) => {
    const watcher = api.controller.server!.nodeWatcher;
    for (const id of watcher.nodeIds()) {
      const node = watcher.get(id)!;
      if (node.isGroup && row(node).label === name) return node;
    }
    return undefined;
  };

  it('an Ndef\'s synth and group read Ndef(\\drone) in the rendered tree, never "synth N" first (checked by the runner)', async () => {
    await vscode.commands.executeCommand('workbench.view.extension.sclive');
    const ready = { label: 'Ndef(\\drone)', synthId: 0, functionSynthId: 0 };
    const draw = async () => {
      // The runner samples the rendered rows from before the evaluation on.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const played = await evaluateLine(1);
      assert.equal(played.status, 'ok');
      const group = await waitFor('the Ndef\'s group named in the tree', () => groupNamed('Ndef(\\drone)'), 15_000);
      const synth = await waitFor('the Ndef\'s synth in its group', () => api.controller.server!.nodeWatcher.children(group.nodeId).find((node) => !node.isGroup));
      await waitFor('the synth row named', () => row(synth).label === 'Ndef(\\drone)' && row(synth));
      assert.match(row(synth).description, new RegExp(`^${synth.nodeId}$`), 'the made-up temp__ def name is not shown to the musician');
      // scsynth knows it by sclang's made-up def name, queried from its group (notifications carry none).
      await waitFor('the def name from the query', () => synth.defName?.startsWith('temp__'), 3000);
      assert.equal(row(synth).label, 'Ndef(\\drone)', 'named by its proxy, not its def');
      // Its .play: the group that sends it to the speakers.
      await waitFor('the Ndef\'s monitor group named', () => groupNamed('Ndef(\\drone) monitor'), 5000);
      ready.synthId = synth.nodeId;
      // A synth outside any proxy ({ }.play from sclang): its name comes from a query too.
      const made = await evaluateLine(4);
      assert.equal(made.status, 'ok');
      const functionSynthId = Number(/Synth\('temp__\d+' : (\d+)\)/.exec(made.result ?? '')?.[1]);
      assert.ok(functionSynthId, `the synth in the result: ${made.result}`);
      const functionSynth = await waitFor('the function synth in the tree', () => api.controller.server!.nodeWatcher.get(functionSynthId));
      await waitFor('its row named', () => row(functionSynth).label === '{ } function');
      ready.functionSynthId = functionSynthId;
      await new Promise((resolve) => setTimeout(resolve, 1500));
    };
    if (process.env.SCLIVE_E2E_DIR) {
      await pageCheckedByRunner('words-ndef', ready, async (dir) => {
        await draw();
        // Written whole, then renamed: the runner polls for the name.
        writeFileSync(path.join(dir, 'words-ndef.data.json.partial'), JSON.stringify(ready));
        renameSync(path.join(dir, 'words-ndef.data.json.partial'), path.join(dir, 'words-ndef.data.json'));
      });
    } else {
      await draw();
    }
  });

  it('a ProxySpace proxy\'s synth and group read ~a', async () => {
    const pushed = await api.sclang.evaluate('p = ProxySpace.push(s); ~a = { SinOsc.ar(330) * 0.01 }; ~a.play;');
    assert.equal(pushed.status, 'ok', pushed.output.join('\n'));
    const group = await waitFor('the proxy\'s group named ~a', () => groupNamed('~a'), 15_000);
    const synth = await waitFor('the proxy\'s synth named ~a', () => api.controller.server!.nodeWatcher.children(group.nodeId).find((node) => !node.isGroup && row(node).label === '~a'));
    await waitFor('the def name from the query', () => synth.defName?.startsWith('temp__'), 3000);
    assert.equal(row(synth).label, '~a');
    const ended = await api.sclang.evaluate('p.clear; p.pop;');
    assert.equal(ended.status, 'ok', ended.output.join('\n'));
  });

  it('a Pdef\'s synths read default (Pdef \\mel)', async () => {
    const played = await api.sclang.evaluate('Pdef(\\mel, Pbind(\\dur, 0.25, \\legato, 2, \\amp, 0.001)).play;');
    assert.equal(played.status, 'ok', played.output.join('\n'));
    try {
      const watcher = api.controller.server!.nodeWatcher;
      await waitFor('a synth of the Pdef named by its instrument and key', () => {
        for (const id of watcher.nodeIds()) {
          const node = watcher.get(id)!;
          if (!node.isGroup && row(node).label === 'default (Pdef \\mel)') return node;
        }
        return undefined;
      }, 10_000);
    } finally {
      await api.sclang.evaluate('Pdef(\\mel).stop; Pdef(\\mel).clear;');
    }
  });

  it('a take with two evaluations leaves a timeline naming both lines, and Open Timeline shows their code (checked by the runner)', async () => {
    const folder = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'recordings');
    try {
      const file = await vscode.commands.executeCommand<string>('sclive.recording.start');
      assert.ok(file, 'a take started');
      await new Promise((resolve) => setTimeout(resolve, 1200));
      assert.equal((await evaluateLine(2)).result, '10');
      await new Promise((resolve) => setTimeout(resolve, 1200));
      assert.equal((await evaluateLine(3)).status, 'error');
      await vscode.commands.executeCommand('sclive.recording.stop');

      const base = file.replace(/\.wav$/, '');
      const timeline = parseTimelineJson(readFileSync(`${base}.timeline.json`, 'utf8'));
      assert.equal(timeline.soundFile, file);
      assert.deepEqual(timeline.entries.map((entry) => [path.basename(entry.file), entry.line, entry.code, entry.status]), [
        ['words.scd', 3, '(1..4).sum', 'ok'],
        ['words.scd', 4, 'nil.foo', 'error'],
      ]);
      assert.equal(timeline.entries[0].text, '10');
      assert.match(timeline.entries[1].text, /ERROR: Message 'foo' not understood/);
      const [first, second] = timeline.entries.map((entry) => entry.seconds);
      assert.ok(first >= 0.8 && second - first >= 0.8 && second < 10, `moments in the take: ${first} s and ${second} s`);
      const vtt = readFileSync(`${base}.vtt`, 'utf8');
      assert.match(vtt, /^WEBVTT/);
      assert.match(vtt, /\n00:00:0\d\.\d{3} --> 00:00:0\d\.\d{3}\nwords\.scd:3\n\(1\.\.4\)\.sum\n-> 10\n/);
      assert.match(vtt, /\nwords\.scd:4\nnil\.foo\nERROR: Message 'foo' not understood/);

      // The only take in the recordings folder: Open Timeline shows it without asking.
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      assert.equal(await vscode.commands.executeCommand<string>('sclive.recording.openTimeline'), `${base}.timeline.json`);
      const shown = vscode.window.activeTextEditor?.document;
      assert.equal(shown?.uri.scheme, 'sclive-timeline');
      assert.equal(shown?.languageId, 'supercollider');
      assert.match(shown.getText(), /\/\/ 0:0\d\.\d · words\.scd:3\n\(1\.\.4\)\.sum\n\/\/ -> 10\n\n\/\/ 0:0\d\.\d · words\.scd:4 · failed\nnil\.foo\n\/\/ ERROR: Message 'foo' not understood/);
      // Each moment's file:line leads back to the musician's file at that line.
      const links = await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', shown.uri);
      assert.deepEqual(links.map((link) => [shown.getText(link.range), link.target?.fsPath, link.target?.fragment]), [
        ['words.scd:3', WORDS_FILE, 'L3'],
        ['words.scd:4', WORDS_FILE, 'L4'],
      ]);
      await pageCheckedByRunner('words-timeline', { lines: ['words.scd:3', '(1..4).sum', 'words.scd:4 · failed', 'nil.foo'] });
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      rmSync(folder, { recursive: true, force: true });
    }
    assert.ok(!existsSync(folder));
  });
});
