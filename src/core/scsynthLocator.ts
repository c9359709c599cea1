// Finding the scsynth (or supernova) executable.
import { accessSync, constants, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { ServerProgram } from './serverOptions';

export class ScsynthNotFoundError extends Error {
  constructor(readonly program: string, readonly searched: string[], detail?: string) {
    super(
      `${detail ?? `${program} was not found.`} Looked in: ${searched.join(', ')}. ` +
        `Install SuperCollider (Debian/Ubuntu: sudo apt-get install supercollider-server jackd2; ` +
        `macOS and Windows: the installer from https://supercollider.github.io/downloads) ` +
        `or set the path to ${program} in the settings (sclive.scsynthPath).`,
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

function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
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
  if (platform === 'win32') {
    const places: string[] = [];
    for (const root of [env['ProgramFiles'], env['ProgramFiles(x86)']]) {
      if (!root) continue;
      let versions: string[] = [];
      try {
        versions = readdirSync(root).filter((name) => /^SuperCollider/i.test(name))
          // Newest first: 3.13 before 3.9.
          .sort((a, b) => b.localeCompare(a, undefined, { numeric: true }));
      } catch {
        // No such folder.
      }
      places.push(...(versions.length ? versions : ['SuperCollider']).map((dir) => path.win32.join(root, dir, `${program}.exe`)));
    }
    return places;
  }
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
  const searched: string[] = [];
  const exe = platform === 'win32' ? `${program}.exe` : program;
  for (const dir of (env.PATH ?? env.Path ?? '').split(platform === 'win32' ? ';' : ':')) {
    if (!dir) continue;
    const candidate = path.join(dir, exe);
    searched.push(candidate);
    if (isExecutableFile(candidate)) return candidate;
  }
  for (const candidate of installPlaces(program, platform, env)) {
    if (searched.includes(candidate)) continue;
    searched.push(candidate);
    if (isExecutableFile(candidate)) return candidate;
  }
  throw new ScsynthNotFoundError(program, searched);
}
