import { strict as assert } from 'node:assert';
import { silentLogger } from '../../src/core/events';
import type { OscMessage } from '../../src/core/osc/oscCodec';
import { KeptSynthSet, KeptSynths, TAIL_OF_ROOT } from '../../src/core/server/keptSynths';
import { AddAction } from '../../src/core/scsynth/scsynthCommands';

let nextBase = 1000;

/** A keeper of one synth (ids of its own) that records what is asked of it. */
function keeper(name: string, calls: string[]): KeptSynths & { id: number | undefined } {
  let next = (nextBase += 1000);
  const k = {
    what: name,
    id: undefined as number | undefined,
    get synthIds() {
      return k.id === undefined ? [] : [k.id];
    },
    apply() {
      calls.push(`apply ${name}`);
      if (k.id === undefined) k.id = next++;
    },
    forget() {
      calls.push(`forget ${name}`);
      k.id = undefined;
    },
    runEnded() {
      calls.push(`runEnded ${name}`);
      k.id = undefined;
    },
    nodeEnded(nodeId: number) {
      if (nodeId !== k.id) return false;
      k.id = undefined;
      return true;
    },
    recreateMessages(): OscMessage[] {
      k.id = next++;
      return [{ address: '/s_new', args: [name] }];
    },
    place: () => TAIL_OF_ROOT,
  };
  return k;
}

describe('KeptSynthSet', () => {
  it('puts them on the server in order (the volume first, at the tail), and back after Hush in the same order', async () => {
    const calls: string[] = [];
    const set = new KeptSynthSet([keeper('volume', calls), keeper('meters', calls)], silentLogger);
    await set.applyAll();
    assert.deepEqual(calls, ['apply volume', 'apply meters']);
    assert.deepEqual(set.recreateMessages().map((m) => m.args[0]), ['volume', 'meters']);
    assert.equal(set.synthIds.length, 2);
  });

  it('places a keeper started late before the keepers after it (the volume before meters already running)', async () => {
    const calls: string[] = [];
    const volume = keeper('volume', calls);
    const meters = keeper('meters', calls);
    const scope = keeper('scope', calls);
    new KeptSynthSet([volume, meters, scope], silentLogger);
    assert.deepEqual(volume.place(), TAIL_OF_ROOT, 'nothing runs yet: the tail');
    scope.apply();
    assert.deepEqual(meters.place(), { addAction: AddAction.before, target: scope.id });
    meters.apply();
    assert.deepEqual(volume.place(), { addAction: AddAction.before, target: meters.id });
    assert.deepEqual(scope.place(), TAIL_OF_ROOT);
  });

  it('puts back only the one another client freed', async () => {
    const calls: string[] = [];
    const volume = keeper('volume', calls);
    const meters = keeper('meters', calls);
    const set = new KeptSynthSet([volume, meters], silentLogger);
    await set.applyAll();
    calls.length = 0;
    const freed = meters.id!;
    set.nodeEnded(freed);
    set.nodeEnded(99999);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(calls, ['apply meters']);
    assert.notEqual(meters.id, freed);
  });

  it('forgets them all on Free All, and ends them all with the run', () => {
    const calls: string[] = [];
    const set = new KeptSynthSet([keeper('volume', calls), keeper('recording', calls)], silentLogger);
    set.forgetAll();
    set.runEnded();
    assert.deepEqual(calls, ['forget volume', 'forget recording', 'runEnded volume', 'runEnded recording']);
  });
});
