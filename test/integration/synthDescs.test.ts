// SynthDef controls read from a real sclang's SynthDescLib (the query completion makes).
import { strict as assert } from 'node:assert';
import { SCLang } from '../../src/core/sclang/sclang';
import { SYNTH_DESC_QUERY, parseSynthDescs } from '../../src/core/language/synthDescs';

describe('SynthDef controls from a real sclang', function () {
  this.timeout(60_000);
  let lang: SCLang;
  before(async () => {
    lang = new SCLang({});
    await lang.start();
  });
  after(async () => {
    await lang.stop();
  });

  it('a SynthDef added reads with its arguments, named controls and defaults (arrays too); sclang\'s default is there; nothing echoed', async () => {
    const added = await lang.evaluate('SynthDef(\\zap, { |out = 0, freq = 440, width = #[0.2, 0.3]| Out.ar(out, SinOsc.ar(freq) * \\amp.kr(0.1)) }).add; 1', { print: false });
    assert.equal(added.status, 'ok', added.output.join('\n'));
    const posted: string[] = [];
    const listening = lang.onPost((line) => posted.push(line));
    const result = await lang.evaluate(SYNTH_DESC_QUERY, { print: false, timeoutMs: 5000 });
    listening.dispose();
    assert.equal(result.status, 'ok', result.output.join('\n'));
    const descs = parseSynthDescs(result.result ?? '');
    assert.deepEqual(descs.get('zap'), [
      { name: 'out', defaultValue: '0.0' },
      { name: 'freq', defaultValue: '440.0' },
      { name: 'width', defaultValue: '[ 0.2, 0.3 ]' },
      { name: 'amp', defaultValue: '0.1' },
    ]);
    assert.deepEqual(descs.get('default')?.map((c) => c.name), ['out', 'freq', 'amp', 'pan', 'gate']);
    assert.ok(![...descs.keys()].some((name) => name.startsWith('system_')), 'JITLib\'s own defs left out');
    assert.deepEqual(posted.filter((line) => line.includes('zap')), [], 'the query posts nothing');
  });
});
