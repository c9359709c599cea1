import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';

// The house's import boundaries are lint rules in eslint.config.mjs: src/core never imports vscode,
// src/extension reaches the core only through src/core/index.ts. This runs the project's own config
// on code that crosses them, at the paths where such code would live.
const ROOT = path.resolve(__dirname, '../../..');

async function boundaryMessages(filePath: string, code: string): Promise<string[]> {
  const eslint = new ESLint({
    cwd: ROOT,
    // The snippets are no files of the TypeScript project: lint them without type information
    // (the boundary rules need none).
    overrideConfig: [{ files: ['**/*.ts'], ...tseslint.configs.disableTypeChecked }],
  });
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, filePath) });
  const fatal = result.messages.filter((message) => message.fatal);
  assert.deepEqual(fatal, [], `${filePath} parses`);
  return result.messages.filter((message) => message.ruleId === 'no-restricted-imports').map((message) => message.message);
}

describe('the import boundaries (ESLint)', function () {
  this.timeout(60_000);

  it('report an extension file that imports a core module around the index', async () => {
    const messages = await boundaryMessages('src/extension/views/boundaryFixture.ts', [
      "import { SCServer } from '../../core/server/scServer';",
      "import type { Logger } from '../../core/events';",
      'export const used: [typeof SCServer, Logger | undefined] = [SCServer, undefined];',
      '',
    ].join('\n'));
    assert.equal(messages.length, 2, `both imports reported: ${messages.join(' / ')}`);
    assert.match(messages[0], /only through src\/core\/index\.ts/);
  });

  it('report it one folder up as well (../core/server/scServer from src/extension)', async () => {
    const messages = await boundaryMessages('src/extension/boundaryFixture.ts', "export { SCServer } from '../core/server/scServer';\n");
    assert.equal(messages.length, 1, 'a re-export around the index is reported too');
  });

  it('let an extension file import the core through its index', async () => {
    const messages = await boundaryMessages('src/extension/views/boundaryFixture.ts', "import { SCServer } from '../../core';\nexport const server = SCServer;\n");
    assert.deepEqual(messages, []);
  });

  it('report a core file that imports vscode', async () => {
    const messages = await boundaryMessages('src/core/server/boundaryFixture.ts', "import * as vscode from 'vscode';\nexport const window = vscode.window;\n");
    assert.equal(messages.length, 1, 'the vscode import is reported');
    assert.match(messages[0], /src\/core is plain Node/);
  });

  it('let tests import core internals', async () => {
    const messages = await boundaryMessages('test/unit/boundaryFixture.ts', "import { SCServer } from '../../src/core/server/scServer';\nexport const server = SCServer;\n");
    assert.deepEqual(messages, []);
  });
});
