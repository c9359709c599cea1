// Start, Pause, Resume and Stop Recording (the server's outputs to a dated file in the
// recordings folder; the status bar shows it, see statusBar.ts), and Show Meters / Show Scope.
// What a take saved is said when it ends: never "saved" for a take a full disk cut.
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { MAX_RECORDING_CHANNELS, takeTimestamp } from '../../core';
import type { RecorderChange } from '../../core';
import type { ScliveContext } from '../context';
import { readRecordingSettings } from '../settings';
import { isServerRoot } from '../views/serverRoots';
import { formatDuration } from '../views/statusBar';
import { CommandHandler, registerCommand } from './userErrors';

export function registerInstrumentCommands(context: ScliveContext): void {
  const { controller, log, activeServer, everyServer } = context;
  const register = (id: string, handler: CommandHandler) => registerCommand(context.extension, log, id, handler);

  /** The server a command is for: a Node Tree root's (or one named), else the active one. */
  const targetName = (target: unknown): string | undefined => (isServerRoot(target) ? target.name : typeof target === 'string' ? target : undefined);
  const serverFor = (target: unknown, action: string) => {
    const name = targetName(target);
    if (name === undefined) return controller.requireRunning(action);
    const server = context.servers.set.get(name)?.server;
    if (server?.state === 'running') return server;
    void vscode.window.showWarningMessage(`Cannot ${action}: ${context.servers.set.get(name) ? `${name} is ${server?.state ?? 'not booted yet'}` : `there is no server named "${name}"`}.`);
    return undefined;
  };
  const takeOf = (target: unknown) => (targetName(target) === undefined ? activeServer.server : context.servers.set.get(targetName(target)!)?.server);

  register('sclive.recording.start', async (target?: unknown) => {
    const server = serverFor(target, 'record');
    if (!server) return undefined;
    // A remote window's folder is not on this machine (the extension runs where the sound card is: extensionKind).
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const settings = readRecordingSettings(folder?.scheme === 'file' ? folder.fsPath : undefined, os.homedir());
    const channels = settings.channels || Math.min(server.options.numOutputBuses, MAX_RECORDING_CHANNELS);
    const wanted = path.join(settings.folder, `SC_${takeTimestamp(new Date())}.${settings.headerFormat === 'aiff' ? 'aiff' : 'wav'}`);
    // A name already taken (two takes in one second) gets a number: the file written is returned.
    return server.recorder.start({ path: wanted, channels, headerFormat: settings.headerFormat, sampleFormat: settings.sampleFormat });
  });
  // Each view's own focus command opens the SuperCollider container with that view shown.
  // From a server's row: that server's levels or scope; else the active server's.
  register('sclive.meters.show', (target?: unknown) => {
    context.meters.showServer(targetName(target));
    return vscode.commands.executeCommand('sclive.meters.focus');
  });
  register('sclive.scope.show', (target?: unknown) => {
    context.scope.showServer(targetName(target));
    return vscode.commands.executeCommand('sclive.scope.focus');
  });
  // A take per server: these act on the take of the row's server, else the active server's (another server's take goes on).
  register('sclive.recording.pause', (target?: unknown) => takeOf(target)?.recorder.pause());
  register('sclive.recording.resume', (target?: unknown) => takeOf(target)?.recorder.resume());
  register('sclive.recording.stop', async (target?: unknown) => {
    const file = await takeOf(target)?.recorder.stop();
    const where = targetName(target) ?? (context.servers.severalServers ? `the active server (${context.servers.set.active.name})` : undefined);
    if (!file) void vscode.window.showInformationMessage(`Nothing is being recorded${where ? ` on ${where}` : ''}.`);
    return file;
  });

  // The Record/Pause/Stop buttons show the active server's take.
  context.pushExtCleanup(activeServer.forEachServer((server, run) => {
    const setContext = () => void vscode.commands.executeCommand('setContext', 'sclive.recordingState', server.recorder.state);
    setContext();
    run.add(server.recorder.onDidChange(setContext));
  }));
  // A take that ends on any server is told, with what it saved.
  context.pushExtCleanup(everyServer.forEachServer((server, run) => {
    run.add(server.recorder.onDidChange((change) => {
      if (change.ended && change.path) void announceEnded(change, context.servers.nameOf(server));
    }));
    run.add(server.recorder.onLowSpace((warning) => {
      const left = warning.minutesLeft < 1 ? 'Less than a minute' : `Only about ${warning.minutesLeft} min`;
      void vscode.window.showWarningMessage(`${left} of recording fit in the free space of ${warning.folder}. Free some space, or the take stops when the disk is full.`);
    }));
  }));
}

/** What a take saved, with a link to its file, when it ends; `serverName` with several servers (whose take it was). */
async function announceEnded(change: RecorderChange, serverName: string | undefined): Promise<void> {
  const paths = change.paths?.length ? change.paths : [change.path!];
  const file = paths[paths.length - 1];
  const length = formatDuration((change.savedSeconds ?? 0) * 1000);
  const where = paths.length === 1 ? paths[0] : `${paths.length} files (one per server run): ${paths.join(', ')}`;
  const message =
    change.ended === 'diskFull' ? `The disk is full: the recording${serverName ? ` on ${serverName}` : ''} was stopped. ${length} were saved in ${where}. Free some space or choose another folder (sclive.recording.folder).`
    : change.ended === 'serverEnded' ? `The server${serverName ? ` ${serverName}` : ''} stopped during the recording; ${length} were saved in ${where}.`
    : `Recording${serverName ? ` on ${serverName}` : ''} saved (${length}): ${where}`;
  const show = change.ended === 'stopped' ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
  const choice = await show(message, 'Open', 'Reveal in File Explorer');
  if (choice === 'Open') await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(file));
  if (choice === 'Reveal in File Explorer') await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(file));
}
