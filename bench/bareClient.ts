// The baseline: a bare node:dgram client that writes OSC bytes by hand. No libraries; only
// the few argument types scsynth's replies and the benchmark's commands use.
import * as dgram from 'node:dgram';

/** One argument with its OSC type: i int32, f float32, d float64, s string, b blob. */
export type BareArg = ['i', number] | ['f', number] | ['d', number] | ['s', string] | ['b', Uint8Array];

export type BareValue = number | string | Uint8Array | bigint | boolean | null;

export interface BareMessage {
  address: string;
  args: BareValue[];
}

const pad4 = (n: number) => (n + 3) & ~3;

/** Encodes one OSC message. */
export function oscMessage(address: string, args: readonly BareArg[] = []): Buffer {
  const addressBytes = Buffer.byteLength(address);
  let size = pad4(addressBytes + 1) + pad4(args.length + 2);
  for (const arg of args) {
    if (arg[0] === 'i' || arg[0] === 'f') size += 4;
    else if (arg[0] === 'd') size += 8;
    else if (arg[0] === 's') size += pad4(Buffer.byteLength(arg[1]) + 1);
    else size += 4 + pad4(arg[1].byteLength);
  }
  const buf = Buffer.alloc(size);
  buf.write(address, 0);
  let at = pad4(addressBytes + 1);
  buf[at] = 0x2c; // ','
  for (let i = 0; i < args.length; i++) buf[at + 1 + i] = args[i][0].charCodeAt(0);
  at += pad4(args.length + 2);
  for (const arg of args) {
    switch (arg[0]) {
      case 'i':
        buf.writeInt32BE(arg[1], at);
        at += 4;
        break;
      case 'f':
        buf.writeFloatBE(arg[1], at);
        at += 4;
        break;
      case 'd':
        buf.writeDoubleBE(arg[1], at);
        at += 8;
        break;
      case 's': {
        const n = buf.write(arg[1], at);
        at += pad4(n + 1);
        break;
      }
      case 'b':
        buf.writeInt32BE(arg[1].byteLength, at);
        buf.set(arg[1], at + 4);
        at += 4 + pad4(arg[1].byteLength);
        break;
    }
  }
  return buf;
}

/** Encodes an immediate bundle of already encoded messages. */
export function oscBundle(messages: readonly Buffer[]): Buffer {
  let size = 16;
  for (const m of messages) size += 4 + m.length;
  const buf = Buffer.alloc(size);
  buf.write('#bundle', 0);
  buf.writeUInt32BE(0, 8);
  buf.writeUInt32BE(1, 12);
  let at = 16;
  for (const m of messages) {
    buf.writeInt32BE(m.length, at);
    m.copy(buf, at + 4);
    at += 4 + m.length;
  }
  return buf;
}

function asBuffer(data: Uint8Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/** The address of a message without decoding the rest ('#bundle' for a bundle). */
export function addressOf(data: Uint8Array): string {
  const buf = asBuffer(data);
  const end = buf.indexOf(0);
  return buf.toString('latin1', 0, end < 0 ? buf.length : end);
}

/** Minimal hand-rolled decoder of one message in `data[start, end)`. */
export function decodeMessage(data: Uint8Array, start = 0, end = data.byteLength): BareMessage {
  const buf = asBuffer(data);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let nul = buf.indexOf(0, start);
  if (nul < 0 || nul >= end) throw new Error('OSC address is not terminated');
  const address = buf.toString('utf8', start, nul);
  let at = start + pad4(nul - start + 1);
  const args: BareValue[] = [];
  if (at >= end || buf[at] !== 0x2c) return { address, args };
  const tagStart = at + 1;
  nul = buf.indexOf(0, tagStart);
  if (nul < 0 || nul >= end) throw new Error('OSC type tags are not terminated');
  at += pad4(nul - at + 1);
  for (let t = tagStart; t < nul; t++) {
    switch (buf[t]) {
      case 0x69: // i
        args.push(view.getInt32(at));
        at += 4;
        break;
      case 0x66: // f
        args.push(view.getFloat32(at));
        at += 4;
        break;
      case 0x64: // d
        args.push(view.getFloat64(at));
        at += 8;
        break;
      case 0x68: // h
        args.push(view.getBigInt64(at));
        at += 8;
        break;
      case 0x73: { // s
        let z = at;
        while (z < end && buf[z] !== 0) z++;
        args.push(buf.toString('utf8', at, z));
        at += pad4(z - at + 1);
        break;
      }
      case 0x62: { // b
        const n = view.getInt32(at);
        args.push(buf.subarray(at + 4, at + 4 + n));
        at += 4 + pad4(n);
        break;
      }
      case 0x54: // T
        args.push(true);
        break;
      case 0x46: // F
        args.push(false);
        break;
      case 0x4e: // N
        args.push(null);
        break;
      default:
        throw new Error(`unsupported OSC type tag ${String.fromCharCode(buf[t])}`);
    }
    if (at > end) throw new Error('OSC message is truncated');
  }
  return { address, args };
}

/** Calls `visit` for each message of a datagram, walking (nested) bundles. */
export function forEachMessage(data: Uint8Array, visit: (message: BareMessage) => void, start = 0, end = data.byteLength): void {
  const buf = asBuffer(data);
  if (end - start >= 16 && buf.toString('latin1', start, start + 8) === '#bundle\0') {
    let at = start + 16;
    while (at + 4 <= end) {
      const size = buf.readInt32BE(at);
      forEachMessage(buf, visit, at + 4, at + 4 + size);
      at += 4 + size;
    }
    return;
  }
  visit(decodeMessage(buf, start, end));
}

interface Waiter {
  address: string;
  match?: (message: BareMessage) => boolean;
  resolve(message: BareMessage): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * A bare UDP client of scsynth: sends hand-encoded bytes; `/status` round trips take a fast
 * path (address compared, nothing decoded); other replies are decoded by `decodeMessage`.
 * Counts `/n_go`, `/n_end` and `/fail` as they come.
 */
export class BareClient {
  nGo = 0;
  nEnd = 0;
  readonly fails: BareMessage[] = [];
  /** Raw bytes of the last `/g_queryTree.reply` (kept for the decode benchmark). */
  lastTreeReply: Buffer | undefined;
  private statusWaiter: (() => void) | undefined;
  private readonly waiters: Waiter[] = [];

  private constructor(readonly socket: dgram.Socket, readonly host: string, readonly port: number) {}

  static async open(host: string, port: number, bufferBytes = 8 * 1024 * 1024): Promise<BareClient> {
    const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: bufferBytes, sendBufferSize: bufferBytes });
    const client = new BareClient(socket, host, port);
    socket.on('message', (data) => client.receive(data));
    socket.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind({ address: '127.0.0.1', port: 0 }, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return client;
  }

  get localPort(): number {
    return this.socket.address().port;
  }

  /** The receive buffer the kernel granted (Linux reports twice what was asked, capped). */
  get recvBufferSize(): number {
    return this.socket.getRecvBufferSize();
  }

  send(data: Uint8Array): void {
    this.socket.send(data, this.port, this.host);
  }

  /** One `/status` round trip: encode, send, resolve on `/status.reply`. */
  status(timeoutMs = 2000): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.statusWaiter = undefined;
        reject(new Error('no /status.reply'));
      }, timeoutMs);
      this.statusWaiter = () => {
        clearTimeout(timer);
        resolve();
      };
      this.send(oscMessage('/status'));
    });
  }

  /** Sends `data` and resolves with the first reply at `address` that matches (or a `/fail` for `failCommand`). */
  request(data: Uint8Array, address: string, options: { match?: (m: BareMessage) => boolean; failCommand?: string; timeoutMs?: number } = {}): Promise<BareMessage> {
    let failWaiter = undefined as Waiter | undefined;
    const promise = new Promise<BareMessage>((resolve, reject) => {
      const waiter: Waiter = {
        address,
        match: options.match,
        resolve,
        reject,
        timer: setTimeout(() => {
          const index = this.waiters.indexOf(waiter);
          if (index >= 0) this.waiters.splice(index, 1);
          reject(new Error(`no ${address} within ${options.timeoutMs ?? 5000} ms`));
        }, options.timeoutMs ?? 5000),
      };
      this.waiters.push(waiter);
      if (options.failCommand) {
        failWaiter = {
          address: '/fail',
          match: (m) => m.args[0] === options.failCommand,
          resolve: (m) => {
            clearTimeout(waiter.timer);
            const index = this.waiters.indexOf(waiter);
            if (index >= 0) this.waiters.splice(index, 1);
            reject(new Error(`/fail ${m.args.join(' ')}`));
          },
          reject: () => undefined,
          timer: waiter.timer,
        };
        this.waiters.push(failWaiter);
      }
    });
    if (failWaiter) {
      const cleanup = () => {
        const index = this.waiters.indexOf(failWaiter!);
        if (index >= 0) this.waiters.splice(index, 1);
      };
      promise.then(cleanup, cleanup);
    }
    this.send(data);
    return promise;
  }

  close(): void {
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error('closed'));
    }
    this.socket.close();
  }

  private receive(data: Buffer): void {
    // Fast paths: addresses compared on the raw bytes.
    const b1 = data[1];
    if (b1 === 0x6e /* n */) {
      if (data[2] === 0x5f && data[3] === 0x67 && data[4] === 0x6f && data[5] === 0) return void this.nGo++; // /n_go
      if (data[2] === 0x5f && data[3] === 0x65 && data[4] === 0x6e && data[5] === 0x64) return void this.nEnd++; // /n_end
    }
    if (this.statusWaiter && b1 === 0x73 && addressOf(data) === '/status.reply') {
      const waiter = this.statusWaiter;
      this.statusWaiter = undefined;
      return waiter();
    }
    if (b1 === 0x67 /* g */ && addressOf(data) === '/g_queryTree.reply') {
      // Bytes only: the reply is kept, not decoded.
      this.lastTreeReply = data;
      const index = this.waiters.findIndex((w) => w.address === '/g_queryTree.reply');
      if (index >= 0) {
        const [waiter] = this.waiters.splice(index, 1);
        clearTimeout(waiter.timer);
        waiter.resolve({ address: '/g_queryTree.reply', args: [] });
      }
      return;
    }
    forEachMessage(data, (message) => {
      if (message.address === '/fail') this.fails.push(message);
      const index = this.waiters.findIndex((w) => w.address === message.address && (!w.match || w.match(message)));
      if (index >= 0) {
        const [waiter] = this.waiters.splice(index, 1);
        clearTimeout(waiter.timer);
        waiter.resolve(message);
      }
    });
  }
}
