// The language config (`sclang -l file.yaml`) of the editor's own sclang: the musician's own
// config (their quarks and extensions) plus a folder of this extension's classes. Starting
// never writes the musician's file (their sclang outside this editor is unchanged); only a
// Quarks.install/uninstall they run here stores its change there (SuperColliderLive.sc).
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface LanguageConfig {
  includePaths: string[];
  excludePaths: string[];
  postInlineWarnings: boolean;
  excludeDefaultPaths: boolean;
}

/** Where sclang reads its config when started without `-l` (Platform.userConfigDir +/+ "sclang_conf.yaml"). */
export function defaultLanguageConfigPath(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env, home = os.homedir()): string {
  const dir = platform === 'darwin'
    ? path.join(home, 'Library', 'Application Support', 'SuperCollider')
    : platform === 'win32'
      ? path.join(env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local'), 'SuperCollider')
      : path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'SuperCollider');
  return path.join(dir, 'sclang_conf.yaml');
}

function unquote(text: string): string {
  const value = text.trim();
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) return JSON.parse(value) as string;
  if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) return value.slice(1, -1).replace(/''/g, "'");
  return value;
}

/**
 * Reads sclang_conf.yaml as sclang writes it (block lists `- path`, flow lists `[a, b]`, booleans).
 * Anything else is an error: then the caller keeps the musician's config as it is rather than
 * guess and lose a path.
 */
export function parseLanguageConfig(text: string): LanguageConfig {
  const config: LanguageConfig = { includePaths: [], excludePaths: [], postInlineWarnings: false, excludeDefaultPaths: false };
  /** The list whose items the next lines hold (after `includePaths:` with nothing behind it). */
  let list: string[] | undefined;
  // Items are split at the commas outside quotes: a quoted path may hold a comma.
  const flowList = (value: string, into: string[]) => {
    const inner = value.slice(1, -1).trim();
    if (!inner) return;
    const item = /\s*("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^,"']*)\s*(,|$)/y;
    while (item.lastIndex < inner.length) {
      const match = item.exec(inner);
      if (!match || (match[2] === '' && item.lastIndex < inner.length)) throw new Error(`a list item not understood in ${value}`);
      into.push(unquote(match[1]));
      if (match[2] === '') break;
    }
  };
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/(^|\s)#.*$/, '').trimEnd();
    const trimmed = line.trim();
    if (!trimmed || trimmed === '---' || trimmed === '...') return;
    const fail = (why: string) => new Error(`line ${index + 1} ("${raw.trim()}"): ${why}`);
    const item = /^\s*-\s+(.*)$/.exec(line);
    if (item) {
      if (!list) throw fail('a list item outside a list');
      list.push(unquote(item[1]));
      return;
    }
    if (/^\s/.test(line)) {
      if (!list || !/^\[.*\]$/.test(trimmed)) throw fail('not understood');
      flowList(trimmed, list);
      return;
    }
    const entry = /^([A-Za-z]+)\s*:\s*(.*)$/.exec(trimmed);
    if (!entry) throw fail('not understood');
    const [, key, value] = entry;
    list = undefined;
    if (key === 'includePaths' || key === 'excludePaths') {
      if (!value) list = config[key];
      else if (/^\[.*\]$/.test(value)) flowList(value, config[key]);
      else throw fail(`${key} is not a list`);
    } else if (key === 'postInlineWarnings' || key === 'excludeDefaultPaths') {
      config[key] = /^(true|yes|on)$/i.test(value);
    } else {
      throw fail(`unknown setting ${key}`);
    }
  });
  return config;
}

/** YAML's flow style is JSON: sclang reads it, and any path is quoted exactly. */
export function formatLanguageConfig(config: LanguageConfig): string {
  return `${JSON.stringify(config, undefined, 2)}\n`;
}

/**
 * Writes the editor's language config to `outputPath`: the musician's config (if any) with
 * `extraIncludePath` added. Throws with the reason when the musician's file cannot be read.
 */
export function writeEditorLanguageConfig(options: { userConfigPath?: string; extraIncludePath: string; outputPath: string }): string {
  const userConfigPath = options.userConfigPath ?? defaultLanguageConfigPath();
  let config: LanguageConfig = { includePaths: [], excludePaths: [], postInlineWarnings: false, excludeDefaultPaths: false };
  if (existsSync(userConfigPath)) {
    try {
      config = parseLanguageConfig(readFileSync(userConfigPath, 'utf8'));
    } catch (error) {
      throw new Error(`could not read your sclang config ${userConfigPath}: ${(error as Error).message}`, { cause: error });
    }
  }
  if (!config.includePaths.includes(options.extraIncludePath)) config.includePaths.push(options.extraIncludePath);
  mkdirSync(path.dirname(options.outputPath), { recursive: true });
  // Written aside, then renamed: a sclang of another window starting now reads a whole file.
  const written = `${options.outputPath}.${process.pid}.tmp`;
  writeFileSync(written, formatLanguageConfig(config));
  renameSync(written, options.outputPath);
  return options.outputPath;
}
