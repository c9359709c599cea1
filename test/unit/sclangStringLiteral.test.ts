import { strict as assert } from 'node:assert';
import { sclangStringLiteral } from '../../src/core/sclang/sclang';

describe('sclangStringLiteral', () => {
  it('escapes backslashes and quotes so the code reaches sclang unchanged', () => {
    assert.equal(sclangStringLiteral('"a" \\freq'), String.raw`"\"a\" \\freq"`);
    assert.equal(sclangStringLiteral('x = "\\n";'), String.raw`"x = \"\\n\";"`);
  });

  it('keeps line breaks and drops the control bytes of the stdin protocol', () => {
    assert.equal(sclangStringLiteral('(\n1 + 1\n)\x0c\x1b'), '"(\n1 + 1\n)"');
  });
});
