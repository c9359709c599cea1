// Page checks of test/vscode/suite/withMoreServers.test.ts: the Node Tree's server roots as drawn
// (name, address, program, state), the raw-OSC synth under its own server's root only, a
// crashed server's root, and the status bar naming the active server.
import type { Page } from 'playwright-core';
import { firstMetersRow, keepScreenshot, log, nodeTreePane, viewPane, type PageCheckList } from './workbenchPage';

type RootReady = { name: string; active: boolean; has: string[] };

/** The rendered rows' texts (label and description run together in innerText), once `done` accepts them. */
async function rowsWhen(page: Page, what: string, done: (rows: string[]) => string | undefined, timeoutMs = 20_000): Promise<string[]> {
  const view = nodeTreePane(page);
  await view.waitFor({ timeout: 20_000 });
  const deadline = Date.now() + timeoutMs;
  let rows: string[] = [];
  let why: string | undefined = 'not read yet';
  while (Date.now() < deadline) {
    rows = (await view.locator('.monaco-list-row').allInnerTexts()).map((text) => text.replace(/\s+/g, ' ').trim());
    why = done(rows);
    if (!why) return rows;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the Node Tree did not show ${what}: ${why}; rows: ${JSON.stringify(rows)}`);
}

const rootRow = (rows: string[], name: string) => rows.findIndex((row) => row.startsWith(`${name} (active)`) || new RegExp(`^${name}\\s*(127|not)`).test(row));

/** One row per server, in the list's order, each with its address, program and state; the synth under drums alone. */
async function checkRoots(page: Page, ready: { roots: RootReady[]; synthRow: { under: string; text: string; id: number } }): Promise<void> {
  // The root the synth is under is opened as a musician would, should the view have it collapsed.
  const under = nodeTreePane(page).locator('.monaco-list-row', { hasText: new RegExp(`^\\s*${ready.synthRow.under}\\s*127`) }).first();
  await under.waitFor({ timeout: 20_000 });
  if ((await under.getAttribute('aria-expanded')) === 'false') {
    log(`${ready.synthRow.under}'s root is collapsed: clicking it open`);
    await under.click();
  }
  const rows = await rowsWhen(page, 'a root per server and the synth under its own', (texts) => {
    const at = ready.roots.map((root) => rootRow(texts, root.name));
    const missing = ready.roots.find((root, index) => at[index] < 0 || !root.has.every((part) => texts[at[index]].includes(part)));
    if (missing) return `no root row for ${missing.name} with ${missing.has.join(', ')}`;
    if (at.some((index, i) => i > 0 && index <= at[i - 1])) return 'roots out of order';
    const synth = texts.findIndex((text) => text.startsWith(ready.synthRow.text) && text.includes(String(ready.synthRow.id)));
    if (synth < 0) return `no row ${ready.synthRow.text} ${ready.synthRow.id}`;
    const under = ready.roots.findIndex((root) => root.name === ready.synthRow.under);
    if (!(synth > at[under] && (under + 1 >= at.length || synth < at[under + 1]))) return `the synth row is not under ${ready.synthRow.under}`;
    const active = ready.roots.find((root) => root.active);
    if (active && !texts[at[ready.roots.indexOf(active)]].startsWith(`${active.name} (active)`)) return `${active.name} not marked active`;
    return undefined;
  });
  log(`server roots: ${JSON.stringify(rows)}`);
  await keepScreenshot(page, 'vscode-servers-roots.png');
}

/** The crashed server's root says so, the others still run; the status bar names the active server. */
async function checkCrashed(page: Page, ready: { crashed: string; running: string[]; status: string }): Promise<void> {
  const rows = await rowsWhen(page, `${ready.crashed} crashed and the others running`, (texts) => {
    const crashed = texts[rootRow(texts, ready.crashed)];
    if (!crashed?.includes('crashed')) return `${ready.crashed}'s row reads "${crashed}"`;
    const notRunning = ready.running.find((name) => !texts[rootRow(texts, name)]?.includes('running'));
    return notRunning ? `${notRunning} is not shown running` : undefined;
  });
  const status = page.locator('.statusbar-item', { hasText: ready.status }).first();
  await status.waitFor({ timeout: 10_000 });
  log(`after the crash: ${JSON.stringify(rows)}; status bar "${(await status.innerText()).replace(/\s+/g, ' ')}"`);
  await keepScreenshot(page, 'vscode-servers-crashed.png');
}

/** The Meters view's header names the active server and its first row reads that server's sound. */
async function checkMetersOn(page: Page, ready: { server: string; row: string }): Promise<void> {
  const pattern = new RegExp(ready.row);
  const header = viewPane(page, /^\s*meters/i).locator('.pane-header');
  const deadline = Date.now() + 20_000;
  let seen = 'no Meters view';
  while (Date.now() < deadline) {
    const description = ((await header.locator('.description').first().innerText().catch(() => '')) || '').trim();
    const row = await firstMetersRow(page);
    seen = `header "${description}", ${row ? `row "${row.text}", label "${row.label}", RMS bar ${row.rmsWidth.toFixed(0)} px` : 'no row'}`;
    if (description === ready.server && row && pattern.test(row.label) && row.rmsWidth > 10) {
      log(`meters on ${ready.server}: ${seen}`);
      await keepScreenshot(page, 'vscode-servers-meters.png');
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the Meters view did not show ${ready.server}'s level ${pattern}: ${seen}`);
}

export const PAGE_CHECKS: PageCheckList = [
  ['servers-roots', checkRoots],
  ['servers-meters', checkMetersOn],
  ['servers-crashed', checkCrashed],
];
