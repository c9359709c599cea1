// The same suite under @vscode/test-electron, for a desktop with internet (it downloads VS
// Code from Microsoft, which these build machines cannot reach; there runInCodeServer is used).
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { ROOT } from '../../tools/codeServer';

async function main(): Promise<void> {
  await runTests({
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: path.join(ROOT, 'out/test/vscode/suite/index.js'),
    launchArgs: [path.join(ROOT, 'test/vscode/workspace'), '--disable-extensions', '--disable-workspace-trust'],
  });
}

main().catch((error: Error) => {
  console.error(`VS Code tests failed: ${error.message}`);
  process.exit(1);
});
