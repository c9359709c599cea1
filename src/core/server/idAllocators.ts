// Id allocation compatible with sclang, so sclang and this client can share one server.

export class AllocationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AllocationError';
  }
}

interface FreeRange {
  start: number;
  length: number;
}

/**
 * sc3nb's IDBlockAllocator: hands out the first run of `num` consecutive free ids
 * (first fit) from `offset .. offset + numIds - 1`. Free runs are kept as sorted, merged
 * ranges, so out-of-order frees keep the order and a double free is caught.
 */
export class IDBlockAllocator {
  private free: FreeRange[];

  constructor(readonly numIds: number, readonly offset: number) {
    if (!Number.isInteger(numIds) || numIds < 0) throw new RangeError(`numIds must be a non-negative integer, got ${numIds}`);
    if (!Number.isInteger(offset)) throw new RangeError(`offset must be an integer, got ${offset}`);
    this.free = numIds > 0 ? [{ start: offset, length: numIds }] : [];
  }

  /** Number of ids currently free. */
  get numFree(): number {
    return this.free.reduce((sum, range) => sum + range.length, 0);
  }

  /** Allocates `num` consecutive ids and returns them in order. */
  allocate(num = 1): number[] {
    if (!Number.isInteger(num) || num < 1) throw new RangeError(`can only allocate a positive whole number of ids, got ${num}`);
    const index = this.free.findIndex((range) => range.length >= num);
    if (index < 0) {
      throw new AllocationError(
        `cannot allocate ${num} consecutive id${num === 1 ? '' : 's'} in ${this.offset}..${this.offset + this.numIds - 1}: ` +
          `${this.numFree} free, largest free run ${Math.max(0, ...this.free.map((r) => r.length))}. Free some first.`,
      );
    }
    const range = this.free[index];
    const ids = Array.from({ length: num }, (_, i) => range.start + i);
    range.start += num;
    range.length -= num;
    if (range.length === 0) this.free.splice(index, 1);
    return ids;
  }

  /** sc3nb's free_ids: marks ids as free again. Throws on ids never handed out or already free. */
  freeIds(ids: Iterable<number>): void {
    const sorted = [...ids].sort((a, b) => a - b);
    for (let i = 0; i < sorted.length; i++) {
      const id = sorted[i];
      if (!Number.isInteger(id) || id < this.offset || id >= this.offset + this.numIds) {
        throw new AllocationError(`id ${id} is outside this allocator's range ${this.offset}..${this.offset + this.numIds - 1}`);
      }
      if (i > 0 && sorted[i - 1] === id) throw new AllocationError(`id ${id} is freed twice in one call`);
    }
    // Validate everything before changing anything, so a bad call loses nothing.
    for (const id of sorted) {
      if (this.isFree(id)) throw new AllocationError(`id ${id} is already free (double free)`);
    }
    let runStart = 0;
    for (let i = 1; i <= sorted.length; i++) {
      if (i === sorted.length || sorted[i] !== sorted[i - 1] + 1) {
        this.insertRange(sorted[runStart], i - runStart);
        runStart = i;
      }
    }
  }

  isFree(id: number): boolean {
    const index = this.rangeIndexAtOrBefore(id);
    if (index < 0) return false;
    const range = this.free[index];
    return id < range.start + range.length;
  }

  /** Index of the last free range starting at or before `id`, or -1. */
  private rangeIndexAtOrBefore(id: number): number {
    let low = 0;
    let high = this.free.length - 1;
    let found = -1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if (this.free[mid].start <= id) {
        found = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return found;
  }

  private insertRange(start: number, length: number): void {
    const before = this.rangeIndexAtOrBefore(start);
    const index = before + 1;
    this.free.splice(index, 0, { start, length });
    // Merge with the following range, then with the preceding one.
    const next = this.free[index + 1];
    if (next && start + length === next.start) {
      this.free[index].length += next.length;
      this.free.splice(index + 1, 1);
    }
    const previous = this.free[index - 1];
    if (previous && previous.start + previous.length === start) {
      previous.length += this.free[index].length;
      this.free.splice(index, 1);
    }
  }
}

/** Node ids: `clientId * 2^26 + n` in an int32. */
export const NODE_IDS_PER_CLIENT = 1 << 26;
const FIRST_TEMP_NODE_ID = 1000;

/**
 * sclang's NodeIDAllocator: ids `clientId * 2^26 + n`, n counting up from 1000 and wrapping
 * back to 1000 below 2^26, so client ranges never overlap (sc3nb's started client 1 at
 * 20001, inside client 0's range).
 */
export class NodeIdAllocator {
  private next = FIRST_TEMP_NODE_ID;
  readonly idOffset: number;

  constructor(readonly clientId: number) {
    if (!Number.isInteger(clientId) || clientId < 0 || clientId > 31) {
      throw new RangeError(`client id must be 0..31 for sclang-compatible node ids, got ${clientId}`);
    }
    this.idOffset = clientId * NODE_IDS_PER_CLIENT;
  }

  /** This client's default group: `clientId * 2^26 + 1`. */
  get defaultGroupId(): number {
    return this.idOffset + 1;
  }

  /** The next ids start past `low` (the low 26 bits of a live node of this client), so none is used twice. */
  skipPast(low: number | undefined): void {
    if (low !== undefined && low >= this.next && low + 1 < NODE_IDS_PER_CLIENT) this.next = low + 1;
  }

  allocate(): number {
    const id = this.idOffset + this.next;
    this.next = this.next + 1 >= NODE_IDS_PER_CLIENT ? FIRST_TEMP_NODE_ID : this.next + 1;
    return id;
  }
}

/**
 * Client ids sclang can use (its NodeIDAllocator refuses ids above 31), and the ones whose
 * node ids fit int32: `31 * 2^26 + (2^26 - 1)` is 2^31 - 1.
 */
export const MAX_CLIENTS = 32;

/** The default group of client `clientId`. */
export function defaultGroupIdOf(clientId: number): number {
  return clientId * NODE_IDS_PER_CLIENT + 1;
}

/** The client that owns a node id under sclang's scheme. */
export function clientIdOfNode(nodeId: number): number {
  return Math.floor(nodeId / NODE_IDS_PER_CLIENT);
}

/**
 * For each client id, the highest node id (its low 26 bits) among `nodeIds`, or undefined:
 * where a new client of that id must start so it makes no "duplicate node ID" (sclang after
 * a restart, while its earlier synths still sound).
 */
export function highestNodeIdsByClient(nodeIds: Iterable<number>): Array<number | undefined> {
  const tops: Array<number | undefined> = new Array<number | undefined>(MAX_CLIENTS).fill(undefined);
  for (const nodeId of nodeIds) {
    if (!(nodeId > 0) || nodeId > 0x7fffffff) continue;
    const client = clientIdOfNode(nodeId);
    const low = nodeId % NODE_IDS_PER_CLIENT;
    if (tops[client] === undefined || low > tops[client]) tops[client] = low;
  }
  return tops;
}

/** Client `clientId`'s share of `total` ids, starting at `first` (sclang splits evenly). */
export function clientBlock(total: number, maxLogins: number, clientId: number, first = 0): { offset: number; size: number } {
  const size = Math.floor(total / maxLogins);
  return { offset: first + clientId * size, size };
}
