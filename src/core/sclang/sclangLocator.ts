// Finding the sclang executable: explicit path, PATH, then the usual install places.
import { isExecutableFile, searchExecutable, windowsInstallPlaces } from '../process/executableSearch';
import * as path from 'node:path';

export class SclangNotFoundError extends Error {
  /** The option to change (the extension names its setting). */
  readonly option = 'sclangPath';
  constructor(readonly searched: string[], detail?: string) {
    super(
      `${detail ?? 'sclang was not found.'} Looked in: ${searched.join(', ')}. ` +
        'Install the SuperCollider language (Debian/Ubuntu: sudo apt-get install supercollider-language; ' +
        'macOS and Windows: the installer from https://supercollider.github.io/downloads) or set the path to sclang.',
    );
    this.name = 'SclangNotFoundError';
  }
}

export function sclangInstallPlaces(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string[] {
  if (platform === 'darwin') {
    return [
      '/Applications/SuperCollider.app/Contents/MacOS/sclang',
      '/Applications/SuperCollider/SuperCollider.app/Contents/MacOS/sclang',
      path.join(env.HOME ?? '', 'Applications/SuperCollider.app/Contents/MacOS/sclang'),
    ];
  }
  if (platform === 'win32') return windowsInstallPlaces('sclang.exe', env);
  return ['/usr/bin/sclang', '/usr/local/bin/sclang', '/opt/SuperCollider/bin/sclang'];
}

export function findSclang(options: { explicitPath?: string; platform?: NodeJS.Platform; env?: NodeJS.ProcessEnv } = {}): string {
  const platform = options.platform ?? process.platform;
  const env = options.env ?? process.env;
  if (options.explicitPath) {
    if (isExecutableFile(options.explicitPath)) return options.explicitPath;
    throw new SclangNotFoundError([options.explicitPath], `The configured sclang path "${options.explicitPath}" is not an executable file.`);
  }
  const { found, searched } = searchExecutable('sclang', sclangInstallPlaces(platform, env), platform, env);
  if (found) return found;
  throw new SclangNotFoundError(searched);
}
