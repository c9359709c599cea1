// Reading the class library out of sclang: a short-lived sclang of its own (never the one the
// musician plays with) compiles the library, writes every class, method and help document to
// a file and exits. About 0.4 s of introspection and 2 s of help indexing after the compile.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ClassIndex, ClassIndexError, parseClassIndex } from './classIndex';
import { findSclang } from '../sclang/sclangLocator';

/** The sclang code; OUT is replaced by the output file's path (a compile string). */
const DUMP = String.raw`
var out = File(OUT, "w");
var sep = 31.asAscii.asString;
var esc = { |value| value.asString.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n") };
out.write("V\t" ++ Main.version ++ "\n");
Class.allClasses.do { |c|
	if(c.isMetaClass.not) {
		out.write("C\t" ++ c.name ++ "\t" ++ (c.superclass !? { |s| s.name } ? "") ++ "\t" ++ esc.(c.filenameSymbol ? "") ++ "\t" ++ c.charPos ++ "\n");
		[c.class, c].do { |owner, i|
			owner.methods.do { |m|
				var names = m.argNames ? [], defaults = m.prototypeFrame ? [];
				out.write("M\t" ++ c.name ++ "\t" ++ ["*", "-"][i] ++ m.name ++ "\t"
					++ names.drop(1).collect({ |n, j| esc.(n.asString ++ "=" ++ defaults[j + 1].asCompileString) }).join(sep)
					++ "\t" ++ (if(m.varArgs) { "1" } { "0" }) ++ "\t" ++ esc.(m.filenameSymbol ? "") ++ "\t" ++ m.charPos ++ "\n");
			};
		};
	};
};
SCDoc.indexAllDocuments;
SCDoc.documents.do { |d|
	out.write("D\t" ++ esc.(d.path) ++ "\t" ++ esc.(d.title) ++ "\t" ++ esc.(d.summary ? "") ++ "\t" ++ esc.((d.categories ? []).join(", ")) ++ "\t" ++ (if(d.isClassDoc) { "1" } { "0" }) ++ "\n");
};
out.close;
"<<sclive:index:done>>".postln;
`;

export interface IntrospectionOptions {
  sclangPath?: string;
  env?: NodeJS.ProcessEnv;
  /** The class library's compile and the help index together, in ms. */
  timeoutMs?: number;
}

export interface IntrospectionResult {
  index: ClassIndex;
  /** The dump as sclang wrote it (what the cache keeps). */
  text: string;
  sclangPath: string;
  /** How long sclang ran, compile included, in ms. */
  elapsedMs: number;
}

/** Runs a separate sclang to read its class library. */
export async function introspectClassLibrary(options: IntrospectionOptions = {}): Promise<IntrospectionResult> {
  const sclangPath = findSclang({ explicitPath: options.sclangPath });
  const dir = mkdtempSync(path.join(tmpdir(), 'sclive-index-'));
  try {
    const outFile = path.join(dir, 'index.tsv');
    const script = path.join(dir, 'introspect.scd');
    writeFileSync(script, `(\n${DUMP.replace('OUT', JSON.stringify(outFile))}\n0.exit;\n)\n`);
    const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
    if (process.platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) {
      env.QT_QPA_PLATFORM ??= 'offscreen';
      env.QTWEBENGINE_DISABLE_SANDBOX ??= '1';
    }
    const started = performance.now();
    const output = await new Promise<string>((resolve, reject) => {
      // execFile stops the process it started (by its pid) when the timeout passes.
      execFile(sclangPath, [script], { env, timeout: options.timeoutMs ?? 120_000, maxBuffer: 16 * 1024 * 1024, cwd: dir }, (error, stdout) => {
        if (error && !stdout.includes('<<sclive:index:done>>')) reject(new ClassIndexError(`sclang could not list its class library (${error.killed ? 'it took too long' : error.message.split('\n')[0]}). Its last lines:\n${stdout.split('\n').slice(-8).join('\n')}`));
        else resolve(stdout);
      });
    });
    const elapsedMs = performance.now() - started;
    let text: string;
    try {
      text = readFileSync(outFile, 'utf8');
    } catch {
      throw new ClassIndexError(`sclang wrote no class library. Its last lines:\n${output.split('\n').slice(-8).join('\n')}`);
    }
    return { index: parseClassIndex(text), text, sclangPath, elapsedMs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * What a cached index was made from: the sclang executable and every class library file, by
 * size and time. A change of any (a new SuperCollider, an edited or added class) makes it stale.
 */
export interface IndexFingerprint {
  sclang: string;
  files: Record<string, [number, number]>;
}

export function fingerprintOf(index: ClassIndex, sclangPath: string): IndexFingerprint {
  const files: Record<string, [number, number]> = {};
  const stamp = (file: string) => {
    try {
      const stat = statSync(file);
      return [stat.size, Math.round(stat.mtimeMs)] as [number, number];
    } catch {
      return [-1, -1] as [number, number];
    }
  };
  for (const info of index.classes.values()) if (info.file && !files[info.file]) files[info.file] = stamp(info.file);
  const exe = stamp(sclangPath);
  return { sclang: `${sclangPath}:${exe[0]}:${exe[1]}:${index.version}`, files };
}

/** Whether nothing an index was made from has changed (added class files are caught at the next sclang start). */
export function fingerprintHolds(fingerprint: IndexFingerprint, sclangPath: string, version: string): boolean {
  const exe = (() => {
    try {
      const stat = statSync(sclangPath);
      return `${sclangPath}:${stat.size}:${Math.round(stat.mtimeMs)}:${version}`;
    } catch {
      return '';
    }
  })();
  if (exe !== fingerprint.sclang) return false;
  for (const [file, [size, mtime]] of Object.entries(fingerprint.files)) {
    try {
      const stat = statSync(file);
      if (stat.size !== size || Math.round(stat.mtimeMs) !== mtime) return false;
    } catch {
      return false;
    }
  }
  return true;
}
