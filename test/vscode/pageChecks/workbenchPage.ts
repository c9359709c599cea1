// What every page check needs: the runner's log, where screenshots go, the panes of the
// workbench a musician looks at.
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT } from '../../../tools/codeServer';

export const RESULTS = path.join(ROOT, 'test-results');

/** One check of the rendered page: the suite's `ready` data in, a thrown error on failure. */
export type PageCheck = (page: Page, ready: never, handshake: string) => Promise<void>;

/** A feature's page checks, in the order its suite file reaches them. */
export type PageCheckList = Array<[string, PageCheck]>;

export function log(message: string): void {
  console.log(`[vscode-tests] ${message}`);
}

/** The Node Tree view's pane. */
export function nodeTreePane(page: Page) {
  return page.locator('.pane', { has: page.locator('.pane-header', { hasText: /node tree/i }) }).first();
}

/** Keeps a screenshot of the page in test-results/ and says where. */
export async function keepScreenshot(page: Page, name: string): Promise<void> {
  mkdirSync(RESULTS, { recursive: true });
  await page.screenshot({ path: path.join(RESULTS, name) });
  log(`screenshot: ${path.relative(ROOT, path.join(RESULTS, name))}`);
}
