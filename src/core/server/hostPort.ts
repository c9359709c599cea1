// "host:port" as a person types it for a server address.

const HOST_PORT = /^\s*(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})\s*$/;

/** Why the text is not a usable address, or undefined when it is. */
export function validateHostPort(text: string): string | undefined {
  const match = HOST_PORT.exec(text);
  if (!match) return 'Enter host:port, e.g. 127.0.0.1:57110';
  const port = Number(match[2]);
  if (port < 1 || port > 65535) return 'The port must be 1 to 65535';
  return undefined;
}

/** Host (brackets of an IPv6 address removed) and port; throws on text validateHostPort rejects. */
export function parseHostPort(text: string): { host: string; port: number } {
  const problem = validateHostPort(text);
  if (problem) throw new Error(problem);
  const match = HOST_PORT.exec(text)!;
  return { host: match[1].replace(/^\[|\]$/g, ''), port: Number(match[2]) };
}
