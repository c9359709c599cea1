import { strict as assert } from 'node:assert';
import { silentLogger } from '../../src/core/events';
import { OscTimeoutError } from '../../src/core/osc/oscConnection';
import type { ServerStatus } from '../../src/core/scsynth/serverStatus';
import { PollTimers, StatusPoller } from '../../src/core/server/statusPoller';

/** Timers the test fires by hand: no waiting, no sockets. */
class FakeTimers implements PollTimers {
  callback: (() => void) | undefined;
  intervalMs: number | undefined;
  setInterval(callback: () => void, ms: number): unknown {
    this.callback = callback;
    this.intervalMs = ms;
    return callback;
  }
  clearInterval(handle: unknown): void {
    if (handle === this.callback) {
      this.callback = undefined;
      this.intervalMs = undefined;
    }
  }
}

const STATUS: ServerStatus = { numUgens: 4, numSynths: 1, numGroups: 2, numSynthdefs: 9, avgCpu: 1.5, peakCpu: 2.5, nominalSr: 48000, actualSr: 48000.1 };
const flush = () => new Promise((resolve) => setImmediate(resolve));

function setup() {
  const timers = new FakeTimers();
  const answers: Array<'reply' | 'silence' | 'closed'> = [];
  const asked: number[] = [];
  const clock = { now: 0 };
  const poller = new StatusPoller(async (timeoutMs) => {
    asked.push(timeoutMs);
    const answer = answers.shift() ?? 'reply';
    // A silent poll fails when its whole grace time has passed.
    if (answer === 'silence') {
      clock.now += timeoutMs;
      throw new OscTimeoutError('/status', '/status.reply', timeoutMs, '127.0.0.1:57110');
    }
    if (answer === 'closed') throw new Error('the connection was closed');
    return STATUS;
  }, { intervalMs: 250, unresponsiveAfterMs: 600, logger: silentLogger, timers, now: () => clock.now });
  const statuses: ServerStatus[] = [];
  const responsiveness: boolean[] = [];
  poller.onStatus((status) => statuses.push(status));
  poller.onUnresponsive((value) => responsiveness.push(value));
  const tick = async () => {
    timers.callback?.();
    await flush();
  };
  return { timers, answers, asked, poller, statuses, responsiveness, tick, clock };
}

describe('StatusPoller', () => {
  it('polls at once and then every interval, each poll waiting the grace time (at least 200 ms) for its reply', async () => {
    const { timers, asked, poller, statuses, tick } = setup();
    poller.start();
    await flush();
    assert.equal(timers.intervalMs, 250);
    await tick();
    await tick();
    assert.equal(statuses.length, 3);
    assert.deepEqual(asked, [600, 600, 600]);
    poller.intervalMs = 100;
    await flush();
    assert.equal(timers.intervalMs, 100, 'a new interval applies at once while polling');
    poller.unresponsiveAfterMs = 50;
    await tick();
    assert.equal(asked[asked.length - 1], 200, 'never less than 200 ms');
  });

  it('is unresponsive as soon as one poll goes unanswered for the grace time, and responsive again at the next reply', async () => {
    const { answers, poller, responsiveness, tick, clock } = setup();
    answers.push('reply', 'silence', 'reply', 'reply');
    poller.start();
    await flush();
    assert.equal(poller.unresponsive, false);
    await tick();
    assert.equal(poller.unresponsive, true, 'one silent poll is enough: the server is known frozen within interval + grace time');
    clock.now += 150;
    assert.equal(poller.silentForMs, 750, 'silent since the last answer');
    await tick();
    assert.equal(poller.unresponsive, false);
    assert.equal(poller.silentForMs, 0);
    assert.deepEqual(responsiveness, [true, false], 'each change said once');
  });

  it('a poll that times out after a later poll was answered does not count (the server answers now)', async () => {
    const { poller, clock } = setup();
    let releaseSlow: ((error: Error) => void) | undefined;
    const timers = new FakeTimers();
    const overlapping = new StatusPoller((timeoutMs) => {
      if (!releaseSlow) return new Promise<ServerStatus>((_, reject) => (releaseSlow = reject));
      void timeoutMs;
      return Promise.resolve(STATUS);
    }, { intervalMs: 250, unresponsiveAfterMs: 600, logger: silentLogger, timers, now: () => clock.now });
    const changes: boolean[] = [];
    overlapping.onUnresponsive((value) => changes.push(value));
    overlapping.start();
    clock.now += 250;
    timers.callback?.();
    await flush();
    clock.now += 600;
    releaseSlow!(new OscTimeoutError('/status', '/status.reply', 600, '127.0.0.1:57110'));
    await flush();
    assert.equal(overlapping.unresponsive, false);
    assert.deepEqual(changes, []);
    overlapping.dispose();
    poller.dispose();
  });

  it('ignores failures that are not silence (a closed connection is the owner\'s business)', async () => {
    const { answers, poller, tick } = setup();
    answers.push('closed', 'closed', 'closed', 'closed');
    poller.start();
    await flush();
    await tick();
    await tick();
    await tick();
    assert.equal(poller.unresponsive, false);
  });

  it('stops, does not poll at an interval of 0, and is responsive again after a reset', async () => {
    const { timers, answers, poller, asked, tick } = setup();
    answers.push('silence', 'silence', 'silence');
    poller.start();
    await flush();
    assert.equal(poller.unresponsive, true);
    poller.reset();
    assert.equal(poller.unresponsive, false);
    assert.equal(poller.running, false);
    assert.equal(timers.callback, undefined);
    poller.intervalMs = 0;
    poller.start();
    await flush();
    assert.equal(poller.running, false, 'no timer');
    const polls = asked.length;
    await tick();
    assert.equal(asked.length, polls, 'nothing polled');
  });
});
