// The class library as data: every class (superclass, file, position) and every method (class
// or instance, argument names and defaults, where it is defined), with the help documents'
// titles and summaries. Read once from sclang (introspection.ts) and then answered here, in
// TypeScript, so completion, signatures and hovers respond while sclang is busy or stopped.
import { readFileSync } from 'node:fs';
import { lineStarts, positionAt } from '../editor/lineStarts';

export interface ArgumentInfo {
  name: string;
  /** sclang's compile string of the default ("440.0", "nil", "'sine'"). */
  defaultValue: string;
}

export interface MethodInfo {
  /** The class that defines it. */
  owner: string;
  name: string;
  isClassMethod: boolean;
  args: ArgumentInfo[];
  varArgs: boolean;
  file: string;
  charPos: number;
}

export interface ClassInfo {
  name: string;
  superclass: string | undefined;
  file: string;
  charPos: number;
  classMethods: MethodInfo[];
  instanceMethods: MethodInfo[];
}

export interface HelpDocument {
  /** "Classes/SinOsc", "Tutorials/Getting-Started/00-Getting-Started". */
  path: string;
  title: string;
  summary: string;
  categories: string;
  isClassDoc: boolean;
}

export class ClassIndexError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClassIndexError';
  }
}

export class ClassIndex {
  readonly classes = new Map<string, ClassInfo>();
  readonly documents = new Map<string, HelpDocument>();
  /** Every instance method by name: what `x.foo` may run, for an `x` of unknown class. */
  readonly implementations = new Map<string, MethodInfo[]>();
  private readonly sortedClassNames: string[];
  private readonly sortedSelectors: string[];
  private readonly lineStartsOf = new Map<string, number[]>();

  constructor(readonly version: string, classes: ClassInfo[], documents: HelpDocument[]) {
    for (const info of classes) this.classes.set(info.name, info);
    for (const doc of documents) this.documents.set(doc.path, doc);
    for (const info of classes) {
      for (const method of [...info.instanceMethods, ...info.classMethods]) {
        const key = method.isClassMethod ? `*${method.name}` : method.name;
        const list = this.implementations.get(key);
        if (list) list.push(method);
        else this.implementations.set(key, [method]);
      }
    }
    this.sortedClassNames = [...this.classes.keys()].sort();
    this.sortedSelectors = [...this.implementations.keys()].filter((key) => !key.startsWith('*')).sort();
  }

  get classCount(): number {
    return this.classes.size;
  }

  get methodCount(): number {
    let count = 0;
    for (const info of this.classes.values()) count += info.classMethods.length + info.instanceMethods.length;
    return count;
  }

  /** The class and its superclasses, nearest first. */
  lineage(className: string): ClassInfo[] {
    const chain: ClassInfo[] = [];
    for (let info = this.classes.get(className); info && chain.length < 64; info = info.superclass ? this.classes.get(info.superclass) : undefined) chain.push(info);
    return chain;
  }

  /**
   * Methods a receiver answers (class methods for `Foo.`, instance methods for an instance), the
   * nearest definition of each name; the class's own first, then each superclass's, nearest first.
   */
  methodsOf(className: string, classSide: boolean): MethodInfo[] {
    const seen = new Map<string, MethodInfo>();
    for (const info of this.lineage(className)) {
      for (const method of classSide ? info.classMethods : info.instanceMethods) if (!seen.has(method.name)) seen.set(method.name, method);
    }
    // Class methods also come from Class and Object (the metaclass chain ends there).
    if (classSide) for (const method of this.methodsOf('Class', false)) if (!seen.has(method.name)) seen.set(method.name, method);
    return [...seen.values()];
  }

  /** The method `selector` as sent to `className` (class side or instance side), as sclang would find it. */
  respondingMethod(className: string, selector: string, classSide: boolean): MethodInfo | undefined {
    return this.methodsOf(className, classSide).find((method) => method.name === selector);
  }

  /** What `Foo(...)` runs: `*new`. */
  constructorOf(className: string): MethodInfo | undefined {
    return this.respondingMethod(className, 'new', true);
  }

  classNamesWithPrefix(prefix: string): string[] {
    return withPrefix(this.sortedClassNames, prefix);
  }

  /** Every instance method name with the prefix (a receiver of unknown class). */
  selectorsWithPrefix(prefix: string): string[] {
    return withPrefix(this.sortedSelectors, prefix);
  }

  /** The help document of a class, if it has one. */
  classDocument(className: string): HelpDocument | undefined {
    return this.documents.get(`Classes/${className}`);
  }

  /**
   * Where a method is documented: each class that defines `selector` (instance or class side)
   * and has a help page, with SCDoc's anchor of the method there ("-midicps", "*ar"). SCDoc's
   * own answer for a method is a search page that needs JavaScript the help view cannot run.
   */
  methodDocumentation(selector: string): Array<{ className: string; path: string; anchor: string }> {
    const found: Array<{ className: string; path: string; anchor: string }> = [];
    for (const method of [...(this.implementations.get(selector) ?? []), ...(this.implementations.get(`*${selector}`) ?? [])]) {
      const doc = this.classDocument(method.owner);
      if (doc) found.push({ className: method.owner, path: doc.path, anchor: `${method.isClassMethod ? '*' : '-'}${selector}` });
    }
    return found.sort((a, b) => a.className.localeCompare(b.className));
  }

  /** 0-based line and character of a position in a class library file. */
  position(file: string, charPos: number): { line: number; character: number } {
    let starts = this.lineStartsOf.get(file);
    if (!starts) {
      try {
        starts = lineStarts(readFileSync(file, 'utf8'));
      } catch {
        // A file that moved since the index was made: the top of it.
        starts = [0];
      }
      this.lineStartsOf.set(file, starts);
    }
    return positionAt(starts, charPos);
  }
}

/** Binary search for the first name with the prefix, then the run of them. */
function withPrefix(sorted: readonly string[], prefix: string): string[] {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (sorted[mid] < prefix) low = mid + 1;
    else high = mid;
  }
  const result: string[] = [];
  for (let i = low; i < sorted.length && sorted[i].startsWith(prefix); i++) result.push(sorted[i]);
  return result;
}

export const ARG_SEPARATOR = '\u001f';

function unescape(value: string): string {
  return value.replace(/\\([\\tn])/g, (_, c: string) => (c === 't' ? '\t' : c === 'n' ? '\n' : '\\'));
}

/**
 * Reads what introspection.ts makes sclang write: one tab-separated record per line, ending
 * with an end record of the counts written. Only a whole index is accepted: a file cut short
 * (a full disk, a crash while writing) lacks the end record or its counts.
 */
export function parseClassIndex(text: string): ClassIndex {
  let version = '';
  let end: number[] | undefined;
  let methodRecords = 0;
  const classes = new Map<string, ClassInfo>();
  const documents: HelpDocument[] = [];
  const methods: Array<[string, MethodInfo]> = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    const f = line.split('\t').map(unescape);
    switch (f[0]) {
      case 'V':
        version = f[1];
        break;
      case 'C':
        classes.set(f[1], { name: f[1], superclass: f[2] || undefined, file: f[3], charPos: Number(f[4]) || 0, classMethods: [], instanceMethods: [] });
        break;
      case 'M': {
        methodRecords++;
        const isClassMethod = f[2].startsWith('*');
        const args = f[3]
          ? f[3].split(ARG_SEPARATOR).map((pair) => {
              const at = pair.indexOf('=');
              return { name: pair.slice(0, at), defaultValue: pair.slice(at + 1) };
            })
          : [];
        methods.push([f[1], { owner: f[1], name: f[2].slice(1), isClassMethod, args, varArgs: f[4] === '1', file: f[5], charPos: Number(f[6]) || 0 }]);
        break;
      }
      case 'D':
        documents.push({ path: f[1], title: f[2], summary: f[3], categories: f[4], isClassDoc: f[5] === '1' });
        break;
      case 'E':
        end = f.slice(1, 4).map(Number);
        break;
      default:
        break;
    }
  }
  if (!version || classes.size === 0) throw new ClassIndexError('sclang wrote no class library (the introspection did not run to its end)');
  const counts = [classes.size, methodRecords, documents.length];
  if (!end) throw new ClassIndexError(`the class library index is cut short (no end record after ${counts[0]} classes, ${counts[1]} methods, ${counts[2]} help documents)`);
  if (end.join() !== counts.join()) throw new ClassIndexError(`the class library index is incomplete: its end record counts ${end.join(', ')} classes, methods and help documents, it holds ${counts.join(', ')}`);
  for (const [owner, method] of methods) {
    const info = classes.get(owner);
    if (!info) continue;
    (method.isClassMethod ? info.classMethods : info.instanceMethods).push(method);
  }
  return new ClassIndex(version, [...classes.values()], documents);
}

/** `ar(freq: 440.0, phase: 0.0, mul: 1.0, add: 0.0)`: how sclang's IDE shows a signature. */
export function formatSignature(method: MethodInfo): string {
  const args = method.args.map((arg, i) => {
    const rest = method.varArgs && i === method.args.length - 1 ? '... ' : '';
    return arg.defaultValue && arg.defaultValue !== 'nil' ? `${rest}${arg.name}: ${arg.defaultValue}` : `${rest}${arg.name}`;
  });
  return `${method.isClassMethod ? '*' : ''}${method.name}(${args.join(', ')})`;
}
