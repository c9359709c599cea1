import { strict as assert } from 'node:assert';
import { OscBundle, OscMessage, decodePacket, isBundle } from '../../src/core/osc/oscCodec';
import { synthNew } from '../../src/core/scsynth/scsynthCommands';
import { MAX_PACKET_BYTES, PacedChannel, sendPaced } from '../../src/core/server/sendPacing';

/** A channel whose barriers the test answers by hand. */
function fakeChannel() {
  const log: string[] = [];
  const barriers: Array<() => void> = [];
  const bundlesSeen: OscBundle[] = [];
  let messagesSent = 0;
  const channel: PacedChannel = {
    send: (packet) => {
      if (packet.length > MAX_PACKET_BYTES) throw new Error(`a packet of ${packet.length} bytes`);
      const decoded = decodePacket(packet);
      const count = isBundle(decoded) ? decoded.packets.length : 1;
      messagesSent += count;
      log.push(`send ${count}`);
    },
    barrier: () => {
      log.push('barrier');
      return new Promise<void>((resolve) => barriers.push(resolve));
    },
    noteOutgoing: (packet) => bundlesSeen.push(packet),
  };
  return { channel, log, barriers, bundlesSeen, sent: () => messagesSent };
}

const messages = (n: number): OscMessage[] => Array.from({ length: n }, (_, i) => synthNew('sclive_sine', 1000 + i, 0, 1, { freq: 440 }));
const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('sendPaced', () => {
  it('sends 960 messages a window in bundles of at most 8 KB, and waits for each window\'s barrier', async () => {
    const { channel, barriers, sent } = fakeChannel();
    let done = false;
    const sending = sendPaced(channel, messages(2000)).then(() => (done = true));
    await flush();
    assert.equal(sent(), 960, 'the first window only');
    assert.equal(barriers.length, 1);
    barriers.shift()!();
    await flush();
    assert.equal(sent(), 1920, 'the second window after the first was answered');
    barriers.shift()!();
    await flush();
    assert.equal(sent(), 2000);
    await sending;
    assert.equal(done, true);
  });

  it('shows every bundle to the node model before it goes out, and sends unpaced with windowSize Infinity', async () => {
    const { channel, bundlesSeen, barriers, sent } = fakeChannel();
    await sendPaced(channel, messages(1500), { windowSize: Infinity });
    assert.equal(sent(), 1500);
    assert.equal(barriers.length, 0, 'no barrier');
    assert.equal(bundlesSeen.reduce((n, bundle) => n + bundle.packets.length, 0), 1500);
  });

  it('rejects when a barrier fails, after settling the others', async () => {
    const { channel } = fakeChannel();
    channel.barrier = () => Promise.reject(new Error('No reply to /status'));
    await assert.rejects(sendPaced(channel, messages(2000)), /No reply to \/status/);
  });
});
