// The registry of servers without processes: which entries a changed list keeps, adds and
// stops; the active server; Hush All skipping a server that cannot be sent to; Boot All's
// results, one failing without holding the others. Fake servers (pure bookkeeping here; the
// integration test runs real scsynth, supernova and a TCP server).
import { strict as assert } from 'node:assert';
import { ServerOptions } from '../../src/core/scsynth/serverOptions';
import type { SCServer } from '../../src/core/server/scServer';
import type { ServerState } from '../../src/core/server/serverLifecycle';
import { ServerEntry, parseServerList } from '../../src/core/server/serverList';
import { ServerSet, ServerSlot } from '../../src/core/server/serverSet';

/** What the set uses of an SCServer, recorded. */
class FakeServer {
  state: ServerState = 'stopped';
  hushes = 0;
  disposed = false;
  failBoot: Error | undefined;
  constructor(readonly name: string, readonly log: string[]) {}
  boot(): Promise<void> {
    this.log.push(`boot ${this.name}`);
    if (this.failBoot) return Promise.reject(this.failBoot);
    this.state = 'running';
    return Promise.resolve();
  }
  remote(host: string, port: number, options: { protocol?: string }): Promise<void> {
    this.log.push(`remote ${this.name} ${host}:${port} ${options.protocol}`);
    this.state = 'running';
    return Promise.resolve();
  }
  quit(): Promise<void> {
    this.log.push(`quit ${this.name}`);
    this.state = 'stopped';
    return Promise.resolve();
  }
  hush(): void {
    if (this.state !== 'running') throw new Error('Cannot hush');
    this.hushes++;
  }
  dispose(): void {
    this.disposed = true;
  }
}

const defaults = { options: new ServerOptions({ udpPort: 57110 }), env: {} };

function entries(raw: unknown[]): ServerEntry[] {
  const parsed = parseServerList(raw, defaults);
  assert.deepEqual(parsed.errors, []);
  return parsed.servers;
}

function makeSet() {
  const log: string[] = [];
  const fakes = new Map<string, FakeServer>();
  const defaultServer = new FakeServer('default', log);
  const defaultSlot: ServerSlot = {
    name: 'default',
    entry: undefined,
    server: defaultServer as unknown as SCServer,
    start: () => defaultServer.boot(),
    stop: () => defaultServer.quit(),
  };
  const set = new ServerSet({
    defaultSlot,
    makeServer: (entry) => {
      const fake = new FakeServer(entry.name, log);
      fakes.set(entry.name, fake);
      return fake as unknown as SCServer;
    },
  });
  return { set, log, fakes, defaultServer };
}

describe('ServerSet', () => {
  it('adds the declared servers after the default one, and starts each as its entry says', async () => {
    const { set, log } = makeSet();
    const result = await set.apply(entries([{ name: 'drums', udpPort: 57111 }, { name: 'pi', host: '10.0.0.2', udpPort: 57110, protocol: 'tcp' }]));
    assert.deepEqual(result, { added: ['drums', 'pi'], removed: [] });
    assert.deepEqual(set.slots.map((slot) => slot.name), ['default', 'drums', 'pi']);
    const results = await set.bootAll();
    assert.deepEqual(results, [{ name: 'default' }, { name: 'drums' }, { name: 'pi' }]);
    assert.deepEqual(log.sort(), ['boot default', 'boot drums', 'remote pi 10.0.0.2:57110 tcp']);
    assert.equal(set.runningCount, 3);
  });

  it('keeps unchanged entries running, restarts changed ones and stops removed ones', async () => {
    const { set, log, fakes } = makeSet();
    await set.apply(entries([{ name: 'drums', udpPort: 57111 }, { name: 'pads', udpPort: 57112 }, { name: 'bass', udpPort: 57113 }]));
    await set.bootAll();
    const drums = fakes.get('drums')!;
    const pads = fakes.get('pads')!;
    log.length = 0;
    const result = await set.apply(entries([{ name: 'drums', udpPort: 57111 }, { name: 'pads', udpPort: 57112, numOutputBuses: 8 }]));
    assert.deepEqual(result, { added: ['pads'], removed: ['pads', 'bass'] });
    assert.equal(set.get('drums')!.server, drums as unknown as SCServer, 'unchanged: the same server, still running');
    assert.equal(drums.state, 'running');
    assert.equal(pads.disposed, true);
    assert.notEqual(set.get('pads')!.server, pads);
    assert.deepEqual(log.sort(), ['quit bass', 'quit pads']);
  });

  it('has one active server; choosing it fires once, and a removed active server hands over to the default', async () => {
    const { set } = makeSet();
    await set.apply(entries([{ name: 'drums', udpPort: 57111 }]));
    const seen: string[] = [];
    set.onDidChangeActive((slot) => seen.push(slot.name));
    assert.equal(set.active.name, 'default');
    set.setActive('drums');
    set.setActive('drums');
    assert.throws(() => set.setActive('pads'), /no server named "pads"; the servers are "default", "drums"/);
    await set.apply([]);
    assert.equal(set.active.name, 'default');
    assert.deepEqual(seen, ['drums', 'default']);
  });

  it('Hush All sends to every running server and skips the others without failing', async () => {
    const { set, fakes, defaultServer } = makeSet();
    await set.apply(entries([{ name: 'drums', udpPort: 57111 }, { name: 'pads', udpPort: 57112 }, { name: 'bass', udpPort: 57113 }]));
    await set.bootAll();
    fakes.get('pads')!.state = 'crashed';
    fakes.get('bass')!.state = 'unreachable';
    assert.deepEqual(set.hushAll(), ['default', 'drums']);
    assert.deepEqual([defaultServer.hushes, fakes.get('drums')!.hushes, fakes.get('pads')!.hushes, fakes.get('bass')!.hushes], [1, 1, 0, 0]);
  });

  it('Boot All reports a failed boot and still starts the others; Quit All stops only what is up', async () => {
    const { set, fakes, log } = makeSet();
    await set.apply(entries([{ name: 'drums', udpPort: 57111 }, { name: 'pads', udpPort: 57112 }]));
    fakes.get('drums')!.failBoot = new Error('port taken');
    const results = await set.bootAll();
    assert.deepEqual(results.map((result) => [result.name, result.error?.message]), [['default', undefined], ['drums', 'port taken'], ['pads', undefined]]);
    assert.equal(fakes.get('pads')!.state, 'running');
    log.length = 0;
    await set.quitAll();
    assert.deepEqual(log.sort(), ['quit default', 'quit pads']);
  });
});
