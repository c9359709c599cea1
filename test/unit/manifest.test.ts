import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
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
});
