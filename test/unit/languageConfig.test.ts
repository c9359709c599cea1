import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultLanguageConfigPath, formatLanguageConfig, parseLanguageConfig, writeEditorLanguageConfig } from '../../src/core/sclang/languageConfig';

describe('the editor\'s sclang language config', () => {
  it('reads sclang_conf.yaml as sclang writes it: block and flow lists, quoted paths, booleans', () => {
    const config = parseLanguageConfig([
      '# my config',
      'includePaths:',
      '    - /home/me/.local/share/SuperCollider/downloaded-quarks/Vowel',
      '    - "/home/me/my quarks/\\"odd\\""',
      "    - '/home/me/it''s'",
      'excludePaths:',
      '    []',
      'postInlineWarnings: true',
      'excludeDefaultPaths: false',
    ].join('\n'));
    assert.deepEqual(config, {
      includePaths: ['/home/me/.local/share/SuperCollider/downloaded-quarks/Vowel', '/home/me/my quarks/"odd"', "/home/me/it's"],
      excludePaths: [],
      postInlineWarnings: true,
      excludeDefaultPaths: false,
    });
    // What sclang 3.13's LanguageConfig.store writes (no newline at the end).
    assert.deepEqual(parseLanguageConfig('includePaths:\n    -   /q/one\n    -   /q/two\nexcludePaths:\n    []\npostInlineWarnings: false\nexcludeDefaultPaths: false').includePaths, ['/q/one', '/q/two']);
    assert.deepEqual(parseLanguageConfig('includePaths: [/a, "/b c"]\nexcludePaths: [/x]\n').includePaths, ['/a', '/b c']);
    // The editor writes its config as JSON: a path with a comma comes back whole.
    assert.deepEqual(parseLanguageConfig('includePaths: ["/q/a, b", \'/q/c,d\', /q/e]\n').includePaths, ['/q/a, b', '/q/c,d', '/q/e']);
  });

  it('refuses what it does not understand rather than lose a path', () => {
    assert.throws(() => parseLanguageConfig('includePaths:\n  foo: bar\n'), /line 2/);
    assert.throws(() => parseLanguageConfig('- /a\n'), /outside a list/);
    assert.throws(() => parseLanguageConfig('somethingNew: 1\n'), /unknown setting somethingNew/);
  });

  it('writes the musician\'s paths plus ours as JSON (YAML\'s flow style), and never their file', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sclive-conf-'));
    try {
      const user = path.join(dir, 'sclang_conf.yaml');
      const text = 'includePaths:\n    - /q/one\nexcludePaths:\n    - /q/old\npostInlineWarnings: true\n';
      writeFileSync(user, text);
      const out = writeEditorLanguageConfig({ userConfigPath: user, extraIncludePath: '/ext/sclang/SuperColliderLive', outputPath: path.join(dir, 'editor', 'sclang_conf.yaml') });
      assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')), { includePaths: ['/q/one', '/ext/sclang/SuperColliderLive'], excludePaths: ['/q/old'], postInlineWarnings: true, excludeDefaultPaths: false });
      assert.equal(readFileSync(user, 'utf8'), text);
      // No config of their own: ours alone.
      const none = writeEditorLanguageConfig({ userConfigPath: path.join(dir, 'missing.yaml'), extraIncludePath: '/ext', outputPath: out });
      assert.deepEqual(JSON.parse(readFileSync(none, 'utf8')).includePaths, ['/ext']);
      writeFileSync(user, 'includePaths: !!weird\n');
      assert.throws(() => writeEditorLanguageConfig({ userConfigPath: user, extraIncludePath: '/ext', outputPath: out }), /could not read your sclang config .*sclang_conf.yaml/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('finds the musician\'s config where sclang looks (Platform.userConfigDir)', () => {
    assert.equal(defaultLanguageConfigPath('linux', {}, '/home/me'), '/home/me/.config/SuperCollider/sclang_conf.yaml');
    assert.equal(defaultLanguageConfigPath('linux', { XDG_CONFIG_HOME: '/cfg' }, '/home/me'), '/cfg/SuperCollider/sclang_conf.yaml');
    assert.equal(defaultLanguageConfigPath('darwin', {}, '/Users/me'), '/Users/me/Library/Application Support/SuperCollider/sclang_conf.yaml');
    assert.equal(formatLanguageConfig({ includePaths: [], excludePaths: [], postInlineWarnings: false, excludeDefaultPaths: false }).endsWith('\n'), true);
  });
});
