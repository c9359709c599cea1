import { strict as assert } from 'node:assert';
import { GroupNode, TreeParseError, countNodes, formatControlValue, formatTree, parseDumpTree, parseQueryTreeReply } from '../../src/core/server/nodeTree';
import type { OscValue } from '../../src/core/osc/oscCodec';

// Real scsynth 3.13 /g_dumpTree 0 1 output (sclang client 0, this client 1, 7 = maxLogins - 1).
const DUMP = [
  'NODE TREE Group 0',
  '   469762049 group',
  '   67108865 group',
  '      67109864 sclive_sine',
  '        freq: 330 amp: 0.10000000149012 out: 0 pan: 0 gate: 1',
  '   1 group',
  '   67109865 sclive_volume_2ch',
  '     bus: 0 volumeAmp: 0.50118720531464 volumeLag: 0.10000000149012 gate: 1',
];

const DUMP_TREE: GroupNode = {
  kind: 'group',
  nodeId: 0,
  children: [
    { kind: 'group', nodeId: 469762049, children: [] },
    {
      kind: 'group',
      nodeId: 67108865,
      children: [
        {
          kind: 'synth',
          nodeId: 67109864,
          defName: 'sclive_sine',
          controls: [['freq', 330], ['amp', 0.10000000149012], ['out', 0], ['pan', 0], ['gate', 1]],
        },
      ],
    },
    { kind: 'group', nodeId: 1, children: [] },
    {
      kind: 'synth',
      nodeId: 67109865,
      defName: 'sclive_volume_2ch',
      controls: [['bus', 0], ['volumeAmp', 0.50118720531464], ['volumeLag', 0.10000000149012], ['gate', 1]],
    },
  ],
};

describe('parseQueryTreeReply', () => {
  it('parses nested groups without controls', () => {
    // Root 0: group 1 { synth 1000 sine, group 2 { synth 1001 saw } }, group 3 {}.
    const args: OscValue[] = [0, 0, 2, 1, 2, 1000, -1, 'sine', 2, 1, 1001, -1, 'saw', 3, 0];
    assert.deepEqual(parseQueryTreeReply(args), {
      kind: 'group',
      nodeId: 0,
      children: [
        {
          kind: 'group',
          nodeId: 1,
          children: [
            { kind: 'synth', nodeId: 1000, defName: 'sine' },
            { kind: 'group', nodeId: 2, children: [{ kind: 'synth', nodeId: 1001, defName: 'saw' }] },
          ],
        },
        { kind: 'group', nodeId: 3, children: [] },
      ],
    });
  });

  it('parses synth controls, including a bus mapping string such as "c12"', () => {
    const args: OscValue[] = [
      1, 0, 2,
      67108865, 1, 67109864, -1, 'sclive_sine', 3, 'freq', 330, 'amp', 'c12', 'out', 0,
      67109865, -1, 'sclive_volume_2ch', 0,
    ];
    assert.deepEqual(parseQueryTreeReply(args), {
      kind: 'group',
      nodeId: 0,
      children: [
        {
          kind: 'group',
          nodeId: 67108865,
          children: [{ kind: 'synth', nodeId: 67109864, defName: 'sclive_sine', controls: [['freq', 330], ['amp', 'c12'], ['out', 0]] }],
        },
        { kind: 'synth', nodeId: 67109865, defName: 'sclive_volume_2ch', controls: [] },
      ],
    });
  });

  it('parses an empty group reply', () => {
    assert.deepEqual(parseQueryTreeReply([0, 5, 0]), { kind: 'group', nodeId: 5, children: [] });
  });

  it('throws TreeParseError on truncated replies', () => {
    const full: OscValue[] = [1, 0, 1, 1000, -1, 'sine', 2, 'freq', 440, 'amp', 0.1];
    parseQueryTreeReply(full); // the whole reply parses
    for (let length = 0; length < full.length; length++) {
      assert.throws(() => parseQueryTreeReply(full.slice(0, length)), TreeParseError, `length ${length}`);
    }
    // A group announcing more children than the reply holds.
    assert.throws(() => parseQueryTreeReply([0, 0, 3, 1, 0, 2, 0]), /reply ended/);
  });

  it('throws TreeParseError on wrong types and on a synth as the root', () => {
    assert.throws(() => parseQueryTreeReply([0, 0, 1, 1000, -1, 42]), TreeParseError);
    assert.throws(() => parseQueryTreeReply([0, 0, 'x']), TreeParseError);
    assert.throws(() => parseQueryTreeReply([0, 0, 1.5]), TreeParseError);
    assert.throws(() => parseQueryTreeReply([0, 0, -2]), TreeParseError);
    assert.throws(() => parseQueryTreeReply([0, 1000, -1, 'sine']), /not a group/);
  });
});

describe('parseDumpTree', () => {
  it('parses real scsynth 3.13 output', () => {
    assert.deepEqual(parseDumpTree(DUMP), DUMP_TREE);
  });

  it('skips lines before the header and stops at a line that is not part of the tree', () => {
    const lines = ['SuperCollider 3 server ready.', ...DUMP, 'FAILURE IN SERVER /n_set Node 5 not found', '   2000 stray'];
    assert.deepEqual(parseDumpTree(lines), DUMP_TREE);
  });

  it('keeps bus-mapped control values as strings', () => {
    const tree = parseDumpTree(['NODE TREE Group 0', '   1000 sine', '     freq: c12 amp: 0.5']);
    assert.deepEqual(tree, { kind: 'group', nodeId: 0, children: [{ kind: 'synth', nodeId: 1000, defName: 'sine', controls: [['freq', 'c12'], ['amp', 0.5]] }] });
  });

  it('returns undefined when there is no tree header', () => {
    assert.equal(parseDumpTree(['SuperCollider 3 server ready.']), undefined);
    assert.equal(parseDumpTree([]), undefined);
  });
});

describe('countNodes and formatTree', () => {
  it('counts synths and groups (the root is a group)', () => {
    assert.deepEqual(countNodes(DUMP_TREE), { synths: 2, groups: 4 });
    assert.deepEqual(countNodes({ kind: 'group', nodeId: 0, children: [] }), { synths: 0, groups: 1 });
  });

  it('formats like scsynth dumps, float32 values as their shortest decimal', () => {
    assert.deepEqual(formatTree(DUMP_TREE).split('\n'), [
      'NODE TREE Group 0',
      '   469762049 group',
      '   67108865 group',
      '      67109864 sclive_sine',
      '        freq: 330 amp: 0.1 out: 0 pan: 0 gate: 1',
      '   1 group',
      '   67109865 sclive_volume_2ch',
      '     bus: 0 volumeAmp: 0.5011872 volumeLag: 0.1 gate: 1',
    ]);
  });

  it('parses its own output back to the same tree, up to float32', () => {
    const reparsed = parseDumpTree(formatTree(DUMP_TREE).split('\n'));
    assert.ok(reparsed);
    const asFloat32 = (tree: GroupNode): unknown =>
      JSON.parse(JSON.stringify(tree), (_key, value: unknown) => (typeof value === 'number' ? Math.fround(value) : value));
    assert.deepEqual(asFloat32(reparsed), asFloat32(DUMP_TREE));
    assert.deepEqual(countNodes(reparsed), countNodes(DUMP_TREE));
  });

  it('formatControlValue prints the shortest decimal of the float32 and leaves the rest alone', () => {
    assert.equal(formatControlValue(0.07999999821186066), '0.08');
    assert.equal(formatControlValue(0.10000000149012), '0.1');
    assert.equal(formatControlValue(440), '440');
    assert.equal(formatControlValue(-3), '-3');
    assert.equal(formatControlValue(1e-7), '1e-7');
    assert.equal(formatControlValue('c12'), 'c12');
    assert.equal(formatControlValue(Infinity), 'Infinity');
    for (const value of [0.2, 1 / 3, 0.7071067811865476, 12345.678, 3.4e38, 1.17549435e-38]) {
      const single = Math.fround(value);
      const text = formatControlValue(single);
      assert.equal(Math.fround(Number(text)), single, `${value} printed as ${text}`);
    }
  });

  it('formats a synth without controls on one line', () => {
    assert.equal(
      formatTree({ kind: 'group', nodeId: 0, children: [{ kind: 'group', nodeId: 1, children: [{ kind: 'synth', nodeId: 1000, defName: 'sine' }] }] }),
      'NODE TREE Group 0\n   1 group\n      1000 sine',
    );
  });
});
