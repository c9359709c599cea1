// The snippets and the editing contributions, as the manifest declares them.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { maskCode } from '../../src/core/editor/codeMask';
import { expandedSnippet, readSnippets } from '../snippetBodies';

const root = path.resolve(__dirname, '../../..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

describe('snippets', () => {
  it('are contributed for SuperCollider files and packaged', () => {
    assert.deepEqual(manifest.contributes.snippets, [{ language: 'supercollider', path: './snippets/supercollider.json' }]);
    assert.match(readFileSync(path.join(root, '.vscodeignore'), 'utf8'), /^!snippets\/\*\*$/m);
    assert.ok(manifest.categories.includes('Snippets'));
  });

  it('cover what SuperCollider users write most, each with a prefix and a description', () => {
    const snippets = readSnippets();
    const prefixes = Object.values(snippets).flatMap((snippet) => [snippet.prefix].flat());
    for (const prefix of ['synthdef', 'synth', 'pbind', 'pdef', 'ndef', 'tdef', 'routine', 'fork', '(', 'env']) assert.ok(prefixes.includes(prefix), `a snippet for ${prefix}`);
    for (const [name, snippet] of Object.entries(snippets)) assert.ok(snippet.description && snippet.body.length, name);
  });

  it('expand to code with balanced brackets and symbols written as sclang reads them', () => {
    for (const [name, snippet] of Object.entries(readSnippets())) {
      const text = expandedSnippet(snippet);
      const { masked, inside } = maskCode(text);
      assert.equal(inside, 'code', `${name} ends in code: ${text}`);
      const stack: string[] = [];
      for (const c of masked) {
        if ('([{'.includes(c)) stack.push(c);
        else if (')]}'.includes(c)) assert.equal(stack.pop(), '([{'[')]}'.indexOf(c)], `${name}: ${text}`);
      }
      assert.deepEqual(stack, [], `${name}: ${text}`);
      assert.doesNotMatch(text, /\$\{|\\\\/, `${name} has no unresolved placeholder or doubled backslash: ${text}`);
    }
    assert.equal(expandedSnippet(readSnippets().Synth), 'x = Synth(\\default, [\\freq, 440, \\amp, 0.1]);');
  });
});

describe('Ctrl+D in SuperCollider editors', () => {
  it('looks up documentation while the setting says so, and the setting gives it back to VS Code', () => {
    const binding = manifest.contributes.keybindings.find((entry: { key: string; command: string }) => entry.key === 'ctrl+d');
    assert.equal(binding.command, 'sclive.help.lookUp');
    assert.match(binding.when, /editorLangId == supercollider/);
    assert.match(binding.when, /config\.sclive\.editor\.ctrlDLooksUpDocumentation/);
    const setting = manifest.contributes.configuration.properties['sclive.editor.ctrlDLooksUpDocumentation'];
    assert.equal(setting.type, 'boolean');
    assert.equal(setting.default, true);
    assert.match(setting.markdownDescription, /Add Selection to Next Find Match/);
  });
});
