// Entry point the extension host calls (extensionTestsPath): runs the mocha suite in the host.
import * as path from 'node:path';
import Mocha from 'mocha';
import { mainSuiteFiles } from './suiteFiles';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'spec' });
  // The runner picks the suite: the main one (its files in order), or the one for an untrusted workspace.
  const files = process.env.SCLIVE_SUITE === 'trust' ? ['trust'] : mainSuiteFiles(__dirname);
  for (const name of files) mocha.addFile(path.join(__dirname, `${name}.test.js`));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures ? reject(new Error(`${failures} test(s) failed`)) : resolve()));
  });
}
