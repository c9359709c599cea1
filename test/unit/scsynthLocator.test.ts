import { strict as assert } from 'node:assert';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ScsynthNotFoundError, findScsynth, installPlaces } from '../../src/core/scsynth/scsynthLocator';

describe('scsynthLocator', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'sclive-locator-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function makeFile(file: string, mode: number): string {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, '#!/bin/sh\nexit 0\n');
    chmodSync(file, mode);
    return file;
  }

  it('rejects an explicit path that does not exist, naming it and telling how to install', () => {
    const missing = path.join(dir, 'nowhere', 'scsynth');
    assert.throws(() => findScsynth({ explicitPath: missing, env: { PATH: '/usr/bin' }, platform: 'linux' }), (error: unknown) => {
      assert.ok(error instanceof ScsynthNotFoundError);
      assert.deepEqual(error.searched, [missing]);
      assert.ok(error.message.includes(missing));
      assert.match(error.message, /Install SuperCollider/);
      assert.match(error.message, /apt-get install supercollider-server/);
      assert.match(error.message, /or set the path to scsynth\./);
      assert.equal((error).option, 'scsynthPath', 'names the option to change; the extension names its setting');
      return true;
    });
  });

  it('rejects an explicit path that is a directory or not executable', () => {
    const plain = makeFile(path.join(dir, 'scsynth'), 0o644);
    assert.throws(() => findScsynth({ explicitPath: plain, platform: 'linux', env: {} }), ScsynthNotFoundError);
    assert.throws(() => findScsynth({ explicitPath: dir, platform: 'linux', env: {} }), ScsynthNotFoundError);
  });

  it('returns an explicit executable path as is', () => {
    const exe = makeFile(path.join(dir, 'my', 'scsynth'), 0o755);
    assert.equal(findScsynth({ explicitPath: exe, platform: 'linux', env: {} }), exe);
  });

  it('finds an executable on PATH, skipping non-executables and directories', () => {
    const empty = path.join(dir, 'empty');
    mkdirSync(empty);
    const withDir = path.join(dir, 'withdir');
    mkdirSync(path.join(withDir, 'scsynth'), { recursive: true });
    makeFile(path.join(dir, 'plain', 'scsynth'), 0o644);
    const exe = makeFile(path.join(dir, 'bin', 'scsynth'), 0o755);
    const PATH = [empty, '', withDir, path.join(dir, 'plain'), path.join(dir, 'bin')].join(':');
    assert.equal(findScsynth({ env: { PATH }, platform: 'linux' }), exe);
  });

  it('finds supernova when asked for it', () => {
    makeFile(path.join(dir, 'bin', 'scsynth'), 0o755);
    const exe = makeFile(path.join(dir, 'bin', 'supernova'), 0o755);
    assert.equal(findScsynth({ program: 'supernova', env: { PATH: path.join(dir, 'bin') }, platform: 'linux' }), exe);
  });

  it('lists every place searched when nothing is found', () => {
    const a = path.join(dir, 'a');
    const b = path.join(dir, 'b');
    const home = path.join(dir, 'home');
    const env = { PATH: `${a}:${b}`, HOME: home };
    assert.throws(() => findScsynth({ env, platform: 'darwin' }), (error: unknown) => {
      assert.ok(error instanceof ScsynthNotFoundError);
      const expected = [path.join(a, 'scsynth'), path.join(b, 'scsynth'), ...installPlaces('scsynth', 'darwin', env)];
      assert.deepEqual(error.searched, expected);
      assert.equal(expected.length, 5);
      for (const place of expected) assert.ok(error.message.includes(place), `message lacks ${place}`);
      assert.match(error.message, /scsynth was not found/);
      assert.match(error.message, /supercollider\.github\.io/);
      return true;
    });
  });

  it('knows the usual macOS places', () => {
    const places = installPlaces('scsynth', 'darwin', { HOME: '/Users/ada' });
    assert.ok(places.includes('/Applications/SuperCollider.app/Contents/Resources/scsynth'));
    assert.ok(places.includes('/Users/ada/Applications/SuperCollider.app/Contents/Resources/scsynth'));
    assert.ok(installPlaces('supernova', 'darwin', {}).includes('/Applications/SuperCollider.app/Contents/Resources/supernova'));
  });

  it('knows the usual Linux places', () => {
    const places = installPlaces('scsynth', 'linux', {});
    assert.ok(places.includes('/usr/bin/scsynth'));
    assert.ok(places.includes('/usr/local/bin/scsynth'));
  });

  it('knows the usual Windows places, newest version folder first', () => {
    const places = installPlaces('scsynth', 'win32', { ProgramFiles: 'C:\\Program Files', 'ProgramFiles(x86)': 'C:\\Program Files (x86)' });
    assert.deepEqual(places, ['C:\\Program Files\\SuperCollider\\scsynth.exe', 'C:\\Program Files (x86)\\SuperCollider\\scsynth.exe']);
    assert.deepEqual(installPlaces('scsynth', 'win32', {}), []);

    for (const name of ['SuperCollider-3.12.2', 'SuperCollider-3.13.0', 'Audacity']) mkdirSync(path.join(dir, name));
    assert.deepEqual(installPlaces('scsynth', 'win32', { ProgramFiles: dir }), [
      path.win32.join(dir, 'SuperCollider-3.13.0', 'scsynth.exe'),
      path.win32.join(dir, 'SuperCollider-3.12.2', 'scsynth.exe'),
    ]);
  });

  it('prefers SuperCollider 3.13 over 3.9 on Windows', () => {
    for (const name of ['SuperCollider-3.9.3', 'SuperCollider-3.13.0']) mkdirSync(path.join(dir, name));
    assert.equal(installPlaces('scsynth', 'win32', { ProgramFiles: dir })[0], path.win32.join(dir, 'SuperCollider-3.13.0', 'scsynth.exe'));
  });
});
