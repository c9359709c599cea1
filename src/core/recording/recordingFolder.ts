// Where takes may go (issue 16, item 8). The extension names the setting in its errors. A workspace is not trusted to send takes anywhere the
// user can write: a folder from the workspace's settings, or its `recordings` folder, is used
// only if its real path (links followed) is inside the workspace; a folder from the user's own
// settings is used wherever it is.
import { realpathSync } from 'node:fs';
import * as path from 'node:path';

export interface RecordingFolderSources {
  /** The folder set in the user's settings. */
  userFolder?: string;
  /** The folder set in the workspace's (or a workspace folder's) settings. */
  workspaceSettingFolder?: string;
  /** The first workspace folder, if a workspace is open. */
  workspaceRoot?: string;
  homeFolder: string;
}

export class RecordingFolderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecordingFolderError';
  }
}

/** The real path of the folder takes go to; throws a RecordingFolderError that says what to do. */
export function resolveRecordingFolder(sources: RecordingFolderSources): string {
  const { workspaceRoot } = sources;
  const fromWorkspace = sources.workspaceSettingFolder?.trim();
  if (fromWorkspace) {
    if (!workspaceRoot) throw new RecordingFolderError(`the recording folder is set by the workspace but no workspace folder is open: set it in your user settings instead.`);
    const real = realPathOf(path.resolve(workspaceRoot, expandHome(fromWorkspace, sources.homeFolder)));
    if (!isInside(real, realPathOf(workspaceRoot))) {
      throw new RecordingFolderError(`the folder in the workspace settings leads outside the workspace (${real}): takes go there only if you set it in your user settings.`);
    }
    return real;
  }
  const fromUser = sources.userFolder?.trim();
  if (fromUser) return realPathOf(path.resolve(sources.homeFolder, expandHome(fromUser, sources.homeFolder)));
  if (!workspaceRoot) return realPathOf(sources.homeFolder);
  const real = realPathOf(path.join(workspaceRoot, 'recordings'));
  if (!isInside(real, realPathOf(workspaceRoot))) {
    throw new RecordingFolderError(`The workspace's recordings folder leads outside the workspace (${real}, through a link): takes go only inside the workspace, or to a folder you set in your user settings.`);
  }
  return real;
}

/** The real path of `target`, also when it does not exist yet (its nearest existing folder's real path, and the rest). */
function realPathOf(target: string): string {
  const rest: string[] = [];
  let existing = path.resolve(target);
  for (;;) {
    try {
      return path.join(realpathSync(existing), ...rest.reverse());
    } catch (error) {
      const parent = path.dirname(existing);
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || parent === existing) throw error;
      rest.push(path.basename(existing));
      existing = parent;
    }
  }
}

function isInside(child: string, parent: string): boolean {
  const relative = path.relative(parent, child);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

function expandHome(folder: string, home: string): string {
  return folder === '~' ? home : folder.startsWith('~/') ? path.join(home, folder.slice(2)) : folder;
}
