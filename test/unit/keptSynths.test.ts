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
    treeRow: () => ({ label: name, description: '', icon: 'pulse', tooltip: name }),
    dispose() {
      calls.push(`dispose ${name}`);
    },
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
    await scope.apply();
    assert.deepEqual(meters.place(), { addAction: AddAction.before, target: scope.id });
    await meters.apply();
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
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.deepEqual(calls, ['apply meters']);
    assert.notEqual(meters.id, freed);
  });

  it('puts back what another client freed all at once in order, once the rest of the same free has arrived: the volume before live meters, never before a dead one', async () => {
    const calls: string[] = [];
    const volume = keeper('volume', calls);
    const meters = keeper('meters', calls);
    const recording = keeper('recording', calls);
    const pending: Array<() => void> = [];
    const set = new KeptSynthSet([volume, meters, recording], silentLogger, {
      setTimeout: (callback) => pending.push(callback),
      clearTimeout: () => undefined,
    });
    // The volume places itself before the first later synth it finds, as the real one does.
    const placedBefore: Array<number | undefined> = [];
    const applyVolume = volume.apply.bind(volume);
    volume.apply = () => {
      const place = volume.place();
      placedBefore.push(place.addAction === AddAction.before ? place.target : undefined);
      return applyVolume();
    };
    await set.applyAll();
    calls.length = 0;
    placedBefore.length = 0;
    const oldMeters = meters.id!;
    // sclang's Cmd-.: /n_end of the volume, then the meters, then the recording.
    set.nodeEnded(volume.id!);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(calls, [], 'the volume waits for the rest of the free');
    set.nodeEnded(oldMeters);
    set.nodeEnded(recording.id!);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(calls, ['apply recording'], 'the recording (last, at the tail) goes back at once');
    assert.equal(pending.length, 1, 'one wait for the rest');
    pending[0]();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(calls, ['apply recording', 'apply volume', 'apply meters']);
    assert.notEqual(placedBefore[0], oldMeters, 'the volume is not placed before the freed meters');
  });

  it('forgets them all on Free All, and ends them all with the run', () => {
    const calls: string[] = [];
    const set = new KeptSynthSet([keeper('volume', calls), keeper('recording', calls)], silentLogger);
    set.forgetAll();
    set.runEnded();
    assert.deepEqual(calls, ['forget volume', 'forget recording', 'runEnded volume', 'runEnded recording']);
  });
});
