import { strict as assert } from 'node:assert';
import {
  AllocationError,
  IDBlockAllocator,
  NODE_IDS_PER_CLIENT,
  NodeIdAllocator,
  clientBlock,
  clientIdOfNode,
  defaultGroupIdOf,
  highestNodeIdsByClient,
} from '../../src/core/server/idAllocators';
import { decodePacket, encodeMessage } from '../../src/core/osc/oscCodec';

function range(start: number, length: number): number[] {
  return Array.from({ length }, (_, i) => start + i);
}

describe('IDBlockAllocator', () => {
  it('hands out consecutive runs from the offset on', () => {
    const allocator = new IDBlockAllocator(10, 100);
    assert.deepEqual(allocator.allocate(3), [100, 101, 102]);
    assert.deepEqual(allocator.allocate(), [103]);
    assert.deepEqual(allocator.allocate(2), [104, 105]);
    assert.equal(allocator.numFree, 4);
  });

  it('reuses the first hole that fits (first fit), not the last freed one', () => {
    const allocator = new IDBlockAllocator(10, 100);
    const blocks = [allocator.allocate(2), allocator.allocate(2), allocator.allocate(2), allocator.allocate(2), allocator.allocate(2)];
    assert.deepEqual(blocks.flat(), range(100, 10));
    allocator.freeIds(blocks[3]); // 106, 107
    allocator.freeIds(blocks[1]); // 102, 103
    assert.deepEqual(allocator.allocate(2), [102, 103]);
    assert.deepEqual(allocator.allocate(2), [106, 107]);
    assert.throws(() => allocator.allocate(1), AllocationError);
  });

  it('skips holes that are too small', () => {
    const allocator = new IDBlockAllocator(10, 100);
    allocator.allocate(10);
    allocator.freeIds([102]);
    allocator.freeIds([106, 107, 108, 109]);
    assert.deepEqual(allocator.allocate(3), [106, 107, 108]);
    assert.deepEqual(allocator.allocate(1), [102]);
    assert.deepEqual(allocator.allocate(1), [109]);
    assert.equal(allocator.numFree, 0);
  });

  it('keeps order and merges after out-of-order frees', () => {
    const allocator = new IDBlockAllocator(10, 100);
    const ids = range(0, 10).map(() => allocator.allocate()[0]);
    assert.deepEqual(ids, range(100, 10));
    for (const i of [7, 2, 9, 0, 5, 3, 8, 1, 6, 4]) allocator.freeIds([100 + i]);
    assert.equal(allocator.numFree, 10);
    assert.deepEqual(allocator.allocate(10), range(100, 10));
  });

  it('merges scrambled multi-id frees in one call', () => {
    const allocator = new IDBlockAllocator(8, 0);
    allocator.allocate(8);
    allocator.freeIds([5, 1, 7]);
    allocator.freeIds([0, 6, 2, 4, 3]);
    assert.deepEqual(allocator.allocate(8), range(0, 8));
  });

  it('throws on a double free within one call and changes nothing', () => {
    const allocator = new IDBlockAllocator(10, 100);
    allocator.allocate(4);
    assert.throws(() => allocator.freeIds([101, 102, 101]), (error: unknown) => {
      assert.ok(error instanceof AllocationError);
      assert.match(error.message, /101/);
      return true;
    });
    assert.equal(allocator.numFree, 6);
    assert.equal(allocator.isFree(102), false);
    assert.deepEqual(allocator.allocate(6), range(104, 6));
  });

  it('throws on a double free across calls and changes nothing', () => {
    const allocator = new IDBlockAllocator(10, 100);
    allocator.allocate(4);
    allocator.freeIds([101]);
    assert.throws(() => allocator.freeIds([100, 101]), (error: unknown) => {
      assert.ok(error instanceof AllocationError);
      assert.match(error.message, /101.*already free/);
      return true;
    });
    // 100 was part of the rejected call: it must still be allocated.
    assert.equal(allocator.isFree(100), false);
    assert.equal(allocator.numFree, 7);
    assert.deepEqual(allocator.allocate(1), [101]);
  });

  it('throws when freeing an id that was never handed out', () => {
    const allocator = new IDBlockAllocator(10, 100);
    assert.throws(() => allocator.freeIds([105]), AllocationError);
    assert.equal(allocator.numFree, 10);
  });

  it('throws for ids outside its range and changes nothing', () => {
    const allocator = new IDBlockAllocator(10, 100);
    allocator.allocate(10);
    for (const bad of [99, 110, -1, 100.5]) {
      assert.throws(() => allocator.freeIds([100, bad]), (error: unknown) => {
        assert.ok(error instanceof AllocationError);
        assert.match(error.message, /outside this allocator's range 100\.\.109/);
        return true;
      });
    }
    assert.equal(allocator.numFree, 0);
  });

  it('throws AllocationError on exhaustion, saying how many ids are free', () => {
    const allocator = new IDBlockAllocator(4, 0);
    allocator.allocate(3);
    assert.throws(() => allocator.allocate(2), (error: unknown) => {
      assert.ok(error instanceof AllocationError);
      assert.match(error.message, /1 free/);
      return true;
    });
    assert.deepEqual(allocator.allocate(1), [3]);
    assert.throws(() => allocator.allocate(1), /0 free/);
  });

  it('reports a fragmented allocator: enough ids free but no run long enough', () => {
    const allocator = new IDBlockAllocator(4, 0);
    allocator.allocate(4);
    allocator.freeIds([0, 2]);
    assert.throws(() => allocator.allocate(2), (error: unknown) => {
      assert.ok(error instanceof AllocationError);
      assert.match(error.message, /2 free, largest free run 1/);
      return true;
    });
    assert.equal(allocator.numFree, 2);
  });

  it('rejects non-positive or fractional allocation sizes', () => {
    const allocator = new IDBlockAllocator(4, 0);
    assert.throws(() => allocator.allocate(0), RangeError);
    assert.throws(() => allocator.allocate(1.5), RangeError);
    assert.equal(allocator.numFree, 4);
  });
});

describe('NodeIdAllocator', () => {
  it('starts client 0 at 1000 and counts up', () => {
    const allocator = new NodeIdAllocator(0);
    assert.deepEqual([allocator.allocate(), allocator.allocate(), allocator.allocate()], [1000, 1001, 1002]);
  });

  it('starts client 1 at 2^26 + 1000 (not inside client 0 range as sc3nb did)', () => {
    const allocator = new NodeIdAllocator(1);
    assert.equal(allocator.allocate(), 2 ** 26 + 1000);
    assert.equal(allocator.allocate(), 67109865);
  });

  it('default group ids are clientId * 2^26 + 1', () => {
    assert.equal(new NodeIdAllocator(0).defaultGroupId, 1);
    assert.equal(new NodeIdAllocator(1).defaultGroupId, 67108865);
    assert.equal(new NodeIdAllocator(7).defaultGroupId, 469762049);
    for (let c = 0; c < 32; c++) assert.equal(defaultGroupIdOf(c), c * 2 ** 26 + 1);
  });

  it('clientIdOfNode recovers the owner', () => {
    assert.equal(clientIdOfNode(1000), 0);
    assert.equal(clientIdOfNode(67109864), 1);
    assert.equal(clientIdOfNode(469762049), 7);
    assert.equal(clientIdOfNode(2 ** 31 - 1), 31);
  });

  it('rejects client ids outside 0..31', () => {
    for (const bad of [-1, 32, 1.5]) assert.throws(() => new NodeIdAllocator(bad), RangeError);
  });

  it('wraps back to 1000 below 2^26, staying in the client range (client 31 reaches int32 max)', function () {
    this.timeout(10000);
    const allocator = new NodeIdAllocator(31);
    const base = 31 * NODE_IDS_PER_CLIENT;
    let last = 0;
    let min = Infinity;
    for (let i = 0; i < NODE_IDS_PER_CLIENT - 1000; i++) {
      last = allocator.allocate();
      if (last < min) min = last;
    }
    assert.equal(min, base + 1000);
    assert.equal(last, base + NODE_IDS_PER_CLIENT - 1);
    assert.equal(last, 2147483647);
    assert.equal(allocator.allocate(), base + 1000);
    assert.equal(allocator.allocate(), base + 1001);
    // The largest id still travels as an exact int32.
    const decoded = decodePacket(encodeMessage('/n_free', [last]));
    assert.deepEqual(decoded, { address: '/n_free', args: [2147483647] });
  });

  it('keeps the ranges of two clients disjoint', () => {
    const a = new NodeIdAllocator(0);
    const b = new NodeIdAllocator(1);
    const idsA = range(0, 5000).map(() => a.allocate());
    const idsB = range(0, 5000).map(() => b.allocate());
    assert.ok(idsA.every((id) => id >= 1000 && id < NODE_IDS_PER_CLIENT && clientIdOfNode(id) === 0));
    assert.ok(idsB.every((id) => id >= NODE_IDS_PER_CLIENT + 1000 && id < 2 * NODE_IDS_PER_CLIENT && clientIdOfNode(id) === 1));
    const all = new Set([...idsA, ...idsB, a.defaultGroupId, b.defaultGroupId]);
    assert.equal(all.size, 10002);
  });
});

describe('clientBlock', () => {
  it('splits evenly into floor(total / maxLogins) blocks', () => {
    assert.deepEqual(clientBlock(1024, 6, 0), { offset: 0, size: 170 });
    assert.deepEqual(clientBlock(1024, 6, 1), { offset: 170, size: 170 });
    assert.deepEqual(clientBlock(1024, 6, 5), { offset: 850, size: 170 });
  });

  it('starts audio blocks at firstPrivateBus', () => {
    assert.deepEqual(clientBlock(1020, 6, 0, 4), { offset: 4, size: 170 });
    assert.deepEqual(clientBlock(1020, 6, 1, 4), { offset: 174, size: 170 });
  });

  it('gives every client a disjoint block inside the total', () => {
    const total = 4096;
    const maxLogins = 7;
    const first = 10;
    const seen = new Set<number>();
    for (let c = 0; c < maxLogins; c++) {
      const { offset, size } = clientBlock(total, maxLogins, c, first);
      for (let id = offset; id < offset + size; id++) {
        assert.ok(!seen.has(id), `id ${id} given to two clients`);
        seen.add(id);
      }
      assert.ok(offset + size <= first + total);
    }
    assert.equal(seen.size, maxLogins * Math.floor(total / maxLogins));
  });
});

describe('highestNodeIdsByClient', () => {
  it('gives each client the highest node id alive (low 26 bits), so a restarted sclang starts past it', () => {
    const client1 = 1 * 2 ** 26;
    const tops = highestNodeIdsByClient([0, 1, 1000, 1017, 1003, client1 + 1, client1 + 1500, 31 * 2 ** 26 + 7]);
    assert.equal(tops.length, 32);
    assert.equal(tops[0], 1017, 'sclang (client 0): its synth 1017 still sounds');
    assert.equal(tops[1], 1500);
    assert.equal(tops[31], 7);
    assert.equal(tops[2], undefined, 'no node of client 2');
  });

  it('ignores ids outside int32 and the root', () => {
    const tops = highestNodeIdsByClient([0, -5, 2 ** 31]);
    assert.deepEqual(tops.filter((top) => top !== undefined), []);
  });
});
