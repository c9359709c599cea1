// The scope's spectrum mode: magnitudes of a Hann-windowed frame (radix-2 FFT), in dBFS, with
// each bin's frequency, for a logarithmic frequency axis.

export interface Spectrum {
  /** Magnitude of each bin from 0 Hz to just below Nyquist, in dBFS (a full-scale sine reads about 0). */
  magnitudesDb: Float32Array;
  /** Frequency of bin i is i * binHz. */
  binHz: number;
}

export function spectrum(samples: Float32Array, sampleRate: number): Spectrum {
  const n = samples.length;
  if (n < 2 || (n & (n - 1)) !== 0) throw new RangeError(`the spectrum needs a power-of-two frame, not ${n} samples`);
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  let windowSum = 0;
  for (let i = 0; i < n; i++) {
    const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1));
    windowSum += w;
    re[i] = samples[i] * w;
  }
  fft(re, im);
  const half = n / 2;
  const magnitudesDb = new Float32Array(half);
  // A sine of amplitude A gives A * windowSum / 2 in its bin.
  const scale = 2 / windowSum;
  for (let i = 0; i < half; i++) magnitudesDb[i] = 20 * Math.log10(Math.hypot(re[i], im[i]) * scale + 1e-12);
  return { magnitudesDb, binHz: sampleRate / n };
}

/** The frequency of the loudest bin (above 0 Hz). */
export function peakFrequency(result: Spectrum): number {
  let best = 1;
  for (let i = 2; i < result.magnitudesDb.length; i++) if (result.magnitudesDb[i] > result.magnitudesDb[best]) best = i;
  return best * result.binHz;
}

/** In-place iterative radix-2 Cooley-Tukey. */
function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j], re[i]];
      [im[i], im[j]] = [im[j], im[i]];
    }
  }
  for (let size = 2; size <= n; size <<= 1) {
    const angle = (-2 * Math.PI) / size;
    const wr = Math.cos(angle);
    const wi = Math.sin(angle);
    for (let start = 0; start < n; start += size) {
      let cr = 1;
      let ci = 0;
      for (let k = 0; k < size / 2; k++) {
        const a = start + k;
        const b = a + size / 2;
        const tr = re[b] * cr - im[b] * ci;
        const ti = re[b] * ci + im[b] * cr;
        re[b] = re[a] - tr;
        im[b] = im[a] - ti;
        re[a] += tr;
        im[a] += ti;
        [cr, ci] = [cr * wr - ci * wi, cr * wi + ci * wr];
      }
    }
  }
}
