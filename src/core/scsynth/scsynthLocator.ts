// Finding the scsynth (or supernova) executable.
import * as path from 'node:path';
import type { ServerProgram } from './serverOptions';
import { isExecutableFile, searchExecutable, windowsInstallPlaces } from '../process/executableSearch';

export class ScsynthNotFoundError extends Error {
  /** The option to change (the extension names its setting). */
  readonly option = 'scsynthPath';
  constructor(readonly program: string, readonly searched: string[], detail?: string) {
    super(
      `${detail ?? `${program} was not found.`} Looked in: ${searched.join(', ')}. ` +
        `Install SuperCollider (Debian/Ubuntu: sudo apt-get install supercollider-server jackd2; ` +
        `macOS and Windows: the installer from https://supercollider.github.io/downloads) ` +
        `or set the path to ${program}.`,
    );
    this.name = 'ScsynthNotFoundError';
  }
}

export interface LocateOptions {
  /** An explicit path from the settings; when given, nothing else is tried. */
  explicitPath?: string;
  program?: ServerProgram;
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
}

/** The usual install places beyond PATH, most likely first. */
export function installPlaces(program: ServerProgram, platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string[] {
  if (platform === 'darwin') {
    const home = env.HOME ?? '';
    return [
      `/Applications/SuperCollider.app/Contents/Resources/${program}`,
      `/Applications/SuperCollider/SuperCollider.app/Contents/Resources/${program}`,
      path.join(home, `Applications/SuperCollider.app/Contents/Resources/${program}`),
    ];
  }
  if (platform === 'win32') return windowsInstallPlaces(`${program}.exe`, env);
  return [`/usr/bin/${program}`, `/usr/local/bin/${program}`, `/opt/SuperCollider/bin/${program}`];
}

/** Resolves the server executable: explicit path, then PATH, then the usual install places. */
export function findScsynth(options: LocateOptions = {}): string {
  const program = options.program ?? 'scsynth';
  const platform = options.platform ?? process.platform;
  const env = options.env ?? process.env;
  if (options.explicitPath) {
    if (isExecutableFile(options.explicitPath)) return options.explicitPath;
    throw new ScsynthNotFoundError(program, [options.explicitPath], `The configured ${program} path "${options.explicitPath}" is not an executable file.`);
  }
  const { found, searched } = searchExecutable(program, installPlaces(program, platform, env), platform, env);
  if (found) return found;
  throw new ScsynthNotFoundError(program, searched);
}
