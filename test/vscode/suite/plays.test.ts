// What plays, at hand (issue 17, parts 3 and 4): the code lens on a Pdef line says it plays and
// its Stop (clicked in the rendered editor by the runner) stops the server's synths; the
// Proxies view, opened by NdefMixer(s), shows Ndef(\drone) playing.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { SuperColliderLiveApi } from '../../../src/extension/extension';
import { clientIdOfNode } from '../../../src/core/server/idAllocators';
import { activateExtension, pageCheckedByRunner, waitFor } from './runnerHandshake';

describe('What plays (lenses and the Proxies view)', function () {
  this.timeout(120_000);
  let api: SuperColliderLiveApi;

  /** Synths of sclang's client born since `before` (ids it had then): the server's truth, from its notifications. */
  const newSclangSynths = (before: Set<number>) => {
    const server = api.controller.server!;
    return [...server.nodeWatcher.nodeIds()].filter((id) => !before.has(id) && !server.nodeWatcher.get(id)!.isGroup && clientIdOfNode(id) !== server.clientId);
  };

  before(async () => {
    api = await activateExtension();
    if (api.controller.state !== 'running') assert.equal(await vscode.commands.executeCommand<boolean>('sclive.server.boot'), true);
    assert.equal(await vscode.commands.executeCommand<boolean>('sclive.sclang.start'), true);
  });

  it('a Pdef line\'s code lens says it plays; its Stop (clicked in the page) stops its synths on the server', async () => {
    const document = await vscode.workspace.openTextDocument({ language: 'supercollider', content: '(\nPdef(\\playsMel, Pbind(\\dur, 0.15, \\legato, 0.5, \\amp, 0.001)).play;\n)\n' });
    await vscode.window.showTextDocument(document);
    const before = new Set(api.controller.server!.nodeWatcher.nodeIds());
    const played = await api.sclang.evaluate(document.getText());
    assert.equal(played.status, 'ok', played.output.join('\n'));
    await waitFor('the Pdef\'s synths on the server', () => newSclangSynths(before).length > 0, 10_000);
    const lensTitles = async () => ((await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri)) ?? []).map((lens) => lens.command?.title ?? '');
    await waitFor('the lens saying it plays', async () => (await lensTitles()).includes('▶ Pdef(\\playsMel) playing'), 10_000);
    assert.deepEqual(await lensTitles(), ['▶ Pdef(\\playsMel) playing', 'Stop']);
    await pageCheckedByRunner('plays-lens', { playing: 'Pdef(\\playsMel) playing' });
    // The runner clicked Stop: the pattern makes no synth any more, the last ones end.
    await waitFor('no synth of the Pdef left', () => newSclangSynths(before).length === 0, 5000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(newSclangSynths(before).length, 0, 'no new synth after Stop');
    await waitFor('the lens saying it stopped', async () => (await lensTitles())[0] === 'Pdef(\\playsMel) stopped', 5000);
    assert.deepEqual(await lensTitles(), ['Pdef(\\playsMel) stopped', 'Play']);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('NdefMixer(s) opens the Proxies view, which shows drone playing after Ndef(\\drone, ...).play (rows read in the page)', async () => {
    const played = await api.sclang.evaluate('Ndef(\\drone, { SinOsc.ar([220, 221], 0, 0.01) }).play; NdefMixer(s)');
    assert.equal(played.status, 'ok', played.output.join('\n'));
    assert.equal(played.result, 'a Proxies view (shown in the editor)');
    await waitFor('the Proxies view shown', () => api.players.proxiesView.visible, 10_000);
    const drone = await waitFor('drone in the state', () => api.players.poller.state.proxies.find((p) => p.key === 'drone' && p.playing), 10_000);
    assert.equal(drone.kind, 'Ndef');
    assert.ok(drone.group !== null && drone.group > 0, `drone's group: ${drone.group}`);
    await pageCheckedByRunner('plays-proxies', { row: 'drone', description: 'playing' });
    // Stopped from its row's command, as the inline Stop does.
    await vscode.commands.executeCommand('sclive.player.stop', drone);
    await waitFor('drone stopped', () => api.players.poller.state.proxies.find((p) => p.key === 'drone' && !p.playing), 10_000);
    const cleared = await api.sclang.evaluate('Ndef(\\drone).clear; Pdef(\\playsMel).clear; "cleared"');
    assert.equal(cleared.status, 'ok');
    await vscode.commands.executeCommand('sclive.nodeTree.focus');
  });
});
