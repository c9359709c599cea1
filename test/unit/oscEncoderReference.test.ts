import { strict as assert } from 'node:assert';
import osc from 'osc/src/osc.js';
import { OscBundle, OscMessage, encodePacket, typed } from '../../src/core/osc/oscCodec';
import * as cmd from '../../src/core/scsynth/scsynthCommands';

// Our encoder must produce the bytes osc.js (the reference implementation) produces.
function reference(packet: OscMessage | OscBundle): Uint8Array {
  const convert = (p: OscMessage | OscBundle): unknown =>
    'packets' in p
      ? { timeTag: { raw: [p.timeTag.seconds, p.timeTag.fraction] }, packets: p.packets.map(convert) }
      : { address: p.address, args: p.args.map(typed) };
  return osc.writePacket(convert(packet), { metadata: true });
}

const messages: OscMessage[] = [
  { address: '/status', args: [] },
  cmd.sync(123).message,
  cmd.synthNew('sclive_sine', 67109864, cmd.AddAction.tail, 67108865, { freq: 440.5, amp: 0.1, out: 0 }),
  cmd.nodeSet(1000, { bus: 'c12' }),
  { address: '/d_recv', args: [new Uint8Array([1, 2, 3, 4, 5])] },
  { address: '/x', args: [{ type: 'd', value: Math.PI }, { type: 'T' }, { type: 'F' }, { type: 'N' }, 'ünïcødé', -2147483648, 2147483647] },
  { address: '/aligned', args: ['abc', 'abcd', '', new Uint8Array(0), new Uint8Array(4)] },
];

describe('OSC encoder against osc.js', () => {
  for (const message of messages) {
    it(`encodes ${message.address} ${message.args.length ? `(${message.args.length} args)` : ''} byte for byte`, () => {
      assert.deepEqual(Buffer.from(encodePacket(message)), Buffer.from(reference(message)));
    });
  }

  it('encodes nested bundles byte for byte', () => {
    const bundle: OscBundle = {
      timeTag: { seconds: 3_970_000_000, fraction: 2_147_483_648 },
      packets: [messages[1], { timeTag: { seconds: 0, fraction: 1 }, packets: messages.slice(2, 5) }, messages[5]],
    };
    assert.deepEqual(Buffer.from(encodePacket(bundle)), Buffer.from(reference(bundle)));
  });
});
