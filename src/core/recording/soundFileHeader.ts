// WAV and AIFF headers as scsynth writes them (libsndfile): read what a file holds, and repair
// the lengths of a file whose buffer was never closed (scsynth died while recording), so the
// recording of a crashed show still opens in any audio editor.
import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';

export interface SoundFileInfo {
  format: 'wav' | 'aiff';
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  float: boolean;
  /** Where the sample data starts, and its length in bytes (as the header says). */
  dataOffset: number;
  dataBytes: number;
  frames: number;
  durationSeconds: number;
}

interface Chunk {
  id: string;
  /** Offset of the chunk's header (id + size). */
  at: number;
  size: number;
}

export class SoundFileError extends Error {
  constructor(path: string, problem: string) {
    super(`${path} is not a sound file this program can read: ${problem}.`);
    this.name = 'SoundFileError';
  }
}

/** Reads the header of a WAV (RIFF, RF64 not included) or AIFF/AIFC file. */
export function readSoundFileInfo(path: string): SoundFileInfo {
  return withFile(path, 'r', (fd, size) => parse(path, fd, size).info);
}

/**
 * Rewrites the length fields from the file's real size (the samples written so far, in whole
 * frames). Returns the repaired header's info; a file whose header was right is left as it is.
 */
export function repairSoundFileHeader(path: string): SoundFileInfo {
  return withFile(path, 'r+', (fd, size) => {
    const { info, fields } = parse(path, fd, size);
    const frameBytes = (info.channels * info.bitsPerSample) / 8;
    const dataBytes = Math.floor(Math.max(0, size - info.dataOffset) / frameBytes) * frameBytes;
    const frames = dataBytes / frameBytes;
    if (dataBytes === info.dataBytes && frames === info.frames) return info;
    for (const field of fields(dataBytes, frames, size)) writeSync(fd, field.bytes, 0, field.bytes.length, field.at);
    return { ...info, dataBytes, frames, durationSeconds: frames / info.sampleRate };
  });
}

type Fields = (dataBytes: number, frames: number, fileSize: number) => Array<{ at: number; bytes: Buffer }>;

function parse(path: string, fd: number, size: number): { info: SoundFileInfo; fields: Fields } {
  const head = read(fd, 0, 12);
  const magic = head.toString('latin1', 0, 4);
  if (magic === 'RIFF' && head.toString('latin1', 8, 12) === 'WAVE') return parseWav(path, fd, size);
  if (magic === 'FORM' && /^AIF[FC]$/.test(head.toString('latin1', 8, 12))) return parseAiff(path, fd, size);
  throw new SoundFileError(path, `it starts with "${magic}", neither RIFF/WAVE nor FORM/AIFF`);
}

function chunks(fd: number, size: number, bigEndian: boolean): Chunk[] {
  const list: Chunk[] = [];
  let at = 12;
  while (at + 8 <= size) {
    const header = read(fd, at, 8);
    const chunkSize = bigEndian ? header.readUInt32BE(4) : header.readUInt32LE(4);
    const id = header.toString('latin1', 0, 4);
    list.push({ id, at, size: chunkSize });
    // The data chunk of an unfinished file may claim any size: nothing after it matters.
    if (id === 'data' || id === 'SSND') break;
    at += 8 + chunkSize + (chunkSize % 2);
  }
  return list;
}

function parseWav(path: string, fd: number, size: number): { info: SoundFileInfo; fields: Fields } {
  const list = chunks(fd, size, false);
  const fmt = list.find((chunk) => chunk.id === 'fmt ');
  const data = list.find((chunk) => chunk.id === 'data');
  if (!fmt || !data) throw new SoundFileError(path, 'no fmt or data chunk');
  const f = read(fd, fmt.at + 8, Math.min(fmt.size, 40));
  let formatTag = f.readUInt16LE(0);
  // WAVE_FORMAT_EXTENSIBLE: the real format is the first two bytes of the sub-format GUID.
  if (formatTag === 0xfffe && f.length >= 26) formatTag = f.readUInt16LE(24);
  const channels = f.readUInt16LE(2);
  const sampleRate = f.readUInt32LE(4);
  const bitsPerSample = f.readUInt16LE(14);
  const dataOffset = data.at + 8;
  const dataBytes = Math.min(data.size, Math.max(0, size - dataOffset));
  const frames = Math.floor(dataBytes / ((channels * bitsPerSample) / 8));
  const info: SoundFileInfo = { format: 'wav', channels, sampleRate, bitsPerSample, float: formatTag === 3, dataOffset, dataBytes, frames, durationSeconds: frames / sampleRate };
  const fields: Fields = (bytes, _frames, fileSize) => [
    { at: 4, bytes: u32(fileSize - 8, false) },
    { at: data.at + 4, bytes: u32(bytes, false) },
  ];
  return { info, fields };
}

function parseAiff(path: string, fd: number, size: number): { info: SoundFileInfo; fields: Fields } {
  const list = chunks(fd, size, true);
  const comm = list.find((chunk) => chunk.id === 'COMM');
  const ssnd = list.find((chunk) => chunk.id === 'SSND');
  if (!comm || !ssnd) throw new SoundFileError(path, 'no COMM or SSND chunk');
  const c = read(fd, comm.at + 8, Math.min(comm.size, 22));
  const channels = c.readUInt16BE(0);
  const bitsPerSample = c.readUInt16BE(6);
  const sampleRate = readExtended(c.subarray(8, 18));
  const compression = comm.size >= 22 ? c.toString('latin1', 18, 22) : 'NONE';
  const ssndOffset = read(fd, ssnd.at + 8, 4).readUInt32BE(0);
  const dataOffset = ssnd.at + 16 + ssndOffset;
  const dataBytes = Math.min(Math.max(0, ssnd.size - 8 - ssndOffset), Math.max(0, size - dataOffset));
  const frames = Math.floor(dataBytes / ((channels * bitsPerSample) / 8));
  const info: SoundFileInfo = { format: 'aiff', channels, sampleRate, bitsPerSample, float: /^fl32$/i.test(compression), dataOffset, dataBytes, frames, durationSeconds: frames / sampleRate };
  const fields: Fields = (bytes, frameCount, fileSize) => [
    { at: 4, bytes: u32(fileSize - 8, true) },
    { at: comm.at + 8 + 2, bytes: u32(frameCount, true) },
    { at: ssnd.at + 4, bytes: u32(bytes + 8 + ssndOffset, true) },
  ];
  return { info, fields };
}

/** The 80-bit IEEE extended float AIFF stores its sample rate in. */
function readExtended(bytes: Buffer): number {
  const exponent = ((bytes[0] & 0x7f) << 8) | bytes[1];
  const mantissa = bytes.readUInt32BE(2) * 2 ** 32 + bytes.readUInt32BE(6);
  if (exponent === 0 && mantissa === 0) return 0;
  return (bytes[0] & 0x80 ? -1 : 1) * mantissa * 2 ** (exponent - 16383 - 63);
}

function u32(value: number, bigEndian: boolean): Buffer {
  const buffer = Buffer.alloc(4);
  const clamped = Math.min(0xffffffff, Math.max(0, value));
  if (bigEndian) buffer.writeUInt32BE(clamped);
  else buffer.writeUInt32LE(clamped);
  return buffer;
}

function read(fd: number, at: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  const got = readSync(fd, buffer, 0, length, at);
  return buffer.subarray(0, got);
}

function withFile<T>(path: string, flags: 'r' | 'r+', use: (fd: number, size: number) => T): T {
  const fd = openSync(path, flags);
  try {
    return use(fd, fstatSync(fd).size);
  } finally {
    closeSync(fd);
  }
}
