// Looking for an executable: on PATH, then in a list of usual install places.
import { accessSync, constants, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';

export function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `SuperCollider*\<exe>` under Program Files, newest version first (3.13 before 3.9). */
export function windowsInstallPlaces(exe: string, env: NodeJS.ProcessEnv): string[] {
  const places: string[] = [];
  for (const root of [env['ProgramFiles'], env['ProgramFiles(x86)']]) {
    if (!root) continue;
    let versions: string[] = [];
    try {
      versions = readdirSync(root)
        .filter((name) => /^SuperCollider/i.test(name))
        .sort((a, b) => b.localeCompare(a, undefined, { numeric: true }));
    } catch {
      // No such folder.
    }
    places.push(...(versions.length ? versions : ['SuperCollider']).map((dir) => path.win32.join(root, dir, exe)));
  }
  return places;
}

/** The first executable `program` on PATH or in `places`, and every place looked at. */
export function searchExecutable(program: string, places: string[], platform: NodeJS.Platform, env: NodeJS.ProcessEnv): { found?: string; searched: string[] } {
  const searched: string[] = [];
  const exe = platform === 'win32' ? `${program}.exe` : program;
  const pathDirs = (env.PATH ?? env.Path ?? '').split(platform === 'win32' ? ';' : ':').filter(Boolean);
  for (const candidate of [...pathDirs.map((dir) => path.join(dir, exe)), ...places]) {
    if (searched.includes(candidate)) continue;
    searched.push(candidate);
    if (isExecutableFile(candidate)) return { found: candidate, searched };
  }
  return { searched };
}
