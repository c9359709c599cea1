// The SynthDefs sclang knows (its SynthDescLib: the ones added, sclang's own, those read from
// disk), with their controls and defaults, read through the running sclang in one quiet query.
import type { SynthControl } from './musicContext';

/**
 * One record per SynthDesc, `name<US>control=default<US>control=default...`, records apart by
 * ASCII 30 and fields by ASCII 31 (never in a name or a compile string; the result is posted on
 * one line). JITLib's own `system_` defs are left out.
 */
export const SYNTH_DESC_QUERY = [
  '(var field = 31.asAscii.asString, out = List.new;',
  'SynthDescLib.global.synthDescs.keysValuesDo { |name, desc|',
  'if(name.asString.beginsWith("system_").not) {',
  'out.add(([name.asString] ++ desc.controls.reject { |c| c.name.isNil or: { c.name.asString.beginsWith("?") } }',
  '.collect { |c| c.name.asString ++ "=" ++ (c.defaultValue ? 0).round(0.0001).asCompileString }).join(field)) } };',
  'out.join(30.asAscii.asString))',
].join(' ');

/** The answer of SYNTH_DESC_QUERY: SynthDef name → its controls. */
export function parseSynthDescs(result: string): Map<string, SynthControl[]> {
  const descs = new Map<string, SynthControl[]>();
  for (const record of result.split('\u001e')) {
    const [name, ...fields] = record.trim().split('\u001f');
    if (!name) continue;
    const controls: SynthControl[] = [];
    for (const entry of fields) {
      const eq = entry.indexOf('=');
      if (eq <= 0) continue;
      const control = entry.slice(0, eq);
      if (!controls.some((c) => c.name === control)) controls.push({ name: control, defaultValue: entry.slice(eq + 1) || undefined });
    }
    descs.set(name, controls);
  }
  return descs;
}
