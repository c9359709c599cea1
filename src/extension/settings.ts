// The only reader of the `sclive.` settings: the server options and client settings for the core, and the live-coding settings.
import * as vscode from 'vscode';
import { InvalidServerOptionError, RecordingFolderError, resolveRecordingFolder, ServerOptions } from '../core';
import type { ServerOptionsInit } from '../core';

export interface ExtensionSettings {
  options: ServerOptions;
  scsynthPath: string | undefined;
  env: Record<string, string>;
  clientId: number;
  statusIntervalMs: number;
  /** How long scsynth may leave a status poll unanswered before it counts as frozen (ms). */
  unresponsiveAfterMs: number;
  latencyMs: number;
  bootTimeoutMs: number;
  bootOnStartup: boolean;
  bootBlip: boolean;
  volumeStep: number;
}

/** A setting the user must fix; names the setting as it appears in the Settings UI. */
export class InvalidSettingError extends Error {
  constructor(readonly setting: string, message: string) {
    super(`Setting ${setting}: ${message}`);
    this.name = 'InvalidSettingError';
  }
}

/** The setting behind each option the core can name in an error. */
const SETTING_OF_OPTION: Record<string, string> = {
  scsynthPath: 'sclive.scsynthPath',
  sclangPath: 'sclive.sclangPath',
  clientId: 'sclive.clientId',
  recordingChannels: 'sclive.recording.channels',
};

export function settingOfOption(option: string): string {
  return SETTING_OF_OPTION[option] ?? `sclive.server.${option}`;
}

/** A server option the core refused, as the setting the musician fixes. */
export function asSettingError(error: InvalidServerOptionError): InvalidSettingError {
  return new InvalidSettingError(settingOfOption(error.option), error.message.replace(/^Invalid server option \w+: /, ''));
}

const SERVER_OPTION_KEYS: Array<keyof ServerOptionsInit> = [
  'udpPort', 'bindAddress', 'maxLogins', 'numInputBuses', 'numOutputBuses', 'numAudioBuses', 'numControlBuses',
  'numSampleBuffers', 'maxNodes', 'maxSynthDefs', 'memSize', 'numWireBufs', 'blockSize', 'hardwareBufferSize',
  'hardwareSampleRate', 'hardwareInputDevice', 'hardwareOutputDevice', 'publishRendezvous', 'otherOptions', 'program', 'threads',
];

/** Settings whose change only takes effect when scsynth is booted again. */
export const REBOOT_SETTINGS = ['sclive.scsynthPath', 'sclive.server'];

export function readSettings(): ExtensionSettings {
  const config = vscode.workspace.getConfiguration('sclive');
  const init: ServerOptionsInit = {};
  for (const key of SERVER_OPTION_KEYS) {
    const value = config.get(`server.${key}`);
    // Empty fields mean "scsynth's own default".
    if (value !== null && value !== undefined && value !== '') (init as Record<string, unknown>)[key] = value;
  }
  let options: ServerOptions;
  try {
    options = new ServerOptions(init);
  } catch (error) {
    if (error instanceof InvalidServerOptionError) throw asSettingError(error);
    throw error;
  }
  const env = config.get<Record<string, unknown>>('server.env') ?? {};
  for (const [name, value] of Object.entries(env)) {
    if (typeof value !== 'string') throw new InvalidSettingError('sclive.server.env', `the value of ${name} must be a string`);
  }
  return {
    options,
    scsynthPath: config.get<string>('scsynthPath')?.trim() || undefined,
    env: env as Record<string, string>,
    clientId: integerSetting(config, 'clientId', 1, 0, 31),
    statusIntervalMs: integerSetting(config, 'statusPollInterval', 1000, 0, 60_000),
    unresponsiveAfterMs: integerSetting(config, 'unresponsiveAfter', 1500, 200, 60_000),
    latencyMs: integerSetting(config, 'bundleLatency', 200, 0, 10_000),
    bootTimeoutMs: integerSetting(config, 'bootTimeout', 10_000, 500, 120_000),
    bootOnStartup: config.get<boolean>('bootOnStartup') === true,
    bootBlip: config.get<boolean>('bootBlip') !== false,
    volumeStep: numberSetting(config, 'volumeStep', 3, 0.1, 24),
  };
}

function integerSetting(config: vscode.WorkspaceConfiguration, key: string, fallback: number, min: number, max: number): number {
  const value = numberSetting(config, key, fallback, min, max);
  if (!Number.isInteger(value)) throw new InvalidSettingError(`sclive.${key}`, `${value} is not a whole number`);
  return value;
}

function numberSetting(config: vscode.WorkspaceConfiguration, key: string, fallback: number, min: number, max: number): number {
  const value = config.get<unknown>(key, fallback);
  if (typeof value !== 'number' || Number.isNaN(value) || value < min || value > max) {
    throw new InvalidSettingError(`sclive.${key}`, `${JSON.stringify(value)} is not allowed; use a number from ${min} to ${max}`);
  }
  return value;
}

/** What the musician set for live coding; read when used, so a change applies at once. */
export interface LiveCodingSettings {
  sclangPath: string | undefined;
  /** Flash the evaluated code. */
  flash: boolean;
  /** Show the post window when an evaluation or scsynth fails. */
  openPostOnError: boolean;
  postMaxLines: number;
  /** Evaluating code that plays with no server running. */
  bootServer: 'ask' | 'always' | 'never';
  /** Offer to restart sclang after it has been busy this long (0: never). */
  busyWarningSeconds: number;
}

export function readLiveCodingSettings(): LiveCodingSettings {
  const config = vscode.workspace.getConfiguration('sclive');
  const bootServer = config.get<string>('evaluation.bootServer', 'ask');
  return {
    sclangPath: config.get<string>('sclangPath')?.trim() || undefined,
    flash: config.get<boolean>('evaluation.flash', true),
    openPostOnError: config.get<boolean>('post.openOnError', true),
    postMaxLines: config.get<number>('post.maxLines', 5000),
    bootServer: bootServer === 'always' || bootServer === 'never' ? bootServer : 'ask',
    busyWarningSeconds: config.get<number>('sclang.busyWarningSeconds', 10),
  };
}

/** The musician's answer to "boot it?", kept in their user settings. */
export function saveBootServer(value: 'always' | 'never'): Thenable<void> {
  return vscode.workspace.getConfiguration('sclive').update('evaluation.bootServer', value, vscode.ConfigurationTarget.Global);
}

export interface RecordingSettings {
  /**
   * Where recordings go, as a real path: the user's setting; the workspace's setting or its
   * `recordings` folder only inside the workspace; else the home folder (recordingFolder.ts).
   */
  folder: string;
  headerFormat: 'wav' | 'aiff';
  sampleFormat: 'int24' | 'float';
  /** Channels recorded from output 1; 0 means every output of the server. */
  channels: number;
}

export function readRecordingSettings(workspaceFolder: string | undefined, homeFolder: string): RecordingSettings {
  const config = vscode.workspace.getConfiguration('sclive');
  const folderSetting = config.inspect<string>('recording.folder');
  const headerFormat = config.get<string>('recording.headerFormat', 'wav');
  const sampleFormat = config.get<string>('recording.sampleFormat', 'int24');
  if (headerFormat !== 'wav' && headerFormat !== 'aiff') throw new InvalidSettingError('sclive.recording.headerFormat', `${JSON.stringify(headerFormat)} is not allowed; use "wav" or "aiff"`);
  if (sampleFormat !== 'int24' && sampleFormat !== 'float') throw new InvalidSettingError('sclive.recording.sampleFormat', `${JSON.stringify(sampleFormat)} is not allowed; use "int24" or "float"`);
  let folder: string;
  try {
    folder = resolveRecordingFolder({
      userFolder: folderSetting?.globalValue,
      workspaceSettingFolder: folderSetting?.workspaceFolderValue || folderSetting?.workspaceValue,
      workspaceRoot: workspaceFolder,
      homeFolder,
    });
  } catch (error) {
    if (error instanceof RecordingFolderError) throw new InvalidSettingError('sclive.recording.folder', error.message);
    throw error;
  }
  return { folder, headerFormat, sampleFormat, channels: integerSetting(config, 'recording.channels', 0, 0, 16) };
}

/** Whether the status bar item shows the output level (read when used, so a change applies at once). */
export function readShowLevelInStatusBar(): boolean {
  return vscode.workspace.getConfiguration('sclive').get<boolean>('statusBar.showLevel', false) === true;
}
