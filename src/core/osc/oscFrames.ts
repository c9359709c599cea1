// OSC over TCP (scsynth and supernova started with `-t <port>`): each packet goes on the stream
// after its size as a 32-bit big-endian integer. No socket here: bytes in, whole packets out.

/** The largest frame taken by default: far above any real packet, far below what would hurt. */
export const DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;

/** A frame's length prefix cannot be right; the stream is out of step and must be reset. */
export class OscFrameError extends Error {
  constructor(readonly length: number, maxFrameBytes: number) {
    super(length < 0
      ? `an OSC frame announced a negative length (${length}); the stream is out of step`
      : `an OSC frame announced ${length} bytes, more than the ${maxFrameBytes} taken; the stream is out of step`);
    this.name = 'OscFrameError';
  }
}

/** One packet as it goes on a TCP stream: its size (int32, big-endian), then its bytes. */
export function frameOscPacket(packet: Uint8Array): Uint8Array {
  const framed = new Uint8Array(4 + packet.length);
  new DataView(framed.buffer).setInt32(0, packet.length, false);
  framed.set(packet, 4);
  return framed;
}

/**
 * Cuts a byte stream into packets, whatever the chunks the network delivers (a frame split
 * anywhere, several frames in one chunk). A length prefix that is negative or above
 * `maxFrameBytes` throws an OscFrameError, after which the decoder takes nothing more: the
 * caller resets the connection (there is no way to find the next frame in a stream).
 */
export class OscFrameDecoder {
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  private failed: OscFrameError | undefined;
  /** Zero-length frames seen (valid framing, nothing to decode; skipped). */
  emptyFrames = 0;

  constructor(private readonly maxFrameBytes = DEFAULT_MAX_FRAME_BYTES) {}

  /** Bytes waiting for the rest of their frame. */
  get pendingBytes(): number {
    return this.buffered;
  }

  /**
   * Takes a chunk and hands every packet it completes to `onPacket`, in order; the packets
   * before a bad length prefix are handed over before the OscFrameError is thrown.
   */
  push(chunk: Uint8Array, onPacket: (packet: Uint8Array) => void): void {
    if (this.failed) throw this.failed;
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    while (this.buffered >= 4) {
      const length = this.peekLength();
      if (length < 0 || length > this.maxFrameBytes) {
        this.failed = new OscFrameError(length, this.maxFrameBytes);
        this.chunks = [];
        this.buffered = 0;
        throw this.failed;
      }
      if (this.buffered < 4 + length) break;
      this.take(4);
      if (length === 0) {
        this.emptyFrames++;
        continue;
      }
      onPacket(this.take(length));
    }
  }

  /** Forgets everything buffered (a new connection starts a new stream). */
  reset(): void {
    this.chunks = [];
    this.buffered = 0;
    this.failed = undefined;
  }

  private peekLength(): number {
    const first = this.chunks[0];
    const head = first.length >= 4 ? first : this.copyFront(4);
    return new DataView(head.buffer, head.byteOffset, 4).getInt32(0, false);
  }

  /** The first `count` buffered bytes, copied only when they span chunks. */
  private copyFront(count: number): Uint8Array {
    const out = new Uint8Array(count);
    let filled = 0;
    for (const chunk of this.chunks) {
      const part = Math.min(chunk.length, count - filled);
      out.set(chunk.subarray(0, part), filled);
      filled += part;
      if (filled === count) break;
    }
    return out;
  }

  /** Removes and returns the first `count` buffered bytes. */
  private take(count: number): Uint8Array {
    const first = this.chunks[0];
    let out: Uint8Array;
    if (first.length >= count) {
      out = first.subarray(0, count);
    } else {
      out = this.copyFront(count);
    }
    let left = count;
    while (left > 0) {
      const chunk = this.chunks[0];
      if (chunk.length <= left) {
        left -= chunk.length;
        this.chunks.shift();
      } else {
        this.chunks[0] = chunk.subarray(left);
        left = 0;
      }
    }
    this.buffered -= count;
    return out;
  }
}
