import { strict as assert } from 'node:assert';
import type { OscMessage } from '../../src/core/osc/oscCodec';
import { VolumeControl, VolumeServerAccess } from '../../src/core/server/volumeControl';

/** A session that records what would be sent; no server. */
function fakeSession(numOutputBuses = 2) {
  const sent: OscMessage[][] = [];
  let next = 2000;
  const session: VolumeServerAccess & { canSend: boolean } = {
    canSend: true,
    numOutputBuses,
    synthdefsLoaded: Promise.resolve(),
    allocateNodeId: () => next++,
    sendMany: async (messages) => {
      sent.push([...messages]);
    },
  };
  return { session, sent };
}

const argsOf = (message: OscMessage) => message.args.map((arg) => (typeof arg === 'object' && arg !== null && 'value' in arg ? arg.value : arg));

describe('VolumeControl', () => {
  it('puts a volume synth after all groups below 0 dB, sets it, and releases it at 0 dB', async () => {
    const { session, sent } = fakeSession();
    const volume = new VolumeControl(session);
    const changes: string[] = [];
    volume.onDidChange(({ volume: dB, muted }) => changes.push(`${dB}${muted ? ' muted' : ''}`));
    await volume.setVolume(-6);
    assert.deepEqual(volume.synthIds, [2000]);
    assert.equal(sent[0][0].address, '/s_new');
    assert.deepEqual(argsOf(sent[0][0]).slice(0, 4), ['sclive_volume_2ch', 2000, 1, 0], 'at the tail of the root group');
    await volume.setMuted(true);
    assert.equal(sent[1][0].address, '/n_set');
    assert.deepEqual(argsOf(sent[1][0]), [2000, 'volumeAmp', 0]);
    await volume.setMuted(false);
    await volume.setVolume(0);
    assert.deepEqual(argsOf(sent[3][0]), [2000, 'gate', 0], 'released');
    assert.deepEqual(volume.synthIds, []);
    assert.deepEqual(changes, ['-6', '-6 muted', '-6', '0']);
  });

  it('clips to -90..+6 dB and sends nothing while it cannot', async () => {
    const { session, sent } = fakeSession();
    session.canSend = false;
    const volume = new VolumeControl(session);
    await volume.setVolume(20);
    assert.equal(volume.volume, 6);
    await volume.setVolume(-200);
    assert.equal(volume.volume, -90);
    assert.deepEqual(sent, []);
  });

  it('puts its synth back when another client freed it, and only then', async () => {
    const { session, sent } = fakeSession();
    const volume = new VolumeControl(session);
    await volume.setVolume(-12);
    assert.equal(volume.nodeEnded(4242), false, 'not ours');
    assert.equal(volume.nodeEnded(2000), true);
    await volume.apply();
    assert.deepEqual(volume.synthIds, [2001], 'a new synth');
    assert.equal(sent[sent.length - 1][0].address, '/s_new');
  });

  it('gives the messages that bring it back in a bundle that frees everything (hush)', () => {
    const { session } = fakeSession(3);
    const volume = new VolumeControl(session);
    assert.deepEqual(volume.recreateMessages(), [], 'nothing at 0 dB');
    void volume.setMuted(true);
    const messages = volume.recreateMessages();
    assert.deepEqual(messages.map((m) => argsOf(m)[0]), ['sclive_volume_2ch', 'sclive_volume_1ch'], '3 outputs: a 2 and a 1 channel synth');
    assert.equal(volume.synthIds.length, 2);
  });
});
