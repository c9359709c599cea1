// The main job: SuperCollider Live in a real VS Code. With a desktop `code` it opens there;
// otherwise VS Code for the Web (code-server) serves it on loopback, and this prints the
// address to open. Without a JACK server (Linux, no sound card) a dummy one is started so the
// server boots; everything started here is stopped on Ctrl+C.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { DummyJack, startDummyJack } from './dummyJack';
import { ROOT, startCodeServer } from './codeServer';

const WORKSPACE = path.join(ROOT, 'test/vscode/workspace');

function hasDesktopCode(): boolean {
  if (process.env.SCLIVE_WEB === '1') return false;
  const found = spawnSync('code', ['--version'], { encoding: 'utf8' });
  return found.status === 0 && !!(process.env.DISPLAY || process.env.WAYLAND_DISPLAY || process.platform !== 'linux');
}

function jackIsRunning(): boolean {
  if (process.platform !== 'linux') return true;
  const result = spawnSync('jack_wait', ['-c'], { encoding: 'utf8', env: { ...process.env, JACK_NO_START_SERVER: '1' } });
  return /^running/m.test(result.stdout ?? '');
}

async function main(): Promise<void> {
  if (hasDesktopCode()) {
    console.log('Opening SuperCollider Live in VS Code (Extension Development Host)...');
    spawn('code', ['--extensionDevelopmentPath', ROOT, WORKSPACE], { stdio: 'inherit', detached: true }).unref();
    return;
  }
  let jack: DummyJack | undefined;
  if (!jackIsRunning()) {
    jack = await startDummyJack();
    console.log(`No JACK server runs: started a dummy one ("${jack.name}", pid ${jack.pid}) so scsynth can boot (no sound card: silent).`);
  }
  const dataDir = path.join(ROOT, '.vscode-test', 'demo-profile');
  mkdirSync(dataDir, { recursive: true });
  const port = Number(process.env.SCLIVE_PORT ?? 8080);
  const codeServer = await startCodeServer({
    port,
    workspace: WORKSPACE,
    dataDir,
    env: jack?.env ?? {},
    userSettings: { 'workbench.startupEditor': 'none', 'git.openRepositoryInParentFolders': 'never', 'telemetry.telemetryLevel': 'off' },
    // Workspace trust stays on: a folder's settings cannot boot or expose a server until trusted.
    trustWorkspace: false,
  });
  const payload = JSON.stringify([['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${port}${ROOT}`]]);
  const url = `${codeServer.url}/?folder=${encodeURIComponent(WORKSPACE)}&payload=${encodeURIComponent(payload)}`;
  console.log('\nVS Code for the Web is running with SuperCollider Live loaded. Open this address in a browser on this machine');
  console.log(`(or from another machine: ssh -L ${port}:127.0.0.1:${port} this-host, then the same address):\n`);
  console.log(`  ${url}\n`);
  console.log('Then click the SuperCollider icon in the activity bar and Boot Server. Ctrl+C here stops everything.');
  const stop = async () => {
    await codeServer.stop();
    await jack?.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((error: Error) => {
  console.error(`Error: ${error.message}`);
  process.exit(1);
});
