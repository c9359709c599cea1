import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8'));

describe('package.json', () => {
  it('activates only where SuperCollider is used: no window that never touches it starts the extension', () => {
    const events: string[] = manifest.activationEvents;
    assert.ok(!events.includes('*') && !events.includes('onStartupFinished'), `activationEvents: ${events.join(', ')}`);
    for (const event of events) assert.match(event, /^(onLanguage:supercollider|workspaceContains:\*\*\/\*\.(scd|sc))$/);
  });

  it('names every command sclive.<noun>.<verb> in the SuperCollider category', () => {
    for (const command of manifest.contributes.commands as Array<{ command: string; category: string }>) {
      assert.match(command.command, /^sclive\.[a-z][A-Za-z]*\.[a-z][A-Za-z]*$/);
      assert.equal(command.category, 'SuperCollider', command.command);
    }
  });

  it('takes every setting that starts, sizes, exposes or places the server or writes files from user settings only in an untrusted workspace', () => {
    const configuration = [manifest.contributes.configuration].flat() as Array<{ properties: Record<string, unknown> }>;
    const settings = configuration.flatMap((section) => Object.keys(section.properties));
    const restricted: string[] = manifest.capabilities.untrustedWorkspaces.restrictedConfigurations;
    // The one list VS Code applies (no "restricted" flag on a property besides it).
    for (const section of configuration) for (const [name, property] of Object.entries(section.properties)) assert.equal((property as { restricted?: boolean }).restricted, undefined, name);
    const mustBe = settings.filter((name) => /^sclive\.(server|recording)\./.test(name) || ['sclive.scsynthPath', 'sclive.sclangPath', 'sclive.bootOnStartup', 'sclive.evaluation.bootServer', 'sclive.post.maxLines'].includes(name));
    assert.ok(mustBe.length >= 30, `${mustBe.length} settings`);
    assert.deepEqual(mustBe.filter((name) => !restricted.includes(name)), []);
    assert.deepEqual(restricted.filter((name) => !settings.includes(name)), [], 'no name of a setting that does not exist');
  });

  it('carries its license: a LICENSE file with the text of the license package.json names, packaged, never skipped', () => {
    const root = path.resolve(__dirname, '../../..');
    assert.equal(manifest.license, 'GPL-3.0-or-later');
    assert.ok(existsSync(path.join(root, 'LICENSE')), 'LICENSE at the root');
    assert.match(readFileSync(path.join(root, 'LICENSE'), 'utf8'), /GNU GENERAL PUBLIC LICENSE\s+Version 3, 29 June 2007/);
    assert.doesNotMatch(manifest.scripts.package, /--skip-license/);
    assert.match(readFileSync(path.join(root, '.vscodeignore'), 'utf8'), /^!LICENSE$/m);
  });
});

describe('package.json: ready to publish', () => {
  const root = path.resolve(__dirname, '../../..');
  const walkthroughs = (manifest.contributes.walkthroughs ?? []) as Array<{ id: string; steps: WalkthroughStep[] }>;
  interface WalkthroughStep { id: string; title: string; description: string; completionEvents?: string[]; media: { markdown?: string; image?: string; svg?: string; altText?: string } }

  /** What `vsce ls` says the package holds (the .vscodeignore allowlist applied by vsce itself). */
  let packaged: string[] | undefined;
  const packagedFiles = () => (packaged ??= execFileSync(path.join(root, 'node_modules/.bin/vsce'), ['ls', '--no-dependencies'], { cwd: root, encoding: 'utf8', timeout: 60_000 }).split('\n').map((line) => line.trim()).filter(Boolean));

  it('has an icon: a PNG of 128 px and up, drawn from a source kept beside its script, packaged', function () {
    this.timeout(60_000);
    assert.match(manifest.icon, /\.png$/);
    const png = readFileSync(path.join(root, manifest.icon));
    assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
    const [width, height] = [png.readUInt32BE(16), png.readUInt32BE(20)];
    assert.ok(width >= 128 && width === height, `${width} x ${height}`);
    assert.ok(existsSync(path.join(root, 'scripts/icon.svg')) && existsSync(path.join(root, 'scripts/draw-icon.js')));
    assert.ok(packagedFiles().includes(manifest.icon), 'the icon is in the package');
    assert.match(manifest.galleryBanner.color, /^#[0-9a-f]{6}$/i);
    assert.ok(['dark', 'light'].includes(manifest.galleryBanner.theme));
  });

  it('has a CHANGELOG whose newest entry is this version, packaged; the package holds no source, tests or tools', function () {
    this.timeout(60_000);
    const changelog = readFileSync(path.join(root, 'CHANGELOG.md'), 'utf8');
    assert.equal(changelog.match(/^## (\S+)/m)?.[1], manifest.version);
    const files = packagedFiles();
    for (const file of ['CHANGELOG.md', 'LICENSE', 'README.md', 'package.json']) assert.ok(files.includes(file), file);
    assert.deepEqual(files.filter((file) => /^(src|test|out|bench|tools|scripts|node_modules|\.vscode-test|test-results)\//.test(file) || /\.(ts|map|vsix)$/.test(file)), []);
  });

  it('says where it is published and what it is: repository, bugs, homepage, categories that are true, keywords', () => {
    assert.match(manifest.repository.url, /^https:\/\/github\.com\/[\w-]+\/[\w-]+\.git$/);
    assert.match(manifest.bugs.url, /^https:\/\/github\.com\/.+\/issues$/);
    assert.match(manifest.homepage, /^https:\/\//);
    const categories: string[] = manifest.categories;
    assert.ok(categories.includes('Programming Languages'), categories.join(', '));
    // Snippets and Notebooks only with their contributions.
    assert.equal(categories.includes('Snippets'), Boolean(manifest.contributes.snippets), 'Snippets');
    assert.equal(categories.includes('Notebooks'), Boolean(manifest.contributes.notebooks), 'Notebooks');
    assert.ok(!categories.includes('Other'), 'no "Other" beside real categories');
    assert.ok(manifest.keywords.length >= 5 && manifest.keywords.length <= 30 && manifest.keywords.includes('supercollider'), manifest.keywords.join(', '));
  });

  it('packages with no flag that skips a check', () => {
    for (const flag of ['--allow-missing-repository', '--skip-license', '--allow-star-activation', '--allow-unused-files-pattern', '--allow-package-secrets', '--allow-package-all-secrets', '--allow-package-env-file']) {
      assert.doesNotMatch(manifest.scripts.package, new RegExp(flag), flag);
    }
  });

  it('runs where the sound card is (extensionKind ui, else workspace), and the README says why and that there is no telemetry', () => {
    assert.deepEqual(manifest.extensionKind, ['ui', 'workspace']);
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    assert.match(readme, /extensionKind[^\n]*\n?[^\n]*scsynth must run where\s+the sound card is/);
    assert.match(readme, /No telemetry/);
    // It opens with what a musician installs: the package, then the two commands.
    const sections = [...readme.matchAll(/^## (.+)$/gm)].map((match) => match[1]);
    assert.equal(sections[0], 'Install');
    assert.ok(readme.indexOf('code --install-extension supercollider-live.vsix') < readme.indexOf('npm start'));
  });

  it('has a Get Started walkthrough from the programs to the views, each step done by itself, its media packaged', function () {
    this.timeout(60_000);
    assert.equal(walkthroughs.length, 1);
    const [walkthrough] = walkthroughs;
    assert.deepEqual(walkthrough.steps.map((step) => step.id), ['findPrograms', 'boot', 'openDemo', 'evaluate', 'hush', 'lookUp', 'watch']);
    const commands = new Set((manifest.contributes.commands as Array<{ command: string }>).map((command) => command.command));
    const views = Object.values(manifest.contributes.views as Record<string, Array<{ id: string }>>).flat().map((view) => view.id);
    // The context keys the extension sets (a step waiting for a key nobody sets never completes).
    const source = readdirSync(path.join(root, 'src/extension'), { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts')).map((file) => readFileSync(path.join(root, 'src/extension', file), 'utf8')).join('\n');
    const keysSet = new Set([...source.matchAll(/'setContext', '([\w.]+)'/g)].map((match) => match[1]));
    const files = packagedFiles();
    for (const step of walkthrough.steps) {
      const events = step.completionEvents ?? [];
      assert.ok(events.length > 0, `${step.id} completes by itself`);
      for (const event of events) {
        const [, kind, what] = /^(\w+):(.+)$/.exec(event) ?? [];
        if (kind === 'onCommand') assert.ok(commands.has(what) || views.some((view) => what === `${view}.focus`), `${step.id}: ${what} is a command of ours or shows a view of ours`);
        else if (kind === 'onView') assert.ok(views.includes(what), `${step.id}: ${what} is a view of ours`);
        else if (kind === 'onContext') for (const key of what.match(/[\w.]+/g) ?? []) assert.ok(keysSet.has(key), `${step.id}: the extension sets ${key}`);
        else assert.fail(`${step.id}: ${event}`);
      }
      for (const [, target] of step.description.matchAll(/\]\(command:(?:toSide:)?([\w.]+)/g)) {
        assert.ok(commands.has(target) || target.startsWith('workbench.') || views.some((view) => target === `${view}.focus`), `${step.id} links to ${target}`);
      }
      const media = step.media.markdown ?? step.media.image ?? step.media.svg;
      assert.ok(media && existsSync(path.join(root, media)), `${step.id}: ${media}`);
      assert.ok(files.includes(media), `${step.id}: ${media} is packaged`);
      if (step.media.image) assert.ok(step.media.altText, `${step.id} describes its image`);
    }
    assert.ok(files.includes('media/walkthrough/demo.scd'), 'the demo file is packaged');
    const step = (id: string) => walkthrough.steps.find((candidate) => candidate.id === id)!;
    assert.ok(step('findPrograms').completionEvents!.some((event) => /sclive\.scsynthFound/.test(event) && /sclive\.sclangFound/.test(event)));
    assert.deepEqual(step('boot').completionEvents, ['onContext:sclive.serverRunning && sclive.walkthroughCheck']);
    assert.match(step('findPrograms').description, /apt-get install supercollider-server supercollider-language/);
    assert.match(step('evaluate').title + step('hush').title + step('lookUp').title, /Ctrl\+Enter.*Ctrl\+\..*Ctrl\+D/);
    assert.match(step('lookUp').description, /Look Up Documentation[^]*as in SuperCollider's IDE[^]*a setting gives it back: sclive\.editor\.ctrlDLooksUpDocumentation/);
    assert.match(step('watch').description, /Node Tree[^]*Meters/);
  });
});
