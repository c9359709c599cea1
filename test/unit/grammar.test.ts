import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';

// The SuperCollider TextMate grammar, tokenized with the same engine as VS Code
// (vscode-textmate on the Oniguruma WebAssembly build).

const ROOT = path.resolve(__dirname, '../../..');
const GRAMMAR_FILE = path.join(ROOT, 'syntaxes/supercollider.tmLanguage.json');
const FIXTURES = path.join(ROOT, 'test/unit/fixtures');
const SCOPE = 'source.supercollider';

interface Token {
  text: string;
  start: number;
  end: number;
  scopes: string[];
}

interface TokenizedFile {
  lines: string[];
  tokens: Token[][];
  /** What vscode-textmate reported through console.error (e.g. "endless loop"). */
  errors: string[];
  /** The rule stack after the last line. */
  endState: vsctm.StateStack;
}

const POST_GRAMMAR_FILE = path.join(ROOT, 'syntaxes/sclive-post.tmLanguage.json');
const POST_SCOPE = 'text.sclive-post';

let registryPromise: Promise<vsctm.Registry> | undefined;
let grammarPromise: Promise<vsctm.IGrammar> | undefined;

/** One registry for both grammars (oniguruma's WASM loads once per process). */
function registry(): Promise<vsctm.Registry> {
  registryPromise ??= (async () => {
    const wasm = readFileSync(path.join(ROOT, 'node_modules/vscode-oniguruma/release/onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const files: Record<string, string> = { [SCOPE]: GRAMMAR_FILE, [POST_SCOPE]: POST_GRAMMAR_FILE };
    return new vsctm.Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (patterns: string[]) => oniguruma.createOnigScanner(patterns),
        createOnigString: (text: string) => oniguruma.createOnigString(text),
      }),
      loadGrammar: async (scopeName: string) => (files[scopeName] ? vsctm.parseRawGrammar(readFileSync(files[scopeName], 'utf8'), files[scopeName]) : null),
    });
  })();
  return registryPromise;
}

function loadGrammar(): Promise<vsctm.IGrammar> {
  grammarPromise ??= (async () => {
    const grammar = await (await registry()).loadGrammar(SCOPE);
    if (!grammar) throw new Error(`no grammar for ${SCOPE}`);
    return grammar;
  })();
  return grammarPromise;
}

/** The scopes of a whole post-window line (its first token). */
async function postLineScopes(line: string): Promise<string[]> {
  const grammar = await (await registry()).loadGrammar(POST_SCOPE);
  if (!grammar) throw new Error(`no grammar for ${POST_SCOPE}`);
  return grammar.tokenizeLine(line, vsctm.INITIAL).tokens[0].scopes;
}

async function tokenize(text: string): Promise<TokenizedFile> {
  const grammar = await loadGrammar();
  const lines = text.split(/\r?\n/);
  const tokens: Token[][] = [];
  const errors: string[] = [];
  const consoleError = console.error;
  console.error = (...args: unknown[]) => errors.push(args.map(String).join(' '));
  let state = vsctm.INITIAL;
  try {
    for (const line of lines) {
      const result = grammar.tokenizeLine(line, state);
      state = result.ruleStack;
      tokens.push(
        result.tokens.map((token) => {
          const end = Math.min(token.endIndex, line.length);
          return { text: line.substring(token.startIndex, end), start: token.startIndex, end, scopes: token.scopes };
        }),
      );
    }
  } finally {
    console.error = consoleError;
  }
  return { lines, tokens, errors, endState: state };
}

function tokenizeFixture(name: string): Promise<TokenizedFile> {
  return tokenize(readFileSync(path.join(FIXTURES, name), 'utf8'));
}

function describeLine(file: TokenizedFile, line: number): string {
  const tokens = file.tokens[line - 1] ?? [];
  return (
    `line ${line}: ${JSON.stringify(file.lines[line - 1])}\n` +
    tokens.map((t) => `  ${JSON.stringify(t.text)} ${t.scopes.slice(1).join(' ')}`).join('\n')
  );
}

/** The 1-based number of the only line containing `fragment`. */
function lineOf(file: TokenizedFile, fragment: string): number {
  const found = file.lines.flatMap((line, index) => (line.includes(fragment) ? [index + 1] : []));
  assert.equal(found.length, 1, `exactly one line contains ${JSON.stringify(fragment)}: lines ${found.join(', ')}`);
  return found[0];
}

/** The scopes of the `nth` token whose text is exactly `text` on 1-based line `line`. */
function scopesAt(file: TokenizedFile, line: number, text: string, nth = 0): string[] {
  const matches = (file.tokens[line - 1] ?? []).filter((token) => token.text === text);
  if (matches.length <= nth) {
    assert.fail(`no token ${nth > 0 ? `#${nth} ` : ''}${JSON.stringify(text)}\n${describeLine(file, line)}`);
  }
  return matches[nth].scopes;
}

/** Every scope of every token overlapping the first occurrence of `text` on the line. */
function scopesCovering(file: TokenizedFile, line: number, text: string): string[] {
  const start = file.lines[line - 1].indexOf(text);
  assert.ok(start >= 0, `line ${line} contains ${JSON.stringify(text)}`);
  const end = start + text.length;
  const tokens = file.tokens[line - 1].filter((token) => token.start < end && token.end > start);
  return [...new Set(tokens.flatMap((token) => token.scopes))];
}

/** Whether `scopes` has `name.supercollider` or a more specific `name.*.supercollider`. */
function has(scopes: string[], name: string): boolean {
  return scopes.some((scope) => scope === `${name}.supercollider` || (scope.startsWith(`${name}.`) && scope.endsWith('.supercollider')));
}

function assertScope(scopes: string[], name: string, what = ''): void {
  assert.ok(has(scopes, name), `${what} expected ${name} in [${scopes.join(', ')}]`);
}

function assertNoScope(scopes: string[], name: string, what = ''): void {
  assert.ok(!has(scopes, name), `${what} expected no ${name} in [${scopes.join(', ')}]`);
}

/** Only the root scope: plain code such as a local variable. */
function assertPlain(scopes: string[], what = ''): void {
  assert.deepEqual(
    scopes.filter((scope) => !scope.startsWith('meta.')),
    [SCOPE],
    `${what} expected plain code, got [${scopes.join(', ')}]`,
  );
}

describe('SuperCollider grammar', function () {
  this.timeout(20000);

  let sample: TokenizedFile;
  let classFile: TokenizedFile;

  before(async () => {
    sample = await tokenizeFixture('sample.scd');
    classFile = await tokenizeFixture('Sample.sc');
  });

  const at = (fragment: string, text: string, nth = 0) => scopesAt(sample, lineOf(sample, fragment), text, nth);
  const covering = (fragment: string, text: string) => scopesCovering(sample, lineOf(sample, fragment), text);

  describe('the grammar file', () => {
    it('has the scope name source.supercollider and the .scd and .sc file types', () => {
      const raw = JSON.parse(readFileSync(GRAMMAR_FILE, 'utf8')) as { scopeName: string; fileTypes: string[] };
      assert.equal(raw.scopeName, SCOPE);
      assert.deepEqual(raw.fileTypes, ['scd', 'sc']);
    });

    it('names every scope *.supercollider', () => {
      const names: string[] = [];
      const walk = (value: unknown): void => {
        if (Array.isArray(value)) value.forEach(walk);
        else if (value && typeof value === 'object') {
          for (const [key, child] of Object.entries(value)) {
            if ((key === 'name' || key === 'contentName') && typeof child === 'string') names.push(child);
            else walk(child);
          }
        }
      };
      const raw = JSON.parse(readFileSync(GRAMMAR_FILE, 'utf8')) as { repository: unknown; patterns: unknown };
      walk(raw.repository);
      walk(raw.patterns);
      assert.ok(names.length > 30, `found ${names.length} scope names`);
      assert.deepEqual(names.filter((name) => !/^[a-z][a-z0-9-]*(\.[a-z0-9-]+)*\.supercollider$/.test(name)), []);
    });

    it('tokenizes the fixtures without engine errors and ends at the top level', () => {
      for (const file of [sample, classFile]) {
        assert.deepEqual(file.errors, []);
        assert.equal(file.endState.depth, 1, 'the rule stack is back to the top level');
      }
    });
  });

  describe('comments', () => {
    it('scopes // line comments, with the // as punctuation', () => {
      const line = lineOf(sample, '// SuperCollider Live: a sample session');
      assertScope(scopesAt(sample, line, '//'), 'punctuation.definition.comment');
      assertScope(scopesAt(sample, line, '//'), 'comment.line.double-slash');
      assertScope(scopesAt(sample, line, ' SuperCollider Live: a sample session'), 'comment.line.double-slash');
    });

    it('scopes a line comment after code', () => {
      assertScope(at('currentEnvironment.postln; //', ' the current Environment'), 'comment.line.double-slash');
      assertScope(at('currentEnvironment.postln; //', 'postln'), 'entity.name.function.method');
    });

    it('scopes /* */ block comments across lines', () => {
      assertScope(at('/* setup notes', '/*'), 'comment.block');
      assertScope(at('/* setup notes', ' setup notes: boot the server first,'), 'comment.block');
    });

    it('nests block comments: the inner */ does not end the outer comment', () => {
      const inner = at('/* nested:', ' nested: "quotes" here start no string, and SinOsc is no class ');
      assert.equal(inner.filter((scope) => scope === 'comment.block.supercollider').length, 2, inner.join(', '));
      assertScope(at('/* nested:', '*/'), 'punctuation.definition.comment.end');
      const after = at('still a comment after', '   still a comment after the inner one closes (SinOsc) ');
      assertScope(after, 'comment.block');
      assertNoScope(after, 'entity.name.type.class');
      assertScope(at('still a comment after', '*/'), 'comment.block');
      // And the code after the outer comment is code again.
      assertScope(at('s.boot;', 'boot'), 'entity.name.function.method');
    });

    it('scopes an inline block comment and resumes code after it', () => {
      const fragment = 'topEnvironment[\\x] = 1 /*';
      assertScope(at(fragment, ' inline "comment" '), 'comment.block');
      assertNoScope(at(fragment, ' inline "comment" '), 'string');
      assertScope(at(fragment, '+'), 'keyword.operator');
      assertScope(at(fragment, '2'), 'constant.numeric');
    });

    it('does not start a string at a " inside a comment', () => {
      assertNoScope(covering('/* nested:', '"quotes"'), 'string');
      assertNoScope(covering("// it's a \"comment", '"comment'), 'string');
      assertNoScope(covering("// it's a \"comment", "'s"), 'constant.other.symbol');
      // The unclosed quote in the line comment leaves the next line as code.
      assertScope(at('Server.default.options', 'Server'), 'entity.name.type.class');
      assertScope(at('Server.default.options', 'numOutputBusChannels'), 'entity.name.function.method');
    });
  });

  describe('strings', () => {
    it('scopes double-quoted strings with their quotes', () => {
      assertScope(at('"tick".postln', 'tick'), 'string.quoted.double');
      assertScope(at('"tick".postln', '"', 0), 'punctuation.definition.string.begin');
      assertScope(at('"tick".postln', '"', 1), 'punctuation.definition.string.end');
    });

    it('scopes escapes: \\" \\\\ \\n \\t', () => {
      for (const escape of ['\\"', '\\n', '\\t']) {
        const scopes = at('~msg = "say', escape);
        assertScope(scopes, 'constant.character.escape', escape);
        assertScope(scopes, 'string.quoted.double', escape);
      }
      assertScope(at('~path =', '\\\\'), 'constant.character.escape');
      assertScope(at('~path =', 'kick.wav'), 'string.quoted.double');
    });

    it('does not end the string at an escaped quote', () => {
      assertScope(at('~msg = "say', 'hi'), 'string.quoted.double');
      assertScope(at('~msg = "say', ';'), 'punctuation.terminator.statement');
      assertNoScope(at('~msg = "say', ';'), 'string');
    });

    it('has no comment or class inside a string', () => {
      const text = '// not a comment, SinOsc is not a class';
      const scopes = at('~msg = "say', text);
      assertScope(scopes, 'string.quoted.double');
      assertNoScope(scopes, 'comment');
      assertNoScope(covering('~msg = "say', 'SinOsc'), 'entity.name.type.class');
    });

    it('spans lines', () => {
      assertScope(at('~multiline =', 'one line'), 'string.quoted.double');
      assertScope(at('and another', 'and another'), 'string.quoted.double');
      assertScope(at('and another', ';'), 'punctuation.terminator.statement');
    });
  });

  describe('symbols', () => {
    it('scopes \\name symbols as one token', () => {
      for (const symbol of ['\\instrument', '\\degree', '\\dur', '\\amp', '\\legato']) {
        assertScope(at(symbol + ',', symbol), 'constant.other.symbol', symbol);
      }
      assertScope(at('SynthDef(\\pad', '\\pad'), 'constant.other.symbol');
      assertScope(at('Ndef(\\drone', '\\drone'), 'constant.other.symbol');
      assertScope(at('topEnvironment[\\x]', '\\x'), 'constant.other.symbol');
    });

    it('keeps the name in \\name part of the symbol', () => {
      const line = lineOf(sample, '\\amp, Pwhite');
      assert.ok(!sample.tokens[line - 1].some((token) => token.text === 'amp'), 'no separate amp token');
      assertScope(scopesCovering(sample, line, 'amp'), 'constant.other.symbol');
      assertNoScope(scopesCovering(sample, line, 'amp'), 'variable.parameter');
    });

    it("scopes 'quoted' symbols with escapes", () => {
      assertScope(at("\\instrument, 'pad'", 'pad'), 'constant.other.symbol');
      assertScope(at("\\instrument, 'pad'", "'", 0), 'punctuation.definition.symbol.begin');
      const fragment = "'a \\'quoted\\' symbol'";
      assertScope(at(fragment, "\\'"), 'constant.character.escape');
      assertScope(at(fragment, "\\'"), 'constant.other.symbol');
      assertScope(at(fragment, 'quoted'), 'constant.other.symbol');
      assertScope(at(fragment, ' symbol'), 'constant.other.symbol');
      assertScope(at(fragment, 'postln'), 'entity.name.function.method');
    });
  });

  describe('keyword arguments', () => {
    it('scopes name: in calls and events', () => {
      assertScope(at('doneAction: 2', 'doneAction'), 'variable.parameter.keyword');
      assertScope(at('doneAction: 2', ':'), 'punctuation.separator.keyword');
      assertScope(at('.play(quant: 4)', 'quant'), 'variable.parameter.keyword');
      assertScope(at('(freq: 220, amp: 0.2)', 'freq'), 'variable.parameter.keyword');
      assertScope(at('(freq: 220, amp: 0.2)', 'amp'), 'variable.parameter.keyword');
      assertScope(at('(freq: 220, amp: 0.2)', '220'), 'constant.numeric');
    });

    it('does not scope a colon inside a comment or string', () => {
      assertNoScope(at('// SuperCollider Live: a sample session', ' SuperCollider Live: a sample session'), 'variable.parameter.keyword');
      assertNoScope(covering('~path =', 'C:'), 'variable.parameter.keyword');
    });
  });

  describe('class names', () => {
    it('scopes identifiers starting with an uppercase letter', () => {
      for (const name of ['EnvGen', 'Env']) assertScope(at('env = EnvGen.kr', name), 'entity.name.type.class', name);
      for (const name of ['Out', 'Pan2']) assertScope(at('Out.ar(out, Pan2', name), 'entity.name.type.class', name);
      assertScope(at('SynthDef(\\pad', 'SynthDef'), 'entity.name.type.class');
      assertScope(at('sig = SinOsc.ar(freq', 'SinOsc'), 'entity.name.type.class');
      assertScope(at('sig = RLPF.ar', 'RLPF'), 'entity.name.type.class');
      assertScope(at('~bass = Pbind(', 'Pbind'), 'entity.name.type.class');
      assertScope(at('Pseq([', 'Pseq'), 'entity.name.type.class');
      assertScope(at('Ndef(\\drone', 'Ndef'), 'entity.name.type.class');
      assertScope(at('Server.default', 'Server'), 'entity.name.type.class');
    });

    it('leaves lowercase identifiers (local variables) plain', () => {
      assertPlain(at('sig = RLPF', '    sig '));
      assertPlain(at('Out.ar(out', 'out'));
      assertPlain(at('s.boot', 's'));
    });

    it('does not take Routine { } at the start of a line for a class definition', () => {
      const scopes = at('Routine {', 'Routine');
      assertScope(scopes, 'entity.name.type.class');
      assertNoScope(scopes, 'meta.class');
      assertNoScope(at('"beat".postln', 'wait'), 'meta.class');
    });
  });

  describe('numbers', () => {
    const numeric = (fragment: string, text: string, kind?: string) => {
      const scopes = at(fragment, text);
      assertScope(scopes, kind ? `constant.numeric.${kind}` : 'constant.numeric', text);
    };

    it('scopes integers and floats', () => {
      numeric('freq = 440', '440', 'integer');
      numeric('freq = 440', '0.1', 'float');
      numeric('Env.adsr', '0.01', 'float');
      numeric('sig = SinOsc.ar(freq', '1.005', 'float');
      numeric('\\dur, 0.25', '0.25', 'float');
    });

    it('scopes exponents as one number', () => {
      numeric('Env.adsr', '1e-3', 'float');
    });

    it('scopes pi and its multiples', () => {
      numeric('LFTri.ar', '2pi', 'pi');
      numeric('16rFF +', '0.5pi', 'pi');
      numeric('~things = [', 'pi', 'pi');
    });

    it('scopes radix and hexadecimal numbers', () => {
      numeric('16rFF +', '16rFF', 'radix');
      numeric('16rFF +', '2r1010', 'radix');
      numeric('16rFF +', '36rZZ', 'radix');
      numeric('~mask = 0xFF', '0xFF', 'hex');
    });

    it('scopes scale degrees with accidentals', () => {
      numeric('Pseq([0, 3b', '3b', 'scale-degree');
      numeric('Pseq([0, 3b', '4s', 'scale-degree');
    });

    it('leaves the minus sign to the operator and the method after a number to the method', () => {
      assertScope(at('1.wait', '1'), 'constant.numeric');
      assertScope(at('1.wait', 'wait'), 'entity.name.function.method');
      assertScope(at('0.5.wait', '0.5'), 'constant.numeric');
      assertScope(at('0.5.wait', 'wait'), 'entity.name.function.method');
      assertScope(at('(1..10)', '..'), 'keyword.operator');
      assertScope(at('(1..10)', '10'), 'constant.numeric');
    });

    it('does not scope digits inside identifiers', () => {
      assertScope(at('Pan2.ar', 'Pan2'), 'entity.name.type.class');
      assertNoScope(at('Pan2.ar', 'Pan2'), 'constant.numeric');
    });
  });

  describe('language constants, keywords and special variables', () => {
    it('scopes nil true false inf as constant.language', () => {
      for (const word of ['nil', 'true', 'false', 'inf']) assertScope(at('~things = [', word), 'constant.language', word);
      assertScope(at('Pseq([0, 3b', 'inf'), 'constant.language');
    });

    it('scopes var arg classvar const as storage.type', () => {
      assertScope(at('var env, sig;', 'var'), 'storage.type');
      assertScope(at('arg rate = 0.5', 'arg'), 'storage.type');
      const cls = (fragment: string, text: string) => scopesAt(classFile, lineOf(classFile, fragment), text);
      assertScope(cls('classvar <>all', 'classvar'), 'storage.type');
      assertScope(cls('var <freq', 'var'), 'storage.type');
      assertScope(cls('const maxVoices', 'const'), 'storage.type');
    });

    it('scopes the pseudo-variables as variable.language', () => {
      assertScope(at('thisProcess.nowExecutingPath', 'thisProcess'), 'variable.language');
      assertScope(at('currentEnvironment.postln', 'currentEnvironment'), 'variable.language');
      assertScope(at('topEnvironment[', 'topEnvironment'), 'variable.language');
      for (const word of ['this', 'thisThread', 'thisFunction']) assertScope(at('this.dump;', word), 'variable.language', word);
      assertScope(scopesAt(classFile, lineOf(classFile, '^super.new'), 'super'), 'variable.language');
    });

    it('scopes control structures and ^', () => {
      assertScope(at('fork { loop', 'fork'), 'keyword.control');
      assertScope(at('fork { loop', 'loop'), 'keyword.control');
      assertScope(at('if(~bass.isPlaying)', 'if'), 'keyword.control');
      assertScope(scopesAt(classFile, lineOf(classFile, '^super.new'), '^'), 'keyword.control.return');
    });

    it('scopes operators', () => {
      assertScope(at('LFTri.ar', '*'), 'keyword.operator');
      assertScope(at('LFTri.ar', '!'), 'keyword.operator');
      assertScope(at('~mask = 0xFF', '='), 'keyword.operator');
    });
  });

  describe('environment variables', () => {
    it('scopes ~name as one token', () => {
      assertScope(at('~bass = Pbind(', '~bass'), 'variable.other.environment');
      assertScope(at('~lfo = {', '~lfo'), 'variable.other.environment');
      assertScope(at('if(~bass.isPlaying)', '~bass', 0), 'variable.other.environment');
      assertScope(at('if(~bass.isPlaying)', '~bass', 1), 'variable.other.environment');
      assertScope(at('if(~bass.isPlaying)', 'isPlaying'), 'entity.name.function.method');
    });
  });

  describe('method calls', () => {
    it('scopes the name after a dot, not the dot', () => {
      for (const method of ['kr', 'adsr']) assertScope(at('EnvGen.kr(Env.adsr', method), 'entity.name.function.method', method);
      assertScope(at('EnvGen.kr(Env.adsr', '.', 0), 'punctuation.accessor');
      assertNoScope(at('EnvGen.kr(Env.adsr', '.', 0), 'entity.name.function.method');
      assertScope(at('}).add;', 'add'), 'entity.name.function.method');
      assertScope(at('Ndef(\\drone', 'Ndef'), 'entity.name.type.class');
      assertScope(at('}).play;', 'play'), 'entity.name.function.method');
      assertScope(at('thisProcess.nowExecutingPath', 'nowExecutingPath'), 'entity.name.function.method');
      assertScope(at('thisProcess.nowExecutingPath', 'postln'), 'entity.name.function.method');
    });

    it('scopes .ar after a class name', () => {
      assertScope(at('sig = SinOsc.ar(freq', 'SinOsc'), 'entity.name.type.class');
      assertScope(at('sig = SinOsc.ar(freq', 'ar'), 'entity.name.function.method');
    });

    it('scopes a method call named like a keyword as a method', async () => {
      const file = await tokenize('x.if { 1 } { 2 }; ~r.loop; if(x) { 3 };');
      assertScope(scopesAt(file, 1, 'if'), 'entity.name.function.method');
      assertNoScope(scopesAt(file, 1, 'if'), 'keyword.control');
      assertScope(scopesAt(file, 1, 'loop'), 'entity.name.function.method');
      assertScope(scopesAt(file, 1, 'if', 1), 'keyword.control');
    });
  });

  describe('character literals', () => {
    it('scopes $a, $\\n, $", $( and $\\\\', () => {
      for (const char of ['$a', '$\\n', '$"', '$(', '$\\\\']) assertScope(at('~chars = [', char), 'constant.character', char);
    });

    it('does not start a string at $" or a group at $(', () => {
      const line = lineOf(sample, '~chars = [');
      assertNoScope(scopesAt(sample, line, '$"'), 'string');
      assertScope(scopesAt(sample, line, ']'), 'punctuation.section.brackets');
      assertNoScope(scopesAt(sample, line, ']'), 'string');
      assertScope(at("'a \\'quoted\\' symbol'", 'postln'), 'entity.name.function.method');
    });
  });

  describe('argument declarations', () => {
    it('scopes the names between pipes as variable.parameter', () => {
      const fragment = 'SynthDef(\\pad, { |out';
      for (const name of ['out', 'freq', 'amp', 'gate', 'pan']) assertScope(at(fragment, name), 'variable.parameter', name);
      for (const name of ['out', 'freq', 'amp', 'gate', 'pan']) assertNoScope(at(fragment, name), 'variable.parameter.keyword', name);
      assertScope(at(fragment, '|', 0), 'punctuation.definition.parameters.begin');
      assertScope(at(fragment, '|', 1), 'punctuation.definition.parameters.end');
      assertScope(at(fragment, '440'), 'constant.numeric');
      assertScope(at(fragment, '0.1'), 'constant.numeric');
    });

    it('scopes pipes on the line after the opening brace', () => {
      assertScope(at('|rate = 2, depth = 0.5|', 'rate'), 'variable.parameter');
      assertScope(at('|rate = 2, depth = 0.5|', 'depth'), 'variable.parameter');
      assertScope(at('|rate = 2, depth = 0.5|', '0.5'), 'constant.numeric');
    });

    it('scopes arg declarations', () => {
      assertScope(at('arg rate = 0.5', 'rate'), 'variable.parameter');
      assertScope(at('arg rate = 0.5', 'width'), 'variable.parameter');
      assertScope(at('arg rate = 0.5', '0.5', 1), 'constant.numeric');
    });

    it('leaves the parameters plain in the function body', () => {
      assertPlain(at('LFTri.ar(rate', 'rate '));
      assertPlain(at('SinOsc.kr(rate', 'rate'));
      assertNoScope(covering('Out.ar(out, Pan2', 'out'), 'variable.parameter');
    });

    it('does not take a | operator in a body for an argument list', async () => {
      const file = await tokenize('{ a | b }\n{ |x| x | 1 }');
      assertScope(scopesAt(file, 1, '|'), 'keyword.operator');
      assertNoScope(scopesAt(file, 1, '|'), 'meta.function.parameters');
      assertScope(scopesAt(file, 2, 'x'), 'variable.parameter');
      assertPlain(scopesAt(file, 2, ' x '));
      assertScope(scopesAt(file, 2, '|', 2), 'keyword.operator');
    });

    it('ends an argument list missing its closing | at the }', async () => {
      const file = await tokenize('~b = { |a, b };\n~c = 1;');
      assertScope(scopesAt(file, 1, 'b'), 'variable.parameter');
      assertScope(scopesAt(file, 1, '}'), 'punctuation.section.braces.end');
      assertNoScope(scopesAt(file, 1, '}'), 'meta.function.parameters');
      assertScope(scopesAt(file, 2, '~c'), 'variable.other.environment');
      assertScope(scopesAt(file, 2, '1'), 'constant.numeric');
      assert.equal(file.endState.depth, 1);
    });
  });

  describe('class files (.sc)', () => {
    const cls = (fragment: string, text: string, nth = 0) => scopesAt(classFile, lineOf(classFile, fragment), text, nth);

    it('scopes the class definition and its superclass', () => {
      assertScope(cls('Sample : Object {', 'Sample'), 'entity.name.type.class');
      assertScope(cls('Sample : Object {', 'Sample'), 'meta.class');
      assertScope(cls('Sample : Object {', 'Object'), 'entity.other.inherited-class');
      assertScope(cls('Sample : Object {', ':'), 'punctuation.separator.inheritance');
      assertNoScope(cls('Sample : Object {', 'Sample'), 'variable.parameter.keyword');
    });

    it('scopes class methods (*new) and instance methods', () => {
      assertScope(cls('*new {', '*'), 'storage.modifier.static');
      assertScope(cls('*new {', 'new'), 'entity.name.function');
      assertNoScope(cls('*new {', 'new'), 'entity.name.function.method');
      assertScope(cls('init { |f, a|', 'init'), 'entity.name.function');
      assertScope(cls('init { |f, a|', 'f'), 'variable.parameter');
      assertScope(cls('play { |dur = 1|', 'play'), 'entity.name.function');
      assertScope(cls('prBasicNew {', 'prBasicNew'), 'entity.name.function');
      assertScope(cls('_BasicNew', '_BasicNew'), 'support.function.primitive');
    });

    it('scopes method calls in method bodies as calls, not definitions', () => {
      assertScope(cls('^super.new.init', 'new'), 'entity.name.function.method');
      assertScope(cls('^super.new.init', 'init'), 'entity.name.function.method');
      assertScope(cls('all = all.add(this)', 'this'), 'variable.language');
      assertScope(cls('doneAction: 2', 'doneAction'), 'variable.parameter.keyword');
    });

    it('ends the class at its closing brace and scopes extensions', () => {
      assertScope(cls('+ SimpleNumber {', 'SimpleNumber'), 'entity.name.type.class');
      assertScope(cls('+ SimpleNumber {', 'SimpleNumber'), 'meta.class.extension');
      assertNoScope(cls('+ SimpleNumber {', 'SimpleNumber'), 'entity.other.inherited-class');
      assertScope(cls('sampleDouble {', 'sampleDouble'), 'entity.name.function');
      const closing = classFile.lines.lastIndexOf('}') + 1;
      assertScope(scopesAt(classFile, closing, '}'), 'punctuation.section.class.end');
    });
  });

  describe('CRLF files', () => {
    it('tokenizes the same with \\r\\n line endings', async () => {
      const lf = readFileSync(path.join(FIXTURES, 'sample.scd'), 'utf8');
      const crlf = await tokenize(lf.replace(/\n/g, '\r\n'));
      assert.deepEqual(
        crlf.tokens.map((line) => line.map((t) => [t.text, t.scopes])),
        sample.tokens.map((line) => line.map((t) => [t.text, t.scopes])),
      );
    });
  });
});

describe('SuperCollider language configuration', () => {
  const config = JSON.parse(readFileSync(path.join(ROOT, 'language-configuration.json'), 'utf8')) as {
    comments: { lineComment: string; blockComment: [string, string] };
    brackets: Array<[string, string]>;
    autoClosingPairs: Array<{ open: string; close: string; notIn?: string[] }>;
    wordPattern: string;
    indentationRules: { increaseIndentPattern: string; decreaseIndentPattern: string };
  };

  it('declares the comments and brackets', () => {
    assert.deepEqual(config.comments, { lineComment: '//', blockComment: ['/*', '*/'] });
    assert.deepEqual(config.brackets.map(([open]) => open).sort(), ['(', '[', '{']);
  });

  it('auto-closes quotes only outside strings and comments', () => {
    for (const quote of ['"', "'"]) {
      const pair = config.autoClosingPairs.find((p) => p.open === quote);
      assert.deepEqual(pair?.notIn?.sort(), ['comment', 'string'], quote);
    }
  });

  it('keeps ~name, \\name and numbers such as 2pi together as words', () => {
    const words = (text: string) => text.match(new RegExp(config.wordPattern, 'g'));
    assert.deepEqual(words('~freq = \\amp; SinOsc.ar(2pi, 16rFF, 1e-3, 0.5)'), [
      '~freq',
      '\\amp',
      'SinOsc',
      'ar',
      '2pi',
      '16rFF',
      '1e-3',
      '0.5',
    ]);
  });

  it('indents after an open bracket and outdents at a closing one', () => {
    const increase = new RegExp(config.indentationRules.increaseIndentPattern);
    const decrease = new RegExp(config.indentationRules.decreaseIndentPattern);
    for (const line of ['(', 'SynthDef(\\pad, { |freq|', '~bass = Pbind(', 'x = [', 'fork { // go']) assert.ok(increase.test(line), line);
    for (const line of ['{ 1 }', 'f(1);', '// (', 'x = "("', '~a = [1, 2];']) assert.ok(!increase.test(line), line);
    for (const line of [')', '}).add;', '  ].postln', ').play;']) assert.ok(decrease.test(line), line);
    assert.ok(!decrease.test('x = 1;'));
  });
});

describe('the post window\'s grammar (what makes failures stand out)', () => {
  it('marks scsynth\'s and sclang\'s failures as errors, warnings as changes, results as insertions', async () => {
    assert.ok((await postLineScopes('FAILURE IN SERVER /s_new SynthDef not found')).some((scope) => scope.startsWith('invalid.illegal')));
    assert.ok((await postLineScopes('*** ERROR: failed to open UDP socket: bind: Address in use')).some((scope) => scope.startsWith('invalid.illegal')));
    assert.ok((await postLineScopes('ERROR: syntax error, unexpected \';\'')).some((scope) => scope.startsWith('invalid.illegal')));
    assert.ok((await postLineScopes("WARNING: server 'localhost' not running.")).some((scope) => scope.startsWith('markup.changed')));
    assert.ok((await postLineScopes('-> Synth(\'temp__0\' : 1000)')).some((scope) => scope.startsWith('markup.inserted')));
    // A value named like a failure is still a result.
    assert.ok(!(await postLineScopes('-> an Error')).some((scope) => scope.startsWith('invalid')));
    assert.ok((await postLineScopes('[sclive] ERROR at demo.scd:12:5: Class not defined.')).some((scope) => scope.startsWith('invalid.illegal')));
    assert.deepEqual(await postLineScopes('SuperCollider 3 server ready.'), [POST_SCOPE], 'plain output stays plain');
  });
});

describe('the post window\'s colours in VS Code\'s built-in themes', () => {
  // The themes of the VS Code the suite runs in (code-server's copy under .vscode-test).
  const themesDir = path.join(ROOT, '.vscode-test/code-server-4.100.3/node_modules/code-server/lib/vscode/extensions/theme-defaults/themes');
  const themes = ['light_modern.json', 'light_plus.json', 'light_vs.json', 'dark_modern.json', 'dark_plus.json', 'dark_vs.json', 'hc_black.json', 'hc_light.json'];

  type ThemeRule = vsctm.IRawTheme['settings'][number];

  function tokenColors(file: string): ThemeRule[] {
    const raw = JSON.parse(readFileSync(path.join(themesDir, file), 'utf8').replace(/^\s*\/\/.*$/gm, '').replace(/,(\s*[}\]])/g, '$1')) as { include?: string; tokenColors?: ThemeRule[] };
    return [...(raw.include ? tokenColors(raw.include) : []), ...(raw.tokenColors ?? [])];
  }

  /** The foreground colour each line's text gets in a theme, as VS Code's tokenizer resolves it. */
  async function colours(theme: string, lines: string[]): Promise<string[]> {
    const reg = await registry();
    reg.setTheme({ settings: [{ settings: { foreground: '#000001' } }, ...tokenColors(theme)] });
    const grammar = (await reg.loadGrammar(POST_SCOPE))!;
    const colorMap = reg.getColorMap();
    return lines.map((line) => {
      const tokens = grammar.tokenizeLine2(line, vsctm.INITIAL).tokens;
      return colorMap[(tokens[1] & 0x00ff8000) >>> 15].toLowerCase();
    });
  }

  function hue(hex: string): number {
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
    const max = Math.max(r, g, b);
    const delta = max - Math.min(r, g, b);
    if (!delta) return 0;
    const sector = max === r ? ((g - b) / delta) % 6 : max === g ? (b - r) / delta + 2 : (r - g) / delta + 4;
    return (sector * 60 + 360) % 360;
  }

  function hueDistance(a: string, b: string): number {
    const distance = Math.abs(hue(a) - hue(b));
    return Math.min(distance, 360 - distance);
  }

  for (const theme of themes) {
    it(`draws results, warnings and errors in three colours in ${theme}`, async function () {
      if (!existsSync(themesDir)) this.skip();
      const [result, warning, error] = await colours(theme, ["-> Pdef('mel')", 'WARNING: server not running', "ERROR: Message 'foo' not understood."]);
      // Another hue, not another shade of red (light_plus drew results #a31515 beside errors' #cd3131).
      assert.ok(hueDistance(result, error) >= 40, `a result (${result}) is not in the error colour (${error})`);
      assert.ok(hueDistance(warning, error) >= 40, `a warning (${warning}) is not in the error colour (${error})`);
      assert.ok(hueDistance(result, warning) >= 40, `a result (${result}) is not in the warning colour (${warning})`);
      assert.notEqual(result, '#000001', 'a result has a colour of its own');
    });
  }
});
