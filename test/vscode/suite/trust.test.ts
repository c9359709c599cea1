// Runs in a workspace that is not trusted (Restricted Mode): executable paths and arguments
// from its settings must not be used.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import * as vscode from 'vscode';
import type { SuperColliderLiveApi } from '../../../src/extension/extension';
import { readRecordingSettings } from '../../../src/extension/settings';

/** The workspace's settings file as it is written (comments taken out). */
function workspaceSettings(): Record<string, unknown> {
  const file = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, '.vscode', 'settings.json');
  return JSON.parse(readFileSync(file, 'utf8').replace(/^\s*\/\/.*$/gm, '')) as Record<string, unknown>;
}

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

  it('takes none of the workspace\'s settings that size, expose or place the server or write files', () => {
    const asked = workspaceSettings();
    const config = vscode.workspace.getConfiguration();
    for (const [key, value] of Object.entries(asked)) {
      if (key === 'sclive.bootBlip') continue;
      const seen = config.inspect(key)!;
      const mine = seen.globalValue ?? seen.defaultValue;
      assert.notDeepEqual(value, mine, `${key}: the workspace asks for what the user has anyway`);
      assert.deepEqual(config.get(key), mine, `${key} comes from the user's settings or the default`);
    }
    // The harmless one is applied: the workspace's settings are read at all.
    assert.equal(config.get('sclive.bootBlip'), false);
  });

  it('boots a server of the user\'s size, unpublished, on the default devices', () => {
    const commandLine = ` ${api.controller.server!.commandLine!} `;
    const asked = workspaceSettings();
    const flags: Array<[string, string]> = [
      ['-l', 'maxLogins'], ['-i', 'numInputBuses'], ['-o', 'numOutputBuses'], ['-a', 'numAudioBuses'], ['-c', 'numControlBuses'],
      ['-b', 'numSampleBuffers'], ['-n', 'maxNodes'], ['-d', 'maxSynthDefs'], ['-m', 'memSize'], ['-w', 'numWireBufs'],
      ['-z', 'blockSize'], ['-Z', 'hardwareBufferSize'], ['-S', 'hardwareSampleRate'],
    ];
    for (const [flag, option] of flags) {
      // These settings are numbers (the workspace's settings.json).
      const value = asked[`sclive.server.${option}`] as number | undefined;
      assert.ok(value !== undefined, `the workspace sets ${option}`);
      assert.ok(!commandLine.includes(` ${flag} ${value} `), `${option} ${value} from the workspace in: ${commandLine}`);
    }
    assert.match(commandLine, / -R 0 /, 'not published by Rendezvous');
    assert.doesNotMatch(commandLine, / -H |from-the-workspace/, 'no devices of the workspace\'s choosing');
    // The user's own sizes (test/vscode/runInCodeServer.ts) are applied.
    assert.match(commandLine, / -n 32768 /);
    assert.match(commandLine, / -m 262144 /);
  });

  it('keeps the post window\'s length and the recording settings of the user', () => {
    const post = api.sclang.post;
    for (let i = 0; i < 250; i++) post.post(`[trust test] line ${i}`);
    assert.ok(post.lineCount >= 250, `the post window holds ${post.lineCount} lines: the workspace's 100 were applied`);
    const workspaceFolder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const recording = readRecordingSettings(workspaceFolder, os.homedir());
    assert.doesNotMatch(recording.folder, /from-the-workspace/);
    assert.deepEqual([recording.headerFormat, recording.sampleFormat, recording.channels], ['wav', 'int24', 0]);
  });

  it('does not follow a `recordings` symlink of the workspace out of it: Start Recording refuses, saying why, and writes nothing there', async () => {
    assert.equal(api.controller.state, 'running', 'booted by the test above');
    const link = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'recordings');
    const outside = mkdtempSync(path.join(os.tmpdir(), 'sclive-outside-'));
    symlinkSync(outside, link);
    const window = vscode.window as unknown as Record<string, (...args: unknown[]) => unknown>;
    const original = window.showErrorMessage;
    const shown: string[] = [];
    window.showErrorMessage = (message: unknown, ...rest: unknown[]) => {
      shown.push(String(message));
      return original(message, ...rest);
    };
    try {
      const file = await vscode.commands.executeCommand<string | undefined>('sclive.recording.start');
      assert.equal(file, undefined, 'no take started');
      assert.equal(api.controller.server!.recorder.state, 'idle');
      assert.equal(shown.length, 1, shown.join('\n'));
      assert.match(shown[0], /recordings folder leads outside the workspace/);
      assert.deepEqual(readdirSync(outside), [], 'nothing written where the link leads');
    } finally {
      window.showErrorMessage = original;
      rmSync(link, { force: true });
      rmSync(outside, { recursive: true, force: true });
      await vscode.commands.executeCommand('notifications.clearAll');
    }
  });
});
