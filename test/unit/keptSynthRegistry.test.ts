import { strict as assert } from 'node:assert';
import { Emitter, Logger, silentLogger } from '../../src/core/events';
import type { DecodedMessage } from '../../src/core/osc/oscCodec';
import { KeptSynthSet, KeptSynths, TAIL_OF_ROOT } from '../../src/core/server/keptSynths';

/** A keeper with nothing on the server; each test gives it the parts it checks. */
function keeper(what: string, parts: Partial<KeptSynths> = {}): KeptSynths {
  return {
    what,
    synthIds: [],
    treeRow: () => ({ label: what, description: '', icon: 'pulse', tooltip: what }),
    apply: () => undefined,
    forget: () => undefined,
    runEnded: () => undefined,
    nodeEnded: () => false,
    recreateMessages: () => [],
    place: () => TAIL_OF_ROOT,
    dispose: () => undefined,
    ...parts,
  };
}

/** A connection's onMessage by address, as OscConnection's. */
function fakeConnection() {
  const emitters = new Map<string, Emitter<DecodedMessage>>();
  return {
    onMessage(address: string, listener: (message: DecodedMessage) => void) {
      if (!emitters.has(address)) emitters.set(address, new Emitter<DecodedMessage>());
      return emitters.get(address)!.event(listener);
    },
    receive(address: string, args: DecodedMessage['args']) {
      emitters.get(address)?.fire({ address, args });
    },
  };
}

describe('KeptSynthSet, the one registry of kept synths', () => {
  it('routes each keeper\'s replies to it for a run, and no longer once the run\'s subscriptions are disposed', () => {
    const heard: string[] = [];
    const meters = keeper('meters', { reply: { address: '/sclive/meter', handle: (args) => heard.push(`meters ${args.join(' ')}`) } });
    const scope = keeper('scope', { reply: { address: '/sclive/scope', handle: (args) => heard.push(`scope ${args.join(' ')}`) } });
    const set = new KeptSynthSet([keeper('volume'), meters, scope], silentLogger);
    const connection = fakeConnection();
    const subscriptions = set.subscribeReplies(connection);
    assert.equal(subscriptions.length, 2, 'one subscription a keeper with a reply address');
    connection.receive('/sclive/meter', [1, 0.5]);
    connection.receive('/sclive/scope', [2]);
    connection.receive('/other', [3]);
    for (const subscription of subscriptions) subscription.dispose();
    connection.receive('/sclive/meter', [4]);
    assert.deepEqual(heard, ['meters 1 0.5', 'scope 2']);
  });

  it('carries a keeper\'s take over a reboot: resumed after it, abandoned when it fails (the reboot\'s error stands)', async () => {
    const calls: string[] = [];
    const recording = keeper('recording', { holdForReboot: async () => ({ resume: async () => calls.push('resume'), abandon: () => calls.push('abandon') }) });
    const set = new KeptSynthSet([keeper('volume'), recording], silentLogger);
    await set.acrossReboot(async () => void calls.push('reboot'));
    assert.deepEqual(calls, ['reboot', 'resume']);
    calls.length = 0;
    await assert.rejects(set.acrossReboot(async () => { throw new Error('no scsynth'); }), /no scsynth/);
    assert.deepEqual(calls, ['abandon']);
  });

  it('before a quit, asks every keeper in turn; one that fails is logged and the quit goes on', async () => {
    const calls: string[] = [];
    const warnings: string[] = [];
    const logger: Logger = { ...silentLogger, warn: (message: string) => void warnings.push(message) };
    const set = new KeptSynthSet([
      keeper('the meters', { beforeQuit: async () => { calls.push('meters'); throw new Error('gone'); } }),
      keeper('the recording', { beforeQuit: async () => calls.push('recording') }),
    ], logger);
    await set.beforeQuit();
    assert.deepEqual(calls, ['meters', 'recording']);
    assert.deepEqual(warnings, ['Before the quit, the meters failed: gone']);
  });

  it('disposes every keeper it holds', () => {
    const disposed: string[] = [];
    const set = new KeptSynthSet(['volume', 'meters', 'scope', 'recording'].map((what) => keeper(what, { dispose: () => void disposed.push(what) })), silentLogger);
    set.dispose();
    assert.deepEqual(disposed, ['volume', 'meters', 'scope', 'recording']);
  });
});
