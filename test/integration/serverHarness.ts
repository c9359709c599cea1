// Boots real scsynth instances for tests and makes sure each one is stopped afterwards.
import { SCServer, SCServerSettings } from '../../src/core/server/scServer';
import { ServerOptionsInit } from '../../src/core/scsynth/serverOptions';
import { Logger } from '../../src/core/events';
import { jackEnv } from './jackHooks';
import { isAlive } from '../../tools/processAlive';

let nextPort = 57300 + (process.pid % 200);

export function freshPort(): number {
  return nextPort++;
}

/** Collects the core's log, shown when a test fails. */
export class MemoryLogger implements Logger {
  readonly lines: string[] = [];
  trace(message: string) { this.lines.push(`trace ${message}`); }
  debug(message: string) { this.lines.push(`debug ${message}`); }
  info(message: string) { this.lines.push(`info ${message}`); }
  warn(message: string) { this.lines.push(`warn ${message}`); }
  error(message: string) { this.lines.push(`error ${message}`); }
}

const started: SCServer[] = [];

export async function bootServer(options: ServerOptionsInit = {}, settings: SCServerSettings = {}): Promise<SCServer> {
  const server = new SCServer({ udpPort: freshPort(), ...options }, { statusIntervalMs: 200, logger: new MemoryLogger(), ...settings });
  started.push(server);
  await server.boot({ env: jackEnv(), timeoutMs: 15_000 });
  return server;
}

export function track(server: SCServer): SCServer {
  started.push(server);
  return server;
}

/** Quits every server the tests started (and only those). */
export async function quitAll(): Promise<void> {
  const servers = started.splice(0);
  await Promise.all(servers.map((server) => server.quit().catch(() => undefined)));
  for (const server of servers) server.dispose();
}

export { isAlive };

export function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 3000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
    const poll = async () => {
      const value = await check();
      if (value) return resolve(value);
      if (Date.now() > deadline) return reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      setTimeout(() => void poll().catch(reject), 10);
    };
    void poll().catch(reject);
  });
}
