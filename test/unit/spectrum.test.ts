import { strict as assert } from 'node:assert';
import { peakFrequency, spectrum } from '../../src/core/meters/spectrum';

describe('spectrum', () => {
  it('puts a 1 kHz sine of amplitude 0.5 at 1 kHz, at about -6 dBFS', () => {
    const samples = Float32Array.from({ length: 2048 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 1000 * i) / 48000));
    const result = spectrum(samples, 48000);
    assert.equal(result.magnitudesDb.length, 1024);
    assert.ok(Math.abs(peakFrequency(result) - 1000) <= result.binHz);
    const peak = Math.max(...result.magnitudesDb);
    assert.ok(peak > -7.5 && peak < -5.5, `peak ${peak.toFixed(2)} dB`);
  });

  it('refuses a frame that is not a power of two', () => {
    assert.throws(() => spectrum(new Float32Array(1000), 48000), /power-of-two/);
  });
});
