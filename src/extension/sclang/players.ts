// What plays in sclang, at hand: one poller of sclang's player state (playerState.ts) feeds the
// Proxies view and the code lenses on `Pdef(\x` / `Tdef(\x` / `Pbindef(\x` / `Ndef(\x` lines;
// the play / stop / volume / fade time commands act through sclang.
import * as vscode from 'vscode';
import { findPlayer, findPlayerReferences, PLAYER_STATE_QUERY, PlayerEntry, playerExpression, PlayerState, PlayerStatePoller } from '../../core';
import type { ScliveContext } from '../context';
import { CommandHandler, registerCommand } from '../commands/userErrors';
import { PROXIES_VIEW_ID, ProxiesElement, ProxiesProvider, playerName } from '../views/proxiesView';
import { SoundingMarks } from './soundingMarks';
import { ProxyLevelMeters } from '../views/proxyLevelMeters';

/** How often the state is read while the view shows or lenses are drawn. */
const POLL_INTERVAL_MS = 250;

/** A player as the commands take it: a Proxies row, or what a code lens names. */
type PlayerTarget = Pick<PlayerEntry, 'kind' | 'key'> & { space?: string };

class PlayerLenses implements vscode.CodeLensProvider {
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changeEmitter.event;

  constructor(private readonly poller: PlayerStatePoller) {}

  changed(): void {
    this.changeEmitter.fire();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const state = this.poller.state;
    const lenses: vscode.CodeLens[] = [];
    for (const reference of findPlayerReferences(document.getText())) {
      // From sclang's state only: a player sclang does not know gets no lens.
      const entry = findPlayer(state, reference.kind, reference.key);
      if (!entry) continue;
      const range = new vscode.Range(reference.line, reference.character, reference.line, reference.character);
      const target: PlayerTarget = { kind: entry.kind, key: entry.key, ...('space' in entry ? { space: entry.space } : {}) };
      lenses.push(new vscode.CodeLens(range, { title: entry.playing ? `▶ ${playerName(entry)} playing` : `${playerName(entry)} stopped`, command: '' }));
      lenses.push(new vscode.CodeLens(range, entry.playing
        ? { title: 'Stop', command: 'sclive.player.stop', arguments: [target], tooltip: `Stop ${playerName(entry)}` }
        : { title: 'Play', command: 'sclive.player.play', arguments: [target], tooltip: `Play ${playerName(entry)}` }));
      if ('fadeTime' in entry && entry.fadeTime !== null) {
        lenses.push(new vscode.CodeLens(range, { title: `Fade ${Number(entry.fadeTime.toPrecision(3))} s`, command: 'sclive.player.setFadeTime', arguments: [target], tooltip: 'Set its fade time' }));
      }
    }
    return lenses;
  }

  dispose(): void {
    this.changeEmitter.dispose();
  }
}

export interface Players {
  poller: PlayerStatePoller;
  proxies: ProxiesProvider;
  proxiesView: vscode.TreeView<ProxiesElement>;
  /** The marks on evaluated blocks that still sound. */
  sounding: SoundingMarks;
  /** The level on each heard proxy's row. */
  levels: ProxyLevelMeters;
}

export function registerPlayers(scliveContext: ScliveContext): Players {
  const { sclang, log, controller, extension: context } = scliveContext;
  const poller = new PlayerStatePoller({
    query: async () => {
      const answer = await sclang.queryIfIdle(PLAYER_STATE_QUERY, 2000);
      if (answer && answer.status !== 'ok') throw new Error(`sclang could not answer: ${answer.output.join(' ')}`);
      return answer?.result;
    },
    intervalMs: POLL_INTERVAL_MS,
    onError: (error) => log.warn(`Could not read what plays in sclang: ${error.message}`),
  });
  const proxies = new ProxiesProvider();
  const proxiesView = vscode.window.createTreeView(PROXIES_VIEW_ID, { treeDataProvider: proxies });
  const lenses = new PlayerLenses(poller);
  context.subscriptions.push(poller, proxies, proxiesView, lenses);
  context.subscriptions.push(poller.onDidChange((state: PlayerState) => {
    proxies.update(state);
    lenses.changed();
    proxiesView.message = undefined;
  }));

  // Polled while the view shows or a SuperCollider editor is visible (its lenses).
  let viewDemand: vscode.Disposable | undefined;
  let editorDemand: vscode.Disposable | undefined;
  const followVisibility = () => {
    if (proxiesView.visible) viewDemand ??= poller.need();
    else {
      viewDemand?.dispose();
      viewDemand = undefined;
    }
    if (vscode.window.visibleTextEditors.some((editor) => editor.document.languageId === 'supercollider')) editorDemand ??= poller.need();
    else {
      editorDemand?.dispose();
      editorDemand = undefined;
    }
  };
  followVisibility();
  context.subscriptions.push(
    proxiesView.onDidChangeVisibility(followVisibility),
    vscode.window.onDidChangeVisibleTextEditors(followVisibility),
    {
      dispose: () => {
        viewDemand?.dispose();
        editorDemand?.dispose();
      },
    },
    vscode.languages.registerCodeLensProvider({ language: 'supercollider' }, lenses),
    // After each evaluation (sclang idle again) the state is read at once; gone with sclang.
    sclang.onDidChangeState((state) => {
      if (state === 'idle') void poller.refresh();
      else if (state === 'stopped') poller.reset();
    }),
  );

  const act = async (target: PlayerTarget | undefined, action: (expression: string) => string) => {
    if (!target?.kind || typeof target.key !== 'string') {
      void vscode.window.showInformationMessage('Choose a player in the Proxies view or a code lens.');
      return;
    }
    const result = await sclang.evaluate(action(playerExpression(target)));
    if (result.status !== 'ok') throw new Error(`sclang could not do it: ${result.output.join(' ')}`);
    await poller.refresh();
  };
  const register = (id: string, handler: CommandHandler) => registerCommand(context, log, id, handler);
  register('sclive.player.play', (target?: PlayerTarget) => act(target, (p) => `${p}.play`));
  register('sclive.player.stop', (target?: PlayerTarget) => act(target, (p) => `${p}.stop`));
  register('sclive.player.setVolume', async (target?: PlayerTarget, volume?: number) => {
    const current = target && 'vol' in target ? (target as { vol: number | null }).vol : null;
    const value = volume ?? await askNumber(`Volume of ${target ? playerName(target as PlayerEntry) : 'the proxy'} (0 is silent, 1 is unchanged)`, current ?? 1, 0, 4);
    if (value === undefined) return;
    await act(target, (p) => `${p}.vol_(${value})`);
  });
  register('sclive.player.setFadeTime', async (target?: PlayerTarget, seconds?: number) => {
    const current = target && 'fadeTime' in target ? (target as { fadeTime: number | null }).fadeTime : null;
    const value = seconds ?? await askNumber(`Fade time of ${target ? playerName(target as PlayerEntry) : 'the proxy'} in seconds`, current ?? 0.02, 0, 600);
    if (value === undefined) return;
    await act(target, (p) => `${p}.fadeTime_(${value})`);
  });
  register('sclive.proxies.refresh', () => poller.refresh());
  const sounding = new SoundingMarks(controller, sclang, poller, context, log);
  const levels = new ProxyLevelMeters(controller, poller, proxiesView, proxies);
  context.subscriptions.push(sounding, levels);
  return { poller, proxies, proxiesView, sounding, levels };
}

async function askNumber(prompt: string, value: number, min: number, max: number): Promise<number | undefined> {
  const text = await vscode.window.showInputBox({
    prompt,
    value: String(value),
    validateInput: (input) => {
      const n = Number(input);
      return input.trim() !== '' && Number.isFinite(n) && n >= min && n <= max ? undefined : `A number from ${min} to ${max}`;
    },
  });
  return text === undefined ? undefined : Number(text);
}
