// Reading the class library out of sclang: a short-lived sclang of its own (never the one the
// musician plays with) compiles the library, writes every class, method and help document to
// a file and exits. About 0.4 s of introspection and 2 s of help indexing after the compile.
// Its stdin is closed; a class library that does not compile fails as soon as sclang says so
// (sclang itself would wait for ever); one that runs too long is terminated, then killed, and
// its temp folder removed only once it has exited.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ClassIndex, ClassIndexError, parseClassIndex } from './classIndex';
import { findSclang } from '../sclang/sclangLocator';

/** The sclang code; OUT is replaced by the output file's path (a compile string). */
const DUMP = String.raw`
var out = File(OUT, "w");
var sep = 31.asAscii.asString;
var classCount = 0, methodCount = 0, documentCount = 0;
var esc = { |value| value.asString.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n") };
out.write("V\t" ++ Main.version ++ "\n");
Class.allClasses.do { |c|
	if(c.isMetaClass.not) {
		classCount = classCount + 1;
		out.write("C\t" ++ c.name ++ "\t" ++ (c.superclass !? { |s| s.name } ? "") ++ "\t" ++ esc.(c.filenameSymbol ? "") ++ "\t" ++ c.charPos ++ "\n");
		[c.class, c].do { |owner, i|
			owner.methods.do { |m|
				var names = m.argNames ? [], defaults = m.prototypeFrame ? [];
				methodCount = methodCount + 1;
				out.write("M\t" ++ c.name ++ "\t" ++ ["*", "-"][i] ++ m.name ++ "\t"
					++ names.drop(1).collect({ |n, j| esc.(n.asString ++ "=" ++ defaults[j + 1].asCompileString) }).join(sep)
					++ "\t" ++ (if(m.varArgs) { "1" } { "0" }) ++ "\t" ++ esc.(m.filenameSymbol ? "") ++ "\t" ++ m.charPos ++ "\n");
			};
		};
	};
};
SCDoc.indexAllDocuments;
SCDoc.documents.do { |d|
	documentCount = documentCount + 1;
	out.write("D\t" ++ esc.(d.path) ++ "\t" ++ esc.(d.title) ++ "\t" ++ esc.(d.summary ? "") ++ "\t" ++ esc.((d.categories ? []).join(", ")) ++ "\t" ++ (if(d.isClassDoc) { "1" } { "0" }) ++ "\n");
};
out.write("E\t" ++ classCount ++ "\t" ++ methodCount ++ "\t" ++ documentCount ++ "\n");
out.close;
"<<sclive:index:done>>".postln;
`;

export interface IntrospectionOptions {
  sclangPath?: string;
  env?: NodeJS.ProcessEnv;
  /** The class library's compile and the help index together, in ms. */
  timeoutMs?: number;
  /** After the timeout, how long sclang has to end on SIGTERM before it is killed, in ms. */
  killGraceMs?: number;
}

export interface IntrospectionResult {
  index: ClassIndex;
  /** The dump as sclang wrote it (what the cache keeps). */
  text: string;
  sclangPath: string;
  /** How long sclang ran, compile included, in ms. */
  elapsedMs: number;
}

/** What sclang prints once a class library failed to compile (it then waits, never exits). */
const COMPILE_FAILED = /Library has not been compiled successfully/;
const DONE = '<<sclive:index:done>>';
const KEPT_LINES = 40;

/** Runs a separate sclang to read its class library. */
export async function introspectClassLibrary(options: IntrospectionOptions = {}): Promise<IntrospectionResult> {
  const sclangPath = findSclang({ explicitPath: options.sclangPath });
  const dir = mkdtempSync(path.join(tmpdir(), 'sclive-index-'));
  let exited: Promise<void> = Promise.resolve();
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
    const run = runSclang(sclangPath, script, dir, env, options.timeoutMs ?? 120_000, options.killGraceMs ?? 2000);
    exited = run.exited;
    let lines: string[];
    try {
      lines = await run.done;
    } catch (error) {
      // An sclang that exited by itself (0.exit) whose done line was not read: its file tells.
      if (!(error instanceof IntrospectionExitError) || error.code !== 0) throw error;
      try {
        const text = readFileSync(outFile, 'utf8');
        return { index: parseClassIndex(text), text, sclangPath, elapsedMs: performance.now() - started };
      } catch {
        throw error;
      }
    }
    const elapsedMs = performance.now() - started;
    let text: string;
    try {
      text = readFileSync(outFile, 'utf8');
    } catch {
      throw new ClassIndexError(`sclang wrote no class library. Its last lines:\n${lines.slice(-8).join('\n')}`);
    }
    return { index: parseClassIndex(text), text, sclangPath, elapsedMs };
  } finally {
    // The folder goes once sclang is gone: it may still be writing there until then.
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * sclang on `script`, stdin closed. `done` resolves with its lines once it printed the done
 * line, and rejects at a compile failure (with sclang's own error lines), an exit without it,
 * or the timeout. Whatever ends it, sclang is then stopped: SIGTERM, and SIGKILL after
 * `killGraceMs` (a hung sclang may ignore SIGTERM). `exited` resolves when it has exited.
 */
function runSclang(sclangPath: string, script: string, cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number, killGraceMs: number): { done: Promise<string[]>; exited: Promise<void> } {
  const child = spawn(sclangPath, [script], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  // Its exit and the end of its output: the helper processes it started (QtWebEngine's) hold
  // the pipes until they have ended too, a moment after sclang. Waited for 3 s at most.
  const exited = new Promise<void>((resolve) => {
    child.once('close', () => resolve());
    child.once('exit', () => setTimeout(resolve, 3000).unref());
    // Never started (ENOENT, EACCES): no 'exit' follows an 'error' without a process.
    child.once('error', () => child.pid === undefined && resolve());
  });
  let killTimer: NodeJS.Timeout | undefined;
  const stop = () => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    child.kill('SIGTERM');
    killTimer ??= setTimeout(() => child.kill('SIGKILL'), killGraceMs);
  };
  void exited.then(() => clearTimeout(killTimer));
  const done = new Promise<string[]>((resolve, reject) => {
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) {
        stop();
        reject(error);
      } else resolve(lines);
    };
    const lastLines = (count = 8) => lines.slice(-count).join('\n');
    const timer = setTimeout(() => finish(new ClassIndexError(`sclang could not list its class library: it took longer than ${Math.round(timeoutMs / 1000)} s and was stopped. Its last lines:\n${lastLines()}`)), timeoutMs);
    const onLine = (line: string) => {
      lines.push(line);
      if (lines.length > KEPT_LINES) lines.shift();
      if (line.includes(DONE)) finish();
      else if (COMPILE_FAILED.test(line)) finish(new ClassIndexError(`sclang could not compile the class library, so completion and help cannot be read from it. Fix the class file it names, then run "SuperCollider: Recompile Class Library". sclang said:\n${compileErrors(lines)}`));
    };
    for (const stream of [child.stdout, child.stderr]) {
      let rest = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        const parts = (rest + chunk).split('\n');
        rest = parts.pop() ?? '';
        // A line without an end is cut, not kept whole: the output is read, not stored.
        if (rest.length > 64 * 1024) rest = rest.slice(0, 64 * 1024);
        for (const part of parts) onLine(part.replace(/\r$/, ''));
      });
    }
    child.once('error', (error) => finish(new ClassIndexError(`sclang could not be started (${error.message}).`)));
    child.once('exit', (code, signal) => {
      // The done line may come in the last chunk, read after the exit: wait for the streams
      // (as `exited` does). Without it the caller still looks at the file sclang wrote.
      void exited.then(() => finish(new IntrospectionExitError(`sclang could not list its class library (it ${signal ? `was killed by ${signal}` : `exited with code ${code}`}). Its last lines:\n${lastLines()}`, code)));
    });
  });
  // After the done line sclang exits by itself (0.exit); one that does not is stopped too.
  let exitTimer: NodeJS.Timeout | undefined;
  void done.then(() => (exitTimer = setTimeout(stop, killGraceMs)), () => undefined);
  void exited.then(() => clearTimeout(exitTimer));
  return { done, exited };
}

class IntrospectionExitError extends ClassIndexError {
  constructor(message: string, readonly code: number | null) {
    super(message);
  }
}

/** sclang's error lines from a failed compile: from its first ERROR on. */
function compileErrors(lines: string[]): string {
  const first = lines.findIndex((line) => /^ERROR\b|ERROR:/.test(line));
  return (first >= 0 ? lines.slice(first) : lines.slice(-12)).join('\n');
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
