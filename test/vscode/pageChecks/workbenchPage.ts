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

/** The Meters view's first row as drawn, if the view's page is there (webviews are nested iframes: every frame is looked in). */
export async function firstMetersRow(page: Page): Promise<{ label: string; text: string; rmsWidth: number } | undefined> {
  for (const frame of page.frames()) {
    const row = frame.locator('#meters .row').first();
    if (!(await row.count().catch(() => 0))) continue;
    return {
      label: (await row.getAttribute('aria-label').catch(() => null)) ?? '',
      text: (await row.innerText().catch(() => '')).replace(/\s+/g, ' '),
      rmsWidth: await row.locator('.rms').evaluate((el) => el.getBoundingClientRect().width).catch(() => 0),
    };
  }
  return undefined;
}

/** A view's pane in the SuperCollider container, by its title. */
export function viewPane(page: Page, title: RegExp) {
  return page.locator('.pane', { has: page.locator('.pane-header', { hasText: title }) }).first();
}
