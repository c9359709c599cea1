// The last class index on disk, so completion and the rest work at once in a new window,
// before any sclang has started. Kept with the fingerprint of what it was made from.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ClassIndex, parseClassIndex } from './classIndex';
import { IndexFingerprint, fingerprintHolds, fingerprintOf } from './introspection';

const INDEX_FILE = 'class-index.tsv';
const FINGERPRINT_FILE = 'class-index.json';

export function saveIndex(dir: string, text: string, index: ClassIndex, sclangPath: string): void {
  mkdirSync(dir, { recursive: true });
  // Written aside, then renamed: another window never reads half a file.
  const write = (name: string, content: string) => {
    const temp = path.join(dir, `${name}.${process.pid}.tmp`);
    writeFileSync(temp, content);
    renameSync(temp, path.join(dir, name));
  };
  write(INDEX_FILE, text);
  write(FINGERPRINT_FILE, JSON.stringify(fingerprintOf(index, sclangPath)));
}

/** The cached index if it was made by this sclang from the class files as they are now. */
export function loadIndex(dir: string, sclangPath: string): ClassIndex | undefined {
  try {
    const fingerprint = JSON.parse(readFileSync(path.join(dir, FINGERPRINT_FILE), 'utf8')) as IndexFingerprint;
    const index = parseClassIndex(readFileSync(path.join(dir, INDEX_FILE), 'utf8'));
    return fingerprintHolds(fingerprint, sclangPath, index.version) ? index : undefined;
  } catch {
    return undefined;
  }
}
