import { IMMEDIATELY, TimeTag, isImmediate, timeTagFromUnixMs, unixMsFromTimeTag } from './timeTag';
import { MalformedPacketError, decodeOsc } from './oscDecoder';
import { encodeOsc, messageSize, typedArgument } from './oscEncoder';

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

/** The OSC type an argument is sent with. */
export const typed = typedArgument;

export function encodeMessage(address: string, args: OscArgument[] = []): Uint8Array {
  return encodePacket({ address, args });
}

export function encodePacket(packet: OscMessage | OscBundle): Uint8Array {
  return encodeOsc(packet);
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
export const encodedMessageSize = messageSize;

export { IMMEDIATELY, TimeTag, isImmediate, timeTagFromUnixMs, unixMsFromTimeTag, MalformedPacketError };
