// One way every command reports a failure: what happened in the musician's words, what to do,
// and a button to the setting or the log that helps. The core raises structured errors; the
// setting names live here, not in the core.
import * as vscode from 'vscode';
import { ConnectionClosedError, InvalidServerOptionError, OscTimeoutError, ServerFailError } from '../../core';
import { InvalidSettingError, asSettingError, settingOfOption } from '../settings';
import type { ExtensionLog } from '../log/extensionLog';

export interface UserError {
  message: string;
  /** The setting that fixes it, for an Open Settings button. */
  setting?: string;
}

export function describeError(error: unknown): UserError {
  if (error instanceof InvalidServerOptionError) error = asSettingError(error);
  if (error instanceof InvalidSettingError) return { message: `${error.message}.`, setting: error.setting };
  if (error instanceof OscTimeoutError) {
    return { message: `scsynth did not answer ${error.command} within ${error.timeoutMs} ms: it may be overloaded, frozen or gone. If it stays silent, Reboot and Restore brings it back with what was playing; the server log has the details.` };
  }
  if (error instanceof ServerFailError) return { message: `scsynth refused ${error.command}: ${error.serverMessage}.` };
  if (error instanceof ConnectionClosedError) return { message: 'The server went away before it answered (it quit or crashed).' };
  if (error instanceof RangeError && /OSC int32 argument out of range/.test(error.message)) {
    return { message: `A value is too large for scsynth (${error.message.replace(/^.*: /, '')}); nothing was sent. The server log has the details.` };
  }
  const option = (error as { option?: unknown })?.option;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof option === 'string') {
    const setting = settingOfOption(option);
    return { message: `${message} (setting ${setting})`, setting };
  }
  return { message };
}

/**
 * Shows a failure the one way: the message, Open Settings where a setting fixes it, Show Log
 * always; extra buttons first. Resolves to the button chosen (after acting on the standard ones).
 */
export async function showUserError(log: ExtensionLog, error: unknown, context?: string, ...extraButtons: string[]): Promise<string | undefined> {
  const { message, setting } = describeError(error);
  log.error(`${context ? `${context}: ` : ''}${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  const buttons = [...extraButtons, ...(setting ? ['Open Settings'] : []), 'Show Log'];
  const choice = await vscode.window.showErrorMessage(context ? `${context}: ${message}` : message, ...buttons);
  if (choice === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', setting);
  if (choice === 'Show Log') log.show();
  return choice;
}

/** The command's title as the Command Palette shows it (from package.json). */
function commandTitle(context: vscode.ExtensionContext, id: string): string {
  const manifest = context.extension.packageJSON as { contributes?: { commands?: Array<{ command: string; title: string }> } } | undefined;
  const commands = manifest?.contributes?.commands ?? [];
  return commands.find((command) => command.command === id)?.title ?? id;
}

/**
 * A command's handler. Its arguments are whatever VS Code or a caller passes; each handler names
 * the types it expects, which `unknown[]` would not let it do.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export type CommandHandler = (...args: any[]) => unknown;

/** Registers a command whose failures all go through showUserError. */
export function registerCommand(context: vscode.ExtensionContext, log: ExtensionLog, id: string, handler: CommandHandler): void {
  const title = commandTitle(context, id);
  context.subscriptions.push(vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    try {
      return await handler(...args);
    } catch (error) {
      void showUserError(log, error, `${title} failed`);
      return undefined;
    }
  }));
}
