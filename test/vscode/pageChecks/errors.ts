// What errors.test.ts asks the runner to look at: the squiggle on the file's own line, the
// place in the post window as a link, and the post window's colours in the light and the
// dark theme, read from the rendered tokens.
import type { Page } from 'playwright-core';
import { keepScreenshot, log, type PageCheckList } from './workbenchPage';

async function poll<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await check();
    if (last !== undefined) return last;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the page did not show ${what} within ${timeoutMs} ms`);
}

/** The editor's squiggle is drawn on the line the suite names (its line number in the gutter). */
async function checkSquiggle(page: Page, ready: { line: number }): Promise<void> {
  const editor = page.locator('.part.editor .editor-instance .monaco-editor').first();
  await editor.waitFor({ timeout: 20_000 });
  const found = await poll(`a squiggle on line ${ready.line}`, async () => {
    const seen = await editor.evaluate((element, line) => {
      const gutter = [...element.querySelectorAll('.margin-view-overlays .line-numbers')].find((number) => number.textContent?.trim() === String(line));
      const lineTop = gutter?.parentElement?.getAttribute('style')?.match(/top:\s*([\d.]+px)/)?.[1];
      const squiggleTops = [...element.querySelectorAll('.view-overlays .squiggly-error')].map((squiggle) => squiggle.parentElement?.getAttribute('style')?.match(/top:\s*([\d.]+px)/)?.[1]);
      return { lineTop, squiggleTops };
    }, ready.line);
    return seen.lineTop && seen.squiggleTops.includes(seen.lineTop) ? { lineTop: seen.lineTop, squiggleTops: seen.squiggleTops as string[] } : undefined;
  });
  log(`squiggle drawn at top ${found.lineTop}, the top of line ${ready.line} (squiggles at ${found.squiggleTops.join(', ')})`);
  if (found.squiggleTops.length !== 1) throw new Error(`${found.squiggleTops.length} squiggles drawn, not one`);
  await keepScreenshot(page, 'vscode-errors-squiggle.png');
}

/**
 * The link spans of the post window's line holding `text`, joined (the editor draws a long
 * token in pieces of 50 characters, each a span of the link), once they cover `text`.
 */
async function linkOfLine(page: Page, text: string) {
  const line = page.locator('.part.panel .view-line', { hasText: text }).last();
  return poll(`"${text}" as a link in the post window`, async () => {
    if (!(await line.count())) return undefined;
    const linked = (await line.locator('.detected-link').allInnerTexts()).join('');
    return linked.includes(text) ? { linked, first: line.locator('.detected-link').first() } : undefined;
  }, 20_000);
}

/** The post window shows the place (and a class-library path) as a link; a Ctrl+click on the place opens the file there (the suite checks where). */
async function checkPostLink(page: Page, ready: { place: string; classFile: string }): Promise<void> {
  const classLink = await linkOfLine(page, ready.classFile);
  log(`post window link to the class library: "${classLink.linked}"`);
  const place = await linkOfLine(page, ready.place);
  log(`post window link: "${place.linked}"`);
  await keepScreenshot(page, 'vscode-errors-post-link.png');
  await place.first.click({ modifiers: ['Control'] });
}

/** The colours of a result line and an `ERROR:` line as rendered, in the theme the suite chose. */
async function checkColours(page: Page, ready: { kind: 'light' | 'dark'; result: string; error: string }): Promise<void> {
  const themeClass = ready.kind === 'light' ? 'vs' : 'vs-dark';
  await page.locator(`.monaco-workbench.${themeClass}`).first().waitFor({ timeout: 20_000 });
  const panel = page.locator('.part.panel');
  const colourOf = async (text: string) =>
    poll(`the post window line "${text}"`, async () => {
      const line = panel.locator('.view-line', { hasText: text }).last();
      if (!(await line.count())) return undefined;
      // The page's own getComputedStyle (this file is compiled without the DOM's types).
      return line.evaluate((element) => {
        const computed = (globalThis as unknown as { getComputedStyle(node: unknown): { color: string } }).getComputedStyle;
        const span = element.querySelector('span span') ?? element;
        return computed(span).color;
      });
    });
  // The theme's colours come a moment after its class.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const result = await colourOf(ready.result);
  const error = await colourOf(ready.error);
  log(`${ready.kind} theme: result "${ready.result}" in ${result}, error in ${error}`);
  await keepScreenshot(page, `vscode-errors-colours-${ready.kind}.png`);
  if (result === error) throw new Error(`a result and an ERROR: line are both drawn in ${result} in the ${ready.kind} theme`);
}

export const PAGE_CHECKS: PageCheckList = [
  ['errors-squiggle', checkSquiggle],
  ['errors-post-link', checkPostLink],
  ['errors-colours-light', checkColours],
  ['errors-colours-dark', checkColours],
];
