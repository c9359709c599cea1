// Completion that knows the music: an assigned variable's class, a Pbind's event keys and a
// SynthDef's controls, asked of the real VS Code and then seen in the drawn suggestion list.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { SuperColliderLiveApi } from '../../../src/extension/extension';
import type { CompletionCase } from '../pageChecks/complete';
import { activateExtension, pageCheckedByRunner, waitFor } from './runnerHandshake';

const LINES = [
  'SynthDef(\\bass, { |out = 0, freq = 440, cutoff = 1200, amp = 0.1| Out.ar(out, RLPF.ar(Saw.ar(freq), cutoff) * amp) }).add;',
  '~x = [1, 2];',
  '~x.',
  'var sig = SinOsc.ar(440); sig.',
  'a = Pbind(\\',
  'Pbind(\\instrument, \\bass, \\',
  'Synth(\\bass, [\\',
  'x = Synth(\\bass); x.',
  'Synth(\\sclivezap, [\\',
];

function labelsOf(list: vscode.CompletionList): string[] {
  const sorted = [...list.items].sort((a, b) => (a.sortText ?? labelOf(a)).localeCompare(b.sortText ?? labelOf(b)));
  return sorted.map(labelOf);
}

function labelOf(item: vscode.CompletionItem): string {
  return typeof item.label === 'string' ? item.label : item.label.label;
}

describe('Completion that knows the music', function () {
  this.timeout(120_000);
  let api: SuperColliderLiveApi;
  let document: vscode.TextDocument;

  before(async () => {
    api = await activateExtension();
    const index = await api.classIndex.ready();
    assert.ok(index && index.classCount > 1000, 'the class library index is there');
    document = await vscode.workspace.openTextDocument({ language: 'supercollider', content: LINES.join('\n') + '\n' });
    await vscode.window.showTextDocument(document);
  });

  after(async () => {
    // Leave no dirty untitled editor behind for the next suite file.
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  const complete = async (line: number, typed = '') => {
    if (typed) {
      const editor = vscode.window.activeTextEditor!;
      await editor.edit((edit) => edit.insert(new vscode.Position(line, LINES[line].length), typed));
    }
    try {
      const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, new vscode.Position(line, LINES[line].length + typed.length));
      return { labels: labelsOf(list), items: list.items };
    } finally {
      if (typed) {
        const editor = vscode.window.activeTextEditor!;
        await editor.edit((edit) => edit.delete(new vscode.Range(line, LINES[line].length, line, LINES[line].length + typed.length)));
      }
    }
  };

  it('after ~x. (assigned [1, 2]): only what an Array understands, its own methods first', async () => {
    const { labels } = await complete(2);
    assert.ok(labels.includes('scramble') && labels.includes('collect'), `Array methods: ${labels.slice(0, 10).join(', ')}`);
    assert.ok(!labels.includes('ar') && !labels.includes('sampleRate'), 'no methods an Array does not understand');
    const index = api.classIndex.index!;
    assert.equal(index.respondingMethod('Array', labels[0], false)?.owner, 'Array', `the list opens with Array's own method: ${labels[0]}`);
  });

  it('after sig. (var sig = SinOsc.ar(440)): a SinOsc\'s methods (range, its UGen methods)', async () => {
    const { labels } = await complete(3);
    assert.ok(labels.includes('range') && labels.includes('madd'), `UGen methods: ${labels.slice(0, 10).join(', ')}`);
    assert.ok(!labels.includes('scramble'), 'not an Array\'s');
  });

  it('after x. (x = Synth(\\bass)): a Synth\'s methods', async () => {
    const { labels } = await complete(7);
    assert.ok(labels.includes('set') && labels.includes('release') && !labels.includes('scramble'), labels.slice(0, 10).join(', '));
  });

  it('after Pbind(\\ : the event keys, each with what it does', async () => {
    const { labels, items } = await complete(4);
    for (const key of ['dur', 'degree', 'legato', 'amp', 'instrument', 'pan', 'octave', 'scale']) assert.ok(labels.includes(key), `${key} in ${labels.join(', ')}`);
    const legato = items.find((item) => labelOf(item) === 'legato')!;
    const documentation = legato.documentation;
    assert.match(typeof documentation === 'string' ? documentation : documentation?.value ?? '', /fraction of dur/);
  });

  it('after \\instrument, \\bass, \\ : bass\'s controls first, then the event keys not given yet', async () => {
    const { labels, items } = await complete(5);
    assert.deepEqual(labels.slice(0, 4), ['amp', 'cutoff', 'freq', 'out'], labels.join(', '));
    assert.ok(labels.includes('dur') && !labels.includes('instrument'), 'event keys after, instrument already given');
    assert.equal(items.find((item) => labelOf(item) === 'cutoff')!.detail, 'bass control = 1200');
  });

  it('after Synth(\\bass, [\\ : bass\'s controls', async () => {
    const { labels } = await complete(6);
    assert.deepEqual(labels, ['amp', 'cutoff', 'freq', 'out']);
  });

  it('after Synth(\\sclivezap, [\\ : the controls sclang\'s SynthDescLib holds for a SynthDef in no open file', async () => {
    const added = await api.sclang.evaluate('SynthDef(\\sclivezap, { |out = 0, freq = 220| Out.ar(out, SinOsc.ar(freq) * \\shimmer.kr(0.5)) }).add; 1');
    assert.equal(added.status, 'ok', added.output.join('\n'));
    // The first request reads sclang in the background (completion never waits for it): ask again until it is there.
    const labels = await waitFor('sclivezap\'s controls from sclang', async () => {
      const found = (await complete(8)).labels;
      return found.includes('shimmer') && found;
    }, 20_000);
    assert.deepEqual(labels, ['freq', 'out', 'shimmer']);
  });

  it('the rendered suggestion list opens with them', async () => {
    const cases: CompletionCase[] = [
      // Without the assignment read, `s` lists every selector from `s` on (s, s_, ...).
      { line: LINES[2], typed: 's', first: 'scope', absent: ['s', 's_', 'sampleRate'] },
      { line: LINES[3], typed: 'ran', first: 'range', absent: [] },
      { line: LINES[4], typed: 'd', first: 'dur', absent: [] },
      // The control before the event keys (ctranspose, callback, chan come after).
      { line: LINES[5], typed: 'c', first: 'cutoff', absent: [] },
      { line: LINES[6], typed: 'c', first: 'cutoff', absent: ['ctranspose'] },
      { line: LINES[8], typed: 'sh', first: 'shimmer', absent: [] },
    ];
    await pageCheckedByRunner('music completion', { cases });
  });
});
