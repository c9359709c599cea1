// The last file of the main suite: a server left running for the runner, which checks that
// closing the window stops it.
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SuperColliderLiveApi } from '../../../src/extension/extension';
import { activateExtension } from './runnerHandshake';

describe('Closing the window', function () {
  this.timeout(60_000);
  let api: SuperColliderLiveApi;

  before(async () => {
    api = await activateExtension();
  });

  it('a server left running is stopped when the window closes (checked by the runner)', async function () {
    const dir = process.env.SCLIVE_E2E_DIR;
    if (!dir) this.skip();
    if (api.controller.state !== 'running') assert.equal(await vscode.commands.executeCommand<boolean>('sclive.server.boot'), true);
    writeFileSync(path.join(dir, 'left-running.json'), JSON.stringify({ pid: api.controller.server!.pid }));
  });
});
