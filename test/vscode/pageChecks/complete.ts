// Completion that knows the music, as drawn: in the editor the musician types a letter after
// `~x.` (an Array), `sig.` (a SinOsc), `Pbind(\`, `\instrument, \bass, \` and `Synth(\bass, [\`,
// presses Ctrl+Space, and the suggestion list shown opens with what the text implies.
import type { Page } from 'playwright-core';
import { keepScreenshot, log, type PageCheckList } from './workbenchPage';

export interface CompletionCase {
  /** The whole text of the line (unique in the document); the cursor goes to its end. */
  line: string;
  /** What the musician types there before Ctrl+Space. */
  typed: string;
  /** The row the list must open with. */
  first: string;
  /** Rows that must not be among those drawn (what the list showed without knowing the music). */
  absent: string[];
}

async function checkMusicCompletion(page: Page, ready: { cases: CompletionCase[] }): Promise<void> {
  const failures: string[] = [];
  for (const c of ready.cases) {
    await page.locator('.monaco-editor .view-line', { hasText: c.line }).first().click();
    await page.keyboard.press('End');
    await page.keyboard.type(c.typed);
    await page.keyboard.press('Control+Space');
    const rows = page.locator('.suggest-widget.visible .monaco-list-row');
    let labels: string[] = [];
    try {
      await rows.first().waitFor({ timeout: 10_000 });
      // The list may still be the one quick suggestions opened with one letter: let it settle.
      await new Promise((resolve) => setTimeout(resolve, 300));
      labels = (await rows.locator('.label-name').allInnerTexts()).map((text) => text.trim());
    } catch {
      labels = [];
    }
    log(`suggestions after "${c.line}${c.typed}": ${labels.slice(0, 8).join(', ')}`);
    if (c === ready.cases[ready.cases.length - 1]) await keepScreenshot(page, 'vscode-complete.png');
    await page.keyboard.press('Escape');
    for (let i = 0; i < c.typed.length; i++) await page.keyboard.press('Backspace');
    if (labels[0] !== c.first) failures.push(`after "${c.line}${c.typed}" the list opens with ${labels[0] ?? 'nothing'}, not ${c.first}: ${labels.join(', ')}`);
    const shown = c.absent.filter((label) => labels.includes(label));
    if (shown.length) failures.push(`after "${c.line}${c.typed}" the list shows ${shown.join(', ')}: ${labels.join(', ')}`);
  }
  if (failures.length) throw new Error(failures.join('\n'));
}

export const PAGE_CHECKS: PageCheckList = [['music completion', checkMusicCompletion]];
