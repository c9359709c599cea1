// After registering again (a TCP connection back to a server that stayed up), this client's new
// node ids start past its synths that still live there, so none is a "duplicate node ID".
import { strict as assert } from 'node:assert';
import { NodeIdAllocator, highestNodeIdsByClient } from '../../src/core/server/idAllocators';

describe('NodeIdAllocator.skipPast', () => {
  it('starts past the highest live id of its client, and never goes back', () => {
    const ids = new NodeIdAllocator(1);
    const live = [2 ** 26 + 1000, 2 ** 26 + 1004, 2 ** 26 + 1, 5000, 2 * 2 ** 26 + 9000];
    ids.skipPast(highestNodeIdsByClient(live)[1]);
    assert.equal(ids.allocate(), 2 ** 26 + 1005);
    ids.skipPast(1002);
    assert.equal(ids.allocate(), 2 ** 26 + 1006, 'a lower live id does not move it back');
  });

  it('stays where it is without live ids of its client, and does not pass the end of its range', () => {
    const ids = new NodeIdAllocator(2);
    ids.skipPast(highestNodeIdsByClient([1000, 2 ** 26 + 3000])[2]);
    assert.equal(ids.allocate(), 2 * 2 ** 26 + 1000);
    ids.skipPast(2 ** 26 - 1);
    assert.equal(ids.allocate(), 2 * 2 ** 26 + 1001, 'the last id of the range leaves the count where it is (it wraps by itself)');
  });
});
