// Issue 19 part 5: the synths the extension keeps for itself (volume, meters, scope) are shown
// in the Node Tree for what they are, from the one registry (KeptSynthSet): the scope's synth was
// shown as a musician's synth, with Free and Pause. Named to run after words.test.ts: run just
// before walkthrough.test.ts (as keptSynths.test.ts, after errors.test.ts) the walkthrough's first
// step did not tick within its 20 s, in three whole runs and in errors+this+walkthrough alone,
// though this file leaves the views and the volume as it found them; cause not found yet.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { SuperColliderLiveApi } from '../../../src/extension/extension';
import { activateExtension, waitFor } from './runnerHandshake';

describe('Kept synths in the Node Tree', function () {
  this.timeout(90_000);
  let api: SuperColliderLiveApi;
  /** Which of the views this file shows were shown before it: the next file finds the window as this one found it. */
  let shownBefore: { tree: boolean; meters: boolean; scope: boolean };

  before(async () => {
    api = await activateExtension();
    shownBefore = { tree: api.nodeTreeView.visible, meters: api.meters.visible, scope: api.scope.visible };
    if (api.controller.state !== 'running') assert.equal(await vscode.commands.executeCommand<boolean>('sclive.server.boot'), true);
  });

  after(async () => {
    // The views this file showed are hidden again (their synths go) and the volume is back at 0 dB.
    await vscode.commands.executeCommand('sclive.nodeTree.focus');
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await vscode.commands.executeCommand('workbench.action.closePanel');
    await api?.controller.server?.setVolume(0);
    const server = api?.controller.server;
    if (server) await waitFor('the meter and scope synths gone with their views', () => server.meters.synthIds.length === 0 && server.scope.synthIds.length === 0);
    if (shownBefore?.tree || shownBefore?.meters) await vscode.commands.executeCommand('sclive.nodeTree.focus');
    if (shownBefore?.scope) await vscode.commands.executeCommand('sclive.scope.show');
    console.log(`[kept synths] views shown before this file: ${JSON.stringify(shownBefore)}; after: ${JSON.stringify({ tree: api?.nodeTreeView.visible, meters: api?.meters.visible, scope: api?.scope.visible })}`);
  });

  it('shows the volume, meter and scope synths as "volume", "meter" and "scope", with no Free or Pause and no controls', async () => {
    const server = api.controller.server!;
    await server.setVolume(-6);
    await vscode.commands.executeCommand('sclive.meters.show');
    await vscode.commands.executeCommand('sclive.scope.show');
    await waitFor('the volume, meter and scope synths on the server', () => server.volumeSynthIds.length > 0 && server.meters.synthIds.length > 0 && server.scope.synthIds.length === 1);
    const kept = server.keptSynths.keepers.filter((keeper) => keeper.synthIds.length > 0);
    assert.deepEqual(kept.map((keeper) => keeper.what), ['the volume', 'the meters', 'the scope']);
    const rowsOf = async () => {
      const top = (await api.nodeTree.getChildren(undefined));
      return top.flatMap((element) => ('kind' in element ? [] : [{ node: element, item: api.nodeTree.getTreeItem(element) }]));
    };
    const labelOf = (item: vscode.TreeItem) => String(typeof item.label === 'object' ? item.label.label : item.label);
    const keptIds = kept.flatMap((keeper) => keeper.synthIds);
    await waitFor('a row for every kept synth', async () => {
      const shown = new Set((await rowsOf()).map((row) => row.node.nodeId));
      return keptIds.every((id) => shown.has(id));
    });
    const rows = await rowsOf();
    for (const keeper of kept) {
      for (const id of keeper.synthIds) {
        const row = rows.find((candidate) => candidate.node.nodeId === id)!;
        const label = labelOf(row.item);
        assert.equal(label, { 'the volume': 'volume', 'the meters': 'meter', 'the scope': 'scope' }[keeper.what], `${keeper.what}: ${id}`);
        // 'keptSynth' matches no Node Tree menu (Free, Pause, Resume, Copy ID are on synth.* and group.*).
        assert.equal(row.item.contextValue, 'keptSynth', `${label} ${id}`);
        assert.equal(row.item.collapsibleState, vscode.TreeItemCollapsibleState.None, `${label} ${id} has no controls to open`);
        assert.match(typeof row.item.tooltip === 'string' ? row.item.tooltip : (row.item.tooltip?.value ?? ''), /kept at the end of the root group by SuperCollider Live/);
      }
    }
    const scopeRow = rows.find((row) => row.node.nodeId === server.scope.synthIds[0])!;
    assert.equal(scopeRow.item.description, 'signal');
    const volumeRow = rows.find((row) => row.node.nodeId === server.volumeSynthIds[0])!;
    assert.equal(volumeRow.item.description, '-6 dB');
  });
});
