import { strict as assert } from 'node:assert';
import type { OscMessage } from '../../src/core/osc/oscCodec';
import { LevelMeters, describeLevel, formatLevel } from '../../src/core/meters/levelMeters';

function meters(numOutputBuses: number, numInputBuses: number) {
  const sent: OscMessage[] = [];
  let nextId = 2000;
  const value = new LevelMeters({ canSend: true, numOutputBuses, numInputBuses, synthdefsLoaded: Promise.resolve(), allocateNodeId: () => nextId++, send: (m) => void sent.push(m) });
  return { meters: value, sent };
}

describe('LevelMeters', () => {
  it('covers 3 outputs and 2 inputs (buses 0..4) with as few of the shipped meters as fit: 4 + 1 channels', async () => {
    const { meters: m, sent } = meters(3, 2);
    await m.start(24);
    assert.deepEqual(sent.map((s) => s.args[0]), ['sclive_meter_4ch', 'sclive_meter_1ch']);
    // Each at the tail of the root group (after the volume synth), reading its buses.
    for (const message of sent) assert.deepEqual(message.args.slice(2, 4), [{ type: 'i', value: 1 }, { type: 'i', value: 0 }]);
    assert.deepEqual(m.levels.map(describeLevel), ['out 1: silent peak, silent RMS', 'out 2: silent peak, silent RMS', 'out 3: silent peak, silent RMS', 'in 1: silent peak, silent RMS', 'in 2: silent peak, silent RMS']);
  });

  it('puts each reply\'s channels where its reply id says, and ignores replies of synths not its own', async () => {
    const { meters: m } = meters(2, 3);
    await m.start();
    const [first, last] = m.synthIds;
    const seen: string[][] = [];
    m.onLevels((levels) => seen.push(levels.map(describeLevel)));
    m.handleReply([first, 0, 0.25, 0.1767767, 0, 0, 1, 0.5, 0.5, 0.25]);
    m.handleReply([last, 4, 0.1, 0.1]);
    m.handleReply([99999, 0, 1, 1, 1, 1]);
    assert.equal(seen.length, 1, 'one update per round of all meter synths');
    assert.deepEqual(seen[0], ['out 1: -12.0 dB peak, -15.1 dB RMS', 'out 2: silent peak, silent RMS', 'in 1: 0.0 dB peak, -6.0 dB RMS', 'in 2: -6.0 dB peak, -12.0 dB RMS', 'in 3: -20.0 dB peak, -20.0 dB RMS']);
  });

  it('knows its synths are gone when one ends (Free All), frees the rest, and puts them back', async () => {
    const { meters: m, sent } = meters(2, 1);
    await m.start();
    const [first] = m.synthIds;
    assert.equal(m.nodeEnded(first), true);
    assert.deepEqual(m.synthIds, []);
    await m.apply();
    assert.equal(m.synthIds.length, 2);
    assert.notEqual(m.synthIds[0], first);
    m.stop();
    assert.equal(sent[sent.length - 1].address, '/n_free');
    await m.apply();
    assert.deepEqual(m.synthIds, [], 'nothing comes back after stop()');
  });
});

describe('formatLevel', () => {
  it('says silent below the meters\' -60 dB floor (a muted peak falling through -263.2 dB), a number from the floor up', () => {
    assert.equal(formatLevel(10 ** (-263.2 / 20)), 'silent');
    assert.equal(formatLevel(0), 'silent');
    assert.equal(formatLevel(10 ** (-61 / 20)), 'silent');
    assert.equal(formatLevel(10 ** (-59.9 / 20)), '-59.9 dB');
    assert.equal(formatLevel(0.25), '-12.0 dB');
  });
});
