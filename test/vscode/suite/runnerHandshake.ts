// What the suite files share: the extension's API, waiting for what a test expects, and the
// handshake with the runner that checks the rendered page.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SuperColliderLiveApi } from '../../../src/extension/extension';

export const EXTENSION_ID = 'supercollider-live.supercollider-live';

/** The extension, activated. */
export async function activateExtension(): Promise<SuperColliderLiveApi> {
  const extension = vscode.extensions.getExtension<SuperColliderLiveApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is installed in the extension host`);
  return extension.activate();
}

export function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
    const poll = async () => {
      try {
        const value = await check();
        if (value) return resolve(value);
      } catch {
        // Not yet.
      }
      if (Date.now() > deadline) return reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      setTimeout(() => void poll(), 50);
    };
    void poll();
  });
}

/**
 * Records what the extension shows through `vscode.window[kind]` (message and buttons) while
 * still showing it: a spy on the real API, not a replacement.
 */
export function spyOnMessages(kind: 'showErrorMessage' | 'showInformationMessage' | 'showWarningMessage'): { shown: string[]; restore(): void } {
  const shown: string[] = [];
  const window = vscode.window as unknown as Record<string, (...args: unknown[]) => unknown>;
  const original = window[kind];
  window[kind] = (message: unknown, ...rest: unknown[]) => {
    shown.push(`${String(message)} [${rest.filter((item) => typeof item === 'string').join('|')}]`);
    return original(message, ...rest);
  };
  return { shown, restore: () => (window[kind] = original) };
}

/**
 * Under the code-server runner: says the window now shows `step` (with what to look for) and
 * waits for the runner's verdict on the rendered page. Elsewhere there is no page to check.
 * The runner's list for this suite file (test/vscode/pageChecks/<same name>.ts) names the
 * steps in the same order.
 */
export async function pageCheckedByRunner(step: string, ready: object, whileChecking?: (dir: string) => Promise<void>): Promise<void> {
  const dir = process.env.SCLIVE_E2E_DIR;
  if (!dir) return;
  await vscode.commands.executeCommand('notifications.clearAll');
  writeFileSync(path.join(dir, `${step}.ready.json`), JSON.stringify(ready));
  // What the runner watches happen (it looks at the page meanwhile).
  await whileChecking?.(dir);
  const checked = path.join(dir, `${step}.checked.json`);
  // Read once whole: the runner's write may be seen half done (an empty file).
  const verdict = await waitFor('the runner\'s page checks', () => existsSync(checked) && JSON.parse(readFileSync(checked, 'utf8')), 50_000);
  assert.equal(verdict.ok, true, verdict.error);
}
