// SCLang.dispose lets go of every listener: each of its events, found by what it owns (an
// Emitter field), so an event added later cannot be missed.
import { strict as assert } from 'node:assert';
import { Emitter } from '../../src/core/events';
import { SCLang } from '../../src/core/sclang/sclang';

describe('SCLang.dispose', () => {
  it('leaves no listener on any of its events', () => {
    const lang = new SCLang({});
    const emitters = Object.entries(lang).filter(([, value]) => value instanceof Emitter) as Array<[string, Emitter<unknown>]>;
    assert.ok(emitters.length >= 6, emitters.map(([name]) => name).join(', '));
    for (const [, emitter] of emitters) emitter.event(() => undefined);
    assert.ok(emitters.every(([, emitter]) => emitter.hasListeners));
    lang.dispose();
    assert.deepEqual(emitters.filter(([, emitter]) => emitter.hasListeners).map(([name]) => name), []);
  });
});
