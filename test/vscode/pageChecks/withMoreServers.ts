// Page checks of test/vscode/suite/withMoreServers.test.ts: the Node Tree's server roots as drawn
// (name, address, program, state), the raw-OSC synth under its own server's root only, a
// crashed server's root, and the status bar naming the active server.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
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

type Marker = { name: string; id: number; go: number; end: number };

/**
 * While four servers play, one root open at a time: each server's marked synth row is rendered
 * under its root after its /n_go and gone after its /n_end. The page records the rows on every
 * DOM change and every 10 ms (in the page, so a busy link to the runner does not delay what is
 * measured); the times are logged beside the bound asserted (a row a second late is a frozen view).
 */
async function checkPlaying(page: Page, ready: { markers: Array<{ name: string; id: number }> }, handshake: string): Promise<void> {
  const pane = nodeTreePane(page);
  await pane.waitFor({ timeout: 20_000 });
  await pane.evaluate((element, ids) => {
    type El = { textContent: string | null; querySelectorAll(s: string): ArrayLike<El> };
    const root = element as unknown as El;
    const scope = globalThis as unknown as {
      MutationObserver: new (callback: () => void) => { observe(target: unknown, options: object): void; disconnect(): void };
      __scliveRows?: { events: Array<{ t: number; shown: number[] }>; stalls: Array<[number, number]>; stop(): void };
    };
    const shownNow = () => {
      const texts = Array.from(root.querySelectorAll('.monaco-list-row')).map((row) => row.textContent ?? '');
      // Label and description run together in textContent ("sclive_sine67110201"): the id with no digit either side.
      return ids.filter((id) => texts.some((text) => new RegExp(`(^|\\D)${id}(\\D|$)`).test(text)));
    };
    const events: Array<{ t: number; shown: number[] }> = [{ t: Date.now(), shown: shownNow() }];
    const check = () => {
      const shown = shownNow();
      if (shown.join() !== events[events.length - 1].shown.join()) events.push({ t: Date.now(), shown });
    };
    const observer = new scope.MutationObserver(check);
    observer.observe(root, { childList: true, subtree: true, characterData: true });
    const stalls: Array<[number, number]> = [];
    let tick = Date.now();
    const timer = setInterval(() => {
      const late = Date.now() - tick - 10;
      if (late > 50) stalls.push([tick, late]);
      tick = Date.now();
      check();
    }, 10);
    scope.__scliveRows = { events, stalls, stop: () => (observer.disconnect(), clearInterval(timer)) };
  }, ready.markers.map((marker) => marker.id));
  writeFileSync(path.join(handshake, 'servers-playing.recording.json'), '{}');
  const dataFile = path.join(handshake, 'servers-playing.data.json');
  const deadline = Date.now() + 90_000;
  let screenshot = false;
  while (!existsSync(dataFile)) {
    if (Date.now() > deadline) throw new Error('the suite did not report the marked synths');
    if (!screenshot && (await pane.locator('.monaco-list-row', { hasText: String(ready.markers[0].id) }).count()) > 0) {
      screenshot = true;
      await keepScreenshot(page, 'vscode-servers-playing.png');
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const { events, stalls } = await pane.evaluate(() => {
    const rows = (globalThis as unknown as { __scliveRows: { events: Array<{ t: number; shown: number[] }>; stalls: Array<[number, number]>; stop(): void } }).__scliveRows;
    rows.stop();
    return { events: rows.events, stalls: rows.stalls };
  });
  const markers = JSON.parse(readFileSync(dataFile, 'utf8')) as Marker[];
  const figures = markers.map((marker) => {
    const shown = events.find((event) => event.t >= marker.go - 20 && event.shown.includes(marker.id));
    const gone = events.find((event) => event.t >= marker.end && !event.shown.includes(marker.id));
    const stalled = stalls.filter(([t]) => t >= marker.go - 100 && t <= marker.end + 1000).map(([t, late]) => [t - marker.go, late]);
    return { name: marker.name, shownMs: shown ? Math.max(0, shown.t - marker.go) : undefined, goneMs: gone ? gone.t - marker.end : undefined, stalled };
  });
  log(`servers playing, a marked synth per root: ${JSON.stringify(figures)} (ms after the model's /n_go and /n_end; page stalls [ms after /n_go, ms late])`);
  const late = figures.find((figure) => figure.shownMs === undefined || figure.shownMs > 1000 || figure.goneMs === undefined || figure.goneMs > 1000);
  if (late) {
    await keepScreenshot(page, 'vscode-servers-playing-late.png');
    log(`rows now: ${JSON.stringify((await pane.locator('.monaco-list-row').allInnerTexts()).map((text) => text.replace(/\s+/g, ' ')))}`);
  }
  if (late) throw new Error(`${late.name}'s row did not follow its server within a second while four servers played: ${JSON.stringify(figures)}`);
}

export const PAGE_CHECKS: PageCheckList = [
  ['servers-roots', checkRoots],
  ['servers-meters', checkMetersOn],
  ['servers-meters-pads', checkMetersOn],
  ['servers-playing', checkPlaying],
  ['servers-crashed', checkCrashed],
];
