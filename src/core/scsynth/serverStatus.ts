import type { OscValue } from '../osc/oscCodec';

/** sc3nb's ServerStatus, from `/status.reply`. */
export interface ServerStatus {
  numUgens: number;
  numSynths: number;
  numGroups: number;
  numSynthdefs: number;
  avgCpu: number;
  peakCpu: number;
  nominalSr: number;
  actualSr: number;
}

/** sc3nb's ServerVersion, from `/version.reply`. */
export interface ServerVersion {
  name: string;
  majorVersion: number;
  minorVersion: number;
  patchVersion: string;
  gitBranch: string;
  commit: string;
}

function numberAt(args: readonly OscValue[], index: number, what: string): number {
  const value = args[index];
  if (typeof value !== 'number') throw new Error(`malformed reply: ${what} (argument ${index}) is ${JSON.stringify(value)}, not a number`);
  return value;
}

/** `/status.reply 1 ugens synths groups synthdefs avgCPU peakCPU nominalSR actualSR`. */
export function parseStatusReply(args: readonly OscValue[]): ServerStatus {
  return {
    numUgens: numberAt(args, 1, 'numUGens'),
    numSynths: numberAt(args, 2, 'numSynths'),
    numGroups: numberAt(args, 3, 'numGroups'),
    numSynthdefs: numberAt(args, 4, 'numSynthDefs'),
    avgCpu: numberAt(args, 5, 'avgCPU'),
    peakCpu: numberAt(args, 6, 'peakCPU'),
    nominalSr: numberAt(args, 7, 'nominalSampleRate'),
    actualSr: numberAt(args, 8, 'actualSampleRate'),
  };
}

/** `/version.reply name major minor patch branch commit`. */
export function parseVersionReply(args: readonly OscValue[]): ServerVersion {
  return {
    name: String(args[0] ?? ''),
    majorVersion: numberAt(args, 1, 'major version'),
    minorVersion: numberAt(args, 2, 'minor version'),
    patchVersion: String(args[3] ?? ''),
    gitBranch: String(args[4] ?? ''),
    commit: String(args[5] ?? ''),
  };
}

export function formatVersion(version: ServerVersion): string {
  return `${version.name} ${version.majorVersion}.${version.minorVersion}${version.patchVersion}`;
}
