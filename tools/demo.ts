// Boots a local scsynth through the server core, plays a few notes, prints the node tree and
// the status, and quits. Without a running JACK server it starts a dummy one (no sound card
// needed) and stops it afterwards.
import { spawnSync } from 'node:child_process';
import { SCServer } from '../src/core/server/scServer';
import { formatTree } from '../src/core/server/nodeTree';
import { formatVersion } from '../src/core/scsynth/serverStatus';
import * as cmd from '../src/core/scsynth/scsynthCommands';
import { DummyJack, startDummyJack } from './dummyJack';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function jackIsRunning(): boolean {
  if (process.platform !== 'linux') return true; // CoreAudio / Windows audio need nothing
  const result = spawnSync('jack_wait', ['-c'], { encoding: 'utf8', env: { ...process.env, JACK_NO_START_SERVER: '1' } });
  return /^running/m.test(result.stdout ?? '');
}

async function main(): Promise<void> {
  let jack: DummyJack | undefined;
  if (!jackIsRunning()) {
    jack = await startDummyJack();
    console.log(`No JACK server runs: started a dummy one ("${jack.name}", pid ${jack.pid}); you will hear nothing.`);
  }
  const server = new SCServer({ udpPort: Number(process.env.SCLIVE_PORT ?? 57110) }, { statusIntervalMs: 500 });
  server.onOutput((line) => console.log(`  scsynth | ${line.text}`));
  try {
    const started = Date.now();
    await server.boot({ env: jack?.env, withBlip: true });
    console.log(`\nBooted ${formatVersion(await server.version())} in ${Date.now() - started} ms: pid ${server.pid}, client id ${server.clientId}, ${server.addr.join(':')}\n`);

    const notes = [60, 64, 67, 72];
    const ids = notes.map(() => server.allocateNodeId());
    notes.forEach((note, index) => {
      const bundle = server.bundler(index * 0.25);
      bundle.add(cmd.synthNew('sclive_sine', ids[index], cmd.AddAction.tail, server.defaultGroup, { freq: 440 * 2 ** ((note - 69) / 12), amp: 0.08 }));
      bundle.send();
    });
    await sleep(1300);
    console.log('Node tree while the chord sounds:');
    console.log(formatTree(await server.queryAllNodes(true)));
    await server.setVolume(-6);
    console.log(`\nVolume ${server.volume} dB; the volume synth sits after all groups:`);
    console.log(formatTree(await server.queryAllNodes(false)));
    const status = await server.status();
    console.log(`\nStatus: ${status.numSynths} synths, ${status.numGroups} groups, ${status.numUgens} UGens, ${status.numSynthdefs} SynthDefs, ` +
      `CPU avg ${status.avgCpu.toFixed(2)}% peak ${status.peakCpu.toFixed(2)}%, ${status.nominalSr} Hz nominal, ${status.actualSr.toFixed(1)} Hz actual`);
    server.send(cmd.nodeSet(server.defaultGroup, { gate: 0 }));
    await sleep(300);
  } finally {
    await server.quit();
    console.log('\nQuit: scsynth stopped.');
    if (jack) {
      await jack.stop();
      console.log('Dummy JACK server stopped.');
    }
  }
}

main().catch((error: Error) => {
  console.error(`\nError: ${error.message}`);
  process.exit(1);
});
