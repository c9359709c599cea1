// Every snippet, expanded with its defaults, is code a real sclang compiles; those that need no
// server (a SynthDef's graph, an envelope) also run without an error.
import { strict as assert } from 'node:assert';
import { SCLang, sclangStringLiteral } from '../../src/core/sclang/sclang';
import { expandedSnippet, readSnippets } from '../snippetBodies';

describe('Snippets in a real sclang', function () {
  this.timeout(60_000);
  let lang: SCLang;
  before(async () => {
    lang = new SCLang({});
    await lang.start();
  });
  after(async () => {
    await lang.stop();
  });

  it('each compiles', async () => {
    const failed: string[] = [];
    for (const [name, snippet] of Object.entries(readSnippets())) {
      const code = expandedSnippet(snippet);
      const compiled = await lang.evaluate(`thisProcess.interpreter.compile(${sclangStringLiteral(code)}).notNil`, { print: false });
      if (compiled.result !== 'true') failed.push(`${name}: ${code}\n${compiled.output.join('\n')}`);
    }
    assert.deepEqual(failed, []);
  });

  it('the SynthDef builds its graph with the controls it names, and the envelopes run', async () => {
    const snippets = readSnippets();
    const synthDef = await lang.evaluate(`${expandedSnippet(snippets.SynthDef)} SynthDescLib.global[\\name].controlNames`, { print: false });
    assert.equal(synthDef.status, 'ok', synthDef.output.join('\n'));
    assert.equal(synthDef.result, '[ out, freq, amp, pan, gate ]');
    for (const name of ['Env', 'Env.perc']) {
      const code = expandedSnippet(snippets[name]);
      // An EnvGen outside a SynthDef only builds in one: run it there.
      const run = await lang.evaluate(name === 'Env' ? `${code}.asArray.size > 0` : `SynthDef(\\scliveEnvSnippet, { Out.kr(0, ${code}) }).add; true`, { print: false });
      assert.equal(run.result, 'true', `${name}: ${code}\n${run.output.join('\n')}`);
    }
  });
});
