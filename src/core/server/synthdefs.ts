// Getting SynthDefs onto a server: a local scsynth reads files itself, a remote one is sent bytes.
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import * as path from 'node:path';
import type { DecodedMessage, OscMessage } from '../osc/oscCodec';
import * as cmd from '../scsynth/scsynthCommands';

/** What loading needs from the session: whether scsynth shares our file system, and a way to ask. */
export interface SynthdefChannel {
  readonly isLocal: boolean;
  send(message: OscMessage): void;
  request(request: cmd.Request): Promise<DecodedMessage>;
}

/** The shipped synthdefs: beside dist/ in the extension, or above the compiled core in the sources. */
export function shippedSynthdefsDir(): string {
  const candidates = ['..', '../..', '../../..', '../../../..'].map((up) => path.resolve(__dirname, up, 'synthdefs'));
  return candidates.find((dir) => existsSync(path.join(dir, 'sclive_volume_1ch.scsyndef'))) ?? candidates[0];
}

/** Sends a compiled SynthDef (.scsyndef bytes); with `wait`, resolves once scsynth has loaded it. */
export async function sendSynthdef(channel: SynthdefChannel, bytes: Uint8Array, wait = true): Promise<void> {
  if (bytes.byteLength > 65000) throw new Error(`SynthDef of ${bytes.byteLength} bytes is too large for one UDP packet; write it to a file and use loadSynthdef.`);
  const request = cmd.synthdefReceive(bytes);
  if (!wait) return channel.send(request.message);
  await channel.request(request);
}

/** Loads a .scsyndef file. */
export async function loadSynthdef(channel: SynthdefChannel, synthdefPath: string): Promise<void> {
  if (channel.isLocal) await channel.request(cmd.synthdefLoad(path.resolve(synthdefPath)));
  else await sendSynthdef(channel, await readFile(synthdefPath));
}

/** Loads every .scsyndef in a folder. */
export async function loadSynthdefs(channel: SynthdefChannel, synthdefDir: string): Promise<void> {
  if (channel.isLocal) {
    await channel.request(cmd.synthdefLoadDir(path.resolve(synthdefDir)));
    return;
  }
  for (const file of (await readdir(synthdefDir)).filter((name) => name.endsWith('.scsyndef'))) {
    await sendSynthdef(channel, await readFile(path.join(synthdefDir, file)));
  }
}
