import { strict as assert } from 'node:assert';
import { findReferences } from '../../src/core/language/references';

const words = (text: string, name: string, kind: 'class' | 'selector') => findReferences(text, name, kind).map((m) => text.slice(m.start, m.end) + '@' + m.start);

describe('findReferences', () => {
  it('finds a class as a whole word in code, not in strings, comments, symbols or longer names', () => {
    const text = 'x = SinOsc.ar; // SinOsc\n"SinOsc"; \\SinOsc; SinOscFB.ar; FSinOsc.ar; { SinOsc.kr }';
    assert.deepEqual(words(text, 'SinOsc', 'class'), ['SinOsc@4', `SinOsc@${text.lastIndexOf('SinOsc.kr')}`]);
  });

  it('finds a selector as a message and as a method definition, not as a variable or keyword', () => {
    const text = 'x.play; y.play(1); play = 3; f(play: 2);\nFoo {\n  play { ^1 }\n  *play { }\n}';
    const found = words(text, 'play', 'selector');
    assert.deepEqual(found.slice(0, 2), ['play@2', 'play@10']);
    assert.equal(found.length, 4, found.join(' '));
  });
});
