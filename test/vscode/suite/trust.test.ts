// Runs in a workspace that is not trusted (Restricted Mode): executable paths and arguments
// from its settings must not be used.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SuperColliderLiveApi } from '../../../src/extension/extension';

describe('SuperCollider Live in an untrusted workspace', function () {
  this.timeout(60_000);
  let api: SuperColliderLiveApi;

  before(async () => {
    api = await vscode.extensions.getExtension<SuperColliderLiveApi>('supercollider-live.supercollider-live')!.activate();
  });

  after(async () => {
    if (api?.controller.state === 'running') await vscode.commands.executeCommand('sclive.server.quit');
  });

  it('runs in Restricted Mode', () => {
    assert.equal(vscode.workspace.isTrusted, false);
  });

  it('does not boot on opening, though the workspace asks for it', async () => {
    const settingsFile = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, '.vscode', 'settings.json');
    assert.match(readFileSync(settingsFile, 'utf8'), /"sclive\.bootOnStartup": true/, 'the workspace does ask');
    assert.equal(vscode.workspace.getConfiguration('sclive').get('bootOnStartup'), false, 'VS Code withholds it');
    // Activation has finished; give a boot that should not happen time to show.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(api.controller.state, 'stopped');
    assert.equal(api.controller.server, undefined, 'no server was even prepared');
  });

  it('ignores the workspace\'s scsynth path and arguments, and boots the scsynth it finds', async () => {
    const settingsFile = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, '.vscode', 'settings.json');
    assert.match(readFileSync(settingsFile, 'utf8'), /"sclive\.scsynthPath": "\/nonexistent\/from-the-workspace\/scsynth"/, 'the workspace does try to set it');
    // VS Code withholds restricted settings of an untrusted workspace from the extension.
    assert.equal(vscode.workspace.getConfiguration('sclive').get('scsynthPath'), '');
    assert.equal(await vscode.commands.executeCommand<boolean>('sclive.server.boot'), true);
    const commandLine = api.controller.server!.commandLine!;
    assert.doesNotMatch(commandLine, /from-the-workspace|-this-is-not-a-flag|supernova/);
    assert.match(commandLine, /scsynth/);
    // Bound to loopback on the user's port, not to every interface on the workspace's port.
    const userPort = vscode.workspace.getConfiguration('sclive').inspect<number>('server.udpPort')?.globalValue;
    assert.ok(userPort && userPort !== 57531);
    assert.match(commandLine, new RegExp(`-u ${userPort}\\b`));
    assert.match(commandLine, /-B 127\.0\.0\.1\b/);
    assert.doesNotMatch(commandLine, /0\.0\.0\.0|57531/);
    assert.deepEqual(api.controller.server!.addr, ['127.0.0.1', userPort]);
  });
});
