import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { SoundFileError, readSoundFileInfo, repairSoundFileHeader } from '../../src/core/recording/soundFileHeader';

/** A 24-bit stereo WAV at 48 kHz holding `frames` frames, whose header claims `claimedBytes` of data. */
function wav(frames: number, claimedBytes: number): Buffer {
  const data = Buffer.alloc(frames * 6);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(claimedBytes ? 36 + claimedBytes : 0, 4);
  header.write('WAVEfmt ', 8, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(2, 22);
  header.writeUInt32LE(48000, 24);
  header.writeUInt32LE(48000 * 6, 28);
  header.writeUInt16LE(6, 32);
  header.writeUInt16LE(24, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(claimedBytes, 40);
  return Buffer.concat([header, data]);
}

/** A float stereo AIFC at 44.1 kHz (80-bit rate 0x400E AC44...), header claiming 0 frames. */
function aifc(frames: number): Buffer {
  const comm = Buffer.alloc(8 + 22);
  comm.write('COMM', 0, 'latin1');
  comm.writeUInt32BE(22, 4);
  comm.writeUInt16BE(2, 8);
  comm.writeUInt32BE(0, 10);
  comm.writeUInt16BE(32, 14);
  Buffer.from([0x40, 0x0e, 0xac, 0x44, 0, 0, 0, 0, 0, 0]).copy(comm, 16);
  comm.write('fl32', 26, 'latin1');
  const ssnd = Buffer.alloc(16);
  ssnd.write('SSND', 0, 'latin1');
  ssnd.writeUInt32BE(8, 4);
  const form = Buffer.alloc(12);
  form.write('FORM', 0, 'latin1');
  form.write('AIFC', 8, 'latin1');
  return Buffer.concat([form, comm, ssnd, Buffer.alloc(frames * 8)]);
}

describe('soundFileHeader', () => {
  let folder: string;
  before(() => (folder = mkdtempSync(path.join(tmpdir(), 'sclive-header-'))));
  after(() => rmSync(folder, { recursive: true, force: true }));

  it('repairs a WAV whose lengths scsynth never wrote (it died while recording)', () => {
    const file = path.join(folder, 'unfinished.wav');
    writeFileSync(file, Buffer.concat([wav(96000, 0), Buffer.alloc(3)])); // a torn last frame
    assert.equal(readSoundFileInfo(file).frames, 0);
    const repaired = repairSoundFileHeader(file);
    assert.equal(repaired.frames, 96000);
    assert.equal(repaired.durationSeconds, 2);
    const again = readSoundFileInfo(file);
    assert.deepEqual([again.channels, again.sampleRate, again.bitsPerSample, again.float, again.frames], [2, 48000, 24, false, 96000]);
  });

  it('leaves a finished WAV as it is', () => {
    const file = path.join(folder, 'finished.wav');
    writeFileSync(file, wav(4800, 4800 * 6));
    assert.equal(repairSoundFileHeader(file).durationSeconds, 0.1);
  });

  it('repairs an AIFF/AIFC (float) and reads its 80-bit sample rate', () => {
    const file = path.join(folder, 'unfinished.aiff');
    writeFileSync(file, aifc(44100));
    const repaired = repairSoundFileHeader(file);
    assert.deepEqual([repaired.format, repaired.sampleRate, repaired.float, repaired.frames], ['aiff', 44100, true, 44100]);
    assert.equal(readSoundFileInfo(file).frames, 44100);
  });

  it('says plainly what a file that is no sound file is', () => {
    const file = path.join(folder, 'notes.txt');
    writeFileSync(file, 'not a sound file at all');
    assert.throws(() => readSoundFileInfo(file), (error: unknown) => error instanceof SoundFileError && /neither RIFF\/WAVE nor FORM\/AIFF/.test((error).message));
  });
});
