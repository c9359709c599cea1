// An SCServer's options change between runs only (SCServer.useOptions): a declared server keeps
// its one SCServer (the Node Tree and the runs hold on to it) and boots next with new options.
// No scsynth here: a boot with a path that is no program fails before any process starts.
import { strict as assert } from 'node:assert';
import { ServerOptions } from '../../src/core/scsynth/serverOptions';
import { SCServer } from '../../src/core/server/scServer';

describe('SCServer.useOptions', () => {
  let server: SCServer | undefined;
  afterEach(() => server?.dispose());

  it('a stopped server takes new options at once: its next boot, its address and its outputs are theirs', () => {
    server = new SCServer({ udpPort: 57991, numOutputBuses: 2 });
    assert.equal(server.canTakeOptions, true);
    server.useOptions(new ServerOptions({ udpPort: 57991, numOutputBuses: 8 }));
    assert.equal(server.options.numOutputBuses, 8);
    const args = server.options.toArgs();
    assert.equal(args[args.indexOf('-o') + 1], '8', 'the command line of its next boot');
    assert.deepEqual(server.addr, ['127.0.0.1', 57991]);
  });

  it('refuses while a boot is in flight (one run never sees two sets of options), and takes them once it ended', async () => {
    server = new SCServer({ udpPort: 57992 });
    const boot = server.boot({ scsynthPath: '/nonexistent/scsynth' });
    assert.equal(server.canTakeOptions, false);
    assert.throws(() => server!.useOptions(new ServerOptions({ udpPort: 57992, numOutputBuses: 4 })), /Cannot change the options of a server that is starting: they apply between runs; quit it first\./);
    await assert.rejects(boot, /is not an executable file/);
    assert.equal(server.canTakeOptions, true);
    server.useOptions(new ServerOptions({ udpPort: 57992, numOutputBuses: 4 }));
    assert.equal(server.options.numOutputBuses, 4);
  });
});
