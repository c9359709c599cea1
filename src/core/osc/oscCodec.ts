import osc from 'osc/src/osc.js';
import { IMMEDIATELY, TimeTag, isImmediate, timeTagFromUnixMs, unixMsFromTimeTag } from './timeTag';
import { MalformedPacketError, decodeOsc } from './oscDecoder';

/** OSC type tags scsynth understands (and `h`/`d` for completeness). */
export type OscTypeTag = 'i' | 'f' | 'd' | 'h' | 's' | 'b' | 'T' | 'F' | 'N';

export type TypedArgument =
  | { type: 'i' | 'f' | 'd'; value: number }
  | { type: 'h'; value: bigint | number }
  | { type: 's'; value: string }
  | { type: 'b'; value: Uint8Array }
  | { type: 'T' | 'F' | 'N' };

/**
 * What callers may pass as an argument. A bare number becomes an int32 when it is an
 * integer in int32 range, else a float32 (osc.js would send every bare number as a float,
 * which is wrong for node ids beyond 2^24); pass a TypedArgument to choose.
 */
export type OscArgument = number | string | boolean | Uint8Array | TypedArgument;

/** Decoded argument values: ints and floats are numbers, blobs are Uint8Arrays. */
export type OscValue = number | string | boolean | null | Uint8Array | bigint;

export interface OscMessage {
  address: string;
  args: OscArgument[];
}

export interface DecodedMessage {
  address: string;
  args: OscValue[];
}

export interface DecodedBundle {
  timeTag: TimeTag;
  packets: DecodedPacket[];
}

export type DecodedPacket = DecodedMessage | DecodedBundle;

export interface OscBundle {
  timeTag: TimeTag;
  packets: Array<OscMessage | OscBundle>;
}

export function isBundle(packet: DecodedPacket): packet is DecodedBundle;
export function isBundle(packet: OscMessage | OscBundle): packet is OscBundle;
export function isBundle(packet: DecodedPacket | OscMessage | OscBundle): boolean {
  return (packet as DecodedBundle).packets !== undefined;
}

const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;

export function typed(arg: OscArgument): TypedArgument {
  switch (typeof arg) {
    case 'number':
      return Number.isInteger(arg) && arg >= INT32_MIN && arg <= INT32_MAX
        ? { type: 'i', value: arg }
        : { type: 'f', value: arg };
    case 'string':
      return { type: 's', value: arg };
    case 'boolean':
      return { type: arg ? 'T' : 'F' };
    default:
      if (arg instanceof Uint8Array) return { type: 'b', value: arg };
      return arg;
  }
}

function toOscJsArg(arg: OscArgument): unknown {
  const t = typed(arg);
  if (t.type === 'i' && !(Number.isInteger(t.value) && t.value >= INT32_MIN && t.value <= INT32_MAX)) {
    throw new RangeError(`OSC int32 argument out of range: ${t.value}`);
  }
  if (t.type === 'h') {
    // osc.js writes int64 from a long.js-style { high, low } pair.
    const value = BigInt.asUintN(64, BigInt(t.value));
    return { type: 'h', value: { high: Number(value >> 32n) | 0, low: Number(value & 0xffffffffn) | 0 } };
  }
  return t;
}

function toOscJsPacket(packet: OscMessage | OscBundle): unknown {
  if (isBundle(packet)) {
    return {
      timeTag: { raw: [packet.timeTag.seconds, packet.timeTag.fraction] },
      packets: packet.packets.map(toOscJsPacket),
    };
  }
  if (typeof packet.address !== 'string' || !packet.address.startsWith('/')) {
    throw new TypeError(`OSC address must start with "/": ${JSON.stringify(packet.address)}`);
  }
  return { address: packet.address, args: packet.args.map(toOscJsArg) };
}

export function encodeMessage(address: string, args: OscArgument[] = []): Uint8Array {
  return encodePacket({ address, args });
}

export function encodePacket(packet: OscMessage | OscBundle): Uint8Array {
  return osc.writePacket(toOscJsPacket(packet), { metadata: true });
}

export function encodeBundle(timeTag: TimeTag, packets: Array<OscMessage | OscBundle>): Uint8Array {
  return encodePacket({ timeTag, packets });
}

/** Decodes one UDP datagram. Throws a MalformedPacketError on a malformed packet. */
export function decodePacket(data: Uint8Array): DecodedPacket {
  return decodeOsc(data);
}

/** Calls `visit` for every message of a packet, bundles flattened in order. */
export function forEachMessage(packet: DecodedPacket, visit: (message: DecodedMessage) => void): void {
  if (isBundle(packet)) {
    for (const inner of packet.packets) forEachMessage(inner, visit);
  } else {
    visit(packet);
  }
}

/** Size in bytes of a message once encoded, without encoding it. */
export function encodedMessageSize(message: OscMessage): number {
  let size = paddedStringSize(message.address) + align4(message.args.length + 2);
  for (const arg of message.args) {
    const t = typed(arg);
    switch (t.type) {
      case 'i':
      case 'f':
        size += 4;
        break;
      case 'd':
      case 'h':
        size += 8;
        break;
      case 's':
        size += paddedStringSize(t.value);
        break;
      case 'b':
        size += 4 + align4(t.value.byteLength);
        break;
      default:
        break;
    }
  }
  return size;
}

function align4(n: number): number {
  return (n + 3) & ~3;
}

function paddedStringSize(text: string): number {
  return align4(Buffer.byteLength(text, 'utf8') + 1);
}

export { IMMEDIATELY, TimeTag, isImmediate, timeTagFromUnixMs, unixMsFromTimeTag, MalformedPacketError };
