// A click track from outside scsynth, to measure what a take loses: JACK's jack_metro clicks
// every `clickFrames` samples into scsynth's first input, where no Free All can stop it. In a
// take of that input each lost sample shows as a click arriving early.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readSoundFileInfo } from '../src/core/recording/soundFileHeader';

export interface ClickTrack {
  /** Environment for a scsynth whose first input must hear the clicks (SC_JACK_DEFAULT_INPUTS). */
  scsynthEnv: NodeJS.ProcessEnv;
  /** Samples from one click to the next. */
  clickFrames: number;
  pid: number;
  stop(): Promise<void>;
}

/** Starts jack_metro on the JACK server of `jackEnv` (10 clicks a second at 48 kHz: 4,800 samples apart). */
export async function startClickTrack(jackEnv: NodeJS.ProcessEnv, options: { bpm?: number; sampleRate?: number } = {}): Promise<ClickTrack> {
  const bpm = options.bpm ?? 600;
  const name = `clicks${process.pid}x${Date.now() % 100000}`;
  const env = { ...process.env, ...jackEnv };
  const child = spawn('jack_metro', ['-n', name, '-b', String(bpm), '-f', '1000', '-D', '2', '-A', '0.5'], { env, stdio: 'ignore' });
  const port = `${name}:${bpm}_bpm`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await exited;
  };
  const deadline = Date.now() + 5000;
  while (!spawnSync('jack_lsp', [], { env, encoding: 'utf8' }).stdout?.split('\n').includes(port)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`jack_metro did not offer ${port} within 5 s (jack_metro comes with jackd2: sudo apt-get install jackd2)`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const clickFrames = Math.round(((options.sampleRate ?? 48000) * 60) / bpm);
  return { scsynthEnv: { ...jackEnv, SC_JACK_DEFAULT_INPUTS: port }, clickFrames, pid: child.pid!, stop };
}

export interface ClickAnalysis {
  clicks: number;
  /** Samples missing between consecutive clicks, summed. */
  missing: number;
  /** Each place where samples are missing: the frame of the click after it, and how many. */
  gaps: Array<{ frame: number; missing: number }>;
}

/** Where the clicks of a take of the click track are, and how many samples are missing between them. */
export function analyseClicks(file: string, clickFrames: number, channel = 0): ClickAnalysis {
  const info = readSoundFileInfo(file);
  const bytes = readFileSync(file).subarray(info.dataOffset, info.dataOffset + info.dataBytes);
  const sampleBytes = info.bitsPerSample / 8;
  const frameBytes = info.channels * sampleBytes;
  const sample = (frame: number) => {
    const at = frame * frameBytes + channel * sampleBytes;
    if (info.format === 'wav') return info.float ? bytes.readFloatLE(at) : bytes.readIntLE(at, 3) / 0x800000;
    return info.float ? bytes.readFloatBE(at) : bytes.readIntBE(at, 3) / 0x800000;
  };
  // A click starts where the signal leaves silence after at least a few milliseconds of it.
  const onsets: number[] = [];
  let quiet = 0;
  for (let frame = 0; frame < info.frames; frame++) {
    if (Math.abs(sample(frame)) > 1e-4) {
      // A click cut by the start of the take is not a whole click.
      if (quiet > 200) onsets.push(frame);
      quiet = 0;
    } else {
      quiet++;
    }
  }
  const gaps: ClickAnalysis['gaps'] = [];
  for (let i = 1; i < onsets.length; i++) {
    const distance = onsets[i] - onsets[i - 1];
    const missing = Math.max(1, Math.round(distance / clickFrames)) * clickFrames - distance;
    if (missing !== 0) gaps.push({ frame: onsets[i], missing });
  }
  return { clicks: onsets.length, missing: gaps.reduce((sum, gap) => sum + gap.missing, 0), gaps };
}
