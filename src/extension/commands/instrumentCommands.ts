// Start, Pause, Resume and Stop Recording (the server's outputs to a dated file in the
// recordings folder; the status bar shows it, see statusBar.ts), and Show Meters / Show Scope.
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { MAX_RECORDING_CHANNELS } from '../../core/recording/recorder';
import type { ScliveContext } from '../context';
import { readRecordingSettings } from '../settings';
import { registerCommand } from './userErrors';

export function registerInstrumentCommands(context: ScliveContext): void {
  const { controller, log } = context;
  const register = (id: string, handler: (...args: any[]) => unknown) => registerCommand(context.extension, log, id, handler);

  register('sclive.recording.start', async () => {
    const server = controller.requireRunning('record');
    if (!server) return undefined;
    const settings = readRecordingSettings(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath, os.homedir());
    const channels = settings.channels || Math.min(server.options.numOutputBuses, MAX_RECORDING_CHANNELS);
    const file = path.join(settings.folder, `SC_${timestamp(new Date())}.${settings.headerFormat === 'aiff' ? 'aiff' : 'wav'}`);
    await server.recorder.start({ path: file, channels, headerFormat: settings.headerFormat, sampleFormat: settings.sampleFormat });
    return file;
  });
  // Each view's own focus command opens the SuperCollider container with that view shown.
  register('sclive.meters.show', () => vscode.commands.executeCommand('sclive.meters.focus'));
  register('sclive.scope.show', () => vscode.commands.executeCommand('sclive.scope.focus'));
  register('sclive.recording.pause', () => controller.server?.recorder.pause());
  register('sclive.recording.resume', () => controller.server?.recorder.resume());
  register('sclive.recording.stop', async () => {
    const file = await controller.server?.recorder.stop();
    if (!file) void vscode.window.showInformationMessage('Nothing is being recorded.');
    return file;
  });

  context.pushExtCleanup(controller.forEachServer((server, run) => {
    const setContext = () => void vscode.commands.executeCommand('setContext', 'sclive.recordingState', server.recorder.state);
    setContext();
    run.add(server.recorder.onDidChange((change) => {
      setContext();
      if (change.ended && change.path) void announceSaved(change.path, change.ended === 'serverEnded');
    }));
  }));
}

/** A link to the file when a recording ends. */
async function announceSaved(file: string, serverEnded: boolean): Promise<void> {
  const message = serverEnded
    ? `The server stopped during the recording; what was recorded is saved: ${file}`
    : `Recording saved: ${file}`;
  const choice = await (serverEnded ? vscode.window.showWarningMessage : vscode.window.showInformationMessage)(message, 'Open', 'Reveal in File Explorer');
  if (choice === 'Open') await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(file));
  if (choice === 'Reveal in File Explorer') await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(file));
}

/** 2026-11-26_21-04-05: sorts by time, and no character a file system refuses. */
function timestamp(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}_${two(date.getHours())}-${two(date.getMinutes())}-${two(date.getSeconds())}`;
}
