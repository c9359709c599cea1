import { strict as assert } from 'node:assert';
import { silentLogger } from '../../src/core/events';
import type { OscMessage } from '../../src/core/osc/oscCodec';
import type { Request } from '../../src/core/scsynth/scsynthCommands';
import { ScopeFrame, ScopeTap } from '../../src/core/meters/scopeTap';

/** A server whose scope buffer holds sample value = frame index * 10 + channel (interleaved). */
function setup(ringFrames: number) {
  const sent: OscMessage[] = [];
  const reads: Array<[number, number]> = [];
  let release: (() => void) | undefined;
  let holdReads = false;
  const tap = new ScopeTap({
    canSend: true,
    synthdefsLoaded: Promise.resolve(),
    logger: silentLogger,
    allocateNodeId: () => 3000,
    allocateBufferId: () => 7,
    freeBufferId: () => undefined,
    send: (message) => void sent.push(message),
    requestAll: (requests: readonly Request[]) => Promise.all(requests.map((request) => answer(request))),
    request: (request: Request) => answer(request),
  });
  async function answer(request: Request) {
    {
      const [bufnum, start, count] = request.message.args.map((arg) => (arg as { value: number }).value);
      if (request.message.address === '/b_getn') {
        reads.push([start, count]);
        if (holdReads) await new Promise<void>((resolve) => (release = resolve));
        const samples = Array.from({ length: count }, (_, i) => Math.floor((start + i) / 2) * 10 + ((start + i) % 2));
        return { address: '/b_setn', args: [bufnum, start, count, ...samples] };
      }
      return { address: '/done', args: [request.message.address, bufnum] };
    }
  }
  assert.equal(ringFrames % 4, 0);
  return { tap, sent, reads, hold: () => (holdReads = true), release: () => release?.() };
}

const nextFrame = (tap: ScopeTap) => new Promise<ScopeFrame>((resolve) => { const l = tap.onFrame((f) => { l.dispose(); resolve(f); }); });

describe('ScopeTap', () => {
  it('reads the frames just before the reported position, in two parts where they wrap around the ring', async () => {
    const { tap, sent, reads } = setup(4 * 256);
    await tap.start({ channels: 2, frames: 256, rate: 25 });
    assert.equal(sent[0].args[0], 'sclive_scope_2ch');
    // Position 100 of a ring of 1,024 frames: frames 868..1023, then 0..99.
    const frame = nextFrame(tap);
    tap.handleReply([3000, 0, 100]);
    const picture = await frame;
    assert.deepEqual(reads, [[868 * 2, 156 * 2], [0, 100 * 2]]);
    assert.equal(picture.channels[0][0], 868 * 10);
    assert.equal(picture.channels[1][0], 868 * 10 + 1);
    assert.equal(picture.channels[0][255], 99 * 10, 'the newest frame last');
  });

  it('keeps the newest report that came during a read for right after it; older ones are superseded (counted), never queued', async () => {
    const { tap, reads, hold, release } = setup(4 * 256);
    await tap.start({ channels: 1, frames: 256 });
    hold();
    tap.handleReply([3000, 0, 500]);
    tap.handleReply([3000, 0, 510]);
    tap.handleReply([3000, 0, 520]);
    const first = nextFrame(tap);
    release();
    await first;
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(reads.map(([start]) => start + 256), [500, 520], 'the read at 500, then the newest (520); 510 never');
    const second = nextFrame(tap);
    release();
    await second;
    assert.deepEqual(tap.counters, { frames: 2, skipped: 1 });
  });

  it('ignores reports of synths not its own, and refuses frames that do not fit one reply', async () => {
    const { tap, reads } = setup(4 * 256);
    await tap.start({ channels: 2, frames: 256 });
    tap.handleReply([9999, 0, 100]);
    assert.deepEqual(reads, []);
    await assert.rejects(tap.start({ channels: 2, frames: 8192 }), /do not fit one reply|64 to 4096/);
  });
});
