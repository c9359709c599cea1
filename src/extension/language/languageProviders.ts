// Completion, signature help, hover, definitions, implementations, workspace symbols and the
// outline for SuperCollider files, all answered from the class library index in this process:
// they respond at once, also while sclang is busy playing or stuck.
import * as vscode from 'vscode';
import { ClassIndex, completionContext, EVENT_KEYS, findReferences, formatSignature, lineStarts, maskCode, musicCompletion, positionAt, receiverWithVariables, scdOutline, scOutline, signatureContext, synthDefControls } from '../../core';
import type { CallContext, MethodInfo, MusicCompletion, OutlineKind, OutlineSymbol, SynthControl } from '../../core';
import { readFile } from 'node:fs/promises';
import type { ClassIndexService } from './classIndexService';
import type { SclangController } from '../sclang/sclangController';
import { SynthDescService } from './synthDescService';

const SELECTOR = { language: 'supercollider' };

export function registerLanguageProviders(service: ClassIndexService, sclang?: SclangController): vscode.Disposable[] {
  const index = () => service.index;
  const synthDescs = sclang ? new SynthDescService(sclang) : undefined;
  // The first SuperCollider file opened loads the index (from the cache, or from sclang); never
  // inside activate(): reading the cache takes 60-130 ms here.
  const warm = () => void setImmediate(() => void service.ready());
  if (vscode.workspace.textDocuments.some((doc) => doc.languageId === 'supercollider')) warm();
  return [
    vscode.workspace.onDidOpenTextDocument((doc) => doc.languageId === 'supercollider' && warm()),
    ...(synthDescs ? [synthDescs] : []),
    vscode.languages.registerCompletionItemProvider(SELECTOR, { provideCompletionItems: (doc, pos) => completions(index(), doc, pos, synthDescs) }, '.', '~', '\\', '(', ','),
    vscode.languages.registerSignatureHelpProvider(SELECTOR, { provideSignatureHelp: (doc, pos) => signatures(index(), doc, pos) }, { triggerCharacters: ['(', ','], retriggerCharacters: [',', ':'] }),
    vscode.languages.registerHoverProvider(SELECTOR, { provideHover: (doc, pos) => hover(index(), doc, pos) }),
    vscode.languages.registerDefinitionProvider(SELECTOR, { provideDefinition: (doc, pos) => definitions(index(), doc, pos) }),
    vscode.languages.registerImplementationProvider(SELECTOR, { provideImplementation: (doc, pos) => implementations(index(), doc, pos) }),
    vscode.languages.registerReferenceProvider(SELECTOR, { provideReferences: (doc, pos, _context, token) => references(index(), doc, pos, token) }),
    vscode.languages.registerWorkspaceSymbolProvider({ provideWorkspaceSymbols: (query) => classSymbols(index(), query) }),
    vscode.languages.registerDocumentSymbolProvider(SELECTOR, { provideDocumentSymbols: (doc) => outline(doc) }, { label: 'SuperCollider' }),
  ];
}

/** `SinOsc.ar(freq: 440.0, ...)` for a class method, `UGen:range(lo: 0.0, hi: 1.0)` for an instance method. */
function callLabel(method: MethodInfo): string {
  return `${method.owner}${method.isClassMethod ? '.' : ':'}${formatSignature(method).replace(/^\*/, '')}`;
}

// ---- completion ----

function completions(index: ClassIndex | undefined, doc: vscode.TextDocument, pos: vscode.Position, synthDescs?: SynthDescService): vscode.CompletionItem[] | undefined {
  const text = doc.getText();
  const offset = doc.offsetAt(pos);
  const range = (prefix: string) => new vscode.Range(pos.translate(0, -prefix.length), pos);
  // A `\` where a Pbind's key or a SynthDef's control goes.
  const music = text[offset - 1] === '\\' || /\\[A-Za-z0-9_]+$/.test(text.slice(Math.max(0, offset - 64), offset)) ? musicCompletion(text, offset) : undefined;
  if (music) return musicItems(music, range(music.prefix), synthDescs);
  const context = completionContext(text, offset);
  switch (context.kind) {
    case 'envVar':
      return environmentVariables().filter((name) => name.startsWith(context.prefix)).map((name) => item(name, vscode.CompletionItemKind.Variable, range(context.prefix), 'environment variable'));
    case 'synthDef':
      return synthDefNames().filter((name) => name.startsWith(context.prefix)).map((name) => item(name, vscode.CompletionItemKind.Constant, range(context.prefix), 'SynthDef'));
    case 'class':
      if (!index) return undefined;
      return index.classNamesWithPrefix(context.prefix).map((name) => {
        const info = index.classes.get(name)!;
        const completion = item(name, vscode.CompletionItemKind.Class, range(context.prefix), info.superclass ? `: ${info.superclass}` : undefined);
        const summary = index.classDocument(name)?.summary;
        if (summary) completion.documentation = summary;
        return completion;
      });
    case 'method': {
      if (!index) return undefined;
      const { receiver, prefix } = context;
      if (receiver && index.classes.has(receiver.className)) {
        // The receiver's own methods first, then its superclasses' nearest first (Object's last):
        // after `SinOsc.a` the list opens with ar, not addDependant. methodsOf lists them in that order.
        const methods = index.methodsOf(receiver.className, receiver.classSide);
        const rank = new Map<string, number>();
        for (const method of methods) if (!rank.has(method.owner)) rank.set(method.owner, rank.size);
        return methods
          .filter((method) => method.name.startsWith(prefix) && !method.name.startsWith('pr'))
          .map((method) => {
            const completion = methodItem(index, method, range(prefix));
            completion.sortText = `${String(rank.get(method.owner)).padStart(3, '0')} ${method.name}`;
            return completion;
          });
      }
      // A receiver whose class the text does not show: every instance method's name.
      return index.selectorsWithPrefix(prefix).map((selector) => {
        const owners = index.implementations.get(selector) ?? [];
        return methodItem(index, owners[0], range(prefix), owners.length > 1 ? `${owners.length} classes` : undefined);
      });
    }
    case 'argument': {
      if (!index) return undefined;
      const method = methodsForCall(index, context.call)[0];
      if (!method) return undefined;
      return method.args
        .filter((arg) => arg.name.startsWith(context.prefix) && !context.call.keywordsUsed.includes(arg.name))
        .map((arg) => {
          const completion = item(`${arg.name}:`, vscode.CompletionItemKind.Property, range(context.prefix), arg.defaultValue !== 'nil' ? `= ${arg.defaultValue}` : undefined);
          completion.insertText = `${arg.name}: `;
          return completion;
        });
    }
    default:
      return undefined;
  }
}

/**
 * A Pbind's keys: the instrument's controls first (what this SynthDef listens to), then the
 * event's keys with what each does; `Synth(\\name, [\\` and `.set(\\`: the SynthDef's controls.
 * Keys already given are left out. Only these: a value's position gets nothing, as sclang would
 * read a key there as the value.
 */
function musicItems(music: MusicCompletion, range: vscode.Range, synthDescs?: SynthDescService): vscode.CompletionItem[] {
  const items: vscode.CompletionItem[] = [];
  const seen = new Set(music.used);
  const controls = (name: string | undefined): Array<[string, SynthControl]> => {
    // What sclang's SynthDescLib holds (the def as added) when it has it, else the source in the open files.
    const added = name ? synthDescs?.controls(name) : undefined;
    if (name && added) return added.map((control) => [name, control]);
    const all = openSynthDefControls(name);
    if (name) return (all.get(name) ?? []).map((control) => [name, control]);
    return [...all].flatMap(([def, list]) => list.map((control): [string, SynthControl] => [def, control]));
  };
  const synthDef = music.kind === 'eventKey' ? music.instrument : music.synthDef || undefined;
  if (music.kind === 'control' || synthDef) {
    for (const [def, control] of controls(synthDef)) {
      if (seen.has(control.name) || !control.name.startsWith(music.prefix)) continue;
      seen.add(control.name);
      const completion = item(control.name, vscode.CompletionItemKind.Field, range, `${def} control${control.defaultValue ? ` = ${control.defaultValue}` : ''}`);
      completion.sortText = `0 ${control.name}`;
      items.push(completion);
    }
  }
  if (music.kind === 'eventKey') {
    for (const key of EVENT_KEYS) {
      if (seen.has(key.name) || !key.name.startsWith(music.prefix)) continue;
      const completion = item(key.name, vscode.CompletionItemKind.Property, range, 'event key');
      completion.documentation = key.doc;
      completion.sortText = `1 ${String(items.length).padStart(3, '0')}`;
      items.push(completion);
    }
  }
  return items;
}

/** The controls of the SynthDefs written in the open SuperCollider documents (of one, when named: a search, not a reading of every file). */
function openSynthDefControls(name?: string): Map<string, SynthControl[]> {
  const all = new Map<string, SynthControl[]>();
  for (const doc of vscode.workspace.textDocuments) {
    if (doc.languageId !== 'supercollider') continue;
    for (const [def, controls] of name ? synthDefControls(doc.getText(), name) : synthDefControlsOf(doc)) all.set(def, controls);
  }
  return all;
}

const controlsByDocument = new WeakMap<vscode.TextDocument, { version: number; controls: Map<string, SynthControl[]> }>();

/** A document's SynthDef controls, read again only when it changed. */
function synthDefControlsOf(doc: vscode.TextDocument): Map<string, SynthControl[]> {
  const cached = controlsByDocument.get(doc);
  if (cached && cached.version === doc.version) return cached.controls;
  const controls = synthDefControls(doc.getText());
  controlsByDocument.set(doc, { version: doc.version, controls });
  return controls;
}

function item(label: string, kind: vscode.CompletionItemKind, range: vscode.Range, detail?: string): vscode.CompletionItem {
  const completion = new vscode.CompletionItem(label, kind);
  completion.range = range;
  if (detail) completion.detail = detail;
  return completion;
}

/** A method with its arguments as a snippet: the defaults to tab through (nil ones by name). */
function methodItem(index: ClassIndex, method: MethodInfo, range: vscode.Range, detail?: string): vscode.CompletionItem {
  const completion = item(method.name, vscode.CompletionItemKind.Method, range, detail ?? callLabel(method));
  if (method.args.length) {
    const snippet = new vscode.SnippetString(method.name).appendText('(');
    method.args.forEach((arg, i) => {
      if (i) snippet.appendText(', ');
      snippet.appendPlaceholder(arg.defaultValue && arg.defaultValue !== 'nil' ? arg.defaultValue : arg.name);
    });
    snippet.appendText(')');
    completion.insertText = snippet;
    completion.command = { title: 'Signature', command: 'editor.action.triggerParameterHints' };
  }
  const summary = index.classDocument(method.owner)?.summary;
  if (summary) completion.documentation = new vscode.MarkdownString(`${method.owner}: ${summary}`);
  return completion;
}

/** `~names` assigned in the open SuperCollider documents. */
function environmentVariables(): string[] {
  const names = new Set<string>();
  for (const doc of vscode.workspace.textDocuments) {
    if (doc.languageId !== 'supercollider') continue;
    for (const match of maskCode(doc.getText()).masked.matchAll(/~([A-Za-z_][A-Za-z0-9_]*)/g)) names.add(match[1]);
  }
  return [...names].sort();
}

/** SynthDef names defined in the open documents, and sclang's default. */
function synthDefNames(): string[] {
  const names = new Set<string>(['default']);
  for (const doc of vscode.workspace.textDocuments) {
    if (doc.languageId !== 'supercollider') continue;
    const walk = (symbols: OutlineSymbol[]) => symbols.forEach((s) => (s.kind === 'synthDef' ? names.add(s.name) : walk(s.children)));
    walk(scdOutline(doc.getText()));
  }
  return [...names].sort();
}

// ---- signature help ----

function methodsForCall(index: ClassIndex, call: CallContext): MethodInfo[] {
  const { receiver, selector } = call;
  if (receiver && index.classes.has(receiver.className)) {
    const method = index.respondingMethod(receiver.className, selector, receiver.classSide);
    return method ? [method] : [];
  }
  return index.implementations.get(selector) ?? [];
}

function signatures(index: ClassIndex | undefined, doc: vscode.TextDocument, pos: vscode.Position): vscode.SignatureHelp | undefined {
  const call = signatureContext(doc.getText(), doc.offsetAt(pos));
  if (!index || !call) return undefined;
  const methods = methodsForCall(index, call).slice(0, 20);
  if (!methods.length) return undefined;
  const help = new vscode.SignatureHelp();
  help.signatures = methods.map((method) => {
    const label = callLabel(method);
    const signature = new vscode.SignatureInformation(label, index.classDocument(method.owner)?.summary);
    let at = label.indexOf('(') + 1;
    signature.parameters = method.args.map((arg) => {
      const start = label.indexOf(arg.name, at);
      const text = arg.defaultValue && arg.defaultValue !== 'nil' ? `${arg.name}: ${arg.defaultValue}` : arg.name;
      at = start + text.length;
      return new vscode.ParameterInformation([start, start + text.length]);
    });
    return signature;
  });
  help.activeSignature = 0;
  const first = methods[0];
  // A keyword argument (freq: 440) marks its parameter; otherwise the position counts.
  const byKeyword = call.keyword ? first.args.findIndex((arg) => arg.name === call.keyword) : -1;
  help.activeParameter = byKeyword >= 0 ? byKeyword : Math.min(call.argumentIndex, Math.max(0, first.args.length - 1));
  return help;
}

// ---- hover, definitions ----

/** The class or method named at a position: `SinOsc`, or the `ar` of `SinOsc.ar`. */
function symbolAt(index: ClassIndex, doc: vscode.TextDocument, pos: vscode.Position): { range: vscode.Range; className?: string; methods: MethodInfo[] } | undefined {
  const range = doc.getWordRangeAtPosition(pos, /[A-Za-z_][A-Za-z0-9_]*/);
  if (!range) return undefined;
  const word = doc.getText(range);
  const text = doc.getText();
  const { masked, inside } = maskCode(text, doc.offsetAt(range.start));
  if (inside !== 'code') return undefined;
  const before = masked.trimEnd();
  if (before.endsWith('.') && !before.endsWith('..')) {
    const receiver = receiverWithVariables(before.slice(0, -1));
    if (receiver && index.classes.has(receiver.className)) {
      const method = index.respondingMethod(receiver.className, word, receiver.classSide);
      return { range, methods: method ? [method] : [] };
    }
    return { range, methods: index.implementations.get(word) ?? [] };
  }
  if (/^[A-Z]/.test(word) && index.classes.has(word)) return { range, className: word, methods: [] };
  return undefined;
}

function locationOf(index: ClassIndex, file: string, charPos: number): vscode.Location {
  const { line, character } = index.position(file, charPos);
  return new vscode.Location(vscode.Uri.file(file), new vscode.Position(line, character));
}

function hover(index: ClassIndex | undefined, doc: vscode.TextDocument, pos: vscode.Position): vscode.Hover | undefined {
  if (!index) return undefined;
  const found = symbolAt(index, doc, pos);
  if (!found) return undefined;
  const md = new vscode.MarkdownString();
  md.isTrusted = { enabledCommands: ['sclive.help.lookUp'] };
  const helpLink = (topic: string) => `[Open Help](command:sclive.help.lookUp?${encodeURIComponent(JSON.stringify([topic]))} "Look Up Documentation")`;
  if (found.className) {
    const info = index.classes.get(found.className)!;
    const docInfo = index.classDocument(info.name);
    md.appendCodeblock(`${info.name}${info.superclass ? ` : ${info.superclass}` : ''}`, 'supercollider');
    if (docInfo?.summary) md.appendMarkdown(`${docInfo.summary}\n\n`);
    if (docInfo?.categories) md.appendMarkdown(`*${docInfo.categories}*\n\n`);
    const ctor = index.constructorOf(info.name);
    const rates = ['ar', 'kr', 'ir'].map((rate) => index.respondingMethod(info.name, rate, true)).filter((m): m is MethodInfo => !!m && m.owner === info.name);
    for (const method of rates.length ? rates : ctor ? [ctor] : []) md.appendCodeblock(`${info.name}.${formatSignature(method).replace(/^\*/, '')}`, 'supercollider');
    md.appendMarkdown(`Defined in \`${info.file.split('/').slice(-2).join('/')}\``);
    if (docInfo) md.appendMarkdown(` · ${helpLink(info.name)}`);
  } else {
    if (!found.methods.length) return undefined;
    for (const method of found.methods.slice(0, 5)) md.appendCodeblock(callLabel(method), 'supercollider');
    if (found.methods.length > 5) md.appendMarkdown(`…and ${found.methods.length - 5} more classes define it.\n\n`);
    const summary = found.methods.length === 1 ? index.classDocument(found.methods[0].owner)?.summary : undefined;
    if (summary) md.appendMarkdown(`${found.methods[0].owner}: ${summary} · ${helpLink(`Classes/${found.methods[0].owner}#${found.methods[0].isClassMethod ? '*' : '-'}${found.methods[0].name}`)}`);
  }
  return new vscode.Hover(md, found.range);
}

function definitions(index: ClassIndex | undefined, doc: vscode.TextDocument, pos: vscode.Position): vscode.Location[] | undefined {
  if (!index) return undefined;
  const found = symbolAt(index, doc, pos);
  if (!found) return undefined;
  if (found.className) {
    const info = index.classes.get(found.className)!;
    return [locationOf(index, info.file, info.charPos)];
  }
  return found.methods.map((method) => locationOf(index, method.file, method.charPos));
}

/** Every class that defines the method under the cursor (whatever the receiver). */
function implementations(index: ClassIndex | undefined, doc: vscode.TextDocument, pos: vscode.Position): vscode.Location[] | undefined {
  if (!index) return undefined;
  const range = doc.getWordRangeAtPosition(pos, /[A-Za-z_][A-Za-z0-9_]*/);
  if (!range) return undefined;
  const word = doc.getText(range);
  const methods = [...(index.implementations.get(word) ?? []), ...(index.implementations.get(`*${word}`) ?? [])];
  return methods.map((method) => locationOf(index, method.file, method.charPos));
}

/**
 * Where a class or selector is used: the workspace's SuperCollider files and the class library
 * (as text: whole words in code, not in strings or comments).
 */
async function references(index: ClassIndex | undefined, doc: vscode.TextDocument, pos: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Location[] | undefined> {
  const range = doc.getWordRangeAtPosition(pos, /[A-Za-z_][A-Za-z0-9_]*/);
  if (!range) return undefined;
  const word = doc.getText(range);
  const kind = /^[A-Z]/.test(word) ? 'class' : 'selector';
  const open = new Map(vscode.workspace.textDocuments.filter((d) => d.languageId === 'supercollider' || /\.(scd|sc)$/.test(d.fileName)).map((d) => [d.uri.toString(), d]));
  const uris = new Map<string, vscode.Uri>([...open.values()].map((d) => [d.uri.toString(), d.uri]));
  for (const uri of await vscode.workspace.findFiles('**/*.{scd,sc}', '**/node_modules/**', 2000)) uris.set(uri.toString(), uri);
  if (index) {
    for (const info of index.classes.values()) {
      for (const file of [info.file, ...info.instanceMethods.map((m) => m.file), ...info.classMethods.map((m) => m.file)]) if (file) uris.set(vscode.Uri.file(file).toString(), vscode.Uri.file(file));
    }
  }
  const locations: vscode.Location[] = [];
  for (const [key, uri] of uris) {
    if (token.isCancellationRequested) return locations;
    const openDoc = open.get(key);
    let text: string;
    try {
      text = openDoc ? openDoc.getText() : await readFile(uri.fsPath, 'utf8');
    } catch {
      continue;
    }
    const matches = findReferences(text, word, kind);
    if (!matches.length) continue;
    const lines = lineStarts(text);
    const at = (offset: number) => {
      const { line, character } = positionAt(lines, offset);
      return new vscode.Position(line, character);
    };
    for (const match of matches) locations.push(new vscode.Location(uri, new vscode.Range(at(match.start), at(match.end))));
  }
  return locations;
}

function classSymbols(index: ClassIndex | undefined, query: string): vscode.SymbolInformation[] {
  if (!index) return [];
  const q = query.toLowerCase();
  const result: vscode.SymbolInformation[] = [];
  for (const info of index.classes.values()) {
    if (q && !info.name.toLowerCase().includes(q)) continue;
    result.push(new vscode.SymbolInformation(info.name, vscode.SymbolKind.Class, info.superclass ?? '', locationOf(index, info.file, info.charPos)));
    if (result.length >= 500) break;
  }
  return result;
}

// ---- outline ----

const SYMBOL_KINDS: Record<OutlineKind, vscode.SymbolKind> = {
  block: vscode.SymbolKind.Namespace,
  synthDef: vscode.SymbolKind.Function,
  variable: vscode.SymbolKind.Variable,
  proxy: vscode.SymbolKind.Object,
  class: vscode.SymbolKind.Class,
  extension: vscode.SymbolKind.Class,
  method: vscode.SymbolKind.Method,
  classMethod: vscode.SymbolKind.Method,
};

function outline(doc: vscode.TextDocument): vscode.DocumentSymbol[] {
  const text = doc.getText();
  const symbols = doc.fileName.endsWith('.sc') ? scOutline(text) : scdOutline(text);
  const convert = (symbol: OutlineSymbol): vscode.DocumentSymbol => {
    const full = new vscode.Range(doc.positionAt(symbol.start), doc.positionAt(Math.max(symbol.end, symbol.nameEnd)));
    const name = new vscode.Range(doc.positionAt(symbol.nameStart), doc.positionAt(symbol.nameEnd));
    const result = new vscode.DocumentSymbol(symbol.name, symbol.detail, SYMBOL_KINDS[symbol.kind], full, full.contains(name) ? name : full);
    result.children = symbol.children.map(convert);
    return result;
  };
  return symbols.map(convert);
}
