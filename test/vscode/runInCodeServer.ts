// Runs the extension's test suite (test/vscode/suite) inside a real VS Code extension host:
// code-server on loopback, opened in headless Chromium by Playwright. While the suite holds a
// running server, this side checks the workbench page itself (the SuperCollider view's rows,
// the status bar item) and keeps a screenshot in test-results/.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import { format } from 'node:util';
import * as path from 'node:path';
import { chromium, Frame, Locator, Page } from 'playwright-core';
import { startDummyJack } from '../../tools/dummyJack';
import { CodeServer, ROOT, startCodeServer } from '../../tools/codeServer';
import { isAlive } from '../../tools/processAlive';
import { firstMetersRow, keepScreenshot, log, nodeTreePane, RESULTS, type PageCheck, type PageCheckList } from './pageChecks/workbenchPage';
import { mainSuiteFiles } from './suite/suiteFiles';

const SUITE = path.join(ROOT, 'out/test/vscode/suite/index.js');
const WORKSPACE = path.join(ROOT, 'test/vscode/workspace');
const UNTRUSTED_WORKSPACE = path.join(ROOT, 'test/vscode/untrusted-workspace');

async function waitForFile(file: string, timeoutMs: number, failed: () => boolean): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(file)) {
    if (failed()) throw new Error('the suite ended before it was ready for the page checks');
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${file}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return readFileSync(file, 'utf8');
}

/** The page checks: what a person sees in the workbench while a synth is playing. */
async function checkWorkbench(page: Page, expected: { synthDef: string; synthId: number }): Promise<void> {
  const statusItem = page.locator('.statusbar-item', { hasText: /dB|muted/ }).first();
  await statusItem.waitFor({ timeout: 20_000 });
  const statusText = (await statusItem.innerText()).trim();
  log(`status bar item: "${statusText}"`);
  if (!/\d+(\.\d)?% avg · \d+(\.\d)?% peak · \d+ synths? · (-?\d+(\.\d+)? dB|muted)/.test(statusText)) {
    throw new Error(`the status bar item shows "${statusText}", not CPU, synths and volume`);
  }
  const view = page.locator('.pane', { has: page.locator('.pane-header', { hasText: /node tree/i }) }).first();
  await view.waitFor({ timeout: 20_000 });
  const synthRow = view.locator('.monaco-list-row', { hasText: String(expected.synthId) }).first();
  await synthRow.waitFor({ timeout: 20_000 });
  const rowText = (await synthRow.innerText()).replace(/\s+/g, ' ');
  log(`node tree row: "${rowText}"`);
  if (!rowText.includes(expected.synthDef)) throw new Error(`the node tree row "${rowText}" does not show the def name ${expected.synthDef}`);
  const groupRows = await view.locator('.monaco-list-row', { hasText: 'default group' }).count();
  if (groupRows < 1) throw new Error('the node tree shows no default group');
  mkdirSync(RESULTS, { recursive: true });
  await page.screenshot({ path: path.join(RESULTS, 'vscode-node-tree.png') });
  log(`screenshot: ${path.relative(ROOT, path.join(RESULTS, 'vscode-node-tree.png'))}`);
}

const USER_SETTINGS = {
  'sclive.bootBlip': false,
  'sclive.statusPollInterval': 250,
  // Room for the 10,000 synths of the Hush test.
  'sclive.server.maxNodes': 32768,
  'sclive.server.memSize': 262144,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'extensions.autoCheckUpdates': false,
  'telemetry.telemetryLevel': 'off',
  'git.openRepositoryInParentFolders': 'never',
};

type Browser = Awaited<ReturnType<typeof chromium.launch>>;

/** Opens the workbench on `workspace` with the extension and the suite; `exited` gives its exit code. */
async function openWorkbench(browser: Browser, codeServer: CodeServer, workspace: string): Promise<{ page: Page; exited: Promise<number>; hasExited: () => boolean }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  let done = false;
  let resolveExit!: (code: number) => void;
  const exited = new Promise<number>((resolve) => (resolveExit = resolve));
  await page.exposeFunction('codeAutomationExit', (code: number) => {
    done = true;
    resolveExit(code);
  });
  await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
    const text = format(...(args as [unknown, ...unknown[]]));
    // The suite's own output (mocha's reporter) is what matters here; the workbench's
    // failed look-up of its extension gallery (no network) is not.
    if (process.env.SCLIVE_TEST_VERBOSE || (!/open-vsx|ENOTFOUND/.test(text) && (type !== 'log' || /^\s/.test(text) || /passing|failing|pending/.test(text)))) console.log(text);
  });
  const remote = (file: string) => `vscode-remote://127.0.0.1:${codeServer.port}${file}`;
  const payload = JSON.stringify([
    ['extensionDevelopmentPath', remote(ROOT)],
    ['extensionTestsPath', remote(SUITE)],
  ]);
  // A loaded machine takes its time to serve the workbench: that is no failure of ours.
  await page.goto(`${codeServer.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(payload)}`, { timeout: 120_000 });
  const timeout = new Promise<number>((resolve) => setTimeout(() => resolve(124), 900_000).unref());
  return { page, exited: Promise.race([exited, timeout]), hasExited: () => done };
}

async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/** Live coding as a person sees it: the code, sclang's synth in the tree, the result posted. */
async function checkLiveCoding(page: Page, expected: { result: string; synthId: number }): Promise<void> {
  const panel = page.locator('.part.panel');
  await panel.getByText(`-> ${expected.result}`).first().waitFor({ timeout: 20_000 });
  log(`post window shows: "-> ${expected.result}"`);
  const view = page.locator('.pane', { has: page.locator('.pane-header', { hasText: /node tree/i }) }).first();
  await view.locator('.monaco-list-row', { hasText: String(expected.synthId) }).first().waitFor({ timeout: 20_000 });
  await page.locator('.monaco-editor .view-line', { hasText: 'SinOsc' }).first().waitFor({ timeout: 20_000 });
  mkdirSync(RESULTS, { recursive: true });
  await page.screenshot({ path: path.join(RESULTS, 'vscode-live-coding.png') });
  log(`screenshot: ${path.relative(ROOT, path.join(RESULTS, 'vscode-live-coding.png'))}`);
}

/**
 * While sclang plays a pattern of 25 synths (\\dur 0.2), samples the rows the Node Tree shows,
 * until the suite writes when each synth lived on the server (from scsynth's notifications).
 * The rows must show at least 80% of the synths while they live, and none of them 1.5 s after
 * the pattern ended: what a musician sees, not what the provider returns.
 */
async function checkPatternInTree(page: Page, _ready: unknown, handshake: string): Promise<void> {
  const view = nodeTreePane(page);
  await view.waitFor({ timeout: 20_000 });
  const dataFile = path.join(handshake, 'pattern.data.json');
  const samples: Array<{ t: number; ids: Set<number> }> = [];
  const deadline = Date.now() + 60_000;
  while (!existsSync(dataFile)) {
    if (Date.now() > deadline) throw new Error('the suite did not report the pattern\'s synths');
    const texts = await view.locator('.monaco-list-row').allInnerTexts();
    const t = Date.now();
    // A row's label and description run together in innerText ("default1003").
    samples.push({ t, ids: new Set(texts.flatMap((text) => [...text.matchAll(/(\d{4,})/g)].map((m) => Number(m[1])))) });
    if (samples.length === 40) await page.screenshot({ path: path.join(RESULTS, 'vscode-pattern.png') }).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
  const lives = JSON.parse(readFileSync(dataFile, 'utf8')) as Array<[number, { go: number; end: number }]>;
  if (lives.length < 25) throw new Error(`the pattern made ${lives.length} synths, not 25`);
  const seen = lives.filter(([id, { go, end }]) => samples.some((sample) => sample.t >= go && sample.t <= end && sample.ids.has(id)));
  const lastEnd = Math.max(...lives.map(([, life]) => life.end));
  const late = samples.filter((sample) => sample.t >= lastEnd + 1500);
  const stale = late.filter((sample) => lives.some(([id]) => sample.ids.has(id)));
  const gaps = samples.slice(1).map((sample, i) => sample.t - samples[i].t).sort((a, b) => a - b);
  log(`pattern: ${seen.length}/${lives.length} synths shown while they lived; ${samples.length} samples (median ${gaps[gaps.length >> 1]} ms apart); ${late.length} samples 1.5 s after the end, ${stale.length} with a pattern synth`);
  if (seen.length < 0.8 * lives.length) log(`lives ${JSON.stringify(lives.slice(0, 3))}; samples ${JSON.stringify(samples.filter((x) => x.ids.size).slice(0, 3).map((x) => [x.t, [...x.ids]]))}`);
  if (seen.length < 0.8 * lives.length) throw new Error(`the node tree showed only ${seen.length} of the pattern's ${lives.length} synths while they lived`);
  if (!late.length) throw new Error('no sample 1.5 s after the pattern ended');
  if (stale.length) throw new Error(`the node tree still showed the pattern's synths 1.5 s after it ended: ${[...stale[0].ids].join(', ')}`);
}

/** A control row of an expanded synth shows the value sclang just set. */
async function checkControls(page: Page, ready: { row: string; value: string }): Promise<void> {
  const row = nodeTreePane(page).locator('.monaco-list-row', { hasText: new RegExp(`^\\s*${ready.row}\\s*${ready.value}\\s*$`) }).first();
  await row.waitFor({ timeout: 10_000 });
  log(`control row: "${(await row.innerText()).replace(/\s+/g, ' ')}"`);
}

/** Keys as a musician presses them: the suggestion popup open, then Shift+Enter (the suite checks the result). */
async function pressEvaluationKeys(page: Page, ready: { line: string }): Promise<void> {
  await page.locator('.monaco-editor .view-line', { hasText: ready.line }).first().click();
  await page.keyboard.press('End');
  await page.keyboard.press('Control+Space');
  const suggestion = page.locator('.suggest-widget.visible .monaco-list-row').first();
  await suggestion.waitFor({ timeout: 10_000 });
  log(`suggestion popup open, offering "${(await suggestion.innerText()).replace(/\s+/g, ' ')}"`);
  await page.keyboard.press('Shift+Enter');
}

/** The Meters view as drawn: its first row reads the sine's level, and its bar has a width. */
async function checkMeters(page: Page, ready: { row: RegExp | string }): Promise<void> {
  const pattern = new RegExp(String(ready.row));
  const deadline = Date.now() + 20_000;
  let seen = 'no Meters view';
  while (Date.now() < deadline) {
    const row = await firstMetersRow(page);
    if (row) {
      seen = `row "${row.text}", label "${row.label}", RMS bar ${row.rmsWidth.toFixed(0)} px`;
      if (pattern.test(row.label) && row.rmsWidth > 10) {
        log(`meters: ${seen}`);
        await keepScreenshot(page, 'vscode-meters.png');
        return;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the Meters view did not show ${pattern}: ${seen}`);
}

/** The Meters view while muted: the row's label says silent, its number reads '-∞' and its bars are empty. */
async function checkMetersSilent(page: Page, ready: { row: string }): Promise<void> {
  const pattern = new RegExp(ready.row);
  const deadline = Date.now() + 20_000;
  let seen = 'no Meters view';
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      const row = frame.locator('#meters .row').first();
      if (!(await row.count().catch(() => 0))) continue;
      const label = (await row.getAttribute('aria-label').catch(() => null)) ?? '';
      const number = (await row.locator('.db').innerText().catch(() => '')).trim();
      const width = await row.locator('.peak').evaluate((el) => el.getBoundingClientRect().width).catch(() => -1);
      seen = `number "${number}", label "${label}", peak bar ${width.toFixed(0)} px`;
      if (pattern.test(label) && number === '-∞' && width === 0) {
        log(`meters muted: ${seen}`);
        await page.screenshot({ path: path.join(RESULTS, 'vscode-meters-muted.png') });
        return;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the Meters view did not read silent while muted: ${seen}`);
}

/**
 * Completion as it is drawn: after `SinOsc.` the musician types a method's first letter and
 * presses Ctrl+Space; the list shown opens with the class's own method (ar after "a", kr after "k").
 */
async function checkCompletionWidget(page: Page, ready: { line: string; expect: string[] }): Promise<void> {
  await page.locator('.monaco-editor .view-line', { hasText: ready.line }).first().click();
  for (const label of ready.expect) {
    await page.keyboard.press('End');
    await page.keyboard.type(label[0]);
    await page.keyboard.press('Control+Space');
    const rows = page.locator('.suggest-widget.visible .monaco-list-row');
    await rows.first().waitFor({ timeout: 10_000 });
    const labels = (await rows.locator('.label-name').allInnerTexts()).map((text) => text.trim());
    log(`suggestions after "${ready.line}${label[0]}": ${labels.slice(0, 8).join(', ')}`);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Backspace');
    // The receiver's own method heads the list (not Object's addDependant after "a").
    if (labels[0] !== label) throw new Error(`the suggestion list after "${ready.line}${label[0]}" does not open with ${label}: ${labels.join(', ')}`);
  }
}

/** The help page as a musician uses it: a line run with Ctrl+Enter, one with Shift+Enter, a block with Ctrl+Enter, then a link followed. */
async function useHelpPage(page: Page, ready: { link: string; title: string; line: string; shiftLine: string; block: string }): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    for (const frame of page.frames()) {
      const heading = frame.locator('h1', { hasText: ready.title }).first();
      if (!(await heading.count().catch(() => 0))) continue;
      // The page's script has run once its bar is there (keys before that reach a bare textarea).
      await frame.locator('.sclive-bar').waitFor({ timeout: 10_000 });
      log(`help page shown: "${(await heading.innerText()).replace(/\s+/g, ' ')}"`);
      await page.screenshot({ path: path.join(RESULTS, 'vscode-help.png') });
      const example = frame.locator('textarea.editor').first();
      await example.click();
      // The cursor on one line of the example (no selection), as a musician tries one line: the
      // keys go to the example itself (locator.press focuses it), not to whatever VS Code focused.
      const cursorAt = (needle: string) =>
        example.evaluate((el, text) => {
          const area = el as unknown as { value: string; selectionStart: number; selectionEnd: number };
          area.selectionStart = area.selectionEnd = area.value.indexOf(text) + 2;
        }, needle);
      await cursorAt(ready.line);
      await example.press('Control+Enter');
      log(`pressed Ctrl+Enter on the line "${ready.line}"`);
      await cursorAt(ready.shiftLine);
      await example.press('Shift+Enter');
      log(`pressed Shift+Enter on the line "${ready.shiftLine}"`);
      // A block typed into the example (it is editable): Ctrl+Enter inside it runs all of it.
      await example.fill(ready.block);
      await cursorAt(ready.block.split('\n')[2]);
      await example.press('Control+Enter');
      log('pressed Ctrl+Enter inside a ( ... ) block typed into the example');
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await frame.locator(`a[href*="${ready.link}"]`).first().click();
      log(`clicked the link to ${ready.link}`);
      return;
    }
    if (Date.now() > deadline) throw new Error(`no help page titled ${ready.title} in the workbench`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * How often the Scope's picture changes, as the page draws it: each read brings two pictures and
 * the page shows the second after the first, so 20+ different pictures a second reach the canvas
 * (were only the first of each read drawn, about half of that).
 */
async function checkPicturesDrawn(canvas: Locator): Promise<void> {
  const seconds = 2;
  const changes = await canvas.evaluate(async (el, ms) => {
    const c = el as unknown as { toDataURL(): string };
    let last = c.toDataURL();
    let count = 0;
    const end = performance.now() + ms;
    while (performance.now() < end) {
      await new Promise((resolve) => setTimeout(resolve, 4));
      const now = c.toDataURL();
      if (now !== last) count++;
      last = now;
    }
    return count;
  }, seconds * 1000);
  log(`scope: ${changes} different pictures drawn in ${seconds} s`);
  if (changes < 18 * seconds) throw new Error(`the Scope drew ${changes} different pictures in ${seconds} s (20+ a second expected)`);
}

/**
 * The Scope's spectrum mode as a musician switches to it: the page's Mode control set to
 * Spectrum, the caption names the sine's peak (440 Hz within a bin of 46.9 Hz) and the line is
 * drawn across most of the canvas (from 47 Hz, the first bin, on an axis from 20 Hz); then back to Wave.
 */
async function checkSpectrumMode(page: Page, frame: Frame, canvas: Locator): Promise<void> {
  await frame.locator('#mode').selectOption('spectrum');
  const deadline = Date.now() + 10_000;
  let seen = '';
  while (Date.now() < deadline) {
    const caption = (await frame.locator('#summary').innerText().catch(() => '')).trim();
    const columns = await canvas.evaluate((el) => {
      const c = el as unknown as { width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
      const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let drawn = 0;
      for (let x = 0; x < c.width; x++) {
        for (let y = 0; y < c.height; y++) {
          if (data[(y * c.width + x) * 4 + 3] > 0) {
            drawn++;
            break;
          }
        }
      }
      return drawn / c.width;
    }).catch(() => 0);
    const peak = /^spectrum of bus 1: peak at (\d+) Hz$/.exec(caption);
    seen = `caption "${caption}", ${(columns * 100).toFixed(0)} % of the columns drawn`;
    // Readable at its default size: a plot of some height, with labelled axes under the line.
    const size = await canvas.evaluate((el) => el.getBoundingClientRect().height).catch(() => 0);
    const axes = await frame.locator('canvas#scope-axes').evaluate((el) => {
      const c = el as unknown as { width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
      const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let drawn = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) drawn++;
      return drawn;
    }).catch(() => 0);
    seen += `, plot ${size.toFixed(0)} px high, ${axes} pixels of axes`;
    if (peak && Math.abs(Number(peak[1]) - 440) <= 47 && columns > 0.75 && size >= 150 && axes > 500) {
      log(`scope spectrum: ${seen}`);
      await page.screenshot({ path: path.join(RESULTS, 'vscode-scope-spectrum.png') });
      await frame.locator('#mode').selectOption('wave');
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the Scope's spectrum mode did not show the sine's peak: ${seen}`);
}

/**
 * The Scope view as drawn: its caption names the picture, and the canvas holds a wave in the
 * first channel's lane (many rows touched) and a flat line in the second's (a row or two).
 */
async function checkScope(page: Page, ready: { summary: string }): Promise<void> {
  const pattern = new RegExp(ready.summary);
  const deadline = Date.now() + 20_000;
  let seen = 'no Scope view';
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      const canvas = frame.locator('canvas#scope');
      if (!(await canvas.count().catch(() => 0))) continue;
      const caption = (await frame.locator('#summary').innerText().catch(() => '')).trim();
      const rows = await canvas.evaluate((el) => {
        const c = el as unknown as { width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
        const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        const lanes = [new Set<number>(), new Set<number>()];
        for (let y = 0; y < c.height; y++) for (let x = 0; x < c.width; x++) if (data[(y * c.width + x) * 4 + 3] > 0) lanes[y < c.height / 2 ? 0 : 1].add(y);
        return lanes.map((lane) => lane.size);
      }).catch(() => [0, 0]);
      seen = `caption "${caption}", rows drawn in the lanes ${rows.join(' / ')}`;
      if (pattern.test(caption) && rows[0] >= 10 && rows[1] <= 4) {
        log(`scope: ${seen}`);
        await page.screenshot({ path: path.join(RESULTS, 'vscode-scope.png') });
        await checkPicturesDrawn(canvas);
        await checkSpectrumMode(page, frame, canvas);
        return;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the Scope view did not draw ${pattern}: ${seen}`);
}

/**
 * Ctrl+. pressed as a musician does with focus somewhere other than an editor: a click in the
 * Node Tree, the Meters view, the post window or the help page, then the keys (the suite checks
 * the synth it made is gone).
 */
async function pressHushIn(page: Page, ready: { place: 'nodeTree' | 'meters' | 'post' | 'help' }): Promise<void> {
  const inFrames = async (selector: string) => {
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      for (const frame of page.frames()) {
        const target = frame.locator(selector).first();
        if (await target.count().catch(() => 0)) return target;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`nothing matches ${selector} in the workbench's frames`);
  };
  if (ready.place === 'nodeTree') await nodeTreePane(page).locator('.monaco-list-row').first().click({ position: { x: 40, y: 8 } });
  // A click in the view's body, as a musician gives it focus (the webview inside takes it).
  // (the webview's iframe lies over the pane, so the mouse goes where the musician's would).
  if (ready.place === 'meters') {
    const box = await page.locator('.pane', { has: page.locator('.pane-header', { hasText: /^\s*meters/i }) }).first().locator('.pane-body').boundingBox();
    if (!box) throw new Error('the Meters view is not on the page');
    await page.mouse.click(box.x + box.width / 2, box.y + Math.min(20, box.height / 2));
  }
  // The suite put the focus in the post window (a click there lands in the help page's webview, which lies over the panel).
  if (ready.place === 'post') await page.locator('.part.panel .monaco-editor').first().waitFor({ timeout: 10_000 });
  if (ready.place === 'help') await (await inFrames('h1')).click();
  await page.keyboard.press('Control+Period');
  // Runs in the page (no DOM types here): the element the workbench says has focus.
  const focused = await page.evaluate('(() => { const a = document.activeElement; return a ? a.tagName.toLowerCase() + (a.className ? "." + String(a.className).split(" ").join(".") : "") : "nothing"; })()');
  log(`pressed Ctrl+. with focus in the ${ready.place} (the workbench's active element: ${String(focused)})`);
  await page.screenshot({ path: path.join(RESULTS, `vscode-hush-${ready.place}.png`) });
}

/**
 * A frozen server as a musician meets it: the notification that says so appears within 3 s of
 * the freeze (the suite stopped scsynth at `frozenAt`), and its Reboot and Restore button is
 * clicked; the suite then checks what sounds again.
 */
async function rebootFrozenServer(page: Page, ready: { frozenAt: number }, handshake: string): Promise<void> {
  const toast = page.locator('.notification-toast', { hasText: 'has not answered' }).first();
  await toast.waitFor({ timeout: 10_000 });
  const shownAfterMs = Date.now() - ready.frozenAt;
  log(`frozen server: the offer shown ${shownAfterMs} ms after the freeze: "${(await toast.innerText()).replace(/\s+/g, ' ').slice(0, 160)}"`);
  await page.screenshot({ path: path.join(RESULTS, 'vscode-frozen.png') });
  if (shownAfterMs > 3000) throw new Error(`the frozen server was offered Reboot and Restore only ${shownAfterMs} ms after the freeze`);
  const clickedAt = Date.now();
  await toast.getByRole('button', { name: 'Reboot and Restore' }).click();
  writeFileSync(path.join(handshake, 'frozen.clicked.json'), JSON.stringify({ clickedAt }));
  log('clicked Reboot and Restore');
}

/**
 * sclang's GUI calls as the musician sees them: the Scope that s.freqscope revealed shows its
 * Mode control set to Spectrum and a spectrum's caption, and the Plot beside the editor (from `{ SinOsc.ar(100) }.plot`)
 * has its title, and a sine drawn in the line's colour across the canvas, over many rows.
 */
async function checkGuiCalls(page: Page, ready: { plotTitle: string; scopeMode: string }): Promise<void> {
  const deadline = Date.now() + 20_000;
  let seen = 'no Plot and no Scope page';
  while (Date.now() < deadline) {
    let plot: string | undefined;
    let plotDrawn = false;
    let scope: string | undefined;
    for (const frame of page.frames()) {
      // A hidden view's old page may linger among the frames: the one showing the spectrum counts.
      if (await frame.locator('canvas#scope').count().catch(() => 0)) {
        const mode = await frame.locator('#mode').inputValue().catch(() => '');
        const caption = (await frame.locator('#summary').innerText().catch(() => '')).trim();
        if (!scope?.startsWith(`${ready.scopeMode},`)) scope = `${mode}, "${caption}"`;
      }
      const canvas = frame.locator('canvas#plot');
      if (!(await canvas.count().catch(() => 0))) continue;
      const title = (await frame.locator('h1#name').innerText().catch(() => '')).trim();
      const drawn = await canvas.evaluate((el) => {
        const c = el as unknown as { width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
        const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        // The line's pixels: the most common opaque colour that is not the grid's or the labels' grey.
        const counts = new Map<string, number>();
        for (let i = 0; i < data.length; i += 4) {
          if (data[i + 3] < 250 || (Math.abs(data[i] - data[i + 1]) < 16 && Math.abs(data[i + 1] - data[i + 2]) < 16)) continue;
          const key = `${data[i]},${data[i + 1]},${data[i + 2]}`;
          counts.set(key, (counts.get(key) ?? 0) + 1);
        }
        const line = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
        const rgb = (line ?? '-999,-999,-999').split(',').map(Number);
        const columns = new Set<number>();
        const rows = new Set<number>();
        for (let y = 0; y < c.height; y++) {
          for (let x = 0; x < c.width; x++) {
            const i = (y * c.width + x) * 4;
            if (data[i + 3] > 200 && Math.abs(data[i] - rgb[0]) + Math.abs(data[i + 1] - rgb[1]) + Math.abs(data[i + 2] - rgb[2]) < 60) {
              columns.add(x);
              rows.add(y);
            }
          }
        }
        return { colour: line ?? 'none', columns: columns.size / c.width, rows: rows.size / c.height };
      }).catch(() => ({ colour: 'none', columns: 0, rows: 0 }));
      plot = `title "${title}", line ${drawn.colour} in ${(drawn.columns * 100).toFixed(0)} % of the columns and ${(drawn.rows * 100).toFixed(0)} % of the rows`;
      if (title === ready.plotTitle && drawn.columns > 0.8 && drawn.rows > 0.5) plotDrawn = true;
    }
    // Both pages looked at (in whatever order the frames come): the plot drawn, the Scope in the mode asked for.
    seen = `plot: ${plot ?? 'none'}; scope (mode, caption): ${scope ?? 'no Scope page'}`;
    if (plotDrawn && scope?.startsWith(`${ready.scopeMode}, "${ready.scopeMode} of bus 1`)) {
      log(seen);
      await page.screenshot({ path: path.join(RESULTS, 'vscode-plot.png') });
      log(`screenshot: ${path.relative(ROOT, path.join(RESULTS, 'vscode-plot.png'))}`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`sclang's GUI calls are not shown as expected: ${seen}`);
}

/** The page checks of extension.test.ts, in the order it reaches them; the suite writes `<step>.ready.json`. */
const PAGE_CHECKS: PageCheckList = [
  ['workbench', checkWorkbench],
  ['live-coding', checkLiveCoding],
  ['pattern', checkPatternInTree],
  ['controls', checkControls],
  ['keys', pressEvaluationKeys],
  ['completion', checkCompletionWidget],
  ['help', useHelpPage],
  ['meters', checkMeters],
  ['meters-muted', checkMetersSilent],
  ['meters-6db', checkMeters],
  ['scope', checkScope],
  ['hush-nodeTree', pressHushIn],
  ['hush-post', pressHushIn],
  ['hush-help', pressHushIn],
  ['hush-meters', pressHushIn],
  ['frozen', rebootFrozenServer],
  ['gui', checkGuiCalls],
];

/**
 * The page checks of every suite file that runs, in the suite's order: extension.test.ts's
 * here, each feature's in test/vscode/pageChecks/<file>.ts (a file without checks has none).
 */
function pageChecksOfSuite(): PageCheckList {
  return mainSuiteFiles(path.dirname(SUITE)).flatMap((name) => {
    if (name === 'extension') return PAGE_CHECKS;
    const file = path.join(__dirname, 'pageChecks', `${name}.js`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a suite's page checks, found by name at run time
    return existsSync(file) ? (require(file) as { PAGE_CHECKS: PageCheckList }).PAGE_CHECKS : [];
  });
}

/**
 * One handshake with the suite: wait until it holds the state to look at, check the page, and
 * answer in `<step>.checked.json` (a failure keeps a screenshot). Returns the failure, if any.
 */
async function pageCheck(page: Page, handshake: string, step: string, suiteEnded: () => boolean, check: PageCheck): Promise<Error | undefined> {
  const answer = path.join(handshake, `${step}.checked.json`);
  try {
    const ready = JSON.parse(await waitForFile(path.join(handshake, `${step}.ready.json`), 240_000, suiteEnded)) as never;
    mkdirSync(RESULTS, { recursive: true });
    // Headless Chromium gives the page one animation frame a second once a focused webview's
    // content is replaced (the help page's link, after its example was typed into): the editor
    // then draws a decoration up to a second late. Bringing the page to the front restores 60
    // frames a second (measured with SCLIVE_FRAME_RATE=1: 1-2/s before, 61/s after).
    await page.bringToFront();
    if (process.env.SCLIVE_FRAME_RATE) await logFrames(page, step);
    await check(page, ready, handshake);
    writeFileSync(answer, JSON.stringify({ ok: true }));
    return undefined;
  } catch (error) {
    writeFileSync(answer, JSON.stringify({ ok: false, error: (error as Error).message }));
    mkdirSync(RESULTS, { recursive: true });
    await page.screenshot({ path: path.join(RESULTS, 'vscode-failure.png') }).catch(() => undefined);
    return error as Error;
  }
}

/** The main suite, in a trusted workspace, with the page checks and the window-close check. */
async function runMainSuite(jackEnv: NodeJS.ProcessEnv, port: number): Promise<number> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sclive-vscode-'));
  const handshake = path.join(dataDir, 'handshake');
  mkdirSync(handshake);
  let codeServer: CodeServer | undefined;
  let browser: Browser | undefined;
  try {
    codeServer = await startCodeServer({
      workspace: WORKSPACE,
      dataDir,
      env: { ...jackEnv, SCLIVE_E2E_DIR: handshake },
      userSettings: { ...USER_SETTINGS, 'sclive.server.udpPort': port },
      onOutput: (line) => process.env.SCLIVE_TEST_VERBOSE && log(`code-server: ${line}`),
    });
    log(`code-server at ${codeServer.url}`);
    browser = await launchBrowser();
    const { page, exited, hasExited } = await openWorkbench(browser, codeServer, WORKSPACE);

    // The page checks run while the suite holds a booted server with a synth (see the suite).
    let pageError: Error | undefined;
    for (const [step, check] of pageChecksOfSuite()) {
      pageError = await pageCheck(page, handshake, step, hasExited, check);
      if (pageError) break;
    }
    const code = await exited;
    if (code === 124) log('the suite did not finish within 15 minutes');
    if (pageError) {
      log(`workbench page check failed: ${pageError.message}`);
      return 1;
    }
    log('workbench page checks passed');
    // Closing the window (here: the page, then the server) must stop the scsynth it started.
    const leftRunning = path.join(handshake, 'left-running.json');
    if (code === 0 && existsSync(leftRunning)) {
      const { pid } = JSON.parse(readFileSync(leftRunning, 'utf8')) as { pid: number };
      await browser.close();
      browser = undefined;
      await codeServer.stop();
      codeServer = undefined;
      const deadline = Date.now() + 5000;
      while (isAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      if (isAlive(pid)) {
        process.kill(pid, 'SIGKILL');
        log(`scsynth (pid ${pid}) was still running after the window closed`);
        return 1;
      }
      log(`closing the window stopped the scsynth it had started (pid ${pid})`);
    }
    return code;
  } finally {
    await browser?.close().catch(() => undefined);
    await codeServer?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The suite for a workspace that is not trusted (Restricted Mode). */
async function runTrustSuite(jackEnv: NodeJS.ProcessEnv, port: number): Promise<number> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sclive-vscode-trust-'));
  let codeServer: CodeServer | undefined;
  let browser: Browser | undefined;
  try {
    codeServer = await startCodeServer({
      workspace: UNTRUSTED_WORKSPACE,
      dataDir,
      env: { ...jackEnv, SCLIVE_SUITE: 'trust' },
      userSettings: { ...USER_SETTINGS, 'sclive.server.udpPort': port },
      trustWorkspace: false,
    });
    browser = await launchBrowser();
    const { exited } = await openWorkbench(browser, codeServer, UNTRUSTED_WORKSPACE);
    return await exited;
  } finally {
    await browser?.close().catch(() => undefined);
    await codeServer?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  const jack = await startDummyJack();
  try {
    const port = 57000 + (process.pid % 500);
    const main = await runMainSuite(jack.env, port);
    log(main === 0 ? 'main suite passed' : `main suite failed (exit code ${main})`);
    const trust = await runTrustSuite(jack.env, port + 1);
    log(trust === 0 ? 'untrusted-workspace suite passed' : `untrusted-workspace suite failed (exit code ${trust})`);
    return main || trust;
  } finally {
    await jack.stop();
  }
}

main().then(
  (code) => {
    log(code === 0 ? 'passed' : `failed (exit code ${code})`);
    process.exit(code);
  },
  (error: Error) => {
    log(`error: ${error.stack ?? error.message}`);
    process.exit(1);
  },
);

/** The page's animation frames in one second, and where its focus is (a diagnostic). */
async function logFrames(page: Page, step: string): Promise<void> {
  const frames = await page.evaluate(`new Promise((resolve) => { let n = 0; const end = performance.now() + 1000; const tick = () => { n++; if (performance.now() < end) requestAnimationFrame(tick); else resolve(n); }; requestAnimationFrame(tick); })`);
  const focus = await page.evaluate(`document.hasFocus() + ' ' + document.visibilityState + ' ' + (document.activeElement ? document.activeElement.tagName + '.' + String(document.activeElement.className).slice(0, 60) : '')`);
  log(`before ${step}: ${String(frames)} animation frames a second, focus ${String(focus)}`);
}
