// The registry of servers without processes: which entries a changed list keeps, adds and
// stops; an option inherited from the default server taken at the next boot of a running
// server (never stopping it), at once by a stopped one; the active server; Hush All skipping a server that cannot be sent to; Boot All's
// results, one failing without holding the others. Fake servers (pure bookkeeping here; the
// integration test runs real scsynth, supernova and a TCP server).
import { strict as assert } from 'node:assert';
import { ServerOptions } from '../../src/core/scsynth/serverOptions';
import type { SCServer } from '../../src/core/server/scServer';
import type { BootOptions, ServerState } from '../../src/core/server/serverLifecycle';
import { LocalServerEntry, ServerEntry, parseServerList } from '../../src/core/server/serverList';
import { DeclaredServer, ServerSet, ServerSlot } from '../../src/core/server/serverSet';

/** What the set uses of an SCServer, recorded. */
class FakeServer {
  state: ServerState = 'stopped';
  hushes = 0;
  disposed = false;
  failBoot: Error | undefined;
  /** What each boot started with: its outputs and environment, as scsynth would see them. */
  readonly boots: Array<{ numOutputBuses: number; env: NodeJS.ProcessEnv | undefined }> = [];
  readonly keptSynths = { acrossReboot: (reboot: () => Promise<void>) => reboot() };
  /** False for a server that already ran on the port (attached to, not started here). */
  ownsProcess = true;
  constructor(readonly name: string, readonly log: string[], public options: ServerOptions = defaults.options) {}
  get canTakeOptions(): boolean {
    return this.state === 'stopped' || this.state === 'crashed';
  }
  useOptions(options: ServerOptions): void {
    // As SCServer: between runs only.
    if (!this.canTakeOptions) throw new Error(`Cannot change the options of a server that is ${this.state}`);
    this.options = options;
  }
  boot(options: BootOptions = {}): Promise<void> {
    this.log.push(`boot ${this.name}`);
    if (this.failBoot) return Promise.reject(this.failBoot);
    this.boots.push({ numOutputBuses: this.options.numOutputBuses, env: options.env });
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

function entries(raw: unknown[], defaultServer: { options: ServerOptions; env: Record<string, string> } = defaults): ServerEntry[] {
  const parsed = parseServerList(raw, defaultServer);
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
      const fake = new FakeServer(entry.name, log, entry.kind === 'local' ? entry.options : undefined);
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
    assert.deepEqual(result, { added: ['drums', 'pi'], removed: [], nextBoot: [], updated: [] });
    assert.deepEqual(set.slots.map((slot) => slot.name), ['default', 'drums', 'pi']);
    const results = await set.bootAll();
    assert.deepEqual(results, [{ name: 'default' }, { name: 'drums' }, { name: 'pi' }]);
    assert.deepEqual(log.sort(), ['boot default', 'boot drums', 'remote pi 10.0.0.2:57110 tcp']);
    assert.equal(set.runningCount, 3);
  });

  it('keeps unchanged entries running, replaces one that is another server now (its port) and stops removed ones', async () => {
    const { set, log, fakes } = makeSet();
    await set.apply(entries([{ name: 'drums', udpPort: 57111 }, { name: 'pads', udpPort: 57112 }, { name: 'bass', udpPort: 57113 }]));
    await set.bootAll();
    const drums = fakes.get('drums')!;
    const pads = fakes.get('pads')!;
    log.length = 0;
    const result = await set.apply(entries([{ name: 'drums', udpPort: 57111 }, { name: 'pads', udpPort: 57122 }]));
    assert.deepEqual(result, { added: ['pads'], removed: ['pads', 'bass'], nextBoot: [], updated: [] });
    assert.equal(set.get('drums')!.server, drums as unknown as SCServer, 'unchanged: the same server, still running');
    assert.equal(drums.state, 'running');
    assert.equal(pads.disposed, true);
    assert.notEqual(set.get('pads')!.server, pads);
    assert.deepEqual(log.sort(), ['quit bass', 'quit pads']);
  });

  describe('an option inherited from the default server changes', () => {
    const before = { options: new ServerOptions({ udpPort: 57110 }), env: { JACK_DEFAULT_SERVER: 'stage' } };
    const after = { options: new ServerOptions({ udpPort: 57110, numOutputBuses: 8 }), env: { JACK_DEFAULT_SERVER: 'studio' } };
    const list = [{ name: 'drums', udpPort: 57111 }, { name: 'pads', udpPort: 57112 }];

    it('a running server is not stopped: the same server runs on, and boots next time with the new options', async () => {
      const { set, log, fakes } = makeSet();
      await set.apply(entries(list, before));
      await set.bootAll();
      const drums = fakes.get('drums')!;
      log.length = 0;
      const result = await set.apply(entries(list, after));
      assert.deepEqual(result, { added: [], removed: [], nextBoot: ['drums', 'pads'], updated: [] });
      assert.deepEqual(log, [], 'nothing quit, nothing booted');
      assert.equal(set.get('drums')!.server, drums as unknown as SCServer, 'the same server object (the views hold on to it)');
      assert.equal(drums.state, 'running');
      assert.equal(drums.disposed, false);
      assert.equal(set.hasOptionsWaiting('drums'), true);
      assert.equal(drums.options.numOutputBuses, 2, 'the run in progress keeps its options');
      assert.equal((set.get('drums')!.entry as LocalServerEntry).options.numOutputBuses, 2, 'its entry is the one it runs with');
      // The same change again (another setting's event) waits as before, and is not told again.
      assert.deepEqual(await set.apply(entries(list, after)), { added: [], removed: [], nextBoot: [], updated: [] });

      await set.get('drums')!.stop();
      await set.get('drums')!.start();
      assert.deepEqual(drums.boots.map((boot) => [boot.numOutputBuses, boot.env?.JACK_DEFAULT_SERVER]), [[2, 'stage'], [8, 'studio']]);
      assert.equal(set.hasOptionsWaiting('drums'), false);
      assert.equal((set.get('drums')!.entry as LocalServerEntry).options.numOutputBuses, 8);
    });

    it('Reboot This Server (DeclaredServer.reboot) boots a running one with the options waiting', async () => {
      const { set, log, fakes } = makeSet();
      await set.apply(entries(list, before));
      await set.bootAll();
      await set.apply(entries(list, after));
      log.length = 0;
      await (set.get('pads') as DeclaredServer).reboot();
      assert.deepEqual(log, ['quit pads', 'boot pads']);
      assert.deepEqual(fakes.get('pads')!.boots.map((boot) => boot.numOutputBuses), [2, 8]);
      assert.equal(set.hasOptionsWaiting('pads'), false);
      assert.equal(set.hasOptionsWaiting('drums'), true, 'the other one still waits');
    });

    it('a server not started here is not rebooted: the error says why', async () => {
      const { set, fakes } = makeSet();
      await set.apply(entries(list, before));
      await set.bootAll();
      fakes.get('drums')!.ownsProcess = false;
      await assert.rejects((set.get('drums') as DeclaredServer).reboot(), /"drums" was not started here \(it was already running on port 57111\), so it cannot be rebooted from here: restart it where it runs/);
      assert.equal(fakes.get('drums')!.state, 'running');
    });

    it('a stopped or crashed server takes the new options at once', async () => {
      const { set, log, fakes } = makeSet();
      await set.apply(entries(list, before));
      await set.get('pads')!.start();
      fakes.get('pads')!.state = 'crashed';
      log.length = 0;
      const result = await set.apply(entries(list, after));
      assert.deepEqual(result, { added: [], removed: [], nextBoot: [], updated: ['drums', 'pads'] });
      assert.deepEqual(log, []);
      for (const name of ['drums', 'pads']) {
        assert.equal(set.hasOptionsWaiting(name), false);
        assert.equal(fakes.get(name)!.options.numOutputBuses, 8, `${name}'s server has the new options`);
      }
      await set.get('pads')!.start();
      assert.deepEqual(fakes.get('pads')!.boots.map((boot) => boot.numOutputBuses), [2, 8]);
    });

    it('back to the options it runs with: nothing waits any more', async () => {
      const { set, fakes } = makeSet();
      await set.apply(entries(list, before));
      await set.bootAll();
      await set.apply(entries(list, after));
      const result = await set.apply(entries(list, before));
      assert.deepEqual(result, { added: [], removed: [], nextBoot: [], updated: [] });
      assert.equal(set.hasOptionsWaiting('drums'), false);
      assert.equal(fakes.get('drums')!.state, 'running');
    });

    it('an entry the change makes bad keeps its running server as it was (a settings edit never quits it); a stopped one is left out', async () => {
      const { set, log, fakes } = makeSet();
      const raw = [{ name: 'drums', udpPort: 57111, numInputBuses: 8, numOutputBuses: 8 }, { name: 'pads', udpPort: 57112, numInputBuses: 8, numOutputBuses: 8 }, { name: 'bass', udpPort: 57113 }];
      await set.apply(entries(raw));
      await set.get('drums')!.start();
      log.length = 0;
      // sclive.server.numAudioBuses 12: fewer than drums' and pads' own 16 hardware buses.
      const parsed = parseServerList(raw, { options: new ServerOptions({ udpPort: 57110, numAudioBuses: 12 }), env: {} });
      assert.deepEqual(parsed.errors.map((error) => error.index), [0, 1]);
      const { entries: applied, kept } = set.keepingRefusedRunning(raw, parsed);
      assert.deepEqual([...kept], [[0, 'drums']], 'drums\' error (index 0) says it runs on');
      assert.deepEqual(applied.map((entry) => entry.name), ['drums', 'bass'], 'in the list\'s order');
      const result = await set.apply(applied);
      assert.deepEqual(result, { added: [], removed: ['pads'], nextBoot: [], updated: ['bass'] });
      assert.deepEqual(log, [], 'pads was stopped (nothing to quit); drums runs on');
      assert.equal(fakes.get('drums')!.state, 'running');
      assert.equal(set.get('drums')!.server, fakes.get('drums') as unknown as SCServer);
    });

    it('a new entry on the port of a server kept running for its bad entry is left out, saying whose port it is', async () => {
      const { set, fakes } = makeSet();
      const raw = [{ name: 'drums', udpPort: 57111, numInputBuses: 8, numOutputBuses: 8 }];
      await set.apply(entries(raw));
      await set.get('drums')!.start();
      // drums made bad by the default server's settings, and bass inserted before it on its port.
      const edited = [{ name: 'bass', udpPort: 57111 }, ...raw];
      const parsed = parseServerList(edited, { options: new ServerOptions({ udpPort: 57110, numAudioBuses: 12 }), env: {} });
      const { entries: applied, kept, errors } = set.keepingRefusedRunning(edited, parsed);
      assert.deepEqual(applied.map((entry) => entry.name), ['drums']);
      assert.deepEqual([...kept.values()], ['drums']);
      const bass = errors.find((error) => error.index === 0);
      assert.match(bass?.message ?? 'no error for bass', /\[0\] \("bass"\): port 57111 is "drums"'s, which runs on as it was until its own entry is fixed; choose another port/);
      await set.apply(applied);
      assert.equal(set.get('bass'), undefined, 'bass is not joined to drums\' process');
      assert.equal(fakes.get('drums')!.state, 'running');
    });

    it('a server removed from the list is stopped before the set says it changed (its take\'s ending is still heard)', async () => {
      const { set, fakes } = makeSet();
      await set.apply(entries(list, before));
      await set.bootAll();
      const statesWhenTold: string[] = [];
      set.onDidChangeServers(() => statesWhenTold.push(fakes.get('drums')!.state));
      await set.apply(entries(list.filter((entry) => entry.name !== 'drums'), before));
      assert.deepEqual(statesWhenTold, ['stopped']);
    });

    it('another server (its program or port changed) is still replaced: the one started here quit, a new one made', async () => {
      const { set, log, fakes } = makeSet();
      await set.apply(entries(list, before));
      await set.bootAll();
      const drums = fakes.get('drums')!;
      const pads = fakes.get('pads')!;
      log.length = 0;
      const result = await set.apply(entries([{ name: 'drums', udpPort: 57111, program: 'supernova' }, { name: 'pads', udpPort: 57113 }], after));
      assert.deepEqual(result, { added: ['drums', 'pads'], removed: ['drums', 'pads'], nextBoot: [], updated: [] });
      assert.deepEqual(log.sort(), ['quit drums', 'quit pads']);
      assert.equal(drums.disposed && pads.disposed, true);
      assert.notEqual(set.get('drums')!.server, drums);
      assert.equal(set.get('drums')!.server!.options.numOutputBuses, 8, 'the new one is made with the new options');
    });
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
