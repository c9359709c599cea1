import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

// src/core must run in plain Node (tests, CLI, benchmark): it may never import vscode.
const CORE = path.resolve(__dirname, '../../../src/core');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? sources(file) : file.endsWith('.ts') ? [file] : [];
  });
}

describe('src/core', () => {
  it('imports nothing from vscode', () => {
    const files = sources(CORE);
    assert.ok(files.length > 10, `found the core sources in ${CORE}`);
    const offenders = files.filter((file) => /(from\s+['"]vscode['"]|require\(\s*['"]vscode['"]\s*\)|import\(\s*['"]vscode['"]\s*\))/.test(readFileSync(file, 'utf8')));
    assert.deepEqual(offenders.map((file) => path.relative(CORE, file)), []);
  });

  it('names no VS Code setting in its messages (errors carry the option; the extension names the setting)', () => {
    const offenders = sources(CORE).filter((file) => /sclive\.[a-zA-Z]/.test(readFileSync(file, 'utf8')));
    assert.deepEqual(offenders.map((file) => path.relative(CORE, file)), []);
  });

  it('loads in plain Node without vscode', () => {
    // Requiring the compiled core would throw "Cannot find module 'vscode'" if it needed it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the point: load it at run time, as plain Node would
    const core = require('../../src/core') as typeof import('../../src/core');
    assert.equal(typeof core.SCServer, 'function');
    assert.equal(typeof core.SCLang, 'function');
    assert.equal(typeof core.cmd.synthNew, 'function', 'the command builders are part of the surface');
  });
});
