// What the text around the cursor says about the music, for completion: the class of a variable
// from its nearest visible assignment (`~x = [1, 2]`, `var sig = SinOsc.ar(...)`), the key
// positions of a Pbind's pairs (event keys, or a SynthDef's controls after `\instrument, \name`),
// the controls of `Synth(\name, [\` and `.set(\`, and the controls a SynthDef's source declares.
// Text alone: no sclang, no index, no vscode.
import { maskCode } from '../editor/codeMask';
import { Receiver, maskedBefore, receiverBefore } from './codeContext';

// ---- the class of a variable -------------------------------------------------------------------

/** Classes whose `.play` answers an EventStreamPlayer. */
const PATTERN_PLAYERS = /^(Pbind|Pbindef|Pmono|PmonoArtic|Pdef|Pseq|Ppar|Ptpar|Pchain|Pspawner|Pn|Psym|Pfx|Pfset|Pset|Pbus)$/;

/**
 * The class of what `name` (`x`, `sig`, `~x`) holds at the end of `masked` (the code before the
 * cursor, masked), from the nearest preceding assignment visible there: not one inside a function
 * already closed, a `var` or argument of the nearer scope shadowing it. Undefined when the text
 * does not say (the nearest assignment is an expression we cannot read).
 */
export function variableClass(masked: string, name: string, depth = 0): Receiver | undefined {
  if (depth > 4) return undefined;
  const escaped = name.replace(/[~$]/g, '\\$&');
  const pattern = new RegExp(`(^|[^A-Za-z0-9_.\\\\~])${escaped}(?![A-Za-z0-9_])`, 'g');
  const positions: number[] = [];
  for (const match of masked.matchAll(pattern)) positions.push(match.index + match[1].length);
  if (!positions.length) return undefined;
  // Walk back from the cursor: `closedBraces` > 0 means inside a function already closed (its
  // variables are out of reach), `closedParens` > 0 inside a `( )` already closed (its `var`s are).
  let closedBraces = 0;
  let closedParens = 0;
  let at = masked.length;
  for (let k = positions.length - 1; k >= 0; k--) {
    const start = positions[k];
    for (let i = at - 1; i >= start; i--) {
      const c = masked.charCodeAt(i);
      if (c === 125 /* } */) closedBraces++;
      else if (c === 123 /* { */) closedBraces = Math.max(0, closedBraces - 1);
      else if (c === 41 /* ) */) closedParens++;
      else if (c === 40 /* ( */) closedParens = Math.max(0, closedParens - 1);
    }
    at = start;
    if (closedBraces > 0) continue;
    const found = declarationAt(masked, start, name);
    if (!found) continue;
    if (found.local && closedParens > 0) continue;
    if (found.valueStart < 0) return undefined;
    const value = expressionFrom(masked, found.valueStart, found.inPipes);
    // `x = x.foo` while typing it: the assignment is not made yet; look further back.
    if (value === undefined) continue;
    return expressionClass(masked.slice(0, found.valueStart), value, depth);
  }
  return undefined;
}

/** An assignment, a `var` or an argument of `name` at `start`; where its value starts (-1: none). */
function declarationAt(masked: string, start: number, name: string): { local: boolean; valueStart: number; inPipes?: boolean } | undefined {
  const after = /^\s*=(?![=>])/.exec(masked.slice(start + name.length, start + name.length + 64));
  const valueStart = after ? start + name.length + after[0].length : -1;
  const before = masked.slice(Math.max(0, start - 400), start);
  if (name.startsWith('~')) return after ? { local: false, valueStart } : undefined;
  // `var a, b = 2` and `arg a, b = 2` (a list at its own level), `|a, b = 2|` right after `{`.
  const list = /(?:\bvar|\barg|\{\s*\|)((?:[^;|(){}[\]]|\([^()]*\)|\[[^[\]]*\])*)$/.exec(before);
  if (list && /(^|,)\s*$/.test(list[1])) return { local: true, valueStart, inPipes: list[0].startsWith('{') };
  if (after) return { local: false, valueStart };
  return undefined;
}

/** The value expression from `from`: up to `;` or `,` at its level, or a closer; undefined when it runs to the cursor. */
function expressionFrom(masked: string, from: number, inPipes = false): string | undefined {
  let depth = 0;
  for (let i = from; i < masked.length; i++) {
    const c = masked[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      if (depth === 0) return masked.slice(from, i);
      depth--;
    } else if ((c === ';' || c === ',' || (inPipes && c === '|')) && depth === 0) return masked.slice(from, i);
  }
  return undefined;
}

/** The class of a value expression, where the text shows it (one term, no binary operator). */
export function expressionClass(before: string, expression: string, depth = 0): Receiver | undefined {
  const text = expression.trim();
  if (!text) return undefined;
  const skeleton = flatten(text);
  // `x ! 2`, `{ } ! 2`: an Array. Any other operator at the top: who knows.
  if (/^[^!]+!\s*\d+$/.test(skeleton)) return { className: 'Array', classSide: false };
  if (/^-?\d+(\.\d+)?$/.test(skeleton)) return { className: skeleton.includes('.') ? 'Float' : 'Integer', classSide: false };
  if (/[+\-*/%<>=!&|@?]|\s[A-Za-z_~\\"'\d]/.test(skeleton.replace(/^-/, ''))) return undefined;
  // `(a: 1, b: 2)`: an Event.
  if (skeleton === '()' && /^\(\s*([a-z][A-Za-z0-9_]*\s*:|\))/.test(text)) return { className: 'Event', classSide: false };
  // `x = y`: what y holds there.
  const alias = /^~?[a-z][A-Za-z0-9_]*$/.exec(text);
  if (alias) return variableClass(before, alias[0], depth + 1);
  const play = /^(.*)\.\s*play$/s.exec(text) ?? /^(.*)\.\s*play\s*\([^]*\)$/s.exec(text);
  if (play && flatten(play[1]).indexOf('.play') < 0) {
    const player = expressionClass(before, play[1], depth);
    if (player?.className === 'Function') return { className: 'Synth', classSide: false };
    if (player && PATTERN_PLAYERS.test(player.className)) return { className: 'EventStreamPlayer', classSide: false };
    if (player && /^(Routine|Task|Tdef|Ndef)$/.test(player.className)) return player;
    return undefined;
  }
  if (/\.\s*dup\s*(\([^]*\))?$/.test(text)) return { className: 'Array', classSide: false };
  // `SinOsc.ar([440, 442])`: multichannel expansion, an Array of SinOscs.
  const rate = /^[A-Z][A-Za-z0-9_]*\s*\.\s*(ar|kr|ir)\s*\(([^]*)\)$/.exec(text);
  if (rate && /^\s*\[|,\s*\[/.test(flatten(rate[2]))) return { className: 'Array', classSide: false };
  const receiver = receiverBefore(text);
  if (!receiver) return undefined;
  // The term must start where the expression starts (`a.foo(SinOsc.ar)` is not a SinOsc).
  if (/^[A-Z]/.test(receiver.className) && !/^(#?\[|\(|\{|"|'|\\|-?\d|\$|[A-Z])/.test(text)) return undefined;
  if (/^[A-Z]/.test(text) && !text.startsWith(receiver.className)) return undefined;
  return receiver;
}

/** The text with the insides of its brackets dropped: `SinOsc.ar(1, 2) * 3` → `SinOsc.ar() * 3`. */
function flatten(text: string): string {
  text = text.replace(/"[^"]*"/g, '""').replace(/'[^']*'/g, "''").replace(/\\\s+/g, '\\');
  let out = '';
  let depth = 0;
  for (const c of text) {
    if (c === '(' || c === '[' || c === '{') {
      if (depth === 0) out += c;
      depth++;
    } else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) out += c;
    } else if (depth === 0) out += c;
  }
  return out.trim();
}

/** The receiver before a `.` at the end of `masked`: a literal or call (codeContext), else a variable. */
export function receiverWithVariables(masked: string): Receiver | undefined {
  const code = masked.trimEnd();
  const literal = receiverBefore(code);
  if (literal) return literal;
  const word = /(^|[^A-Za-z0-9_.\\])(~?[a-z][A-Za-z0-9_]*)$/.exec(code.slice(-256));
  if (!word) return undefined;
  const name = word[2];
  if (['this', 'thisProcess', 'thisThread', 'thisFunction', 'thisFunctionDef'].includes(name)) return undefined;
  if (name === 's' && !/(^|[^A-Za-z0-9_.\\~])s\s*=(?!=)/.test(code)) return { className: 'Server', classSide: false };
  return variableClass(code.slice(0, code.length - name.length), name);
}

// ---- event keys and SynthDef controls -------------------------------------------------------------

export interface EventKey {
  name: string;
  doc: string;
}

/** The keys of the default Event a Pbind's pairs set, with what each does. */
export const EVENT_KEYS: readonly EventKey[] = [
  { name: 'instrument', doc: 'The SynthDef to play (default: \\default).' },
  { name: 'dur', doc: 'Time until the next event, in beats (default 1).' },
  { name: 'delta', doc: 'Time until the next event, in beats, overriding dur * stretch.' },
  { name: 'stretch', doc: 'Multiplies dur (and legato\'s sustain): 2 is half speed.' },
  { name: 'legato', doc: 'Sustain as a fraction of dur (default 0.8); over 1 the notes overlap.' },
  { name: 'sustain', doc: 'How long the note holds before its gate is released, in beats (dur * legato * stretch).' },
  { name: 'degree', doc: 'Scale degree, from 0 (default 0). Uses scale, root, octave.' },
  { name: 'scale', doc: 'The scale degree reads (default [0, 2, 4, 5, 7, 9, 11]; Scale.minor ...).' },
  { name: 'root', doc: 'The scale\'s root in semitones above C (default 0).' },
  { name: 'octave', doc: 'Octave of degree and note (default 5: middle C).' },
  { name: 'mtranspose', doc: 'Modal transposition: added to degree, in scale steps.' },
  { name: 'ctranspose', doc: 'Chromatic transposition, in semitones.' },
  { name: 'gtranspose', doc: 'Gamut transposition, in steps of stepsPerOctave.' },
  { name: 'stepsPerOctave', doc: 'Steps in an octave (default 12).' },
  { name: 'note', doc: 'Semitones above the root\'s octave (instead of degree).' },
  { name: 'midinote', doc: 'MIDI note number (60 is middle C); instead of degree or note.' },
  { name: 'freq', doc: 'Frequency in Hz; instead of degree, note or midinote.' },
  { name: 'detune', doc: 'Hz added to freq.' },
  { name: 'harmonic', doc: 'Multiplies freq (default 1).' },
  { name: 'amp', doc: 'Amplitude, 0 to 1 (default 0.1).' },
  { name: 'db', doc: 'Amplitude in decibels (default -20); instead of amp.' },
  { name: 'velocity', doc: 'MIDI velocity 0-127 (sets amp).' },
  { name: 'pan', doc: 'Stereo position, -1 left to 1 right (default 0).' },
  { name: 'out', doc: 'The bus the synth writes to (default 0).' },
  { name: 'group', doc: 'The group (or its id) the synth is placed in.' },
  { name: 'addAction', doc: 'Where the synth goes in the group (0 head, 1 tail ...).' },
  { name: 'type', doc: 'The event type: \\note (default), \\rest, \\set, \\mono, \\midi, \\grain ...' },
  { name: 'strum', doc: 'Beats between the notes of a chord.' },
  { name: 'lag', doc: 'Seconds the event is delayed (not beats: tempo does not change it).' },
  { name: 'timingOffset', doc: 'Beats the event is delayed (moves with the tempo).' },
  { name: 'tempo', doc: 'Sets the clock\'s tempo, in beats per second.' },
  { name: 'isRest', doc: 'true: the event is a rest.' },
  { name: 'trig', doc: 'A trigger control set at the note (\\set events).' },
  { name: 'id', doc: 'The node id of the synth (\\set events act on it).' },
  { name: 'args', doc: 'The controls a \\set event sends.' },
  { name: 'callback', doc: 'A function evaluated with the event when it plays.' },
  { name: 'finish', doc: 'A function evaluated with the event before it plays.' },
  { name: 'server', doc: 'The server the event plays on (default Server.default).' },
  { name: 'latency', doc: 'Seconds between the language and the sound (default the server\'s).' },
  { name: 'chan', doc: 'MIDI channel (\\midi events).' },
  { name: 'midiout', doc: 'The MIDIOut a \\midi event plays through.' },
  { name: 'midicmd', doc: 'The MIDI message of a \\midi event (\\noteOn, \\control ...).' },
  { name: 'bufnum', doc: 'A buffer number, for SynthDefs that play one.' },
  { name: 'rate', doc: 'Playback rate, for SynthDefs that play a buffer.' },
  { name: 'gate', doc: 'The envelope gate (the event releases it after sustain).' },
  { name: 'sendGate', doc: 'false: no gate release (for synths that end by themselves).' },
];

/** Calls whose arguments are `\\key, value` pairs (Pdef(\\x, Pbind(...)) is a Pbind's). */
const PAIR_CALLS = /\b(Pbind|Pbindf|Pbindef|Pmono|PmonoArtic)\s*$/;

export type MusicCompletion =
  | { kind: 'eventKey'; prefix: string; instrument: string | undefined; used: string[] }
  | { kind: 'control'; prefix: string; synthDef: string; used: string[] };

/**
 * After a `\` in a key position: a Pbind's (Pbindef, Pdef(Pbind), Pmono) pairs → event keys and
 * the instrument's controls; `Synth(\name, [\` or `x.set(\` → the SynthDef's controls.
 * `before` is the masked code before the key's prefix, ending with the backslash.
 */
export function musicCompletion(text: string, offset: number): MusicCompletion | undefined {
  const { masked, inside } = maskedBefore(text, offset);
  // A symbol being typed is masked as a symbol: its prefix is the text after the backslash.
  if (inside !== 'symbol' && inside !== 'code') return undefined;
  const slash = /\\([A-Za-z0-9_]*)$/.exec(text.slice(Math.max(0, offset - 64), offset));
  if (!slash) return undefined;
  const prefix = slash[1];
  const before = masked.slice(0, masked.length - prefix.length - 1);
  const call = enclosingCall(before, text);
  if (!call) return undefined;
  const args = splitTopLevel(call.args);
  const position = args.length - 1;
  const current = args[position].trim();
  if (current !== '') return undefined;
  if (call.kind === 'pairs') {
    const pairs = call.firstArgument ? args.slice(1) : args;
    const keyPosition = call.firstArgument ? position - 1 : position;
    if (keyPosition < 0 || keyPosition % 2 !== 0) return undefined;
    const used: string[] = [];
    let instrument = call.firstArgument === 'instrument' ? symbolName(originalOf(text, call, args, 0)) : undefined;
    for (let i = 0; i < keyPosition; i += 2) {
      const key = /^\s*\\([A-Za-z0-9_]+)|^\s*([a-z][A-Za-z0-9_]*)\s*:/.exec(originalOf(text, call, pairs, i));
      const name = key?.[1] ?? key?.[2];
      if (!name) continue;
      used.push(name);
      if (name === 'instrument') instrument = symbolName(originalOf(text, call, pairs, i + 1));
    }
    return { kind: 'eventKey', prefix, instrument, used };
  }
  // Synth(\name, [\key, value, ...]) and x.set(\key, value, ...): keys at even positions.
  if (position % 2 !== 0) return undefined;
  const used = args.slice(0, position).map((_, i) => (i % 2 === 0 ? symbolName(originalOf(text, call, args, i)) : undefined)).filter((name): name is string => !!name);
  return { kind: 'control', prefix, synthDef: call.synthDef ?? '', used };
}

interface EnclosingCall {
  kind: 'pairs' | 'controls';
  /** Offset in the text where the argument list starts. */
  argsStart: number;
  /** The masked argument list up to the cursor. */
  args: string;
  /** What a first argument before the pairs is, if the call has one. */
  firstArgument?: 'instrument' | 'other';
  synthDef?: string;
}

/** The pair-taking call (Pbind ...) or control list (Synth(\name, [ ... ; .set( ...) around the end of `masked`. */
function enclosingCall(masked: string, text: string): EnclosingCall | undefined {
  let depth = 0;
  for (let i = masked.length - 1; i >= 0 && masked.length - i < 20_000; i--) {
    const c = masked[i];
    if (c === ')' || c === ']' || c === '}') depth++;
    else if (c === '(' || c === '[' || c === '{') {
      if (depth > 0) {
        depth--;
        continue;
      }
      if (c === '{') return undefined;
      const head = masked.slice(Math.max(0, i - 200), i);
      const originalHead = text.slice(Math.max(0, i - 200), i);
      const args = masked.slice(i + 1);
      const pairs = c === '(' ? PAIR_CALLS.exec(head) : null;
      // Pbindef's first argument is its name, Pbindf's a pattern, Pmono's the instrument.
      if (pairs) return { kind: 'pairs', argsStart: i + 1, args, firstArgument: pairs[1] === 'Pbind' ? undefined : pairs[1].startsWith('Pmono') ? 'instrument' : 'other' };
      if (c === '(' && /\.\s*set\s*$/.test(head)) {
        const receiver = head.replace(/\.\s*set\s*$/, '');
        return { kind: 'controls', argsStart: i + 1, args, synthDef: synthOfVariable(masked.slice(0, i), text, receiver) };
      }
      if (c === '[') {
        // Symbols are blanked in the masked head: its shape from there, the name from the text.
        const synth = /\bSynth(?:\.(?:new|head|tail|before|after|replace|newPaused))?\s*\(\s*\\[A-Za-z0-9_ ]*,\s*$/.exec(head);
        const name = synth && /\\([A-Za-z0-9_]+)\s*,\s*$/.exec(originalHead);
        if (name) return { kind: 'controls', argsStart: i + 1, args, synthDef: name[1] };
      }
      return undefined;
    } else if (c === ';' && depth === 0) return undefined;
  }
  return undefined;
}

/** The SynthDef of `x` in `x.set(`: from `x = Synth(\name ...)`. */
function synthOfVariable(masked: string, text: string, head: string): string | undefined {
  const name = /(~?[a-z][A-Za-z0-9_]*)\s*$/.exec(head)?.[1];
  if (!name) return undefined;
  const pattern = new RegExp(`(?:^|[^A-Za-z0-9_.\\\\~])${name.replace('~', '\\~')}\\s*=\\s*Synth(?:\\.\\w+)?\\s*\\(\\s*\\\\`, 'g');
  let last = -1;
  for (const match of masked.matchAll(pattern)) last = match.index + match[0].length;
  return last < 0 ? undefined : /^[A-Za-z0-9_]+/.exec(text.slice(last))?.[0];
}

/** Arguments at the top level of a (masked) argument list. */
function splitTopLevel(args: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < args.length; i++) {
    const c = args[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(args.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(args.slice(start));
  return parts;
}

/** The original text of the `index`th pair argument (symbols are blanked in the masked text). */
function originalOf(text: string, call: EnclosingCall, pairs: string[], index: number): string {
  const all = splitTopLevel(call.args);
  const skip = all.length - pairs.length;
  let start = call.argsStart;
  for (let i = 0; i < skip + index; i++) start += all[i].length + 1;
  return text.slice(start, start + all[skip + index].length);
}

/** The name of a `\name` or `'name'` argument (original text). */
function symbolName(arg: string): string | undefined {
  const symbol = /^\s*\\([A-Za-z0-9_]+)|^\s*'([^']+)'/.exec(arg);
  return symbol ? symbol[1] ?? symbol[2] : undefined;
}

// ---- SynthDef controls from source ------------------------------------------------------------------

export interface SynthControl {
  name: string;
  /** The default as written (`440`, `0.1`), if any. */
  defaultValue: string | undefined;
}

/**
 * The controls of each SynthDef in `text` (or only of the one named `onlyName`): the arguments of its function (`|freq = 440, amp|`,
 * `arg freq = 440;`) and its named controls (`\freq.kr(440)`, `NamedControl.kr(\freq, 440)`).
 */
export function synthDefControls(text: string, onlyName?: string): Map<string, SynthControl[]> {
  const result = new Map<string, SynthControl[]>();
  // Found in the raw text, then each definition masked on its own: the cost follows the
  // SynthDefs' length, not the file's (a `SynthDef(` inside a comment counts too; harmless here).
  const name = onlyName?.replace(/[^A-Za-z0-9_]/g, '');
  const pattern = new RegExp(`\\bSynthDef(?:\\.new)?\\s*\\(\\s*(?:\\\\(${onlyName ? name : '[A-Za-z0-9_]+'})(?![A-Za-z0-9_])|'(${onlyName ? name : "[^'\\n]+"})')`, 'g');
  for (const match of text.matchAll(pattern)) {
    const defName = match[1] ?? match[2];
    const from = match.index + match[0].length;
    const { masked } = maskCode(text.slice(from, from + 50_000));
    const brace = masked.indexOf('{');
    if (brace < 0 || /[;)]/.test(masked.slice(0, brace))) continue;
    const end = matchingClose(masked, brace);
    const body = masked.slice(brace + 1, end);
    const source = text.slice(from + brace + 1, from + end);
    const controls: SynthControl[] = [];
    const add = (control: string, defaultValue: string | undefined) => {
      if (!controls.some((c) => c.name === control)) controls.push({ name: control, defaultValue: defaultValue?.trim() || undefined });
    };
    const args = /^\s*(?:\|([^|]*)\||arg\b([^;]*);)/.exec(body);
    if (args) {
      const list = args[1] ?? args[2];
      const offset = body.indexOf(list);
      let at = 0;
      for (const part of splitTopLevel(list)) {
        const arg = /^\s*([a-z][A-Za-z0-9_]*)\s*(?:=\s*)?/.exec(part);
        if (arg) add(arg[1], /=\s*$/.test(arg[0]) ? source.slice(offset + at + arg[0].length, offset + at + part.length) : undefined);
        at += part.length + 1;
      }
    }
    // Named controls: `\freq.kr(440)`, `NamedControl.kr(\freq, 440)` (read from the source: the mask blanks symbols).
    const code = source.replace(/\/\/[^\n]*/g, '');
    for (const named of code.matchAll(/\\([a-z][A-Za-z0-9_]*)\s*\.\s*(?:kr|ar|ir|tr)\s*(?:\(\s*([^,()]*))?/g)) add(named[1], named[2]);
    for (const named of code.matchAll(/\bNamedControl\s*\.\s*(?:kr|ar|ir|tr)\s*\(\s*\\([a-z][A-Za-z0-9_]*)\s*(?:,\s*([^,()]*))?/g)) add(named[1], named[2]);
    result.set(defName, controls);
  }
  return result;
}

function matchingClose(masked: string, open: number): number {
  let depth = 0;
  for (let i = open; i < masked.length; i++) {
    const c = masked[i];
    if (c === '{' || c === '(' || c === '[') depth++;
    else if (c === '}' || c === ')' || c === ']') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return masked.length;
}
