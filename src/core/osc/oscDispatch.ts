// Where a decoded message goes once it arrived, whatever carried it: the request waiting for
// it (ReplyRouter), the listeners of its address, then the listeners of every message.
import { Disposable, Emitter, Event, Logger } from '../events';
import type { DecodedMessage } from './oscCodec';
import { ConnectionClosedError, ReplyExpectation, ReplyRouter, ServerFailError } from './replyRouter';

export class OscDispatch implements Disposable {
  readonly replies: ReplyRouter;
  private readonly listeners = new Map<string, Set<(message: DecodedMessage) => void>>();
  private readonly onMessageEmitter = new Emitter<DecodedMessage>();
  readonly onAnyMessage: Event<DecodedMessage> = this.onMessageEmitter.event;
  private readonly onFailEmitter = new Emitter<ServerFailError>();
  readonly onUnmatchedFail: Event<ServerFailError> = this.onFailEmitter.event;

  constructor(target: string, private readonly logger: Logger) {
    this.replies = new ReplyRouter(target);
  }

  onMessage(address: string, listener: (message: DecodedMessage) => void): Disposable {
    let set = this.listeners.get(address);
    if (!set) {
      set = new Set();
      this.listeners.set(address, set);
    }
    set.add(listener);
    return { dispose: () => void set.delete(listener) };
  }

  /** Waits for `reply`; rejected at once with `notOpen`, the reason, when the connection cannot carry it. */
  expect(command: string, reply: ReplyExpectation, timeoutMs: number, notOpen: string | undefined): Promise<DecodedMessage> {
    if (notOpen !== undefined) return Promise.reject(new ConnectionClosedError(command, notOpen));
    return this.replies.expect(command, reply, timeoutMs);
  }

  /** Registers the wait for `reply`, then sends (`send`): a send that throws ends the wait with its error. */
  sendAndExpect(send: () => void, command: string, reply: ReplyExpectation, timeoutMs: number, notOpen: string | undefined): Promise<DecodedMessage> {
    const promise = this.expect(command, reply, timeoutMs, notOpen);
    try {
      send();
    } catch (error) {
      this.replies.cancel(command, reply, error as Error);
    }
    return promise;
  }

  dispatch(message: DecodedMessage): void {
    if (message.address === '/fail') {
      const { error, matched } = this.replies.fail(message);
      if (!matched) {
        this.logger.warn(error.message);
        this.onFailEmitter.fire(error);
      }
    } else {
      this.replies.reply(message);
    }
    const set = this.listeners.get(message.address);
    if (set) {
      for (const listener of set) {
        try {
          listener(message);
        } catch (error) {
          this.logger.error(`A handler of ${message.address} failed: ${(error as Error).stack ?? String(error)}`);
        }
      }
    }
    if (this.onMessageEmitter.hasListeners) this.onMessageEmitter.fire(message);
  }

  dispose(): void {
    this.onMessageEmitter.dispose();
    this.onFailEmitter.dispose();
    this.listeners.clear();
  }
}
