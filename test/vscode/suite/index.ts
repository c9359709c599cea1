// Entry point the extension host calls (extensionTestsPath): runs the mocha suite in the host.
import * as path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'spec' });
  // The runner picks the suite: the main one, or the one for an untrusted workspace.
  mocha.addFile(path.join(__dirname, process.env.SCLIVE_SUITE === 'trust' ? 'trust.test.js' : 'extension.test.js'));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures ? reject(new Error(`${failures} test(s) failed`)) : resolve()));
  });
}
