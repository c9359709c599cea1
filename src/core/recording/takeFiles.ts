// The names of a take's files. A take never overwrites a file: its name is claimed by creating
// the file exclusively (O_EXCL), and a name already taken (two takes in the same second) gets
// a number: SC_<date>_<time>.wav, then SC_<date>_<time>-2.wav. A take that runs across a
// reboot goes on in parts of the same name: SC_<date>_<time>_part2.wav, _part3...
import { closeSync, mkdirSync, openSync } from 'node:fs';
import * as path from 'node:path';

/** More tries than any musician makes takes in a second; past it something else is wrong. */
const MAX_SUFFIX = 1000;

/**
 * Creates `desired`, or the first free `<name>-<n><ext>` beside it, as an empty file that is
 * now this take's (scsynth then writes the sound into it). Returns the path claimed.
 */
export function claimTakeFile(desired: string): string {
  mkdirSync(path.dirname(desired), { recursive: true });
  const ext = path.extname(desired);
  const stem = desired.slice(0, desired.length - ext.length);
  for (let n = 1; n <= MAX_SUFFIX; n++) {
    const candidate = n === 1 ? desired : `${stem}-${n}${ext}`;
    try {
      closeSync(openSync(candidate, 'wx'));
      return candidate;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  throw new Error(`Cannot record to ${desired}: it and ${MAX_SUFFIX - 1} numbered names beside it exist. Choose another recording folder.`);
}

/** The file of part `part` (2, 3...) of the take whose first file is `firstPath`. */
export function takePartPath(firstPath: string, part: number): string {
  const ext = path.extname(firstPath);
  return `${firstPath.slice(0, firstPath.length - ext.length)}_part${part}${ext}`;
}

/** 2026-11-26_21-04-05 (local time): sorts by time, and no character a file system refuses. */
export function takeTimestamp(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}_${two(date.getHours())}-${two(date.getMinutes())}-${two(date.getSeconds())}`;
}
