// Which request a reply answers: pending requests by reply address (matched by the id a reply
// carries, where it carries one) and by the command a `/fail` names; timeouts; rejecting all
// when the connection closes. No socket: tested by handing it messages.
import type { DecodedMessage } from './oscCodec';

/** Which reply answers a request, and how a `/fail` for it is recognised. */
export interface ReplyExpectation {
  /** Address of the reply, e.g. `/synced` or `/done`. */
  address: string;
  /** Whether a reply with that address answers this request (e.g. carries its id). */
  match?: (args: DecodedMessage['args']) => boolean;
  /** The command named by `/fail <command> ...`; defaults to the request's address. */
  failCommand?: string;
}

export class OscTimeoutError extends Error {
  constructor(readonly command: string, readonly expected: string, readonly timeoutMs: number, target: string) {
    super(`No reply to ${command} from ${target} within ${timeoutMs} ms (expected ${expected}). Is the server running and reachable?`);
    this.name = 'OscTimeoutError';
  }
}

/** scsynth answered `/fail <command> <message>`. */
export class ServerFailError extends Error {
  constructor(readonly command: string, readonly serverMessage: string, readonly args: DecodedMessage['args']) {
    super(`scsynth failed ${command}: ${serverMessage}`);
    this.name = 'ServerFailError';
  }
}

export class ConnectionClosedError extends Error {
  constructor(command: string, reason: string) {
    super(`${command} was not answered: ${reason}`);
    this.name = 'ConnectionClosedError';
  }
}

interface PendingReply {
  command: string;
  expectation: ReplyExpectation;
  resolve(message: DecodedMessage): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class ReplyRouter {
  private readonly pending = new Map<string, PendingReply[]>();
  private readonly pendingFailures = new Map<string, PendingReply[]>();

  /** `target` names the server in timeout messages. */
  constructor(private readonly target: string) {}

  get size(): number {
    let count = 0;
    for (const list of this.pending.values()) count += list.length;
    return count;
  }

  /** Waits for the reply to `command`, or its `/fail`, or the timeout. */
  expect(command: string, reply: ReplyExpectation, timeoutMs: number): Promise<DecodedMessage> {
    return new Promise<DecodedMessage>((resolve, reject) => {
      const entry: PendingReply = {
        command,
        expectation: reply,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.remove(entry);
          reject(new OscTimeoutError(command, reply.address, timeoutMs, this.target));
        }, timeoutMs),
      };
      pushTo(this.pending, reply.address, entry);
      pushTo(this.pendingFailures, reply.failCommand ?? command, entry);
    });
  }

  /** A reply arrived: the first request waiting for it (and matching it) is answered. True if one was. */
  reply(message: DecodedMessage): boolean {
    const waiting = this.pending.get(message.address);
    const entry = waiting?.find((candidate) => !candidate.expectation.match || candidate.expectation.match(message.args));
    if (!entry) return false;
    this.remove(entry);
    entry.resolve(message);
    return true;
  }

  /** `/fail command text...`: the oldest request for that command fails. Returns the error, and whether one waited. */
  fail(message: DecodedMessage): { error: ServerFailError; matched: boolean } {
    const command = String(message.args[0] ?? '');
    const text = message.args.slice(1).filter((arg) => typeof arg === 'string').join(' ') || 'failed';
    const error = new ServerFailError(command, text, message.args);
    const entry = this.pendingFailures.get(command)?.[0];
    if (!entry) return { error, matched: false };
    this.remove(entry);
    entry.reject(error);
    return { error, matched: true };
  }

  /** Sending failed: the newest wait for this request ends with `error`. */
  cancel(command: string, reply: ReplyExpectation, error: Error): void {
    const entries = this.pending.get(reply.address) ?? [];
    const entry = [...entries].reverse().find((candidate) => candidate.command === command && candidate.expectation === reply);
    if (entry) {
      this.remove(entry);
      entry.reject(error);
    }
  }

  /** The connection closed: every wait ends. */
  rejectAll(reason: string): void {
    for (const entries of this.pending.values()) {
      for (const entry of [...entries]) {
        clearTimeout(entry.timer);
        entry.reject(new ConnectionClosedError(entry.command, reason));
      }
    }
    this.pending.clear();
    this.pendingFailures.clear();
  }

  private remove(entry: PendingReply): void {
    clearTimeout(entry.timer);
    removeFrom(this.pending, entry.expectation.address, entry);
    removeFrom(this.pendingFailures, entry.expectation.failCommand ?? entry.command, entry);
  }
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function removeFrom<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (!list) return;
  const index = list.indexOf(value);
  if (index >= 0) list.splice(index, 1);
  if (list.length === 0) map.delete(key);
}
