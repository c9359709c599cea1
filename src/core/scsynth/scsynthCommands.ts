// Each scsynth command as a small pure builder that also names its reply.
import { OscArgument, OscMessage } from '../osc/oscCodec';
import { OscRequest, ReplyExpectation } from '../osc/oscConnection';

export const enum AddAction {
  head = 0,
  tail = 1,
  before = 2,
  after = 3,
  replace = 4,
}

const int = (value: number): OscArgument => ({ type: 'i', value });
const float = (value: number): OscArgument => ({ type: 'f', value });

function done(command: string, matchArgs?: (args: unknown[]) => boolean): ReplyExpectation {
  return {
    address: '/done',
    failCommand: command,
    match: (args) => args[0] === command && (!matchArgs || matchArgs(args)),
  };
}

export type Request = OscRequest & { reply: ReplyExpectation };

export function status(): Request {
  return { message: { address: '/status', args: [] }, reply: { address: '/status.reply' } };
}

export function version(): Request {
  return { message: { address: '/version', args: [] }, reply: { address: '/version.reply' } };
}

export function sync(id: number): Request {
  return { message: { address: '/sync', args: [int(id)] }, reply: { address: '/synced', match: (args) => args[0] === id } };
}

export function notify(on: boolean, clientId?: number): Request {
  const args = clientId === undefined ? [int(on ? 1 : 0)] : [int(on ? 1 : 0), int(clientId)];
  return { message: { address: '/notify', args }, reply: done('/notify') };
}

export function quit(): Request {
  return { message: { address: '/quit', args: [] }, reply: done('/quit') };
}

export function dumpOsc(level: number): OscMessage {
  return { address: '/dumpOSC', args: [int(level)] };
}

export function clearSched(): OscMessage {
  return { address: '/clearSched', args: [] };
}

export function synthdefReceive(bytes: Uint8Array, completion?: Uint8Array): Request {
  const args: OscArgument[] = [{ type: 'b', value: bytes }];
  if (completion) args.push({ type: 'b', value: completion });
  return { message: { address: '/d_recv', args }, reply: done('/d_recv') };
}

export function synthdefLoad(path: string, completion?: Uint8Array): Request {
  const args: OscArgument[] = [path];
  if (completion) args.push({ type: 'b', value: completion });
  return { message: { address: '/d_load', args }, reply: done('/d_load') };
}

export function synthdefLoadDir(dir: string, completion?: Uint8Array): Request {
  const args: OscArgument[] = [dir];
  if (completion) args.push({ type: 'b', value: completion });
  return { message: { address: '/d_loadDir', args }, reply: done('/d_loadDir') };
}

export function groupNew(id: number, addAction: AddAction = AddAction.head, target = 0): OscMessage {
  return { address: '/g_new', args: [int(id), int(addAction), int(target)] };
}

export function groupFreeAll(id: number): OscMessage {
  return { address: '/g_freeAll', args: [int(id)] };
}

export function groupQueryTree(id: number, includeControls: boolean): Request {
  return {
    message: { address: '/g_queryTree', args: [int(id), int(includeControls ? 1 : 0)] },
    reply: { address: '/g_queryTree.reply', match: (args) => args[1] === id },
  };
}

export function groupDumpTree(id: number, includeControls: boolean): OscMessage {
  return { address: '/g_dumpTree', args: [int(id), int(includeControls ? 1 : 0)] };
}

export type ControlValue = number | string;

function controlArgs(controls: Record<string, ControlValue> | undefined): OscArgument[] {
  const args: OscArgument[] = [];
  for (const [name, value] of Object.entries(controls ?? {})) {
    args.push(name);
    // Control values are floats in scsynth; strings such as "c12" map a control to a bus.
    args.push(typeof value === 'number' ? float(value) : value);
  }
  return args;
}

export function synthNew(defName: string, id: number, addAction: AddAction = AddAction.head, target = 0, controls?: Record<string, ControlValue>): OscMessage {
  return { address: '/s_new', args: [defName, int(id), int(addAction), int(target), ...controlArgs(controls)] };
}

export function nodeFree(...ids: number[]): OscMessage {
  return { address: '/n_free', args: ids.map(int) };
}

export function nodeRun(id: number, run: boolean): OscMessage {
  return { address: '/n_run', args: [int(id), int(run ? 1 : 0)] };
}

export function nodeSet(id: number, controls: Record<string, ControlValue>): OscMessage {
  return { address: '/n_set', args: [int(id), ...controlArgs(controls)] };
}

// ---- buffers (recording, scope) ----

export function bufferAlloc(bufnum: number, frames: number, channels: number): Request {
  return { message: { address: '/b_alloc', args: [int(bufnum), int(frames), int(channels)] }, reply: done('/b_alloc', (args) => args[1] === bufnum) };
}

export type HeaderFormat = 'wav' | 'aiff';
export type SampleFormat = 'int16' | 'int24' | 'int32' | 'float';

/** Opens a sound file for a buffer; with `leaveOpen` a DiskOut synth then streams into it. */
export function bufferWrite(bufnum: number, path: string, headerFormat: HeaderFormat, sampleFormat: SampleFormat, leaveOpen: boolean): Request {
  return {
    message: { address: '/b_write', args: [int(bufnum), path, headerFormat, sampleFormat, int(0), int(0), int(leaveOpen ? 1 : 0)] },
    reply: done('/b_write', (args) => args[1] === bufnum),
  };
}

/** Closes the buffer's sound file: scsynth writes the header's final lengths. */
export function bufferClose(bufnum: number): Request {
  return { message: { address: '/b_close', args: [int(bufnum)] }, reply: done('/b_close', (args) => args[1] === bufnum) };
}

export function bufferFree(bufnum: number): Request {
  return { message: { address: '/b_free', args: [int(bufnum)] }, reply: done('/b_free', (args) => args[1] === bufnum) };
}

/** `count` samples from `start` (interleaved channels); answered by /b_setn bufnum start count ... */
export function bufferGetn(bufnum: number, start: number, count: number): Request {
  return {
    message: { address: '/b_getn', args: [int(bufnum), int(start), int(count)] },
    reply: { address: '/b_setn', failCommand: '/b_getn', match: (args) => args[0] === bufnum && args[1] === start },
  };
}

export function nodeQuery(id: number): Request {
  return { message: { address: '/n_query', args: [int(id)] }, reply: { address: '/n_info', match: (args) => args[0] === id } };
}

export function synthGet(id: number, controls: string[]): Request {
  return {
    message: { address: '/s_get', args: [int(id), ...controls] },
    reply: { address: '/n_set', match: (args) => args[0] === id },
  };
}

const ASYNC_COMMANDS = new Set([
  '/quit', '/notify', '/d_recv', '/d_load', '/d_loadDir', '/b_alloc', '/b_allocRead', '/b_allocReadChannel',
  '/b_read', '/b_readChannel', '/b_write', '/b_free', '/b_zero', '/b_gen', '/b_close',
]);

const QUERY_PAIRS: Record<string, string> = {
  '/status': '/status.reply',
  '/version': '/version.reply',
  '/sync': '/synced',
  '/s_get': '/n_set',
  '/s_getn': '/n_setn',
  '/g_queryTree': '/g_queryTree.reply',
  '/n_query': '/n_info',
  '/b_query': '/b_info',
  '/b_get': '/b_set',
  '/b_getn': '/b_setn',
  '/c_get': '/c_set',
  '/c_getn': '/c_setn',
};

/** Replies that carry the id they answer, and where: reply argument index -> request argument index. */
const ID_POSITIONS: Record<string, [number, number]> = {
  '/sync': [0, 0],
  '/s_get': [0, 0],
  '/s_getn': [0, 0],
  '/g_queryTree': [1, 0],
  '/n_query': [0, 0],
  '/b_query': [0, 0],
  '/b_get': [0, 0],
  '/b_getn': [0, 0],
  '/c_get': [0, 0],
  '/c_getn': [0, 0],
};

function plainValue(arg: OscArgument | undefined): unknown {
  if (arg !== null && typeof arg === 'object' && !(arg instanceof Uint8Array)) return 'value' in arg ? arg.value : undefined;
  return arg;
}

/**
 * The reply a command is answered with (sc3nb's ASYNC_CMDS and CMD_PAIRS), matched on the id
 * the reply carries where it carries one; undefined for commands scsynth does not answer.
 */
export function expectedReply(address: string, args: readonly OscArgument[]): ReplyExpectation | undefined {
  if (ASYNC_COMMANDS.has(address)) {
    // Buffer commands answer `/done /b_xxx bufnum`.
    const bufnum = address.startsWith('/b_') ? plainValue(args[0]) : undefined;
    return {
      address: '/done',
      failCommand: address,
      match: (reply) => reply[0] === address && (bufnum === undefined || reply[1] === undefined || reply[1] === bufnum),
    };
  }
  const replyAddress = QUERY_PAIRS[address];
  if (!replyAddress) return undefined;
  const positions = ID_POSITIONS[address];
  if (!positions) return { address: replyAddress, failCommand: address };
  const id = plainValue(args[positions[1]]);
  return { address: replyAddress, failCommand: address, match: (reply) => reply[positions[0]] === id };
}
