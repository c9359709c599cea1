// Sending many messages without overrunning scsynth: immediate bundles of at most 8 KB, in
// windows of 960 messages, each followed by a /status barrier that scsynth answers in the audio
// period that ran the window; the next window waits for it. scsynth queues at most 1,024 node
// notifications per period and silently drops the rest, and unpaced bursts overflow its socket.
import { IMMEDIATELY, OscBundle, OscMessage, encodePacket, encodedMessageSize } from '../osc/oscCodec';

/** Bundles stay below this size: well inside one UDP datagram and scsynth's buffers. */
export const MAX_PACKET_BYTES = 8192;
/**
 * Paced windows: at most WINDOWS_IN_FLIGHT windows unanswered, so at most 960 messages per
 * period, under scsynth's 1,024 notifications. (Two in flight of 480 measured no faster here.)
 */
export const DEFAULT_WINDOW_MESSAGES = 960;
const WINDOWS_IN_FLIGHT = 1;

/** Where paced packets go. */
export interface PacedChannel {
  send(packet: Uint8Array): void;
  /** A request scsynth answers once it has run everything sent before (here: /status). */
  barrier(timeoutMs?: number): Promise<unknown>;
  /** Sees each bundle before it is encoded (the node model learns def names from /s_new). */
  noteOutgoing(packet: OscBundle): void;
}

/**
 * Sends `messages` in paced windows; `windowSize: Infinity` sends unpaced. Resolves when the
 * last barrier is answered (the caller adds a final /sync where it must wait for everything).
 */
export async function sendPaced(channel: PacedChannel, messages: readonly OscMessage[], options: { windowSize?: number; timeoutMs?: number } = {}): Promise<void> {
  const windowSize = Math.max(1, options.windowSize ?? DEFAULT_WINDOW_MESSAGES);
  const unanswered: Array<Promise<unknown>> = [];
  try {
    // Each window is encoded while the previous one is being answered.
    let next = encodeWindow(channel, messages, 0, windowSize);
    for (let start = 0; start < messages.length; start += windowSize) {
      const packets = next;
      for (const packet of packets) channel.send(packet);
      if (start + windowSize >= messages.length) break;
      unanswered.push(channel.barrier(options.timeoutMs));
      next = encodeWindow(channel, messages, start + windowSize, windowSize);
      if (unanswered.length >= WINDOWS_IN_FLIGHT) await unanswered.shift();
    }
  } catch (error) {
    // Barriers still in flight must not reject unobserved.
    await Promise.allSettled(unanswered);
    throw error;
  }
  await Promise.all(unanswered);
}

/** Messages start .. start + count as immediate bundles of at most 8 KB, encoded. */
function encodeWindow(channel: PacedChannel, messages: readonly OscMessage[], start: number, count: number): Uint8Array[] {
  const packets: Uint8Array[] = [];
  let bundle: OscMessage[] = [];
  let bundleBytes = 16;
  const flush = () => {
    if (bundle.length === 0) return;
    const packet: OscBundle = { timeTag: IMMEDIATELY, packets: bundle };
    channel.noteOutgoing(packet);
    packets.push(encodePacket(bundle.length === 1 ? bundle[0] : packet));
    bundle = [];
    bundleBytes = 16;
  };
  const end = Math.min(messages.length, start + count);
  for (let index = start; index < end; index++) {
    const size = encodedMessageSize(messages[index]) + 4;
    if (bundleBytes + size > MAX_PACKET_BYTES) flush();
    bundle.push(messages[index]);
    bundleBytes += size;
  }
  flush();
  return packets;
}
