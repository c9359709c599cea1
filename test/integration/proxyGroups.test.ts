// The Node Tree's proxy names from a real sclang and scsynth: the PRELUDE's proxyGroups maps
// each proxy's group node to `Ndef(\key)` or `~key`, and the synths scsynth reports in it are
// labelled with that name.
import { strict as assert } from 'node:assert';
import { SCLang } from '../../src/core/sclang/sclang';
import { SCServer } from '../../src/core';
import { nodeLabel, parseNodePlayer, parseProxyGroups, PROXY_GROUPS_QUERY } from '../../src/core/server/nodeLabels';
import { jackEnv } from './jackHooks';
import { MemoryLogger, freshPort, quitAll, track, waitFor } from './serverHarness';

describe('Proxy group names from a real sclang and scsynth', function () {
  this.timeout(90_000);
  const langs: SCLang[] = [];

  afterEach(async () => {
    await Promise.all(langs.splice(0).map((lang) => lang.stop()));
    await quitAll();
  });

  it('maps an Ndef\'s and a ProxySpace proxy\'s group to Ndef(\\drone) and ~a, and labels their synths', async () => {
    const port = freshPort();
    const server = track(new SCServer({ udpPort: port }, { statusIntervalMs: 200, logger: new MemoryLogger() }));
    await server.boot({ env: jackEnv(), timeoutMs: 15_000 });
    const lang = new SCLang({ env: jackEnv(), logger: new MemoryLogger() });
    langs.push(lang);
    await lang.start();
    await lang.attachToServer(port, server.maxLogins, 'proxy-groups');
    const played = await lang.evaluate('Ndef(\\drone, { SinOsc.ar(200) * 0.001 }).play; p = ProxySpace.new(s); p[\\a] = { SinOsc.ar(300) * 0.001 }; p[\\a].play; p.push;');
    assert.equal(played.status, 'ok', played.output.join('\n'));
    let groups = new Map<number, string>();
    await waitFor('both proxies to have groups', async () => {
      groups = parseProxyGroups((await lang.evaluate(PROXY_GROUPS_QUERY, { print: false })).result ?? '');
      return ['Ndef(\\drone)', 'Ndef(\\drone) monitor', '~a', '~a monitor'].every((name) => [...groups.values()].includes(name));
    }, 10_000);
    const named = (name: string) => [...groups].find(([, n]) => n === name)![0];
    // The synths scsynth has in those groups are NodeProxy sources (temp__ defs); their rows read the proxy.
    const labelsIn = (groupId: number) => server.nodeWatcher.children(groupId).map((node) => nodeLabel({ isGroup: node.isGroup, defName: node.defName, proxyName: groups.get(node.parentId) })?.label);
    await waitFor('the proxies\' synths in the model', () => labelsIn(named('Ndef(\\drone)')).includes('Ndef(\\drone)') && labelsIn(named('~a')).includes('~a') && labelsIn(named('Ndef(\\drone) monitor')).includes('Ndef(\\drone) monitor'), 10_000).catch((error: Error) => {
      throw new Error(`${error.message}: ${JSON.stringify(server.nodeWatcher.toTree())}, groups ${JSON.stringify([...groups])}`);
    });
    // The def name comes from a query of the group (notifications carry none), at once after /n_go.
    const drone = await waitFor('the source synth\'s def name', () => server.nodeWatcher.children(named('Ndef(\\drone)')).find((node) => !node.isGroup && node.defName), 2000);
    assert.match(drone.defName ?? '', /^temp__/, `the def name sclang made up for the source: ${drone.defName}`);
    await lang.evaluate('p.pop; Ndef(\\drone).clear; p.clear;');
  });

  it('names a Pdef\'s synths default (Pdef \\mel): sclang tells which nodes its player made before they start; a plain Pbind\'s are not told', async () => {
    const port = freshPort();
    const server = track(new SCServer({ udpPort: port }, { statusIntervalMs: 200, logger: new MemoryLogger() }));
    await server.boot({ env: jackEnv(), timeoutMs: 15_000 });
    const lang = new SCLang({ env: jackEnv(), logger: new MemoryLogger() });
    langs.push(lang);
    await lang.start();
    await lang.attachToServer(port, server.maxLogins, 'pdef-players');
    const told = new Map<number, string>();
    const toldBeforeStart = new Set<number>();
    lang.onNodePlayer((detail) => {
      for (const nodeId of parseNodePlayer(detail)?.nodeIds ?? []) {
        told.set(nodeId, parseNodePlayer(detail)!.player);
        if (!server.nodeWatcher.has(nodeId)) toldBeforeStart.add(nodeId);
      }
    });
    const started = new Set<number>();
    server.nodeWatcher.onDidChange((change) => change.kind === 'added' && !change.node.isGroup && started.add(change.node.nodeId));
    const played = await lang.evaluate('Pdef(\\mel, Pbind(\\dur, 0.1, \\amp, 0.001)).play; x = Pbind(\\dur, 0.1, \\amp, 0.001, \\freq, 1000).play;');
    assert.equal(played.status, 'ok', played.output.join('\n'));
    await waitFor('ten synths of each player', () => started.size >= 20 && told.size >= 10, 10_000);
    const mel = [...started].filter((id) => told.has(id));
    const plain = [...started].filter((id) => !told.has(id));
    assert.ok(mel.length >= 8 && plain.length >= 8, `${mel.length} synths told as the Pdef's, ${plain.length} not`);
    assert.deepEqual(new Set(told.values()), new Set(['Pdef \\mel']));
    assert.ok(mel.every((id) => toldBeforeStart.has(id)), 'told before scsynth started them (events go ahead by the latency)');
    // Their def name comes from a query of sclang's group (notifications carry none).
    const named = mel.map((id) => server.nodeWatcher.get(id)).filter((node) => node?.defName);
    assert.ok(named.length, 'a Pdef synth still on the server has its def name');
    assert.equal(nodeLabel({ isGroup: false, defName: named[0]!.defName, playerName: told.get(named[0]!.nodeId) })!.label, 'default (Pdef \\mel)');
    await lang.evaluate('Pdef(\\mel).stop; x.stop; Pdef(\\mel).clear;');
  });
});
