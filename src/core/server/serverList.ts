// The list of more servers (the extension's servers setting), read: local servers this program starts (scsynth or supernova
// on their own ports, every other option defaulting to the default server's) and remote ones
// it connects to (over UDP or TCP). Pure: raw JSON in, typed entries and errors that say what
// to change out. A bad entry is reported and left out; the good ones are kept.
import { isLoopback } from '../osc/hostAddress';
import { OSC_PROTOCOLS, OscProtocol } from '../osc/oscTransport';
import { InvalidServerOptionError, ServerOptions, ServerOptionsInit, ServerProgram } from '../scsynth/serverOptions';

/** How messages name the list; the extension puts its setting's prefix before it. */
export const SERVER_LIST_NAME = 'servers';

/** The name the default server goes by; no entry may take it. */
export const DEFAULT_SERVER_NAME = 'default';

export interface LocalServerEntry {
  kind: 'local';
  name: string;
  program: ServerProgram;
  /** The default server's options with this entry's own applied (udpPort, program, threads...). */
  options: ServerOptions;
  env: Record<string, string>;
}

export interface RemoteServerEntry {
  kind: 'remote';
  name: string;
  host: string;
  /** The port the server listens on: `-u` for UDP, `-t` for TCP. */
  port: number;
  protocol: OscProtocol;
}

export type ServerEntry = LocalServerEntry | RemoteServerEntry;

/** One thing wrong with the setting; `index` is the entry's place in the list, if it is about one. */
export class ServerListError extends Error {
  constructor(readonly index: number | undefined, readonly field: string | undefined, readonly detail: string, name?: string) {
    super(`${SERVER_LIST_NAME}${index === undefined ? '' : `[${index}]`}${name ? ` ("${name}")` : ''}: ${detail}`);
    this.name = 'ServerListError';
  }
}

export interface ServerListDefaults {
  /** The default server's options: a local entry takes every one it does not set. */
  options: ServerOptions;
  /** The default server's environment. */
  env: Record<string, string>;
}

export interface ParsedServerList {
  servers: ServerEntry[];
  errors: ServerListError[];
}

/** The ServerOptions fields a local entry may set (udpPort and program included). */
const LOCAL_OPTION_FIELDS: ReadonlyArray<keyof ServerOptionsInit> = [
  'udpPort', 'program', 'threads', 'bindAddress', 'maxLogins', 'numInputBuses', 'numOutputBuses', 'numAudioBuses',
  'numControlBuses', 'numSampleBuffers', 'maxNodes', 'maxSynthDefs', 'memSize', 'numWireBufs', 'blockSize',
  'hardwareBufferSize', 'hardwareSampleRate', 'hardwareInputDevice', 'hardwareOutputDevice', 'publishRendezvous', 'otherOptions',
];
const LOCAL_FIELDS = new Set<string>(['name', 'env', ...LOCAL_OPTION_FIELDS]);

/**
 * What a local entry takes from the default server's settings when it does not set it: every
 * option but its port (its own, required), its program (scsynth unless it says) and its thread
 * count (the default server's is supernova's), and the environment (merged under its own).
 */
export const INHERITED_FIELDS: ReadonlyArray<keyof ServerOptionsInit | 'env'> = [
  ...LOCAL_OPTION_FIELDS.filter((field) => field !== 'udpPort' && field !== 'program' && field !== 'threads'),
  'env',
];
const REMOTE_FIELDS = new Set<string>(['name', 'host', 'udpPort', 'protocol']);
const ALL_FIELDS = [...new Set([...LOCAL_FIELDS, ...REMOTE_FIELDS])];

const EXAMPLE = '[{ "name": "drums", "program": "scsynth", "udpPort": 57111 }, { "name": "pi", "host": "pi.local", "udpPort": 57110, "protocol": "tcp" }]';

/** Reads the raw setting value (whatever the user wrote) against the default server's options. */
export function parseServerList(raw: unknown, defaults: ServerListDefaults): ParsedServerList {
  const errors: ServerListError[] = [];
  if (raw === undefined || raw === null) return { servers: [], errors };
  if (!Array.isArray(raw)) {
    errors.push(new ServerListError(undefined, undefined, `must be a list of servers, e.g. ${EXAMPLE}; it is ${describe(raw)}`));
    return { servers: [], errors };
  }
  const servers: ServerEntry[] = [];
  const names = new Map<string, number>();
  // Who listens where: "udp|this machine|57111" -> the entry's place and name.
  const endpoints = new Map<string, { index: number; name: string }>();
  const defaultEndpoint = endpointKey('udp', '127.0.0.1', defaults.options.udpPort);
  const usedPorts = new Set<number>([defaults.options.udpPort]);
  for (const entry of raw) {
    if (isRecord(entry) && typeof entry.udpPort === 'number') usedPorts.add(entry.udpPort);
  }
  const freePort = () => {
    let port = defaults.options.udpPort + 1;
    while (usedPorts.has(port)) port++;
    return port;
  };

  raw.forEach((entry, index) => {
    const fail = (field: string | undefined, detail: string, name?: string) => errors.push(new ServerListError(index, field, detail, name));
    if (!isRecord(entry)) {
      fail(undefined, `each server is an object such as { "name": "drums", "udpPort": ${freePort()} }; this one is ${describe(entry)}`);
      return;
    }
    const name = typeof entry.name === 'string' ? entry.name.trim() : '';
    if (!name) {
      fail('name', entry.name === undefined ? 'needs a "name" (it labels the server in the Node Tree and the status bar)' : `"name" must be a non-empty string; it is ${describe(entry.name)}`);
      return;
    }
    const unknown = Object.keys(entry).filter((key) => !LOCAL_FIELDS.has(key) && !REMOTE_FIELDS.has(key));
    if (unknown.length) {
      fail(unknown[0], unknown.map((key) => `unknown field "${key}"${suggestion(key)}`).join('; '), name);
      return;
    }
    if (name.toLowerCase() === DEFAULT_SERVER_NAME) {
      fail('name', `the name "${DEFAULT_SERVER_NAME}" is the default server's; choose another`, name);
      return;
    }
    const taken = names.get(name.toLowerCase());
    if (taken !== undefined) {
      fail('name', `the name is used by ${SERVER_LIST_NAME}[${taken}] already; give each server its own name (names label the Node Tree roots)`, name);
      return;
    }
    const parsed = entry.host !== undefined ? parseRemote(entry, name, fail) : parseLocal(entry, name, defaults, freePort, fail);
    if (!parsed) return;
    // Servers of this machine share its ports, whatever address each binds.
    const where = parsed.kind === 'local' ? endpointKey('udp', '127.0.0.1', parsed.options.udpPort) : endpointKey(parsed.protocol, parsed.host, parsed.port);
    const port = parsed.kind === 'local' ? parsed.options.udpPort : parsed.port;
    const what = parsed.kind === 'local' ? `udpPort ${port}` : `port ${port} (${parsed.protocol.toUpperCase()} on ${parsed.host})`;
    if (where === defaultEndpoint) {
      fail('udpPort', `${what} is the default server's; give this server its own port, e.g. ${freePort()}`, name);
      return;
    }
    const holder = endpoints.get(where);
    if (holder) {
      fail('udpPort', `${what} is taken by ${SERVER_LIST_NAME}[${holder.index}] ("${holder.name}") already; give each server its own port, e.g. ${freePort()}`, name);
      return;
    }
    endpoints.set(where, { index, name });
    usedPorts.add(port);
    names.set(name.toLowerCase(), index);
    servers.push(parsed);
  });
  return { servers, errors };
}

type Fail = (field: string | undefined, detail: string, name?: string) => void;

function parseLocal(entry: Record<string, unknown>, name: string, defaults: ServerListDefaults, freePort: () => number, fail: Fail): LocalServerEntry | undefined {
  if (entry.protocol !== undefined && entry.protocol !== 'udp') {
    fail('protocol', `a local server (no "host") is reached over UDP; "protocol": ${JSON.stringify(entry.protocol)} is for remote servers: add "host", or remove "protocol"`, name);
    return undefined;
  }
  if (entry.udpPort === undefined) {
    fail('udpPort', `needs a "udpPort" of its own (the default server has ${defaults.options.udpPort}), e.g. "udpPort": ${freePort()}`, name);
    return undefined;
  }
  const program = entry.program ?? 'scsynth';
  if (program !== 'scsynth' && program !== 'supernova') {
    fail('program', `unknown program ${JSON.stringify(program)}; use "scsynth" or "supernova"`, name);
    return undefined;
  }
  const init: ServerOptionsInit = { ...defaults.options.toInit() };
  // The default server's thread count is supernova's; an entry sets its own.
  delete init.threads;
  for (const field of LOCAL_OPTION_FIELDS) {
    const value = entry[field];
    // Empty fields mean "as the default server", as they mean "the program's own default" there.
    if (value !== undefined && value !== null && value !== '') (init as Record<string, unknown>)[field] = value;
  }
  init.program = program;
  let options: ServerOptions;
  try {
    options = new ServerOptions(init);
  } catch (error) {
    if (!(error instanceof InvalidServerOptionError)) throw error;
    fail(error.option, error.message.replace(/^Invalid server option (\w+): /, '"$1": '), name);
    return undefined;
  }
  const env = { ...defaults.env };
  if (entry.env !== undefined) {
    if (!isRecord(entry.env)) {
      fail('env', `"env" must be an object of names and string values, e.g. { "JACK_DEFAULT_SERVER": "studio" }; it is ${describe(entry.env)}`, name);
      return undefined;
    }
    for (const [key, value] of Object.entries(entry.env)) {
      if (typeof value !== 'string') {
        fail('env', `the value of ${key} in "env" must be a string; it is ${describe(value)}`, name);
        return undefined;
      }
      env[key] = value;
    }
  }
  return { kind: 'local', name, program, options, env };
}

function parseRemote(entry: Record<string, unknown>, name: string, fail: Fail): RemoteServerEntry | undefined {
  const host = typeof entry.host === 'string' ? entry.host.trim() : '';
  if (!host) {
    fail('host', `"host" must be a host name or an IP address such as "pi.local" or "192.168.1.20"; it is ${describe(entry.host)}`, name);
    return undefined;
  }
  const localOnly = Object.keys(entry).filter((key) => !REMOTE_FIELDS.has(key));
  if (localOnly.length) {
    fail(localOnly[0], `${localOnly.map((key) => `"${key}"`).join(', ')} ${localOnly.length === 1 ? 'is an option' : 'are options'} of a server this program starts, and this one is remote (it has "host"): remove ${localOnly.length === 1 ? 'it' : 'them'}, or remove "host" to start it here`, name);
    return undefined;
  }
  const port = entry.udpPort;
  if (port === undefined) {
    fail('udpPort', `needs "udpPort", the port the server listens on (-u, or -t with "protocol": "tcp"), e.g. 57110`, name);
    return undefined;
  }
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    fail('udpPort', `"udpPort" ${describe(port)} is not allowed; use an integer from 1 to 65535`, name);
    return undefined;
  }
  const protocol = entry.protocol ?? 'udp';
  if (!OSC_PROTOCOLS.includes(protocol as OscProtocol)) {
    fail('protocol', `unknown protocol ${JSON.stringify(protocol)}; use "udp" (the default) or "tcp" (the server started with -t)`, name);
    return undefined;
  }
  return { kind: 'remote', name, host, port, protocol: protocol as OscProtocol };
}

/** One key per place a server listens: this machine's servers share one address space. */
function endpointKey(protocol: OscProtocol, host: string, port: number): string {
  const machine = isLoopback(host) || host === '0.0.0.0' ? 'this machine' : host.toLowerCase();
  return `${protocol}|${machine}|${port}`;
}

/** A JSON object (not an array, not null): what a list entry must be. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : JSON.stringify(value);
}

function suggestion(key: string): string {
  const near = ALL_FIELDS.find((field) => field.toLowerCase() === key.toLowerCase());
  return near ? ` (did you mean "${near}"?)` : '';
}
