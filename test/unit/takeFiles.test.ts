// Where takes go and what they are called: a take never overwrites a file, and a workspace
// cannot send takes outside itself (issue 16, items 6 and 8). Real files in a temporary folder.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { claimTakeFile, takePartPath, takeTimestamp } from '../../src/core/recording/takeFiles';
import { resolveRecordingFolder } from '../../src/core/recording/recordingFolder';

describe('take files', () => {
  let dir: string;
  beforeEach(() => (dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'sclive-takes-')))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('claims the name wanted, then numbered names beside it, never touching a file that exists', () => {
    const wanted = path.join(dir, 'new', 'SC_2026-12-04_18-00-00.wav');
    assert.equal(claimTakeFile(wanted), wanted);
    writeFileSync(wanted, 'first take');
    assert.equal(claimTakeFile(wanted), path.join(dir, 'new', 'SC_2026-12-04_18-00-00-2.wav'));
    assert.equal(claimTakeFile(wanted), path.join(dir, 'new', 'SC_2026-12-04_18-00-00-3.wav'));
    assert.equal(readFileSync(wanted, 'utf8'), 'first take');
    assert.deepEqual(readdirSync(path.join(dir, 'new')).sort(), ['SC_2026-12-04_18-00-00-2.wav', 'SC_2026-12-04_18-00-00-3.wav', 'SC_2026-12-04_18-00-00.wav']);
  });

  it('names the parts of a take across reboots, and the time of a take', () => {
    assert.equal(takePartPath('/r/SC_2026-12-04_18-00-00.wav', 2), '/r/SC_2026-12-04_18-00-00_part2.wav');
    assert.equal(takePartPath('/r/SC_2026-12-04_18-00-00-2.aiff', 3), '/r/SC_2026-12-04_18-00-00-2_part3.aiff');
    assert.equal(takeTimestamp(new Date(2026, 11, 4, 8, 5, 9)), '2026-12-04_08-05-09');
  });
});

describe('the recording folder', () => {
  let dir: string;
  let workspace: string;
  let outside: string;
  beforeEach(() => {
    dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'sclive-folder-')));
    workspace = path.join(dir, 'workspace');
    outside = path.join(dir, 'elsewhere');
    mkdirSync(workspace);
    mkdirSync(outside);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const home = '/home/musician';

  it('is the workspace\'s recordings folder by default (also before it exists), or the home folder without a workspace', () => {
    assert.equal(resolveRecordingFolder({ workspaceRoot: workspace, homeFolder: home }), path.join(workspace, 'recordings'));
    assert.equal(resolveRecordingFolder({ homeFolder: dir }), dir);
  });

  it('refuses a recordings link that leads outside the workspace, saying what to do', () => {
    symlinkSync(outside, path.join(workspace, 'recordings'));
    assert.throws(() => resolveRecordingFolder({ workspaceRoot: workspace, homeFolder: home }), /recordings folder leads outside the workspace \(.*elsewhere, through a link\).*user settings\./);
  });

  it('takes a folder from the workspace settings only inside the workspace (links followed)', () => {
    assert.equal(resolveRecordingFolder({ workspaceRoot: workspace, workspaceSettingFolder: 'takes/today', homeFolder: home }), path.join(workspace, 'takes', 'today'));
    assert.throws(() => resolveRecordingFolder({ workspaceRoot: workspace, workspaceSettingFolder: outside, homeFolder: home }), /folder in the workspace settings leads outside the workspace/);
    assert.throws(() => resolveRecordingFolder({ workspaceRoot: workspace, workspaceSettingFolder: '../elsewhere', homeFolder: home }), /leads outside the workspace/);
    symlinkSync(outside, path.join(workspace, 'link'));
    assert.throws(() => resolveRecordingFolder({ workspaceRoot: workspace, workspaceSettingFolder: 'link/x', homeFolder: home }), /leads outside the workspace \(.*elsewhere\/x\)/);
  });

  it('takes a folder from the user\'s settings wherever it is, as its real path', () => {
    symlinkSync(outside, path.join(dir, 'link'));
    assert.equal(resolveRecordingFolder({ workspaceRoot: workspace, userFolder: path.join(dir, 'link', 'takes'), homeFolder: home }), path.join(outside, 'takes'));
    assert.equal(resolveRecordingFolder({ userFolder: '~/takes', homeFolder: dir }), path.join(dir, 'takes'));
  });
});
