import { strict as assert } from 'node:assert';
import {
  clipVolume,
  dbToAmp,
  volumeAmp,
  volumeReleaseMessages,
  volumeSetMessages,
  volumeSynthLayout,
  volumeSynthMessages,
} from '../../src/core/server/volume';
import { decodePacket, encodePacket } from '../../src/core/osc/oscCodec';

describe('volume', () => {
  it('clipVolume clips to -90..+6 dB', () => {
    assert.equal(clipVolume(-120), -90);
    assert.equal(clipVolume(-90), -90);
    assert.equal(clipVolume(-12.5), -12.5);
    assert.equal(clipVolume(6), 6);
    assert.equal(clipVolume(20), 6);
    assert.equal(clipVolume(-Infinity), -90);
    assert.equal(clipVolume(Infinity), 6);
    assert.throws(() => clipVolume(NaN), RangeError);
  });

  it('volumeAmp is 0 when muted, 1 at 0 dB, 0.5011872 at -6 dB, clipped above +6 dB', () => {
    assert.equal(volumeAmp(0, true), 0);
    assert.equal(volumeAmp(6, true), 0);
    assert.equal(volumeAmp(0, false), 1);
    assert.ok(Math.abs(volumeAmp(-6, false) - 0.5011872) < 1e-7);
    assert.ok(Math.abs(volumeAmp(20, false) - dbToAmp(6)) < 1e-12);
    assert.ok(Math.abs(volumeAmp(6, false) - 1.9952623) < 1e-7);
    assert.ok(Math.abs(volumeAmp(-200, false) - 10 ** (-90 / 20)) < 1e-12);
  });

  it('lays out volume synths without scaling a bus beyond the outputs', () => {
    assert.deepEqual(volumeSynthLayout(1), [{ defName: 'sclive_volume_1ch', bus: 0, channels: 1 }]);
    assert.deepEqual(volumeSynthLayout(2), [{ defName: 'sclive_volume_2ch', bus: 0, channels: 2 }]);
    assert.deepEqual(volumeSynthLayout(3), [
      { defName: 'sclive_volume_2ch', bus: 0, channels: 2 },
      { defName: 'sclive_volume_1ch', bus: 2, channels: 1 },
    ]);
    assert.deepEqual(volumeSynthLayout(10), [
      { defName: 'sclive_volume_8ch', bus: 0, channels: 8 },
      { defName: 'sclive_volume_2ch', bus: 8, channels: 2 },
    ]);
    assert.deepEqual(volumeSynthLayout(15, 4).map((s) => [s.channels, s.bus]), [[8, 4], [4, 12], [2, 16], [1, 18]]);
    assert.deepEqual(volumeSynthLayout(0), []);
  });

  it('covers every output bus exactly once for 1..64 channels', () => {
    for (let n = 1; n <= 64; n++) {
      const covered = volumeSynthLayout(n).flatMap(({ bus, channels }) => Array.from({ length: channels }, (_, i) => bus + i));
      assert.deepEqual(covered, Array.from({ length: n }, (_, i) => i), `${n} channels`);
    }
  });

  it('creates the volume synths at the tail of the root group with typed int node ids', () => {
    const messages = volumeSynthMessages([67109870, 67109871], 3, 0.5);
    assert.deepEqual(messages, [
      {
        address: '/s_new',
        args: [
          'sclive_volume_2ch', { type: 'i', value: 67109870 }, { type: 'i', value: 1 }, { type: 'i', value: 0 },
          'bus', { type: 'f', value: 0 }, 'volumeAmp', { type: 'f', value: 0.5 }, 'volumeLag', { type: 'f', value: 0.1 },
        ],
      },
      {
        address: '/s_new',
        args: [
          'sclive_volume_1ch', { type: 'i', value: 67109871 }, { type: 'i', value: 1 }, { type: 'i', value: 0 },
          'bus', { type: 'f', value: 2 }, 'volumeAmp', { type: 'f', value: 0.5 }, 'volumeLag', { type: 'f', value: 0.1 },
        ],
      },
    ]);
    // On the wire the node id stays an exact int.
    const decoded = decodePacket(encodePacket(messages[0]));
    assert.ok(!('packets' in decoded));
    assert.equal(decoded.args[1], 67109870);
  });

  it('sets the amp and releases the gate with typed int node ids', () => {
    assert.deepEqual(volumeSetMessages([67109870, 67109871], 0.25), [
      { address: '/n_set', args: [{ type: 'i', value: 67109870 }, 'volumeAmp', { type: 'f', value: 0.25 }] },
      { address: '/n_set', args: [{ type: 'i', value: 67109871 }, 'volumeAmp', { type: 'f', value: 0.25 }] },
    ]);
    assert.deepEqual(volumeReleaseMessages([67109870]), [
      { address: '/n_set', args: [{ type: 'i', value: 67109870 }, 'gate', { type: 'f', value: 0 }] },
    ]);
  });
});
