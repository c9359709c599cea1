import { startDummyJack } from './dummyJack';
import { SCServer } from '../src/core/scServer';
import { formatTree } from '../src/core/nodeTree';
import * as cmd from '../src/core/scsynthCommands';

async function main() {
  const jack = await startDummyJack();
  const server = new SCServer({ udpPort: 57160 }, { logger: { trace() {}, debug: console.log, info: console.log, warn: console.log, error: console.log } });
  server.onOutput((l) => console.log('  scsynth>', l.text));
  server.onDidChangeState((s) => console.log('STATE', s.state, s.reason ?? ''));
  try {
    const t0 = Date.now();
    await server.boot({ env: jack.env });
    console.log('booted in', Date.now() - t0, 'ms; client', server.clientId, 'maxLogins', server.maxLogins);
    console.log(await server.status());
    console.log(await server.version());
    const id = server.allocateNodeId();
    server.send(cmd.synthNew('sclive_sine', id, 0, server.defaultGroup, { freq: 330 }));
    await server.sync();
    console.log('watcher has', id, server.nodeWatcher.get(id));
    console.log(formatTree(await server.queryAllNodes(true)));
    await server.setVolume(-6);
    console.log('volume ids', server.volumeSynthIds);
    console.log(formatTree(await server.queryAllNodes(true)));
    console.log('dump:\n' + (await server.dumpTree(true, true)));
    await server.freeAll();
    console.log(formatTree(server.nodeWatcher.toTree()));
    console.log('ping', await server.ping());
  } finally {
    await server.quit();
    await jack.stop();
  }
}
main().catch((e) => { console.error(e); process.exit(1); });
