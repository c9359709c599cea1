import { strict as assert } from 'node:assert';
import type { OscMessage } from '../../src/core/osc/oscCodec';
import { PROXY_LEVEL_RATE, ProxyLevels, proxyMeterChannels } from '../../src/core/meters/proxyLevels';

function levels(canSend = true) {
  const sent: OscMessage[] = [];
  let nextId = 3000;
  let now = 0;
  const session = { canSend, allocateNodeId: () => nextId++, send: (m: OscMessage) => void sent.push(m) };
  const value = new ProxyLevels(session, () => now);
  return { levels: value, sent, session, advance: (ms: number) => (now += ms) };
}

/** A message as [address, plain args]. */
const plain = (m: OscMessage) => [m.address, ...m.args.map((a) => (typeof a === 'object' && a !== null && 'value' in a ? a.value : a))];

describe('ProxyLevels (a level for each heard proxy)', () => {
  it('meters a proxy\'s own bus with the shipped meter of its channels, at the tail of the root group', () => {
    const { levels: l, sent } = levels();
    l.follow([{ name: 'Ndef:localhost:drone', bus: 16, channels: 2 }, { name: 'ProxySpace:current:a', bus: 20, channels: 3 }]);
    assert.deepEqual(sent.map(plain), [
      ['/s_new', 'sclive_meter_2ch', 3000, 1, 0, 'bus', 16, 'rate', PROXY_LEVEL_RATE, 'id', 100000],
      ['/s_new', 'sclive_meter_2ch', 3001, 1, 0, 'bus', 20, 'rate', PROXY_LEVEL_RATE, 'id', 100000],
    ]);
    assert.deepEqual([1, 2, 3, 4, 7, 8, 16].map(proxyMeterChannels), [1, 2, 2, 4, 4, 8, 8]);
    l.follow([{ name: 'Ndef:localhost:drone', bus: 16, channels: 2 }, { name: 'ProxySpace:current:a', bus: 20, channels: 3 }]);
    assert.equal(sent.length, 2, 'nothing new for the same proxies');
  });

  it('reads the loudest channel of a reply as the proxy\'s level, and ignores replies of other synths', () => {
    const { levels: l } = levels();
    l.follow([{ name: 'drone', bus: 16, channels: 2 }]);
    const seen: number[] = [];
    l.onLevels((map) => seen.push(map.get('drone')!.peak));
    assert.equal(l.handleReply([3000, 100000, 0.01, 0.007, 0.02, 0.014]), true);
    assert.equal(l.handleReply([2000, 0, 1, 1]), false, 'an output meter\'s reply');
    assert.deepEqual(seen, [0.02]);
    assert.deepEqual(l.levels.get('drone'), { peak: 0.02, rms: 0.014 });
  });

  it('frees the meter of a proxy no longer heard (its level forgotten) and moves with a proxy\'s bus', () => {
    const { levels: l, sent } = levels();
    l.follow([{ name: 'drone', bus: 16, channels: 2 }, { name: 'b', bus: 18, channels: 1 }]);
    l.handleReply([3000, 100000, 0.5, 0.5]);
    l.follow([{ name: 'b', bus: 18, channels: 1 }]);
    assert.deepEqual(plain(sent[2]), ['/n_free', 3000]);
    assert.equal(l.levels.has('drone'), false);
    l.follow([{ name: 'b', bus: 30, channels: 1 }]);
    assert.deepEqual(sent.slice(3).map(plain), [['/n_free', 3001], ['/s_new', 'sclive_meter_1ch', 3002, 1, 0, 'bus', 30, 'rate', PROXY_LEVEL_RATE, 'id', 100000]]);
    assert.deepEqual(l.synthIds, [3002]);
  });

  it('makes a meter again once another client freed it, or when the server never started it', () => {
    const { levels: l, sent, advance } = levels();
    l.follow([{ name: 'drone', bus: 16, channels: 2 }]);
    l.nodeStarted(3000);
    assert.equal(l.nodeEnded(2999), false, 'not one of its synths');
    assert.equal(l.nodeEnded(3000), true);
    l.follow([{ name: 'drone', bus: 16, channels: 2 }]);
    assert.deepEqual(sent.map((m) => `${m.address} ${String(plain(m)[2] as number)}`), ['/s_new 3000', '/s_new 3001']);
    // 3001 never shows on the server (its def not there yet): asked for again after 2 s, not before.
    advance(1500);
    l.follow([{ name: 'drone', bus: 16, channels: 2 }]);
    assert.equal(sent.length, 2);
    advance(600);
    l.follow([{ name: 'drone', bus: 16, channels: 2 }]);
    assert.deepEqual(sent.map((m) => `${m.address} ${String(plain(m)[2] as number)}`), ['/s_new 3000', '/s_new 3001', '/s_new 3002']);
  });

  it('sends nothing while it cannot, and stop() frees every meter', () => {
    const quiet = levels(false);
    quiet.levels.follow([{ name: 'drone', bus: 16, channels: 2 }]);
    assert.deepEqual(quiet.sent, []);
    const { levels: l, sent } = levels();
    l.follow([{ name: 'a', bus: 16, channels: 1 }, { name: 'b', bus: 17, channels: 1 }]);
    l.stop();
    assert.deepEqual(plain(sent[2]), ['/n_free', 3000, 3001]);
    assert.deepEqual(l.synthIds, []);
  });

  it('is a keeper of this client\'s synths: its rows name the proxy, Free All\'s bundle makes them again, the set puts them back in place', () => {
    const { levels: l, sent } = levels();
    l.place = () => ({ addAction: 2, target: 5000 });
    l.follow([{ name: 'Ndef:localhost:drone', label: 'Ndef(\\drone)', bus: 16, channels: 2 }]);
    assert.deepEqual(plain(sent[0]).slice(0, 5), ['/s_new', 'sclive_meter_2ch', 3000, 2, 5000], 'before the next keeper\'s synth');
    assert.deepEqual(l.treeRow(3000), { label: 'proxy meter', description: 'Ndef(\\drone)', icon: 'pulse', tooltip: 'Measures a proxy\'s level for the Proxies view' });
    assert.equal(l.reply.address, '/sclive/meter');
    // Free All or Hush without a node model: freed with everything, made again in the same bundle at the root's tail.
    assert.deepEqual(l.recreateMessages().map(plain), [['/s_new', 'sclive_meter_2ch', 3001, 1, 0, 'bus', 16, 'rate', PROXY_LEVEL_RATE, 'id', 100000]]);
    assert.deepEqual(l.synthIds, [3001]);
    // Freed by another client: KeptSynthSet calls apply() to put it back.
    assert.equal(l.nodeEnded(3001), true);
    l.apply();
    assert.deepEqual(l.synthIds, [3002]);
    // A new run: nothing of the old server is left, the proxies to meter stay until the next follow().
    l.handleReply([3002, 100000, 0.5, 0.5]);
    l.runEnded();
    assert.deepEqual([l.synthIds, l.levels.size], [[], 0]);
    l.stop();
    assert.deepEqual(l.recreateMessages(), [], 'stopped: no proxy to meter');
  });
});
