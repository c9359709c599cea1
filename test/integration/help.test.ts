// SuperCollider's help rendered by SCDoc in a sclang of the help's own.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { HelpRenderer } from '../../src/core/language/helpRenderer';

describe('Help pages from a real sclang (SCDoc)', function () {
  this.timeout(120_000);
  const renderer = new HelpRenderer();
  after(() => renderer.stop());

  it('renders Pbind\'s page, which holds its examples; a second page renders in a moment', async () => {
    const page = await renderer.page('Pbind');
    assert.equal(path.basename(page.file), 'Pbind.html');
    const html = readFileSync(page.file, 'utf8');
    assert.match(html, /<h1>Pbind/);
    assert.ok((html.match(/<textarea class='editor'>/g) ?? []).length >= 3, 'examples in the page');
    const started = performance.now();
    const again = await renderer.page('Classes/SinOsc');
    assert.equal(path.basename(again.file), 'SinOsc.html');
    assert.ok(performance.now() - started < 3000, 'a warm help sclang renders quickly');
  });

  it('follows a link of a page to another page, with its anchor', async () => {
    const from = await renderer.page('SinOsc');
    const target = await renderer.linkTarget(from.file, '../Classes/PureUGen.html#-inputs');
    assert.equal(path.basename(target.file), 'PureUGen.html');
    assert.equal(target.anchor, '-inputs');
    await assert.rejects(renderer.linkTarget(from.file, '../../../../etc/passwd'), /outside SuperCollider's help/);
  });
});
