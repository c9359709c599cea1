import { strict as assert } from 'node:assert';
import { Emitter, silentLogger } from '../../src/core/events';
import type { OscMessage } from '../../src/core/osc/oscCodec';
import type { Request } from '../../src/core/scsynth/scsynthCommands';
import { ScopeClock, ScopeRead, ScopeTap } from '../../src/core/meters/scopeTap';

const value = (arg: unknown) => (typeof arg === 'object' && arg !== null && 'value' in arg ? (arg).value : arg);

/**
 * A server whose scope buffer holds, at ring frame f and channel c, the sample f * 10 + c, and
 * in its last frame the index of the newest frame written (`newest`).
 */
function setup(clock?: ScopeClock) {
  const sent: OscMessage[] = [];
  const reads: Array<[number, number]> = [];
  const server = { newest: 0, frames: 0, channels: 1 };
  let release: (() => void) | undefined;
  let holdReads = false;
  const tap = new ScopeTap(
    {
      canSend: true,
      synthdefsLoaded: Promise.resolve(),
      logger: silentLogger,
      allocateNodeId: () => 3000,
      allocateBufferId: () => 7,
      freeBufferId: () => undefined,
      send: (message) => void sent.push(message),
      request: (request: Request) => answer(request),
    },
    clock,
  );
  async function answer(request: Request) {
    const [bufnum, start, count] = request.message.args.map(value) as number[];
    if (request.message.address === '/b_alloc') {
      server.frames = start - 1;
      server.channels = count;
    }
    if (request.message.address === '/b_getn') {
      reads.push([start, count]);
      if (holdReads) await new Promise<void>((resolve) => (release = resolve));
      const samples: number[] = [];
      for (let f = 0; f < server.frames; f++) for (let c = 0; c < server.channels; c++) samples.push(f * 10 + c);
      for (let c = 0; c < server.channels; c++) samples.push(server.newest);
      return { address: '/b_setn', args: [bufnum, start, count, ...samples.slice(start, start + count)] };
    }
    return { address: '/done', args: [request.message.address, bufnum] };
  }
  return { tap, sent, reads, server, hold: () => (holdReads = true), release: () => release?.() };
}

const nextRead = (tap: ScopeTap) => new Promise<ScopeRead>((resolve) => { const l = tap.onRead((r) => { l.dispose(); resolve(r); }); });
const settle = () => new Promise((resolve) => setImmediate(resolve));

class FakeMeters implements ScopeClock {
  running = false;
  readonly changed = new Emitter<boolean>();
  readonly levels = new Emitter<unknown>();
  readonly onDidChangeRunning = this.changed.event;
  readonly onLevels = this.levels.event;
  set(running: boolean) {
    this.running = running;
    this.changed.fire(running);
  }
}

describe('ScopeTap', () => {
  it('reads ring and newest index in one /b_getn: two consecutive pictures, oldest first, from the frame after the newest', async () => {
    const { tap, sent, reads, server } = setup();
    await tap.start({ channels: 2, frames: 256, rate: 25 });
    assert.equal(sent[0].args[0], 'sclive_scope_2ch');
    assert.equal(server.frames, 512, 'a ring of two pictures (the read is atomic), plus the index frame');
    server.newest = 99;
    const next = nextRead(tap);
    tap.handleReply([3000, 0, 0]);
    const read = await next;
    assert.deepEqual(reads, [[0, 513 * 2]]);
    assert.equal(read.intervalMs, 40, 'shown 1/25 s apart');
    const [older, newer] = read.pictures;
    assert.equal(older[0][0], 100 * 10, 'the oldest frame first');
    assert.equal(older[1][0], 100 * 10 + 1);
    assert.equal(older[0][255], 355 * 10);
    assert.equal(newer[0][0], 356 * 10, 'the newer picture goes on where the older ends');
    assert.equal(newer[0][156], 0, 'round the ring');
    assert.equal(newer[0][255], 99 * 10, 'the newest frame last');
    assert.deepEqual(tap.counters, { pictures: 2, skipped: 0 });
  });

  it('reads one picture at a time where two would not fit one reply', async () => {
    const { tap, reads, server } = setup();
    await tap.start({ channels: 2, frames: 4096 });
    assert.equal(tap.picturesPerRead, 1);
    assert.equal(server.frames, 4096);
    server.newest = 4095;
    const next = nextRead(tap);
    tap.handleReply([3000, 0, 0]);
    const read = await next;
    assert.deepEqual(reads, [[0, 4097 * 2]]);
    assert.equal(read.pictures.length, 1);
    assert.equal(read.pictures[0][0][0], 0);
    assert.equal(read.pictures[0][1][4095], 4095 * 10 + 1);
  });

  it('reads again right after a read that was out when a tick came; ticks beyond that one are skipped (counted), never queued', async () => {
    const { tap, reads, hold, release } = setup();
    await tap.start({ channels: 1, frames: 256 });
    hold();
    tap.handleReply([3000, 0, 0]);
    tap.handleReply([3000, 0, 0]);
    tap.handleReply([3000, 0, 0]);
    const first = nextRead(tap);
    release();
    await first;
    await settle();
    assert.equal(reads.length, 2, 'the read, then one more right after it');
    const second = nextRead(tap);
    release();
    await second;
    await settle();
    assert.equal(reads.length, 2);
    assert.deepEqual(tap.counters, { pictures: 4, skipped: 1 });
  });

  it('ignores ticks of synths not its own, and refuses more frames than a picture may hold', async () => {
    const { tap, reads } = setup();
    await tap.start({ channels: 2, frames: 256 });
    tap.handleReply([9999, 0, 0]);
    assert.deepEqual(reads, []);
    await assert.rejects(tap.start({ channels: 2, frames: 8192 }), /do not fit one reply|64 to 4096/);
  });

  it('reads by the meters\' updates while they run, its synth then sending no ticks of its own; by its own again when they stop', async () => {
    const meters = new FakeMeters();
    meters.set(true);
    const { tap, sent, reads } = setup(meters);
    await tap.start({ channels: 1, frames: 256, rate: 11 });
    const created = sent.find((message) => message.address === '/s_new')!;
    const rateOf = (message: OscMessage) => value(message.args[message.args.findIndex((arg) => value(arg) === 'rate') + 1]);
    assert.equal(rateOf(created), 0, 'no ticks of its own while the meters run');
    tap.handleReply([3000, 0, 0]);
    assert.equal(reads.length, 0, 'a stray tick of its own is not read by');
    meters.levels.fire(undefined);
    await settle();
    assert.equal(reads.length, 1, 'a meter update reads a picture');
    meters.levels.fire(undefined);
    await settle();
    assert.equal(reads.length, 1, 'an update 0 ms later is not read by');
    meters.set(false);
    const set = sent[sent.length - 1];
    assert.equal(set.address, '/n_set');
    assert.equal(rateOf(set), 5.5, 'its own ticks again: 11 pictures a second, two a read');
    tap.handleReply([3000, 0, 0]);
    await settle();
    assert.equal(reads.length, 2);
  });
});
