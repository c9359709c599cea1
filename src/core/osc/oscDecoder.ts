// A strict OSC decoder. osc.js's reader accepts truncated strings and bundle elements and
// misreads blobs from views that do not start at their buffer's first byte; this one checks
// every length against the datagram and does only what the receive path needs (it is the
// hot path: every reply and notification goes through it).
import type { DecodedBundle, DecodedMessage, DecodedPacket, OscValue } from './oscCodec';

export class MalformedPacketError extends Error {
  constructor(message: string) {
    super(`malformed OSC packet: ${message}`);
    this.name = 'MalformedPacketError';
  }
}

const BUNDLE_TAG = '#bundle';

class Reader {
  offset: number;
  /** End of the element being read: the datagram, or a bundle element inside it. */
  end: number;
  private readonly view: DataView;
  private readonly buffer: Buffer;

  constructor(private readonly bytes: Uint8Array) {
    this.offset = 0;
    this.end = bytes.byteLength;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private need(count: number, what: string): void {
    if (this.offset + count > this.end) throw new MalformedPacketError(`${what} runs past the end of the packet (offset ${this.offset}, ${count} bytes, packet ends at ${this.end})`);
  }

  int32(what = 'int32'): number {
    this.need(4, what);
    const value = this.view.getInt32(this.offset);
    this.offset += 4;
    return value;
  }

  uint32(what: string): number {
    this.need(4, what);
    const value = this.view.getUint32(this.offset);
    this.offset += 4;
    return value;
  }

  float32(): number {
    this.need(4, 'float32');
    const value = this.view.getFloat32(this.offset);
    this.offset += 4;
    return value;
  }

  float64(): number {
    this.need(8, 'float64');
    const value = this.view.getFloat64(this.offset);
    this.offset += 8;
    return value;
  }

  int64(): bigint {
    this.need(8, 'int64');
    const value = this.view.getBigInt64(this.offset);
    this.offset += 8;
    return value;
  }

  /** A NUL-terminated string padded to a multiple of 4. */
  string(what: string): string {
    const start = this.offset;
    const nul = this.bytes.indexOf(0, start);
    if (nul < 0 || nul >= this.end) throw new MalformedPacketError(`${what} is not terminated`);
    const padded = (nul + 4) & ~3;
    if (padded > this.end) throw new MalformedPacketError(`${what} padding runs past the end of the packet`);
    this.offset = padded;
    return this.buffer.toString('utf8', start, nul);
  }

  blob(): Uint8Array {
    const size = this.int32('blob size');
    if (size < 0) throw new MalformedPacketError(`negative blob size ${size}`);
    this.need(size, 'blob');
    const blob = this.bytes.slice(this.offset, this.offset + size);
    this.offset = (this.offset + size + 3) & ~3;
    if (this.offset > this.end) throw new MalformedPacketError('blob padding runs past the end of the packet');
    return blob;
  }
}

function readMessage(reader: Reader): DecodedMessage {
  const address = reader.string('address');
  if (!address.startsWith('/')) throw new MalformedPacketError(`address ${JSON.stringify(address)} does not start with "/"`);
  if (reader.offset >= reader.end) return { address, args: [] }; // no type tags: no arguments
  const tags = reader.string('type tag string');
  if (!tags.startsWith(',')) throw new MalformedPacketError(`type tag string ${JSON.stringify(tags)} does not start with ","`);
  const args: OscValue[] = [];
  for (let i = 1; i < tags.length; i++) {
    switch (tags.charCodeAt(i)) {
      case 105: // i
        args.push(reader.int32());
        break;
      case 102: // f
        args.push(reader.float32());
        break;
      case 115: // s
      case 83: // S
        args.push(reader.string('string argument'));
        break;
      case 98: // b
        args.push(reader.blob());
        break;
      case 100: // d
        args.push(reader.float64());
        break;
      case 104: // h
        args.push(reader.int64());
        break;
      case 116: // t: a time tag, given as seconds since 1900
        args.push(reader.uint32('time tag') + reader.uint32('time tag') / 4_294_967_296);
        break;
      case 99: // c
        args.push(String.fromCharCode(reader.int32('char')));
        break;
      case 114: // r (RGBA) and m (MIDI) are 4 bytes we pass on as an int
      case 109:
        args.push(reader.int32());
        break;
      case 84: // T
        args.push(true);
        break;
      case 70: // F
        args.push(false);
        break;
      case 78: // N
        args.push(null);
        break;
      case 73: // I (infinitum)
        args.push(Infinity);
        break;
      default:
        throw new MalformedPacketError(`unsupported type tag "${tags[i]}" in ${address}`);
    }
  }
  return { address, args };
}

function readPacket(reader: Reader, depth: number): DecodedPacket {
  const start = reader.offset;
  if (reader.end - start >= 16 && reader.string('packet header') === BUNDLE_TAG) {
    if (depth > 8) throw new MalformedPacketError('bundles nested too deeply');
    const seconds = reader.uint32('time tag');
    const fraction = reader.uint32('time tag');
    const bundle: DecodedBundle = { timeTag: { seconds, fraction }, packets: [] };
    const bundleEnd = reader.end;
    while (reader.offset < bundleEnd) {
      const size = reader.int32('bundle element size');
      if (size <= 0 || size % 4 !== 0 || reader.offset + size > bundleEnd) {
        throw new MalformedPacketError(`bundle element size ${size} does not fit the ${bundleEnd - reader.offset} bytes left`);
      }
      reader.end = reader.offset + size;
      bundle.packets.push(readPacket(reader, depth + 1));
      reader.offset = reader.end;
      reader.end = bundleEnd;
    }
    return bundle;
  }
  reader.offset = start;
  const message = readMessage(reader);
  if (reader.offset !== reader.end) throw new MalformedPacketError(`${reader.end - reader.offset} bytes left after the arguments of ${message.address}`);
  return message;
}

/** Decodes one datagram; throws MalformedPacketError on anything that does not add up. */
export function decodeOsc(data: Uint8Array): DecodedPacket {
  if (data.byteLength === 0 || data.byteLength % 4 !== 0) {
    throw new MalformedPacketError(`length ${data.byteLength} is not a positive multiple of 4`);
  }
  return readPacket(new Reader(data), 0);
}
