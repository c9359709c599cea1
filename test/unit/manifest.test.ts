import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8'));

describe('package.json', () => {
  it('activates only where SuperCollider is used: no window that never touches it starts the extension', () => {
    const events: string[] = manifest.activationEvents;
    assert.ok(!events.includes('*') && !events.includes('onStartupFinished'), `activationEvents: ${events.join(', ')}`);
    for (const event of events) assert.match(event, /^(onLanguage:supercollider|workspaceContains:\*\*\/\*\.(scd|sc))$/);
  });

  it('names every command sclive.<noun>.<verb> in the SuperCollider category', () => {
    for (const command of manifest.contributes.commands as Array<{ command: string; category: string }>) {
      assert.match(command.command, /^sclive\.[a-z][A-Za-z]*\.[a-z][A-Za-z]*$/);
      assert.equal(command.category, 'SuperCollider', command.command);
    }
  });

  it('takes every setting that starts, sizes, exposes or places the server or writes files from user settings only in an untrusted workspace', () => {
    const configuration = [manifest.contributes.configuration].flat() as Array<{ properties: Record<string, unknown> }>;
    const settings = configuration.flatMap((section) => Object.keys(section.properties));
    const restricted: string[] = manifest.capabilities.untrustedWorkspaces.restrictedConfigurations;
    // The one list VS Code applies (no "restricted" flag on a property besides it).
    for (const section of configuration) for (const [name, property] of Object.entries(section.properties)) assert.equal((property as { restricted?: boolean }).restricted, undefined, name);
    const mustBe = settings.filter((name) => /^sclive\.(server|recording)\./.test(name) || ['sclive.scsynthPath', 'sclive.sclangPath', 'sclive.bootOnStartup', 'sclive.evaluation.bootServer', 'sclive.post.maxLines'].includes(name));
    assert.ok(mustBe.length >= 30, `${mustBe.length} settings`);
    assert.deepEqual(mustBe.filter((name) => !restricted.includes(name)), []);
    assert.deepEqual(restricted.filter((name) => !settings.includes(name)), [], 'no name of a setting that does not exist');
  });

  it('carries its license: a LICENSE file with the text of the license package.json names, packaged, never skipped', () => {
    const root = path.resolve(__dirname, '../../..');
    assert.equal(manifest.license, 'GPL-3.0-or-later');
    assert.ok(existsSync(path.join(root, 'LICENSE')), 'LICENSE at the root');
    assert.match(readFileSync(path.join(root, 'LICENSE'), 'utf8'), /GNU GENERAL PUBLIC LICENSE\s+Version 3, 29 June 2007/);
    assert.doesNotMatch(manifest.scripts.package, /--skip-license/);
    assert.match(readFileSync(path.join(root, '.vscodeignore'), 'utf8'), /^!LICENSE$/m);
  });
});
