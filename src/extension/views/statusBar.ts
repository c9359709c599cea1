// One status-bar item: server state, CPU, synths and volume; a click offers the common actions.
import * as vscode from 'vscode';
import { ampToDb, DisposableStore, METER_FLOOR_DB } from '../../core';
import type { SCServer } from '../../core';
import type { ServerController } from '../server/serverController';
import type { ServerRuns } from '../server/serverRuns';
import type { ServerSetController } from '../server/serverSetController';
import { serverRootDescription } from './serverRoots';
import { readShowLevelInStatusBar } from '../settings';

/** The level in the status bar changes at most this often: readable, and calm. */
const LEVEL_UPDATE_MS = 250;

export class ServerStatusBar implements vscode.Disposable {
  /** sclive.statusBar.showLevel, read once and on each change (levels come 24 times a second). */
  private showLevel = readShowLevelInStatusBar();
  readonly item: vscode.StatusBarItem;
  private readonly subscriptions = new DisposableStore();
  /** Several servers: the item names the active one and counts the others running. */
  private servers: ServerSetController | undefined;

  /** `activeServer`: the server whose figures, take and level the item shows, as it changes. */
  constructor(private readonly controller: ServerController, activeServer: ServerRuns) {
    this.item = vscode.window.createStatusBarItem('sclive.status', vscode.StatusBarAlignment.Left, 10);
    this.item.name = 'SuperCollider Server';
    this.item.command = 'sclive.server.showActions';
    this.subscriptions.add(activeServer.forEachServer((server, run) => this.attach(server, run)));
    this.subscriptions.add(controller.onDidChangeState(() => this.update()));
    this.update();
    this.item.show();
  }

  private attach(server: SCServer, run: DisposableStore): void {
    // Updates come with each polled status; nothing runs while the server is stopped.
    run.add(server.onDidChangeStatus(() => this.update()));
    run.add(server.onDidChangeResponsiveness(() => this.update()));
    run.add(server.onDidChangeVolume(() => this.update()));
    // While recording, its length counts up once a second.
    let clock: NodeJS.Timeout | undefined;
    const stopClock = () => {
      clearInterval(clock);
      clock = undefined;
    };
    run.add(server.recorder.onDidChange((change) => {
      if (change.state === 'recording' && !clock) clock = setInterval(() => this.update(), 1000);
      if (change.state !== 'recording') stopClock();
      this.update();
    }));
    run.add({ dispose: stopClock });
    let levelShownAt = 0;
    run.add(server.meters.onLevels(() => {
      const now = performance.now();
      if (now - levelShownAt < LEVEL_UPDATE_MS || !this.showLevel) return;
      levelShownAt = now;
      this.update();
    }));
    this.update();
  }

  setServerSet(servers: ServerSetController): void {
    this.servers = servers;
    this.subscriptions.add(servers.onDidChange(() => this.update()));
    this.update();
  }

  /** The setting changed. */
  showLevelChanged(): void {
    this.showLevel = readShowLevelInStatusBar();
    this.update();
  }

  update(): void {
    // With several servers, the active one (a declared server's state and figures are its own).
    const declared = this.servers?.activeDeclared;
    const server = declared ?? this.controller.server;
    const state = declared?.state ?? this.controller.state;
    // The controller's volume and mute are the active server's already.
    const volume = this.controller.muted ? 'muted' : `${formatDb(this.controller.volume)} dB`;
    this.item.backgroundColor = undefined;
    if (state === 'running' && server) {
      const status = server.lastStatus;
      const cpu = status ? `${status.avgCpu.toFixed(1)}% avg · ${status.peakCpu.toFixed(1)}% peak` : '…';
      // The volume synth is the extension's own, not one of the musician's.
      const count = status ? Math.max(0, status.numSynths - server.ownSynthIds.length) : 0;
      const synths = status ? `${count} synth${count === 1 ? '' : 's'}` : '';
      const recorder = server.recorder;
      const recording = recorder.state === 'idle' ? '' : `$(record) ${recorder.state === 'paused' ? 'REC paused' : 'REC'} ${formatDuration(recorder.elapsedMs)} · `;
      if (server.unresponsive) {
        this.item.text = `${recording}$(warning) scsynth not answering · ${volume}`;
        this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
      } else {
        this.item.text = `${recording}$(pulse) ${cpu} · ${synths} · ${volume}${this.levelText(server)}`;
      }
    } else if (state === 'booting') {
      this.item.text = '$(loading~spin) scsynth booting';
    } else if (state === 'quitting') {
      this.item.text = '$(loading~spin) scsynth quitting';
    } else if (state === 'crashed') {
      this.item.text = '$(error) scsynth crashed';
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
    } else if (state === 'reconnecting' || state === 'unreachable') {
      this.item.text = state === 'reconnecting' ? '$(sync~spin) server reconnecting' : '$(error) server unreachable';
      if (state === 'unreachable') this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
    } else {
      this.item.text = '$(circle-slash) scsynth stopped';
    }
    this.item.text = this.withServers(this.item.text);
    this.item.tooltip = this.tooltip(server, state, volume);
    this.item.accessibilityInformation = { label: `SuperCollider server: ${this.item.text.replace(/\$\([^)]*\)\s*/g, '')}` };
  }

  /** `drums: <what it says> · +2 running`, when more than the default server is declared. */
  private withServers(text: string): string {
    const servers = this.servers;
    if (!servers?.severalServers) return text;
    const active = servers.set.active;
    const others = servers.set.runningCount - (active.server?.state === 'running' ? 1 : 0);
    return `$(server) ${active.name}: ${text}${others ? ` · +${others} running` : ''}`;
  }

  /** " · out -12 dB": the loudest output's peak, when the setting asks for it and the meters run. */
  private levelText(server: SCServer): string {
    if (!this.showLevel || !server.meters.running) return '';
    const outputs = server.meters.levels.filter((level) => level.kind === 'out');
    const peak = Math.max(0, ...outputs.map((level) => level.peak));
    return ` · out ${ampToDb(peak) >= METER_FLOOR_DB ? `${Math.round(ampToDb(peak))} dB` : 'silent'}`;
  }

  private tooltip(server: SCServer | undefined, state: string, volume: string): vscode.MarkdownString {
    const md = new vscode.MarkdownString(undefined, true);
    md.isTrusted = { enabledCommands: ['sclive.server.selectActive', 'sclive.server.bootAll', 'sclive.server.hushAll', 'sclive.server.boot', 'sclive.server.quit', 'sclive.server.reboot', 'sclive.server.rebootAndRestore', 'sclive.nodes.freeAll', 'sclive.volume.set', 'sclive.volume.mute', 'sclive.volume.unmute', 'sclive.log.show', 'sclive.server.connect', 'sclive.recording.start', 'sclive.recording.stop'] };
    md.appendMarkdown(`**SuperCollider server**: ${state}${server?.unresponsive ? ` (not answering for ${Math.round(server.silentForMs / 1000)} s)` : ''}\n\n`);
    if (server?.state === 'running' && server.unresponsive) md.appendMarkdown('[Reboot and Restore](command:sclive.server.rebootAndRestore): kill it, boot it again, bring back what was playing.\n\n');
    const status = server?.lastStatus;
    if (server && state === 'running') {
      md.appendMarkdown(`| | |\n|---|---|\n`);
      md.appendMarkdown(`| Address | ${server.addr.join(':')}${server.ownsProcess ? ` (pid ${server.pid})` : ' (remote)'} |\n`);
      md.appendMarkdown(`| Client id | ${server.clientId} of ${server.maxLogins} |\n`);
      if (status) {
        md.appendMarkdown(`| CPU | ${status.avgCpu.toFixed(2)}% average, ${status.peakCpu.toFixed(2)}% peak |\n`);
        md.appendMarkdown(`| Synths / groups | ${status.numSynths} / ${status.numGroups}${server.volumeSynthIds.length ? ` (${server.volumeSynthIds.length} of them the volume synth)` : ''} |\n`);
        md.appendMarkdown(`| UGens | ${status.numUgens} |\n`);
        md.appendMarkdown(`| SynthDefs | ${status.numSynthdefs} |\n`);
        md.appendMarkdown(`| Sample rate | ${status.nominalSr} Hz nominal, ${status.actualSr.toFixed(2)} Hz actual |\n`);
      }
      md.appendMarkdown(`| Volume | ${volume} |\n`);
      if (server.recorder.state !== 'idle') md.appendMarkdown(`| Recording | ${server.recorder.state}, ${formatDuration(server.recorder.elapsedMs)}: ${server.recorder.path} |\n`);
      md.appendMarkdown('\n');
      md.appendMarkdown('[Free All](command:sclive.nodes.freeAll) · [Set Volume](command:sclive.volume.set) · ');
      md.appendMarkdown(this.controller.muted ? '[Unmute](command:sclive.volume.unmute) · ' : '[Mute](command:sclive.volume.mute) · ');
      if (server.ownsProcess) md.appendMarkdown('[Reboot](command:sclive.server.reboot) · ');
      md.appendMarkdown(server.recorder.state === 'idle' ? '[Record](command:sclive.recording.start) · ' : '[Stop Recording](command:sclive.recording.stop) · ');
      md.appendMarkdown('[Quit](command:sclive.server.quit) · [Log](command:sclive.log.show)');
    } else {
      md.appendMarkdown('[Boot Server](command:sclive.server.boot) · [Connect to Remote Server](command:sclive.server.connect) · [Log](command:sclive.log.show)');
    }
    this.appendServers(md);
    return md;
  }

  /** With several servers: each one's state, a link to make it the active one, and the commands for all. */
  private appendServers(md: vscode.MarkdownString): void {
    const servers = this.servers;
    if (!servers?.severalServers) return;
    md.appendMarkdown('\n\n**Servers**\n\n');
    for (const slot of servers.set.slots) {
      const active = slot === servers.set.active;
      const select = `command:sclive.server.selectActive?${encodeURIComponent(JSON.stringify([slot.name]))}`;
      md.appendMarkdown(`- ${active ? `**${slot.name}** (active)` : `${slot.name} · [make active](${select})`}: ${serverRootDescription(slot)}\n`);
    }
    md.appendMarkdown('\n[Boot All](command:sclive.server.bootAll) · [Hush All](command:sclive.server.hushAll)');
  }

  dispose(): void {
    this.subscriptions.dispose();
    this.item.dispose();
  }
}

export function formatDb(dB: number): string {
  return (Math.round(dB * 10) / 10).toString();
}

/** 1:05 (minutes and seconds; hours when a set runs that long). */
export function formatDuration(ms: number): string {
  const total = Math.floor(ms / 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  return hours ? `${hours}:${two(minutes)}:${two(total % 60)}` : `${minutes}:${two(total % 60)}`;
}
