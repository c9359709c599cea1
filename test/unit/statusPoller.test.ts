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
  const poller = new StatusPoller(async (timeoutMs) => {
    asked.push(timeoutMs);
    const answer = answers.shift() ?? 'reply';
    if (answer === 'silence') throw new OscTimeoutError('/status', '/status.reply', timeoutMs, '127.0.0.1:57110');
    if (answer === 'closed') throw new Error('the connection was closed');
    return STATUS;
  }, { intervalMs: 250, maxMissed: 3, logger: silentLogger, timers });
  const statuses: ServerStatus[] = [];
  const responsiveness: boolean[] = [];
  poller.onStatus((status) => statuses.push(status));
  poller.onUnresponsive((value) => responsiveness.push(value));
  const tick = async () => {
    timers.callback?.();
    await flush();
  };
  return { timers, answers, asked, poller, statuses, responsiveness, tick };
}

describe('StatusPoller', () => {
  it('polls at once and then every interval, waiting at least 200 ms for each reply', async () => {
    const { timers, asked, poller, statuses, tick } = setup();
    poller.start();
    await flush();
    assert.equal(timers.intervalMs, 250);
    await tick();
    await tick();
    assert.equal(statuses.length, 3);
    assert.deepEqual(asked, [250, 250, 250]);
    poller.intervalMs = 100;
    await flush();
    assert.equal(timers.intervalMs, 100, 'a new interval applies at once while polling');
    assert.equal(asked[asked.length - 1], 200);
  });

  it('is unresponsive after three unanswered polls in a row, and responsive again at the next reply', async () => {
    const { answers, poller, responsiveness, tick } = setup();
    answers.push('silence', 'silence', 'reply', 'silence', 'silence', 'silence', 'silence', 'reply');
    poller.start();
    await flush();
    await tick();
    await tick();
    assert.equal(poller.unresponsive, false, 'two misses then a reply: the count starts again');
    await tick();
    await tick();
    await tick();
    assert.equal(poller.unresponsive, true);
    await tick();
    assert.deepEqual(responsiveness, [true], 'said once');
    await tick();
    assert.equal(poller.unresponsive, false);
    assert.deepEqual(responsiveness, [true, false]);
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
    await tick();
    await tick();
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
