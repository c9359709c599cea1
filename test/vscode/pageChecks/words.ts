// Page checks of test/vscode/suite/words.test.ts: the Node Tree's rows as drawn, and a take's
// timeline as Open Timeline shows it.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { keepScreenshot, log, nodeTreePane, type PageCheckList } from './workbenchPage';

/**
 * Samples the Node Tree's rendered rows while the suite evaluates `Ndef(\drone, ...).play` and
 * `{ ... }.play`, until it says which synths were made: rows read `Ndef(\drone)` and
 * `{ } function` with those synths' ids, and no row ever read "synth N" (a synth drawn before
 * its name was known).
 */
async function checkNdefRow(page: Page, _ready: unknown, handshake: string): Promise<void> {
  const view = nodeTreePane(page);
  await view.waitFor({ timeout: 20_000 });
  const dataFile = path.join(handshake, 'words-ndef.data.json');
  const unnamed = new Set<string>();
  let samples = 0;
  const deadline = Date.now() + 60_000;
  while (!existsSync(dataFile)) {
    if (Date.now() > deadline) throw new Error('the suite did not say which synth the Ndef made');
    for (const text of await view.locator('.monaco-list-row').allInnerTexts()) {
      // A row's label and description run together in innerText ("synth1004").
      if (/^\s*synth\s*\d+/.test(text)) unnamed.add(text.replace(/\s+/g, ' '));
    }
    samples++;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const { label, synthId, functionSynthId } = JSON.parse(readFileSync(dataFile, 'utf8')) as { label: string; synthId: number; functionSynthId: number };
  const rows = (await view.locator('.monaco-list-row').allInnerTexts()).map((text) => text.replace(/\s+/g, ' ').trim());
  await keepScreenshot(page, 'vscode-words-ndef.png');
  log(`Ndef rows: ${JSON.stringify(rows.filter((text) => text.includes('Ndef')))}; ${samples} samples, ${unnamed.size} unnamed synth rows`);
  if (!rows.some((text) => text.startsWith(label) && text.includes(String(synthId)))) throw new Error(`no row reads ${label} ${synthId}: ${JSON.stringify(rows)}`);
  if (!rows.some((text) => text.startsWith('{ } function') && text.includes(String(functionSynthId)))) throw new Error(`no row reads { } function ${functionSynthId}: ${JSON.stringify(rows)}`);
  if (unnamed.size) throw new Error(`rows drawn before their synth's name: ${[...unnamed].join(', ')}`);
}

/** The timeline Open Timeline opened: each moment's header and code in the rendered editor. */
async function checkTimelineEditor(page: Page, ready: { lines: string[] }): Promise<void> {
  for (const line of ready.lines) await page.locator('.monaco-editor .view-line', { hasText: line }).first().waitFor({ timeout: 15_000 });
  const tab = await page.locator('.tab.active').first().innerText().catch(() => '');
  log(`timeline editor shows ${ready.lines.length} expected lines; tab "${tab.replace(/\s+/g, ' ').trim()}"`);
  await keepScreenshot(page, 'vscode-words-timeline.png');
}

export const PAGE_CHECKS: PageCheckList = [
  ['words-ndef', checkNdefRow],
  ['words-timeline', checkTimelineEditor],
];
