// The last class index on disk, so completion and the rest work at once in a new window,
// before any sclang has started. One file: the fingerprint of what it was made from on its
// first line, then the index as sclang wrote it (which ends with its counts, so a file cut
// short is refused).
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ClassIndex, parseClassIndex } from './classIndex';
import { IndexFingerprint, IntrospectionOptions, IntrospectionResult, fingerprintHolds, fingerprintOf, introspectClassLibrary } from './introspection';

const INDEX_FILE = 'class-index.tsv';

/** Where saveIndex writes before renaming (another window never reads half a file). */
export function cacheTempFile(dir: string): string {
  return path.join(dir, `${INDEX_FILE}.${process.pid}.tmp`);
}

/** Writes the cache; on failure (a full disk) the previous cache stays as it was and the error says why. */
export function saveIndex(dir: string, text: string, index: ClassIndex, sclangPath: string): void {
  const temp = cacheTempFile(dir);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(temp, `F\t${JSON.stringify(fingerprintOf(index, sclangPath))}\n${text}`);
    renameSync(temp, path.join(dir, INDEX_FILE));
  } catch (error) {
    rmSync(temp, { force: true });
    throw new Error(`The class library index could not be saved in ${dir} (${(error as Error).message}); completion works in this window, and the next window reads the class library from sclang again.`, { cause: error });
  }
  try {
    // The fingerprint had a file of its own before it moved into the index's first line.
    rmSync(path.join(dir, 'class-index.json'), { force: true });
  } catch {
    // a stale file of a few kB
  }
}

/** The cached index if it is whole and was made by this sclang from the class files as they are now. */
export function loadIndex(dir: string, sclangPath: string): ClassIndex | undefined {
  try {
    const text = readFileSync(path.join(dir, INDEX_FILE), 'utf8');
    const newline = text.indexOf('\n');
    if (!text.startsWith('F\t') || newline < 0) return undefined;
    const fingerprint = JSON.parse(text.slice(2, newline)) as IndexFingerprint;
    const index = parseClassIndex(text.slice(newline + 1));
    return fingerprintHolds(fingerprint, sclangPath, index.version) ? index : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads the class library from sclang and caches it. A cache that cannot be written does not
 * cost the index: it is returned with `saveError`.
 */
export async function introspectAndCache(cacheDir: string, options: IntrospectionOptions = {}): Promise<IntrospectionResult & { saveError?: Error }> {
  const result = await introspectClassLibrary(options);
  try {
    saveIndex(cacheDir, result.text, result.index, result.sclangPath);
    return result;
  } catch (error) {
    return { ...result, saveError: error as Error };
  }
}
