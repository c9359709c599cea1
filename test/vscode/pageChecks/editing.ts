// What editing.test.ts asks the runner to do as a musician would, with the keyboard in the
// rendered editor, and what it must see drawn: a snippet expanded, a `( )` block folded and
// unfolded, Enter after `{` indenting and `}` outdenting, Expand Selection, and Ctrl+D.
import type { Page } from 'playwright-core';
import { keepScreenshot, log, type PageCheckList } from './workbenchPage';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The editor's drawn lines, top to bottom, as text (the editor draws spaces as no-break spaces). */
async function drawnLines(page: Page): Promise<string[]> {
  return page.locator('.part.editor .editor-instance .monaco-editor .view-lines').first().evaluate((element) =>
    [...element.querySelectorAll('.view-line')]
      .map((line) => ({ top: parseFloat((line as unknown as { style: { top: string } }).style.top), text: (line.textContent ?? '').replace(/\u00a0/g, ' ') }))
      .sort((a, b) => a.top - b.top)
      .map((line) => line.text),
  );
}

/** Waits for `check` to find what it looks for in the page; the failure says what was drawn. */
async function poll<T>(page: Page, what: string, check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check();
    if (value !== undefined) return value;
    await pause(150);
  }
  throw new Error(`the page did not show ${what} within ${timeoutMs} ms; drawn: ${(await drawnLines(page)).join(' ⏎ ')}`);
}

async function clickLine(page: Page, text: string): Promise<void> {
  await page.locator('.part.editor .monaco-editor .view-line', { hasText: text }).first().click();
}

/** `pdef` typed on the empty line, its snippet picked from the suggestion list: the Pdef is drawn. */
async function checkSnippet(page: Page, ready: { below: string; prefix: string; expanded: string }): Promise<void> {
  await clickLine(page, ready.below);
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.type(ready.prefix);
  await page.keyboard.press('Control+Space');
  const row = page.locator('.suggest-widget.visible .monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${ready.prefix}$`) }) }).first();
  await row.waitFor({ timeout: 10_000 });
  await row.click();
  await poll(page, `the expanded snippet "${ready.expanded}"`, async () => ((await drawnLines(page)).some((line) => line.includes(ready.expanded)) ? true : undefined));
  await keepScreenshot(page, 'vscode-editing-snippet.png');
  // Out of the snippet's placeholders.
  await page.keyboard.press('Escape');
  await page.keyboard.press('Escape');
  log(`snippet ${ready.prefix} expanded to "${ready.expanded}..."`);
}

/** The cursor on the `(` line above `below`, Fold: the block's lines go, `)` stays; Unfold brings them back. */
async function checkFold(page: Page, ready: { below: string; hidden: string[]; stays: string }): Promise<void> {
  await clickLine(page, ready.below);
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Control+Shift+BracketLeft');
  const folded = await poll(page, 'the block folded', async () => {
    const lines = await drawnLines(page);
    return ready.hidden.every((text) => !lines.some((line) => line.includes(text))) && lines.some((line) => line.trim() === ready.stays) ? lines : undefined;
  });
  const ellipsis = await page.locator('.part.editor .monaco-editor .inline-folded').count();
  if (!ellipsis) throw new Error('no folded-range marker drawn after the ( line');
  await keepScreenshot(page, 'vscode-editing-folded.png');
  log(`folded: ${folded.slice(0, 4).join(' ⏎ ')}`);
  await page.keyboard.press('Control+Shift+BracketRight');
  await poll(page, 'the block unfolded', async () => {
    const lines = await drawnLines(page);
    return ready.hidden.every((text) => lines.some((line) => line.includes(text))) ? true : undefined;
  });
}

/** Enter at the end of `f = {`, `1;`, Enter, `}`: the `1;` drawn indented and the `}` at the line's start. */
async function checkIndent(page: Page, ready: { opener: string; inner: string }): Promise<void> {
  // At a musician's pace: the editor re-indents by the tokens of the line, which its
  // tokenizer (a worker in VS Code for the Web) brings a moment after an edit.
  await clickLine(page, ready.opener);
  await pause(300);
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  await page.keyboard.type(ready.inner, { delay: 80 });
  await pause(300);
  await page.keyboard.press('Enter');
  await pause(300);
  await page.keyboard.type('}');
  const lines = await poll(page, 'the typed lines', async () => {
    const drawn = await drawnLines(page);
    const at = drawn.findIndex((line) => line.trim() === ready.inner);
    return at > 0 && drawn[at + 1]?.trim() === '}' ? { inner: drawn[at], closer: drawn[at + 1] } : undefined;
  });
  log(`drawn: "${lines.inner}" then "${lines.closer}"`);
  await keepScreenshot(page, 'vscode-editing-indent.png');
  if (!/^\s+\S/.test(lines.inner)) throw new Error(`"${lines.inner}" is not indented after the {`);
  if (lines.closer !== '}') throw new Error(`"${lines.closer}": the } is not outdented`);
}

/** Shift+Alt+Right, again and again, with the cursor where the suite put it (the suite records each selection). */
async function checkExpand(page: Page, ready: { presses: number }): Promise<void> {
  for (let i = 0; i < ready.presses; i++) {
    await page.keyboard.press('Shift+Alt+ArrowRight');
    await pause(250);
  }
  await keepScreenshot(page, 'vscode-editing-expand.png');
}

/** Ctrl+D with the cursor where the suite put it: the suite reads what happened. */
async function pressCtrlD(page: Page): Promise<void> {
  await page.keyboard.press('Control+d');
  await pause(500);
}

/** Ctrl+D on SinOsc with the setting on: the help page for SinOsc opens, drawn as a tab. */
async function checkCtrlDHelp(page: Page, ready: { tab: string }): Promise<void> {
  await page.keyboard.press('Control+d');
  const tab = page.locator('.tabs-container .tab', { hasText: ready.tab }).first();
  await tab.waitFor({ timeout: 30_000 });
  await keepScreenshot(page, 'vscode-editing-ctrl-d-help.png');
  log(`Ctrl+D opened the tab "${(await tab.innerText()).trim()}"`);
}

export const PAGE_CHECKS: PageCheckList = [
  ['editing-fold', checkFold],
  ['editing-snippet', checkSnippet],
  ['editing-indent', checkIndent],
  ['editing-expand', checkExpand],
  ['editing-ctrl-d-off', pressCtrlD],
  ['editing-ctrl-d-help', checkCtrlDHelp],
];
