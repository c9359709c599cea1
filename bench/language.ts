// Section 8: the class library index: its build from a real sclang, and completion, signature
// and hover answers from it next to a plain baseline (a linear scan of every name).
import { ClassIndex, formatSignature, parseClassIndex } from '../src/core/language/classIndex';
import { completionContext, signatureContext } from '../src/core/language/codeContext';
import { introspectClassLibrary } from '../src/core/language/introspection';
import { HelpRenderer } from '../src/core/language/helpRenderer';
import { median, p99 } from './stats';
import { fmt, int, printTable, results } from './benchReport';

export interface LanguageBench {
  sclangMs: number;
  parseMs: number;
  classes: number;
  methods: number;
  requests: number;
  completionMs: { median: number; p99: number };
  completionBaselineMs: { median: number; p99: number };
  signatureMs: { median: number; p99: number };
  hoverMs: { median: number; p99: number };
  /** The help sclang's start and SCDoc's index, then the first page. */
  helpColdMs: number;
  /** A page not opened before, with the help sclang running (median of several). */
  helpFirstMs: number;
  /** A page opened again (median). */
  helpRepeatMs: number;
}

function time(run: () => unknown): number {
  const start = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Completion as the editor asks for it: the context from the text, then the index. */
function complete(index: ClassIndex, text: string): number {
  const context = completionContext(text, text.length);
  if (context.kind === 'class') return index.classNamesWithPrefix(context.prefix).length;
  if (context.kind === 'method') {
    if (context.receiver && index.classes.has(context.receiver.className)) return index.methodsOf(context.receiver.className, context.receiver.classSide).filter((m) => m.name.startsWith(context.prefix)).length;
    return index.selectorsWithPrefix(context.prefix).length;
  }
  return 0;
}

/** The baseline: every class and method name scanned for the prefix. */
function scanAll(index: ClassIndex, text: string): number {
  const prefix = /[A-Za-z0-9_]*$/.exec(text)![0];
  let found = 0;
  for (const info of index.classes.values()) {
    if (info.name.startsWith(prefix)) found++;
    for (const method of info.classMethods) if (method.name.startsWith(prefix)) found++;
    for (const method of info.instanceMethods) if (method.name.startsWith(prefix)) found++;
  }
  return found;
}

export async function benchLanguage(): Promise<LanguageBench> {
  const { index, text, elapsedMs } = await introspectClassLibrary();
  const parseMs = time(() => parseClassIndex(text));
  // 2,000 requests a musician makes: `Foo.` and `Foo.a` on the classes with the most methods,
  // class-name prefixes, `x.pl` on an unknown receiver, literals.
  const classes = [...index.classes.values()].sort((a, b) => b.classMethods.length + b.instanceMethods.length - (a.classMethods.length + a.instanceMethods.length));
  const requests: string[] = [];
  for (const info of classes) {
    if (requests.length >= 1400) break;
    requests.push(`x = ${info.name}.`, `x = ${info.name}.${info.classMethods[0]?.name.slice(0, 1) ?? 'n'}`, `x = ${info.name.slice(0, 3)}`);
  }
  const literals = ['"text".', '\\sym.', '[1, 2].', '(1..5).', '1.', '2.5.mi', 'x.pl', 'x.', '{ 1 }.', 'SinOsc.ar(440).ra'];
  while (requests.length < 2000) requests.push(literals[requests.length % literals.length]);
  const ugens = classes.filter((c) => c.classMethods.some((m) => m.name === 'ar')).slice(0, 2000);
  const completion: number[] = [];
  const baseline: number[] = [];
  for (const request of requests) {
    completion.push(time(() => complete(index, request)));
    baseline.push(time(() => scanAll(index, request)));
  }
  const signature: number[] = [];
  const hover: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const ugen = ugens[i % ugens.length];
    signature.push(time(() => {
      const call = signatureContext(`${ugen.name}.ar(440, `, ugen.name.length + 9);
      const method = call?.receiver && index.respondingMethod(call.receiver.className, call.selector, call.receiver.classSide);
      return method && formatSignature(method);
    }));
    hover.push(time(() => {
      const info = index.classes.get(ugen.name)!;
      return [info.superclass, index.classDocument(info.name)?.summary, index.position(info.file, info.charPos)];
    }));
  }
  const stat = (values: number[]) => ({ median: median(values), p99: p99(values) });
  const help = new HelpRenderer();
  const clock = async (run: () => Promise<unknown>) => {
    const start = performance.now();
    await run();
    return performance.now() - start;
  };
  let helpColdMs: number;
  const first: number[] = [];
  const repeat: number[] = [];
  try {
    helpColdMs = await clock(() => help.page('SinOsc'));
    // Pages unlikely to have been rendered on this machine before.
    for (const name of ['LFSaw', 'Pulse', 'Blip', 'Formant', 'Klank', 'Ringz', 'Pseq', 'Prand', 'Pwhite']) first.push(await clock(() => help.page(name)));
    for (let i = 0; i < 9; i++) repeat.push(await clock(() => help.page('SinOsc')));
  } finally {
    await help.stop();
  }
  return {
    sclangMs: elapsedMs,
    parseMs,
    classes: index.classCount,
    methods: index.methodCount,
    requests: requests.length,
    completionMs: stat(completion),
    completionBaselineMs: stat(baseline),
    signatureMs: stat(signature),
    hoverMs: stat(hover),
    helpColdMs,
    helpFirstMs: median(first),
    helpRepeatMs: median(repeat),
  };
}

// ---- the section as the bench runs it ----

export async function benchLanguageSection(): Promise<void> {
  const r = await benchLanguage();
  const ms = (s: { median: number; p99: number }) => `${fmt(s.median, 4)} / ${fmt(s.p99, 4)}`;
  printTable(
    `8. Class library index (real sclang: ${int(r.classes)} classes, ${int(r.methods)} methods; answers over ${int(r.requests)} requests, median / p99 ms)`,
    ['metric', 'ours (the index)', 'baseline: linear scan of every name', 'target'],
    [
      ['sclang run: compile + introspection + help index, ms', fmt(r.sclangMs, 0), '-', '-'],
      ['parsing the dump into the index, ms', fmt(r.parseMs, 1), '-', 'index < 2,000'],
      ['completion (context from the text + index), ms', ms(r.completionMs), ms(r.completionBaselineMs), 'p99 < 5'],
      ['signature (call context + responding method), ms', ms(r.signatureMs), '-', 'p99 < 5'],
      ['hover (class, summary, position in its file), ms', ms(r.hoverMs), '-', 'p99 < 5'],
      ['help: the help sclang starts, SCDoc indexes, first page, ms', fmt(r.helpColdMs, 0), '-', '-'],
      ['help: a page not opened before (help sclang running), ms, median', fmt(r.helpFirstMs, 1), '-', '< 500'],
      ['help: a page opened again, ms, median', fmt(r.helpRepeatMs, 1), '-', '< 50'],
    ],
    ['The sclang run includes its class library compile (~4 s here); the introspection itself is ~0.4 s and SCDoc\'s help index ~2 s of it.'],
  );
  results.language = r;
}
