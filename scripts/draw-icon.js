// Draws media/icon.png (256 x 256, transparent corners) from scripts/icon.svg with the headless
// Chromium the VS Code tests use: `node scripts/draw-icon.js` after editing the SVG.
const { readFileSync } = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');

const ROOT = path.resolve(__dirname, '..');
const SIZE = 256;

async function main() {
  const svg = readFileSync(path.join(ROOT, 'scripts/icon.svg'), 'utf8');
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage({ viewport: { width: SIZE, height: SIZE } });
    await page.setContent(`<!doctype html><html><body style="margin:0;background:transparent">${svg}</body></html>`);
    const out = path.join(ROOT, 'media/icon.png');
    await page.locator('svg').screenshot({ path: out, omitBackground: true });
    console.log(`drew ${path.relative(ROOT, out)} (${SIZE} x ${SIZE})`);
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
