import { strict as assert } from 'node:assert';
import { encodeMessage, decodePacket } from '../../src/core/osc/oscCodec';
import { OscFrameDecoder, OscFrameError, frameOscPacket } from '../../src/core/osc/oscFrames';

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function lengthPrefix(length: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setInt32(0, length, false);
  return bytes;
}

/** Feeds `chunks` to a fresh decoder and returns the addresses of the packets it gave. */
function decodeChunks(chunks: Uint8Array[]): string[] {
  const decoder = new OscFrameDecoder();
  const addresses: string[] = [];
  for (const chunk of chunks) decoder.push(chunk, (packet) => addresses.push((decodePacket(packet) as { address: string }).address));
  assert.equal(decoder.pendingBytes, 0, 'nothing is left over once every frame arrived');
  return addresses;
}

describe('OSC frames over TCP (length-prefixed)', () => {
  // Plain Uint8Arrays (encodeMessage gives Buffers), so deepEqual compares bytes with bytes.
  const packets = [
    encodeMessage('/status'),
    encodeMessage('/s_new', ['sclive_blip', 1000, 0, 1, 'freq', 440.5]),
    encodeMessage('/g_queryTree', [0, 1]),
  ].map((packet): Uint8Array<ArrayBufferLike> => new Uint8Array(packet));
  const stream = concat(packets.map(frameOscPacket));
  const expected = ['/status', '/s_new', '/g_queryTree'];

  it('puts the size first, as a 32-bit big-endian integer', () => {
    const framed = frameOscPacket(packets[0]);
    assert.equal(framed.length, packets[0].length + 4);
    assert.deepEqual([...framed.subarray(0, 4)], [0, 0, 0, packets[0].length]);
    assert.deepEqual(framed.subarray(4), packets[0]);
  });

  it('decodes the whole stream given at once', () => {
    assert.deepEqual(decodeChunks([stream]), expected);
  });

  it('decodes the stream split into two at every byte boundary', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      assert.deepEqual(decodeChunks([stream.subarray(0, cut), stream.subarray(cut)]), expected, `split at ${cut}`);
    }
  });

  it('decodes the stream split into three at every pair of boundaries', () => {
    for (let first = 0; first <= stream.length; first++) {
      for (let second = first; second <= stream.length; second++) {
        const chunks = [stream.subarray(0, first), stream.subarray(first, second), stream.subarray(second)];
        assert.deepEqual(decodeChunks(chunks), expected, `split at ${first} and ${second}`);
      }
    }
  });

  it('decodes the stream given one byte at a time', () => {
    assert.deepEqual(decodeChunks([...stream].map((byte) => Uint8Array.of(byte))), expected);
  });

  it('holds an incomplete frame until the rest arrives', () => {
    const decoder = new OscFrameDecoder();
    const got: Uint8Array<ArrayBufferLike>[] = [];
    const framed = frameOscPacket(packets[1]);
    decoder.push(framed.subarray(0, 10), (packet) => got.push(packet));
    assert.equal(got.length, 0);
    assert.equal(decoder.pendingBytes, 10);
    decoder.push(framed.subarray(10), (packet) => got.push(packet));
    assert.deepEqual(got, [packets[1]]);
  });

  it('skips zero-length frames', () => {
    const decoder = new OscFrameDecoder();
    const got: Uint8Array<ArrayBufferLike>[] = [];
    decoder.push(concat([lengthPrefix(0), frameOscPacket(packets[0]), lengthPrefix(0)]), (packet) => got.push(packet));
    assert.deepEqual(got, [packets[0]]);
    assert.equal(decoder.emptyFrames, 2);
  });

  it('reports a negative length, after handing over the packets before it, and takes nothing more until reset', () => {
    const decoder = new OscFrameDecoder();
    const got: Uint8Array<ArrayBufferLike>[] = [];
    assert.throws(
      () => decoder.push(concat([frameOscPacket(packets[0]), lengthPrefix(-5), packets[2]]), (packet) => got.push(packet)),
      (error: unknown) => error instanceof OscFrameError && error.length === -5 && /negative length \(-5\)/.test(error.message),
    );
    assert.deepEqual(got, [packets[0]]);
    assert.throws(() => decoder.push(frameOscPacket(packets[2]), (packet) => got.push(packet)), OscFrameError);
    decoder.reset();
    decoder.push(frameOscPacket(packets[2]), (packet) => got.push(packet));
    assert.deepEqual(got, [packets[0], packets[2]]);
  });

  it('reports a length above the maximum before buffering that much', () => {
    const decoder = new OscFrameDecoder(1024);
    assert.throws(
      () => decoder.push(lengthPrefix(1025), () => assert.fail('no packet')),
      (error: unknown) => error instanceof OscFrameError && /1025 bytes, more than the 1024 taken/.test(error.message),
    );
    assert.equal(decoder.pendingBytes, 0);
  });

  it('reports a bad length split across chunks too', () => {
    const decoder = new OscFrameDecoder();
    const prefix = lengthPrefix(-1);
    decoder.push(prefix.subarray(0, 2), () => assert.fail('no packet'));
    assert.throws(() => decoder.push(prefix.subarray(2), () => assert.fail('no packet')), OscFrameError);
  });
});
