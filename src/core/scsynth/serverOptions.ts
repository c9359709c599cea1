// sc3nb's ServerOptions: the command-line options of scsynth, validated before any spawn.
import { isIP } from 'node:net';

export type ServerProgram = 'scsynth' | 'supernova';

export interface ServerOptionsInit {
  udpPort?: number;
  maxLogins?: number;
  numInputBuses?: number;
  numOutputBuses?: number;
  numAudioBuses?: number;
  numControlBuses?: number;
  numSampleBuffers?: number;
  publishRendezvous?: boolean;
  /** Most nodes the server can hold (`-n`; scsynth's default is 1024). */
  maxNodes?: number;
  /** Most SynthDefs the server can hold (`-d`; scsynth's default is 1024). */
  maxSynthDefs?: number;
  /** Real-time memory in KB for delay lines and the like (`-m`; scsynth's default is 8192). */
  memSize?: number;
  /** Wire buffers, the limit of a SynthDef's parallel signal paths (`-w`; default 64). */
  numWireBufs?: number;
  blockSize?: number;
  hardwareBufferSize?: number;
  hardwareSampleRate?: number;
  hardwareInputDevice?: string;
  hardwareOutputDevice?: string;
  otherOptions?: readonly string[];
  /** Address scsynth listens on (`-B`); loopback unless the user asks for more. */
  bindAddress?: string;
  program?: ServerProgram;
  /** supernova's audio threads (`-T`; its default is 2). scsynth has no such option. */
  threads?: number;
}

export const SCSYNTH_DEFAULT_PORT = 57110;

/** An option value outside what scsynth (or this client's id scheme) accepts. */
export class InvalidServerOptionError extends Error {
  constructor(readonly option: string, message: string) {
    super(`Invalid server option ${option}: ${message}`);
    this.name = 'InvalidServerOptionError';
  }
}

export class ServerOptions {
  readonly udpPort: number;
  readonly maxLogins: number;
  readonly numInputBuses: number;
  readonly numOutputBuses: number;
  readonly numAudioBuses: number;
  readonly numControlBuses: number;
  readonly numSampleBuffers: number;
  readonly publishRendezvous: boolean;
  readonly maxNodes: number | undefined;
  readonly maxSynthDefs: number | undefined;
  readonly memSize: number | undefined;
  readonly numWireBufs: number | undefined;
  readonly blockSize: number | undefined;
  readonly hardwareBufferSize: number | undefined;
  readonly hardwareSampleRate: number | undefined;
  readonly hardwareInputDevice: string | undefined;
  readonly hardwareOutputDevice: string | undefined;
  readonly otherOptions: readonly string[];
  readonly bindAddress: string;
  readonly program: ServerProgram;
  readonly threads: number | undefined;

  constructor(init: ServerOptionsInit = {}) {
    this.udpPort = integerIn('udpPort', init.udpPort ?? SCSYNTH_DEFAULT_PORT, 1, 65535);
    // Node ids are clientId * 2^26 + n in an int32, so at most 32 clients (sclang's limit too).
    this.maxLogins = integerIn('maxLogins', init.maxLogins ?? 6, 1, 32);
    this.numInputBuses = integerIn('numInputBuses', init.numInputBuses ?? 2, 0, 4096);
    this.numOutputBuses = integerIn('numOutputBuses', init.numOutputBuses ?? 2, 0, 4096);
    const hardwareBuses = this.numInputBuses + this.numOutputBuses;
    this.numAudioBuses = integerIn('numAudioBuses', init.numAudioBuses ?? 1024, Math.max(1, hardwareBuses), 1 << 20,
      `at least numInputBuses + numOutputBuses (${hardwareBuses})`);
    this.numControlBuses = integerIn('numControlBuses', init.numControlBuses ?? 4096, 1, 1 << 24);
    this.numSampleBuffers = integerIn('numSampleBuffers', init.numSampleBuffers ?? 1024, 1, 1 << 24);
    this.publishRendezvous = booleanOption('publishRendezvous', init.publishRendezvous ?? false);
    this.maxNodes = optional(init.maxNodes, (value) => integerIn('maxNodes', value, 1, 1 << 24));
    this.maxSynthDefs = optional(init.maxSynthDefs, (value) => integerIn('maxSynthDefs', value, 1, 1 << 20));
    this.memSize = optional(init.memSize, (value) => integerIn('memSize', value, 1, 1 << 24));
    this.numWireBufs = optional(init.numWireBufs, (value) => integerIn('numWireBufs', value, 1, 1 << 16));
    this.blockSize = optional(init.blockSize, (value) => powerOfTwo('blockSize', value, 1, 1024));
    this.hardwareBufferSize = optional(init.hardwareBufferSize, (value) => integerIn('hardwareBufferSize', value, 1, 65536));
    this.hardwareSampleRate = optional(init.hardwareSampleRate, (value) => integerIn('hardwareSampleRate', value, 1000, 768000));
    this.hardwareInputDevice = optional(init.hardwareInputDevice, (value) => nonEmptyString('hardwareInputDevice', value));
    this.hardwareOutputDevice = optional(init.hardwareOutputDevice, (value) => nonEmptyString('hardwareOutputDevice', value));
    if (this.hardwareOutputDevice !== undefined && this.hardwareInputDevice === undefined) {
      throw new InvalidServerOptionError('hardwareOutputDevice', 'needs hardwareInputDevice too (scsynth takes -H input [output])');
    }
    const other = init.otherOptions ?? [];
    if (!Array.isArray(other) || other.some((item) => typeof item !== 'string')) {
      throw new InvalidServerOptionError('otherOptions', 'must be a list of strings, one command-line argument each, e.g. ["-m", "65536"]');
    }
    this.otherOptions = [...(other as readonly string[])];
    this.bindAddress = nonEmptyString('bindAddress', init.bindAddress ?? '127.0.0.1');
    if (isIP(this.bindAddress) === 0) {
      throw new InvalidServerOptionError('bindAddress', `"${this.bindAddress}" is not an IP address; use 127.0.0.1 for this machine only or 0.0.0.0 for every interface`);
    }
    if (isIP(this.bindAddress) === 6) {
      // The client talks to scsynth over IPv4 (as sclang does).
      throw new InvalidServerOptionError('bindAddress', `"${this.bindAddress}" is an IPv6 address, and SuperCollider Live talks to scsynth over IPv4; use 127.0.0.1 for this machine only or 0.0.0.0 for every interface`);
    }
    const program = init.program ?? 'scsynth';
    if (program !== 'scsynth' && program !== 'supernova') {
      throw new InvalidServerOptionError('program', `"${String(program)}" is neither "scsynth" nor "supernova"`);
    }
    this.program = program;
    this.threads = optional(init.threads, (value) => integerIn('threads', value, 1, 256));
    if (this.threads !== undefined && program !== 'supernova') {
      throw new InvalidServerOptionError('threads', 'only supernova takes a thread count (-T); set program to "supernova" or leave threads out');
    }
  }

  /** The first audio bus after the hardware input and output buses. */
  get firstPrivateBus(): number {
    return this.numOutputBuses + this.numInputBuses;
  }

  /** Number of audio buses besides the hardware input and output buses. */
  get numPrivateBuses(): number {
    return this.numAudioBuses - this.firstPrivateBus;
  }

  /** A copy with some fields changed (validated again). */
  with(changes: ServerOptionsInit): ServerOptions {
    return new ServerOptions({ ...this.toInit(), ...changes });
  }

  toInit(): ServerOptionsInit {
    return {
      udpPort: this.udpPort,
      maxLogins: this.maxLogins,
      numInputBuses: this.numInputBuses,
      numOutputBuses: this.numOutputBuses,
      numAudioBuses: this.numAudioBuses,
      numControlBuses: this.numControlBuses,
      numSampleBuffers: this.numSampleBuffers,
      publishRendezvous: this.publishRendezvous,
      maxNodes: this.maxNodes,
      maxSynthDefs: this.maxSynthDefs,
      memSize: this.memSize,
      numWireBufs: this.numWireBufs,
      blockSize: this.blockSize,
      hardwareBufferSize: this.hardwareBufferSize,
      hardwareSampleRate: this.hardwareSampleRate,
      hardwareInputDevice: this.hardwareInputDevice,
      hardwareOutputDevice: this.hardwareOutputDevice,
      otherOptions: this.otherOptions,
      bindAddress: this.bindAddress,
      program: this.program,
      threads: this.threads,
    };
  }

  /** The scsynth command line (without the program). */
  toArgs(): string[] {
    const args = [
      '-u', String(this.udpPort),
      '-l', String(this.maxLogins),
      '-i', String(this.numInputBuses),
      '-o', String(this.numOutputBuses),
      '-a', String(this.numAudioBuses),
      '-c', String(this.numControlBuses),
      '-b', String(this.numSampleBuffers),
      '-R', this.publishRendezvous ? '1' : '0',
      '-B', this.bindAddress,
    ];
    if (this.maxNodes !== undefined) args.push('-n', String(this.maxNodes));
    if (this.maxSynthDefs !== undefined) args.push('-d', String(this.maxSynthDefs));
    if (this.memSize !== undefined) args.push('-m', String(this.memSize));
    if (this.numWireBufs !== undefined) args.push('-w', String(this.numWireBufs));
    if (this.blockSize !== undefined) args.push('-z', String(this.blockSize));
    if (this.hardwareBufferSize !== undefined) args.push('-Z', String(this.hardwareBufferSize));
    if (this.hardwareSampleRate !== undefined) args.push('-S', String(this.hardwareSampleRate));
    if (this.hardwareInputDevice !== undefined) {
      args.push('-H', this.hardwareInputDevice);
      if (this.hardwareOutputDevice !== undefined) args.push(this.hardwareOutputDevice);
    }
    if (this.threads !== undefined) args.push('-T', String(this.threads));
    args.push(...this.otherOptions);
    return args;
  }

  toString(): string {
    return `ServerOptions(${this.toArgs().join(' ')})`;
  }
}

function integerIn(option: string, value: unknown, min: number, max: number, rangeText?: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidServerOptionError(option, `${JSON.stringify(value)} is not allowed; use an integer ${rangeText ?? `from ${min} to ${max}`}`);
  }
  return value;
}

function powerOfTwo(option: string, value: unknown, min: number, max: number): number {
  const n = integerIn(option, value, min, max);
  if ((n & (n - 1)) !== 0) {
    throw new InvalidServerOptionError(option, `${n} is not a power of two; use one of 1, 2, 4, ... ${max}`);
  }
  return n;
}

function booleanOption(option: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new InvalidServerOptionError(option, `${JSON.stringify(value)} is not true or false`);
  return value;
}

function nonEmptyString(option: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InvalidServerOptionError(option, `${JSON.stringify(value)} is not a non-empty string`);
  }
  return value;
}

function optional<T>(value: T | undefined | null, check: (value: T) => T): T | undefined {
  return value === undefined || value === null ? undefined : check(value);
}
