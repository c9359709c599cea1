// Page checks of suite/plays.test.ts: the rendered code lens of a playing Pdef, clicked as a
// musician clicks it, and the Proxies view's rows.
import type { Page } from 'playwright-core';
import { keepScreenshot, log, type PageCheckList } from './workbenchPage';

/** The Proxies view's pane. */
function proxiesPane(page: Page) {
  return page.locator('.pane', { has: page.locator('.pane-header', { hasText: /^\s*proxies/i }) }).first();
}

/** The lens above the Pdef's line says it plays; its Stop is clicked (the suite checks the server). */
async function clickStopInLens(page: Page, ready: { playing: string }): Promise<void> {
  const lens = page.locator('.monaco-editor .codelens-decoration', { hasText: ready.playing }).first();
  await lens.waitFor({ timeout: 15_000 });
  log(`code lens: "${(await lens.innerText()).replace(/\s+/g, ' ').trim()}"`);
  await keepScreenshot(page, 'vscode-plays-lens.png');
  await lens.locator('a', { hasText: /^\s*Stop\s*$/ }).first().click();
}

/** The Proxies view lists the Ndef by its key, playing. */
async function checkProxiesRows(page: Page, ready: { row: string; description: string }): Promise<void> {
  const pane = proxiesPane(page);
  await pane.waitFor({ timeout: 15_000 });
  const row = pane.locator('.monaco-list-row', { hasText: new RegExp(`^\\s*${ready.row}\\s*${ready.description}`) }).first();
  try {
    await row.waitFor({ timeout: 15_000 });
  } catch (error) {
    const rows = await pane.locator('.monaco-list-row').allInnerTexts().catch(() => []);
    throw new Error(`the Proxies view has no row "${ready.row}" ${ready.description}: rows ${JSON.stringify(rows)}`);
  }
  log(`Proxies row: "${(await row.innerText()).replace(/\s+/g, ' ').trim()}"`);
  await keepScreenshot(page, 'vscode-proxies.png');
}

export const PAGE_CHECKS: PageCheckList = [
  ['plays-lens', clickStopInLens],
  ['plays-proxies', checkProxiesRows],
];
