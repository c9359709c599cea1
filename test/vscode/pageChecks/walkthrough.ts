// What walkthrough.test.ts asks the runner to look at and do in the rendered Get Started page:
// its seven steps drawn, the boot step ticked by itself once the server runs, and the other
// steps ticked as a musician uses them: the step's button (Open Demo File, Show the Meters)
// clicked, Ctrl+Enter, Ctrl+. and Ctrl+D pressed in the demo's editor.
import type { Page } from 'playwright-core';
import { keepScreenshot, log, type PageCheckList } from './workbenchPage';

const STEP_IDS = ['findPrograms', 'boot', 'openDemo', 'evaluate', 'hush', 'lookUp', 'watch'] as const;
type StepId = (typeof STEP_IDS)[number];

/** The step's row in the walkthrough (its id is `<extension>#sclive.gettingStarted#<step>`). */
const stepRow = (page: Page, step: StepId) => page.locator(`button.getting-started-step[data-step-id$="sclive.gettingStarted#${step}"]`).first();

/** Whether the step shows as done: its check mark is drawn ticked (VS Code sets aria-checked and "complete" together). */
async function stepDone(page: Page, step: StepId): Promise<boolean> {
  const mark = page.locator(`[data-done-step-id$="sclive.gettingStarted#${step}"]`).first();
  // Not drawn (the page hidden or gone): not done, and the caller's deadline says so with a screenshot.
  if ((await mark.count()) === 0) return false;
  return (await mark.getAttribute('aria-checked')) === 'true' && (await mark.evaluate((element) => element.classList.contains('complete')));
}

async function waitUntilDone(page: Page, step: StepId, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await stepDone(page, step))) {
    if (Date.now() > deadline) {
      await keepScreenshot(page, `vscode-walkthrough-${step}-not-done.png`);
      const drawn = (await page.locator(`[data-done-step-id$="sclive.gettingStarted#${step}"]`).count()) > 0;
      const tabs = (await page.locator('.part.editor .tabs-container .tab').allInnerTexts()).map((label) => label.trim()).join(', ');
      throw new Error(`the walkthrough's step ${step} is not ticked within ${timeoutMs} ms (${drawn ? 'its mark drawn unticked' : 'its mark not drawn'}; tabs: ${tabs}; focus: ${await focusedElement(page)})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  log(`walkthrough: step ${step} ticked`);
}

/** What has the keyboard: tag and classes of the focused element, for a failure's message. */
const focusedElement = (page: Page): Promise<string> =>
  page.evaluate('(() => { const a = document.activeElement; return a ? a.tagName + "." + [...a.classList].join(".") : "nothing"; })()');

/** The steps as drawn: titles in order, and which are ticked. */
async function drawnSteps(page: Page): Promise<Array<{ title: string; done: boolean }>> {
  return Promise.all(STEP_IDS.map(async (step) => ({ title: (await stepRow(page, step).locator('.step-title').innerText()).trim(), done: await stepDone(page, step) })));
}

/** The walkthrough is open with its seven steps; the first is done (scsynth and sclang are on this machine), the demo's is not. */
async function checkOpen(page: Page, ready: { titles: string[]; neverBooted: boolean }): Promise<void> {
  await stepRow(page, 'watch').waitFor({ timeout: 20_000 });
  const steps = await drawnSteps(page);
  log(`walkthrough drawn: ${steps.map((step) => `${step.done ? '[x]' : '[ ]'} ${step.title}`).join(' | ')}`);
  await keepScreenshot(page, 'vscode-walkthrough.png');
  const titles = steps.map((step) => step.title);
  if (titles.join('|') !== ready.titles.join('|')) throw new Error(`the walkthrough shows the steps ${titles.join(', ')}, not ${ready.titles.join(', ')}`);
  await waitUntilDone(page, 'findPrograms');
  if (await stepDone(page, 'openDemo')) throw new Error('the demo step is ticked before the demo was opened');
  // A window that never had a server shows the boot step open (an earlier boot in this window ticked it for good).
  if (ready.neverBooted && (await stepDone(page, 'boot'))) throw new Error('the boot step is ticked before any server ran');
}

/** The suite booted the server: the step ticks itself, nobody clicks it. */
async function checkBooted(page: Page): Promise<void> {
  await waitUntilDone(page, 'boot');
  await keepScreenshot(page, 'vscode-walkthrough-booted.png');
}

/** A step's own button, as a musician clicks it: the step first (it opens), then the button. */
async function clickStepButton(page: Page, step: StepId, label: string): Promise<void> {
  await stepRow(page, step).click();
  const button = page.locator('.getting-started-step.expanded .monaco-button', { hasText: label }).first();
  await button.waitFor({ state: 'visible', timeout: 10_000 });
  await button.click();
  log(`walkthrough: clicked "${label}" in step ${step}`);
}

/** Open Demo File from its step: the demo opens beside the walkthrough and the step ticks. */
async function openDemo(page: Page): Promise<void> {
  await clickStepButton(page, 'openDemo', 'Open Demo File');
  await waitUntilDone(page, 'openDemo');
}

/** A key pressed in the demo's editor, at the start of the line matching `line` (a click there first, as a musician puts the cursor). */
async function pressInDemo(page: Page, ready: { line: string; key: string; step: StepId }): Promise<void> {
  const lineText = { hasText: new RegExp(ready.line) };
  const line = page.locator('.part.editor .monaco-editor .view-line', lineText).first();
  await line.waitFor({ timeout: 10_000 });
  await line.click({ position: { x: 2, y: 5 } });
  // The key binding holds only while the editor has text focus: press once the click has given it.
  const editor = page.locator('.part.editor .monaco-editor', { has: page.locator('.view-line', lineText) }).first();
  const focusDeadline = Date.now() + 10_000;
  while (!(await editor.evaluate((element) => {
    const focused = element.ownerDocument.activeElement;
    return focused !== null && focused !== element && element.contains(focused);
  }))) {
    if (Date.now() > focusDeadline) throw new Error(`the demo's editor has no text focus after a click on "${ready.line}" (focus: ${await focusedElement(page)})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await page.keyboard.press(ready.key);
  log(`walkthrough: pressed ${ready.key} on "${ready.line}"`);
  await waitUntilDone(page, ready.step);
}

/** Show the Meters from the last step: the view opens and the step ticks; then every step is ticked. */
async function showMeters(page: Page): Promise<void> {
  await clickStepButton(page, 'watch', 'Show the Meters');
  await waitUntilDone(page, 'watch');
  const steps = await drawnSteps(page);
  log(`walkthrough at the end: ${steps.map((step) => `${step.done ? '[x]' : '[ ]'} ${step.title}`).join(' | ')}`);
  await keepScreenshot(page, 'vscode-walkthrough-done.png');
  const open = steps.filter((step) => !step.done);
  if (open.length) throw new Error(`steps not ticked at the end: ${open.map((step) => step.title).join(', ')}`);
}

export const PAGE_CHECKS: PageCheckList = [
  ['walkthrough-open', checkOpen],
  ['walkthrough-booted', checkBooted],
  ['walkthrough-demo', openDemo],
  ['walkthrough-play', pressInDemo],
  ['walkthrough-hush', pressInDemo],
  ['walkthrough-lookup', pressInDemo],
  ['walkthrough-meters', showMeters],
];
