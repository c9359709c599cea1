// The server's address: resolved once to IPv4, and whether it is this machine.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

/** Thrown when the server's host name does not resolve. */
export class HostResolutionError extends Error {
  constructor(readonly host: string, cause: string) {
    super(`The host name ${host} could not be resolved (${cause}). Check the address, or use an IP address.`);
    this.name = 'HostResolutionError';
  }
}

/** The IPv4 address of `host` (an IP address stays as it is). */
export async function resolveHost(host: string): Promise<string> {
  if (isIP(host) === 4) return host;
  try {
    return (await lookup(host, { family: 4 })).address;
  } catch (error) {
    throw new HostResolutionError(host, (error as NodeJS.ErrnoException).code ?? (error as Error).message);
  }
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host.startsWith('127.') || host === '::1';
}
