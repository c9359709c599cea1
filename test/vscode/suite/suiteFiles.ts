// Which suite files run, in which order: the same list for the extension host (index.ts)
// and for the runner, which loads each file's page checks from test/vscode/pageChecks/.
import { readdirSync } from 'node:fs';

/**
 * `extension` first (it boots the first server), then each feature's own file in name order,
 * then `windowClose` (it leaves a server running for the runner to see stopped). With
 * SCLIVE_SUITE_ONLY=name,name only those feature files run (a quicker round while working on
 * one feature; `npm test` runs them all).
 */
export function mainSuiteFiles(suiteDir: string, only = process.env.SCLIVE_SUITE_ONLY): string[] {
  const features = readdirSync(suiteDir)
    .filter((file) => file.endsWith('.test.js'))
    .map((file) => file.slice(0, -'.test.js'.length))
    .filter((name) => !['extension', 'trust', 'windowClose'].includes(name))
    .sort();
  if (only) {
    const chosen = only.split(',').map((name) => name.trim()).filter(Boolean);
    return chosen.filter((name) => name === 'extension' || name === 'windowClose' || features.includes(name));
  }
  return ['extension', ...features, 'windowClose'];
}
