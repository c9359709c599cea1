import { strict as assert } from 'node:assert';
import { ATTRIBUTION_GRACE_MS, LATE_SYNTH_MS, SoundingBlocks, marksByFile, soundingCount } from '../../src/core/sclang/soundingBlocks';

describe('sounding blocks (which evaluated block sounds)', () => {
  let now = 0;
  const blocks = () => new SoundingBlocks<string>(() => now);
  const counts = (b: SoundingBlocks<string>) => b.sounding().map((block) => `${block.location}:${soundingCount(block)}`);
  const nodes = (evaluationId: number, from: number, to: number) => [{ evaluationId, from, to }];

  beforeEach(() => (now = 0));

  it('counts the synths started while a block was evaluated (and just after) to it for the time being, until they end', () => {
    const b = blocks();
    const key = b.begin('a.scd:3');
    b.synthStarted(1001);
    b.end(key, 7);
    now += ATTRIBUTION_GRACE_MS - 1;
    b.synthStarted(1002);
    assert.deepEqual(counts(b), ['a.scd:3:2']);
    b.synthEnded(1001);
    assert.deepEqual(counts(b), ['a.scd:3:1']);
    b.synthEnded(1002);
    assert.deepEqual(counts(b), []);
  });

  it('gives a synth back that another player started meanwhile, once sclang tells the node ids the evaluation allocated', () => {
    const b = blocks();
    const key = b.begin('a.scd:3');
    b.synthStarted(990); // a Pdef playing on from before: its id was not allocated by this evaluation
    b.synthStarted(1001);
    b.end(key, 4);
    b.synthStarted(995); // just after, also the Pdef's
    assert.deepEqual(counts(b), ['a.scd:3:3'], 'for the time being');
    assert.deepEqual(b.stateRead([], nodes(4, 1001, 1002)), []);
    assert.deepEqual(b.sounding().map((block) => [...block.synths]), [[1001]]);
    b.synthStarted(996);
    assert.deepEqual(counts(b), ['a.scd:3:1'], 'the Pdef\'s next synth is not the block\'s');
  });

  it('counts a synth of the block\'s node ids whenever it starts (its SynthDef loaded late), and one whose /n_go came before the ids were told', () => {
    const b = blocks();
    const key = b.begin('a.scd:1');
    b.end(key, 5);
    now += ATTRIBUTION_GRACE_MS + 100;
    b.synthStarted(1001); // past the grace, before sclang told
    assert.deepEqual(counts(b), []);
    b.stateRead([], nodes(5, 1001, 1003));
    assert.deepEqual(counts(b), ['a.scd:1:1']);
    now += 1000;
    b.synthStarted(1002);
    b.synthStarted(1003); // allocated after the evaluation (a pattern of someone's)
    assert.deepEqual(b.sounding().map((block) => [...block.synths].sort()), [[1001, 1002]]);
  });

  it('gives each synth to the evaluation that ran when it started', () => {
    const b = blocks();
    const first = b.begin('a.scd:1');
    b.synthStarted(1);
    b.end(first, 1);
    const second = b.begin('a.scd:9');
    b.synthStarted(2);
    b.synthStarted(3);
    b.end(second, 2);
    assert.deepEqual(counts(b), ['a.scd:1:1', 'a.scd:9:2']);
    b.stateRead([], [...nodes(1, 1, 2), ...nodes(2, 2, 4)]);
    assert.deepEqual(counts(b), ['a.scd:1:1', 'a.scd:9:2']);
  });

  it('gives a synth started past the grace to no block, and forgets a silent block that allocated nothing', () => {
    const b = blocks();
    const key = b.begin('a.scd:1');
    b.end(key, 9);
    now += ATTRIBUTION_GRACE_MS + 1;
    b.stateRead([], nodes(9, 1000, 1000));
    b.synthStarted(1003);
    assert.deepEqual(counts(b), []);
    assert.equal(b.size, 0);
  });

  it('counts the player an evaluation returned while sclang says it plays; forgets the silent block then', () => {
    const b = blocks();
    const key = b.begin('p.scd:2');
    b.end(key, 12);
    b.stateRead([{ evaluationId: 12, what: 'an EventStreamPlayer' }], nodes(12, 1000, 1000));
    assert.deepEqual(counts(b), ['p.scd:2:1']);
    b.stateRead([]);
    assert.deepEqual(counts(b), []);
    assert.equal(b.size, 0);
  });

  it('without node ids from sclang (another allocator), goes by time: judged after two reads, synths in the grace counted', () => {
    const b = blocks();
    const key = b.begin('p.scd:2');
    b.end(key, 13);
    b.synthStarted(5);
    b.stateRead([]);
    b.synthStarted(6);
    b.stateRead([]);
    assert.deepEqual(counts(b), ['p.scd:2:2']);
    b.synthEnded(5);
    b.synthEnded(6);
    assert.equal(b.size, 1, 'kept during its grace');
    now += ATTRIBUTION_GRACE_MS + 1;
    b.synthStarted(7);
    assert.deepEqual(counts(b), []);
    assert.equal(b.size, 0);
  });

  it('Stop takes what the block holds, and stops its synths that start later, even before sclang told its node ids', () => {
    const b = blocks();
    const key = b.begin('x.scd:0');
    b.synthStarted(1001);
    b.end(key, 3);
    b.stateRead([{ evaluationId: 3, what: "Pdef('mel')" }], nodes(3, 1001, 1003));
    assert.deepEqual(b.take(key), { synths: [1001], evaluationId: 3 });
    assert.deepEqual(counts(b), []);
    assert.equal(b.take(key), undefined);
    assert.equal(b.synthStarted(1002), true, 'its late synth: to free');
    assert.equal(b.synthStarted(1003), false);

    const other = b.begin('y.scd:0');
    b.end(other, 8);
    now += ATTRIBUTION_GRACE_MS + 1;
    b.take(other);
    b.synthStarted(2001); // came before its ids were told
    assert.deepEqual(b.stateRead([], nodes(8, 2001, 2003)), [2001]);
    assert.equal(b.synthStarted(2002), true);
    now += LATE_SYNTH_MS + 1;
    assert.equal(b.synthStarted(2002), false, 'not forever');
  });

  it('keeps only the synths still alive after a resync or when the server is gone; sclang gone ends the players', () => {
    const b = blocks();
    const key = b.begin('x.scd:0');
    b.synthStarted(1);
    b.synthStarted(2);
    b.end(key, 4);
    b.stateRead([{ evaluationId: 4, what: 'a Routine' }], nodes(4, 1, 3));
    b.synthsAlive((id) => id === 2);
    assert.deepEqual(counts(b), ['x.scd:0:2']);
    b.synthsAlive(() => false);
    assert.deepEqual(counts(b), ['x.scd:0:1']);
    b.sclangGone();
    assert.deepEqual(counts(b), []);
    assert.equal(b.size, 0);
  });

  it('draws one mark per line of a file, adding up the blocks evaluated there', () => {
    const b = new SoundingBlocks<{ uri: string; line: number }>(() => now);
    for (const [line, id] of [[3, 1], [3, 2], [9, 3]]) {
      const key = b.begin({ uri: 'file:///a.scd', line });
      b.synthStarted(id);
      b.end(key, id);
    }
    const marks = marksByFile(b.sounding()).get('file:///a.scd')!;
    assert.deepEqual(marks.map((m) => [m.line, m.count, m.blocks.length]), [[3, 2, 2], [9, 1, 1]]);
  });
});
