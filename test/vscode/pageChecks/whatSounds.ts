// Page checks of suite/whatSounds.test.ts: the rendered code lens of a playing Pdef, clicked as a
// musician clicks it, and the Proxies view's rows.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
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
    throw new Error(`the Proxies view has no row "${ready.row}" ${ready.description}: rows ${JSON.stringify(rows)}`, { cause: error });
  }
  log(`Proxies row: "${(await row.innerText()).replace(/\s+/g, ' ').trim()}"`);
  await keepScreenshot(page, 'vscode-proxies.png');
}

/**
 * Records in the page itself, with the page's clock (the machine's, as the extension host's),
 * each time the rendered editor starts or stops showing a block's mark (its text, or a
 * decoration's ::after content): on every DOM change and every 10 ms, so a busy CDP link
 * between the runner and the page does not delay what is measured.
 */
function recordMarks(page: Page): Promise<void> {
  return page.evaluate(() => {
    // The page's DOM (this file is compiled without the DOM's types).
    type El = { textContent: string | null };
    const page = globalThis as unknown as {
      document: { body: unknown; querySelectorAll(s: string): ArrayLike<El> };
      getComputedStyle(el: unknown, pseudo: string): { content: string };
      MutationObserver: new (callback: () => void) => { observe(target: unknown, options: object): void; disconnect(): void };
      __scliveMarks?: { events: Array<{ t: number; shown: boolean }>; stalls: Array<[number, number]>; frameGaps: Array<[number, number]>; visibility: string; stop(): void };
      requestAnimationFrame(callback: (t: number) => void): number;
      performance: { now(): number };
    };
    const shownNow = () => Array.from(page.document.querySelectorAll('.monaco-editor .view-line span')).some((el) => (el.textContent ?? '').includes('♪') || page.getComputedStyle(el, '::after').content.includes('♪'));
    const events: Array<{ t: number; shown: boolean }> = [{ t: Date.now(), shown: shownNow() }];
    const check = () => {
      const shown = shownNow();
      if (shown !== events[events.length - 1].shown) events.push({ t: Date.now(), shown });
    };
    const observer = new page.MutationObserver(check);
    observer.observe(page.document.body, { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ['class'] });
    // The page's own stalls (a timer late by more than 50 ms): the renderer busy with something else.
    const stalls: Array<[number, number]> = [];
    let tick = Date.now();
    const timer = setInterval(() => {
      const late = Date.now() - tick - 10;
      if (late > 50) stalls.push([tick, late]);
      tick = Date.now();
      check();
    }, 10);
    // Animation frames more than 50 ms apart: the editor draws only in one, so a gap delays a mark.
    const frameGaps: Array<[number, number]> = [];
    let lastFrame = page.performance.now();
    let recording = true;
    const frame = (t: number) => {
      if (t - lastFrame > 50) frameGaps.push([Date.now(), Math.round(t - lastFrame)]);
      lastFrame = t;
      if (recording) page.requestAnimationFrame(frame);
    };
    page.requestAnimationFrame(frame);
    const visibility = String((page.document as unknown as { visibilityState: string }).visibilityState);
    page.__scliveMarks = { events, stalls, frameGaps, visibility, stop: () => (observer.disconnect(), clearInterval(timer), (recording = false)) };
  });
}

interface MarkData {
  /** sclang's synths as the extension host saw them: /n_go and /n_end, ms since 1970. */
  lives: Array<[number, { go: number; end: number }]>;
  /** When the extension host drew the marks: [time, blocks sounding]. */
  drawn: Array<[number, number]>;
  /** The extension host's stalls: [when, ms late]. */
  stalls: Array<[number, number]>;
}

type MarkRecorder = { events: Array<{ t: number; shown: boolean }>; stalls: Array<[number, number]>; frameGaps: Array<[number, number]>; visibility: string; stop(): void };
const recorder = (page: Page) => page.evaluate(() => {
  const marks = (globalThis as unknown as { __scliveMarks: MarkRecorder }).__scliveMarks;
  return { events: marks.events, stalls: marks.stalls };
});

/**
 * The block's mark in the rendered editor against its synth's /n_go and /n_end, for several
 * synths one after another (both processes' stalls measured and logged with each).
 */
async function checkMarkFollowsSynth(page: Page, ready: { synths: number }, handshake: string): Promise<void> {
  await recordMarks(page);
  // A calm second in the page first (up to 20 s): its timers on time.
  const calmSince = Date.now();
  while (Date.now() - calmSince < 20_000) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const { stalls } = await recorder(page);
    const last = stalls[stalls.length - 1];
    if (Date.now() - calmSince >= 1000 && (!last || Date.now() - (last[0] + last[1]) > 1000)) break;
  }
  // The suite evaluates only once the page records.
  writeFileSync(path.join(handshake, 'plays-mark.recording.json'), '{}');
  const dataFile = path.join(handshake, 'plays-mark.data.json');
  const deadline = Date.now() + 60_000;
  let screenshot = false;
  while (!existsSync(dataFile)) {
    if (Date.now() > deadline) throw new Error('the suite did not report the block\'s synths');
    const alive = path.join(handshake, 'plays-mark.alive.json');
    if (!screenshot && existsSync(alive)) {
      screenshot = true;
      await keepScreenshot(page, 'vscode-plays-mark.png');
      const line = await page.evaluate(() => (globalThis as unknown as { document: { querySelector(s: string): { outerHTML: string } | null } }).document.querySelector('.monaco-editor .view-lines .view-line')?.outerHTML ?? 'no line');
      log(`block mark, synth 1 alive: the extension's blocks ${readFileSync(alive, 'utf8')}; a line of the editor: ${line.slice(0, 600)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const { events, stalls: pageStalls, frameGaps, visibility } = await page.evaluate(() => {
    const marks = (globalThis as unknown as { __scliveMarks: MarkRecorder }).__scliveMarks;
    marks.stop();
    return { events: marks.events, stalls: marks.stalls, frameGaps: marks.frameGaps, visibility: marks.visibility };
  });
  const { lives, drawn, stalls: hostStalls } = JSON.parse(readFileSync(dataFile, 'utf8')) as MarkData;
  if (lives.length !== ready.synths) throw new Error(`the suite saw ${lives.length} synths, not ${ready.synths}`);
  const ms = (t: number | undefined, from: number) => (t === undefined ? 'never' : `${t - from} ms`);
  const shownAt = (t: number) => [...events].reverse().find((e) => e.t <= t)?.shown ?? false;
  const first = lives[0][1].go;
  log(`block mark: drawn by the extension host (ms after the first /n_go, blocks sounding) ${JSON.stringify(drawn.map(([t, n]) => [t - first, n]))}; rendered ${JSON.stringify(events.map((e) => [e.t - first, e.shown]))}`);
  if (shownAt(first - 1)) throw new Error('a mark was shown before the block was evaluated');
  const verdicts = lives.map(([, { go, end }], i) => {
    const next = i + 1 < lives.length ? lives[i + 1][1].go : Infinity;
    const shown = events.find((e) => e.t >= go && e.t < next && e.shown);
    const gone = events.find((e) => e.t >= end && e.t < next && !e.shown);
    const drawnShown = drawn.find(([t, n]) => t >= go && n > 0)?.[0];
    const drawnGone = drawn.find(([t, n]) => t >= end && n === 0)?.[0];
    const near = (stalls: Array<[number, number]>) => stalls.filter(([t]) => t >= go - 500 && t <= end + 500).map(([t, late]) => [t - go, late]);
    log(`block mark, synth ${i + 1}: drawn by the extension host ${ms(drawnShown, go)} after /n_go, rendered ${ms(shown?.t, go)} after; drawn gone ${ms(drawnGone, end)} after /n_end, rendered gone ${ms(gone?.t, end)} after; stalls (ms after /n_go, ms late) of the extension host ${JSON.stringify(near(hostStalls))}, of the page ${JSON.stringify(near(pageStalls))}; animation frame gaps (ms after /n_go, ms) ${JSON.stringify(near(frameGaps))} (page ${visibility})`);
    const goneWhileAlive = events.some((e) => shown && e.t > shown.t && e.t < end && !e.shown);
    return { within: !!shown && shown.t - go <= 250 && !!gone && gone.t - end <= 250 && !goneWhileAlive, shown, gone, goneWhileAlive };
  });
  const last = lives[lives.length - 1][1].end;
  if (shownAt(last + 1000)) throw new Error('the mark still shows a second after the last synth ended');
  const figures = JSON.stringify(verdicts.map((v, i) => [v.shown ? v.shown.t - lives[i][1].go : null, v.gone ? v.gone.t - lives[i][1].end : null]));
  // Every synth: its mark shown within 250 ms of its /n_go and gone within 250 ms of its /n_end,
  // as the page renders it; 1 s where the page's own timers stalled meanwhile (the machine's load,
  // logged above), as the suite allows the extension host.
  const pageStalledBetween = (from: number, to: number) => pageStalls.some(([t]) => t >= from - 100 && t <= to);
  for (const [i, v] of verdicts.entries()) {
    const { go, end } = lives[i][1];
    const shownAllowed = v.shown && pageStalledBetween(go, v.shown.t) ? 1000 : 250;
    if (!v.shown || v.shown.t - go > shownAllowed || v.shown.t > end) throw new Error(`synth ${i + 1}'s mark was not rendered within ${shownAllowed} ms of its /n_go while it lived: ${figures}`);
    if (v.goneWhileAlive) throw new Error(`synth ${i + 1}'s mark went away while it lived`);
    const goneAllowed = v.gone && pageStalledBetween(end, v.gone.t) ? 1000 : 250;
    if (!v.gone || v.gone.t - end > goneAllowed) throw new Error(`synth ${i + 1}'s mark was not gone within ${goneAllowed} ms of its /n_end: ${figures}`);
  }
  log(`block mark: ${verdicts.filter((v) => v.within).length} of ${verdicts.length} synths rendered within 250 ms of /n_go and gone within 250 ms of /n_end (shown, gone ms: ${figures})`);
}

export const PAGE_CHECKS: PageCheckList = [
  ['plays-mark', checkMarkFollowsSynth],
  ['plays-lens', clickStopInLens],
  ['plays-proxies', checkProxiesRows],
];
