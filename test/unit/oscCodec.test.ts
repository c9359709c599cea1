import { strict as assert } from 'node:assert';
import {
  DecodedBundle,
  DecodedMessage,
  DecodedPacket,
  IMMEDIATELY,
  OscBundle,
  OscMessage,
  decodePacket,
  encodeBundle,
  encodeMessage,
  encodePacket,
  encodedMessageSize,
  forEachMessage,
  isBundle,
  isImmediate,
  timeTagFromUnixMs,
  typed,
  unixMsFromTimeTag,
} from '../../src/core/osc/oscCodec';

function decodeMessage(data: Uint8Array): DecodedMessage {
  const packet = decodePacket(data);
  assert.ok(!isBundle(packet), 'expected a message, got a bundle');
  return packet;
}

function decodeBundle(data: Uint8Array): DecodedBundle {
  const packet = decodePacket(data);
  assert.ok(isBundle(packet), 'expected a bundle, got a message');
  return packet;
}

/** The type tag string of an encoded message (",i f s ..."). */
function typeTags(data: Uint8Array): string {
  const text = Buffer.from(data).toString('latin1');
  const addressEnd = text.indexOf('\0');
  const tagsStart = (addressEnd + 4) & ~3;
  return text.slice(tagsStart, text.indexOf('\0', tagsStart));
}

describe('OSC codec', () => {
  describe('messages', () => {
    it('round-trips every type scsynth uses (i f d s b T F N)', () => {
      const blob = new Uint8Array([1, 2, 3, 4, 5]);
      const data = encodeMessage('/test', [
        { type: 'i', value: -7 },
        { type: 'f', value: 0.25 },
        { type: 'd', value: 0.1 },
        { type: 's', value: 'sclive_sine' },
        { type: 'b', value: blob },
        { type: 'T' },
        { type: 'F' },
        { type: 'N' },
      ]);
      assert.equal(typeTags(data), ',ifdsbTFN');
      const message = decodeMessage(data);
      assert.equal(message.address, '/test');
      assert.equal(message.args.length, 8);
      assert.deepEqual(message.args.slice(0, 4), [-7, 0.25, 0.1, 'sclive_sine']);
      assert.ok(message.args[4] instanceof Uint8Array);
      assert.deepEqual(Array.from(message.args[4]), [1, 2, 3, 4, 5]);
      assert.deepEqual(message.args.slice(5), [true, false, null]);
    });

    it('sends a float32 rounded, a double exactly', () => {
      const message = decodeMessage(encodeMessage('/x', [{ type: 'f', value: 0.1 }, { type: 'd', value: 0.1 }]));
      assert.equal(message.args[0], Math.fround(0.1));
      assert.equal(message.args[1], 0.1);
    });

    it('keeps int32 extremes and large node ids exact', () => {
      const ids = [67109864, 2147483647, -2147483648, 16777217, 0];
      const data = encodeMessage('/n_free', ids);
      assert.equal(typeTags(data), ',iiiii');
      assert.deepEqual(decodeMessage(data).args, ids);
    });

    it('sends a bare integer as i, a bare fraction as f, booleans as T/F, bytes as b', () => {
      assert.deepEqual(typed(1000), { type: 'i', value: 1000 });
      assert.deepEqual(typed(0.5), { type: 'f', value: 0.5 });
      assert.deepEqual(typed(true), { type: 'T' });
      assert.deepEqual(typed(false), { type: 'F' });
      assert.deepEqual(typed('c12'), { type: 's', value: 'c12' });
      const data = encodeMessage('/x', [1000, 0.5, 'a', true, false, new Uint8Array([9])]);
      assert.equal(typeTags(data), ',ifsTFb');
      const args = decodeMessage(data).args;
      assert.deepEqual(args.slice(0, 5), [1000, 0.5, 'a', true, false]);
    });

    it('sends bare integers outside int32 as floats', () => {
      assert.equal(typed(2 ** 31).type, 'f');
      assert.equal(typed(-(2 ** 31) - 1).type, 'f');
    });

    it('throws on a typed int32 argument out of range or fractional', () => {
      assert.throws(() => encodeMessage('/n_free', [{ type: 'i', value: 2147483648 }]), RangeError);
      assert.throws(() => encodeMessage('/n_free', [{ type: 'i', value: -2147483649 }]), RangeError);
      assert.throws(() => encodeMessage('/n_free', [{ type: 'i', value: 1.5 }]), RangeError);
    });

    it('rejects an address that does not start with /', () => {
      assert.throws(() => encodeMessage('status', []), TypeError);
    });

    it('round-trips non-ASCII strings as UTF-8', () => {
      const message = decodeMessage(encodeMessage('/dev', ['Микрофон é', '']));
      assert.deepEqual(message.args, ['Микрофон é', '']);
    });

    it('decodes blobs from a buffer of its own (offset 0)', () => {
      const data = encodeMessage('/b', [new Uint8Array([1, 2, 3, 4, 5]), 7]);
      const copy = new Uint8Array(data.byteLength);
      copy.set(data);
      const args = decodeMessage(copy).args;
      assert.deepEqual(Array.from(args[0] as Uint8Array), [1, 2, 3, 4, 5]);
      assert.equal(args[1], 7);
    });

    it('decodes blobs from a pooled Buffer and from a subarray', () => {
      const data = encodeMessage('/b', [new Uint8Array([1, 2, 3, 4, 5]), 7]);
      const pooled = Buffer.from(data);
      const big = new Uint8Array(data.byteLength + 8);
      big.set(data, 8);
      for (const view of [pooled, big.subarray(8)]) {
        const args = decodeMessage(view).args;
        assert.deepEqual(Array.from(args[0] as Uint8Array), [1, 2, 3, 4, 5]);
        assert.equal(args[1], 7);
      }
    });

    it('decodes non-blob arguments from a subarray of a larger buffer', () => {
      const data = encodeMessage('/n_set', [1000, 'freq', 440.5, { type: 'd', value: 0.1 }, true]);
      const big = new Uint8Array(data.byteLength + 12);
      big.set(data, 8);
      assert.deepEqual(decodeMessage(big.subarray(8, 8 + data.byteLength)), { address: '/n_set', args: [1000, 'freq', 440.5, 0.1, true] });
    });

    it('decodes a hand-built int64 (h) argument as a bigint', () => {
      const data = Buffer.concat([Buffer.from('/h\0\0,hh\0'), Buffer.from('0000010000000005', 'hex'), Buffer.from('fffffffffffffffd', 'hex')]);
      assert.deepEqual(decodeMessage(new Uint8Array(data)).args, [2n ** 40n + 5n, -3n]);
    });

    it('round-trips int64 (h) arguments', () => {
      const data = encodeMessage('/h', [{ type: 'h', value: 2n ** 40n + 5n }, { type: 'h', value: 7 }]);
      assert.deepEqual(decodeMessage(data).args, [2n ** 40n + 5n, 7n]);
    });
  });

  describe('bundles and time tags', () => {
    it('encodes IMMEDIATELY as the time tag 0.1 (seconds 0, fraction 1)', () => {
      assert.deepEqual({ ...IMMEDIATELY }, { seconds: 0, fraction: 1 });
      assert.ok(isImmediate(IMMEDIATELY));
      assert.ok(!isImmediate({ seconds: 0, fraction: 0 }));
      const data = encodeBundle(IMMEDIATELY, [{ address: '/sync', args: [1] }]);
      assert.equal(Buffer.from(data.subarray(0, 16)).toString('hex'), Buffer.from('#bundle\0').toString('hex') + '0000000000000001');
      const bundle = decodeBundle(data);
      assert.ok(isImmediate(bundle.timeTag));
    });

    it('keeps time tags (also above 2^31 seconds) and order in nested bundles', () => {
      const outer = { seconds: 4_000_000_000, fraction: 3_000_000_000 };
      const inner = { seconds: 3_900_000_000, fraction: 12345 };
      const packet: OscBundle = {
        timeTag: outer,
        packets: [
          { address: '/a', args: [1] },
          { timeTag: inner, packets: [{ address: '/b', args: ['x'] }, { address: '/c', args: [0.5] }] },
          { address: '/d', args: [] },
        ],
      };
      const decoded = decodeBundle(encodePacket(packet));
      const expected: DecodedPacket = {
        timeTag: outer,
        packets: [
          { address: '/a', args: [1] },
          { timeTag: inner, packets: [{ address: '/b', args: ['x'] }, { address: '/c', args: [0.5] }] },
          { address: '/d', args: [] },
        ],
      };
      assert.deepEqual(decoded, expected);
    });

    it('forEachMessage flattens nested bundles in order', () => {
      const decoded = decodePacket(
        encodeBundle(IMMEDIATELY, [
          { address: '/a', args: [] },
          { timeTag: IMMEDIATELY, packets: [{ address: '/b', args: [] }, { timeTag: IMMEDIATELY, packets: [{ address: '/c', args: [] }] }] },
          { address: '/d', args: [] },
        ]),
      );
      const seen: string[] = [];
      forEachMessage(decoded, (message) => seen.push(message.address));
      assert.deepEqual(seen, ['/a', '/b', '/c', '/d']);
      const single: string[] = [];
      forEachMessage(decodePacket(encodeMessage('/solo', [])), (message) => single.push(message.address));
      assert.deepEqual(single, ['/solo']);
    });

    it('converts the Unix epoch to NTP seconds 2208988800', () => {
      assert.deepEqual(timeTagFromUnixMs(0), { seconds: 2_208_988_800, fraction: 0 });
      assert.deepEqual(timeTagFromUnixMs(1500), { seconds: 2_208_988_801, fraction: 2 ** 31 });
      assert.equal(unixMsFromTimeTag({ seconds: 2_208_988_801, fraction: 2 ** 31 }), 1500);
    });

    it('round-trips Unix milliseconds through a time tag within 1 µs', () => {
      const now = Date.now();
      for (const ms of [0, 1, 0.001, 123.456789, now, now + 0.5, now + 0.999, 1_700_000_000_123.25, 2_000_000_000_000.75]) {
        const tag = timeTagFromUnixMs(ms);
        assert.ok(Number.isInteger(tag.seconds) && Number.isInteger(tag.fraction));
        assert.ok(tag.fraction >= 0 && tag.fraction < 2 ** 32, `fraction ${tag.fraction} out of range for ${ms}`);
        assert.ok(Math.abs(unixMsFromTimeTag(tag) - ms) < 0.001, `${ms} came back as ${unixMsFromTimeTag(tag)}`);
        // And through the wire.
        const wire = decodeBundle(encodeBundle(tag, [])).timeTag;
        assert.deepEqual(wire, tag);
      }
    });

    it('carries a fraction that rounds up to a whole second into the seconds', () => {
      const tag = timeTagFromUnixMs(1000 - 1e-9);
      assert.ok(tag.fraction < 2 ** 32);
      assert.ok(Math.abs(unixMsFromTimeTag(tag) - 1000) < 0.001);
    });
  });

  describe('encodedMessageSize', () => {
    const messages: OscMessage[] = [
      { address: '/status', args: [] },
      { address: '/s', args: [] },
      { address: '/abc', args: [1] },
      { address: '/s_new', args: ['sclive_sine', 1000, 1, 0, 'freq', 440.5, 'out', 'c12'] },
      { address: '/d_recv', args: [new Uint8Array(0)] },
      { address: '/d_recv', args: [new Uint8Array(1)] },
      { address: '/d_recv', args: [new Uint8Array(4)] },
      { address: '/d_recv', args: [new Uint8Array(5), new Uint8Array(1023)] },
      { address: '/x', args: [{ type: 'd', value: 1.5 }, { type: 'T' }, { type: 'F' }, { type: 'N' }, true, false] },
      { address: '/x', args: ['', 'abc', 'abcd', 'abcde'] },
      { address: '/dev', args: ['Микрофон', 'é'] },
      { address: '/ü', args: [1, 2, 3] },
      { address: '/n_set', args: Array.from({ length: 37 }, (_, i) => i) },
    ];
    for (const message of messages) {
      it(`equals the encoded length of ${message.address} with ${message.args.length} args`, () => {
        assert.equal(encodedMessageSize(message), encodeMessage(message.address, message.args).byteLength);
      });
    }
  });

  describe('malformed input', () => {
    function assertMalformed(data: Uint8Array): void {
      assert.throws(() => decodePacket(data), (error: unknown) => {
        assert.ok(error instanceof Error);
        assert.match(error.message, /malformed OSC packet/);
        return true;
      });
    }

    it('throws when the length is not a positive multiple of 4', () => {
      assertMalformed(new Uint8Array(0));
      assertMalformed(new Uint8Array(Buffer.from('/ab\0,\0\0\0\0')));
      assertMalformed(encodeMessage('/status').subarray(0, 7));
    });

    it('throws on garbage bytes', () => {
      assertMalformed(new Uint8Array([0xff, 0xfe, 0x01, 0x02, 0x99, 0x88, 0x77, 0x66]));
      assertMalformed(new Uint8Array(8));
      assertMalformed(new Uint8Array(Buffer.from('ABCDEFGH')));
      assertMalformed(new Uint8Array(Buffer.from('/ab\0ii\0\0\0\0\0\0\0\0\0\0')));
      assertMalformed(new Uint8Array(Buffer.concat([Buffer.from('/ab\0,x\0\0'), Buffer.alloc(4)])));
    });

    it('throws on a message truncated inside a numeric argument or a blob', () => {
      const full = encodeMessage('/n_set', [1000, 'freq', 440.5, 'amp', 0.1]);
      // Cuts inside the type tags, before the node id, before each float.
      for (const cut of [12, 16, 24, 32, full.byteLength - 4]) {
        assert.throws(() => decodePacket(full.subarray(0, cut)), /malformed OSC packet/, `cut at ${cut}`);
      }
      const blob = encodeMessage('/d_recv', [new Uint8Array(16)]);
      assertMalformed(blob.slice(0, blob.byteLength - 8));
      assertMalformed(encodeBundle(IMMEDIATELY, [{ address: '/a', args: [1] }]).subarray(0, 12));
    });

    it('throws on a blob truncated by a view (subarray) of a larger buffer', () => {
      const blob = encodeMessage('/d_recv', [new Uint8Array(16)]);
      assertMalformed(blob.subarray(0, blob.byteLength - 8));
    });

    it('throws on a message truncated inside a string argument', () => {
      const full = encodeMessage('/fail', ['/s_new', 'SynthDef not found']);
      for (let cut = 12; cut < full.byteLength; cut += 4) assertMalformed(full.subarray(0, cut));
    });

    it('throws on a bundle element whose size exceeds the datagram', () => {
      const data = Buffer.concat([Buffer.from('#bundle\0'), Buffer.alloc(8), Buffer.from([0, 0, 0, 100]), Buffer.from('/ab\0,\0\0\0')]);
      assertMalformed(new Uint8Array(data));
    });
  });
});
