// Starts VS Code for the Web (code-server, installed by scripts/install-code-server.sh) on a
// loopback port, and stops it by its process group (it leaves a file-watcher child behind).
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');
export const CODE_SERVER = path.join(ROOT, '.vscode-test/code-server-4.100.3/node_modules/.bin/code-server');

export interface CodeServer {
  port: number;
  url: string;
  stop(): Promise<void>;
}

export async function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

export async function startCodeServer(options: {
  /** Fixed port (e.g. for a person to open); a free one when omitted. */
  port?: number;
  workspace: string;
  dataDir: string;
  env: NodeJS.ProcessEnv;
  userSettings: Record<string, unknown>;
  trustWorkspace?: boolean;
  onOutput?: (line: string) => void;
}): Promise<CodeServer> {
  if (!existsSync(CODE_SERVER)) throw new Error(`code-server is not installed at ${CODE_SERVER}; run: bash scripts/install-code-server.sh`);
  const port = options.port ?? (await freeTcpPort());
  const userDir = path.join(options.dataDir, 'user-data');
  mkdirSync(path.join(userDir, 'User'), { recursive: true });
  mkdirSync(path.join(options.dataDir, 'extensions'), { recursive: true });
  writeFileSync(path.join(userDir, 'User', 'settings.json'), JSON.stringify(options.userSettings, null, 2));
  const args = [
    '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check',
    '--user-data-dir', userDir, '--extensions-dir', path.join(options.dataDir, 'extensions'),
    ...(options.trustWorkspace === false ? [] : ['--disable-workspace-trust']),
    options.workspace,
  ];
  const child: ChildProcess = spawn(CODE_SERVER, args, {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so stop() ends its children too
  });
  const forward = (chunk: Buffer) => chunk.toString().split('\n').filter(Boolean).forEach((line) => options.onOutput?.(line));
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // Already gone.
    }
  };
  process.once('exit', () => killGroup('SIGKILL'));
  const stop = async () => {
    killGroup('SIGTERM');
    const timer = setTimeout(() => killGroup('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    killGroup('SIGKILL'); // the watcher child, if it outlived the server
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited with code ${child.exitCode}`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error('code-server did not start within 60 s');
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { port, url, stop };
}
