// The sounding code lit: each evaluated block whose synths or player still sound carries a mark
// after its first line ("♪ 3 sounding"), following the server's node notifications at once and
// sclang's player state; the hover lists what sounds and its Stop stops exactly that.
import * as vscode from 'vscode';
import type { EvaluationResult } from '../../core/sclang/sclang';
import { SoundingBlocks, marksByFile } from '../../core/sclang/soundingBlocks';
import type { PlayerStatePoller } from '../../core/sclang/playerState';
import { clientIdOfNode } from '../../core/server/idAllocators';
import type { ServerController } from '../server/serverController';
import type { SclangController } from './sclangController';
import type { ExtensionLog } from '../log/extensionLog';
import { registerCommand } from '../commands/userErrors';

interface BlockPlace {
  uri: string;
  line: number;
}

/** Marks are drawn at most this often: 1,000 node notifications a second make 20 redraws, well within the 250 ms a mark may take. */
const RENDER_MS = 50;

export class SoundingMarks implements vscode.Disposable {
  readonly blocks = new SoundingBlocks<BlockPlace>();
  private readonly decoration = vscode.window.createTextEditorDecorationType({
    after: { margin: '0 0 0 1.5em', color: new vscode.ThemeColor('editorCodeLens.foreground') },
    overviewRulerColor: new vscode.ThemeColor('editorCodeLens.foreground'),
    overviewRulerLane: vscode.OverviewRulerLane.Right,
  });
  private readonly subscriptions: vscode.Disposable[] = [];
  private renderTimer: NodeJS.Timeout | undefined;
  private demand: { dispose(): void } | undefined;
  private readonly onDidRenderEmitter = new vscode.EventEmitter<number>();
  /** The marks were drawn (how many blocks sound): for tests and the bench. */
  readonly onDidRender = this.onDidRenderEmitter.event;

  constructor(
    private readonly server: ServerController,
    private readonly sclang: SclangController,
    private readonly poller: PlayerStatePoller,
    context: vscode.ExtensionContext,
    log: ExtensionLog,
  ) {
    this.subscriptions.push(
      this.decoration,
      this.onDidRenderEmitter,
      server.forEachServer((scServer, run) => {
        const watcher = scServer.nodeWatcher;
        run.add(watcher.onDidChange((change) => {
          if (change.kind === 'added' && !change.node.isGroup && clientIdOfNode(change.node.nodeId) !== scServer.clientId) {
            // A late synth of a block whose Stop was clicked: stopped too.
            if (this.blocks.synthStarted(change.node.nodeId)) void this.freeSynths([change.node.nodeId]);
          } else if (change.kind === 'removed' && !change.node.isGroup) this.blocks.synthEnded(change.node.nodeId);
          else if (change.kind === 'reset') this.blocks.synthsAlive((id) => watcher.has(id));
        }));
        // The server is gone: its synths with it.
        run.add({ dispose: () => this.blocks.synthsAlive(() => false) });
      }),
      { dispose: this.blocks.onDidChange(() => this.scheduleRender()).dispose },
      { dispose: poller.onDidRead((state) => void this.freeSynths(this.blocks.stateRead(state.evaluations, state.evaluationNodes))).dispose },
      vscode.window.onDidChangeVisibleTextEditors(() => this.scheduleRender()),
      sclang.onDidChangeState((state) => state === 'stopped' && this.blocks.sclangGone()),
    );
    registerCommand(context, log, 'sclive.sounding.stop', (keys?: number[]) => this.stop(keys ?? this.blocks.sounding().map((b) => b.key)));
  }

  /** An evaluation starts at this place; call end() with its result when sclang answered. */
  begin(uri: vscode.Uri, line: number): { end(result?: EvaluationResult): void } {
    const key = this.blocks.begin({ uri: uri.toString(), line });
    this.followDemand();
    return {
      end: (result) => {
        this.blocks.end(key, result?.id);
        // sclang idle again: the poller reads its state now (kept players among it).
        void this.poller.refresh();
      },
    };
  }

  /** Stops what these blocks sound: their synths freed, their players stopped. */
  async stop(keys: number[]): Promise<void> {
    const synths: number[] = [];
    const evaluationIds: number[] = [];
    for (const key of keys) {
      const taken = this.blocks.take(key);
      if (!taken) continue;
      synths.push(...taken.synths);
      if (taken.evaluationId !== undefined) evaluationIds.push(taken.evaluationId);
    }
    await this.freeSynths(synths);
    if (evaluationIds.length) await this.sclang.evaluate(`Library.at(\\sclive, \\stopPlayers).value([${evaluationIds.join(', ')}]); nil`);
    await this.poller.refresh();
  }

  private async freeSynths(synths: readonly number[]): Promise<void> {
    const server = this.server.server;
    if (!synths.length || server?.state !== 'running') return;
    // Each in a message of its own (scsynth stops a list at an id it no longer has); one that
    // ended meanwhile is no failure here.
    await Promise.all(synths.map((id) => server.freeNode(id).catch(() => undefined)));
  }

  /** The poller runs while some block may still sound through a player. */
  private followDemand(): void {
    if (this.blocks.size > 0) this.demand ??= this.poller.need();
    else {
      this.demand?.dispose();
      this.demand = undefined;
    }
  }

  private scheduleRender(): void {
    this.renderTimer ??= setTimeout(() => {
      this.renderTimer = undefined;
      this.render();
    }, RENDER_MS);
  }

  render(): void {
    this.followDemand();
    const sounding = this.blocks.sounding();
    const byFile = marksByFile(sounding);
    const server = this.server.server;
    for (const editor of vscode.window.visibleTextEditors) {
      const options: vscode.DecorationOptions[] = [];
      for (const { line, count, blocks } of byFile.get(editor.document.uri.toString()) ?? []) {
        if (line >= editor.document.lineCount) continue;
        // The line's own text as the range (the mark drawn after it): an empty range at the
        // line's end was drawn by VS Code only at the editor's next repaint for something else.
        const lineRange = editor.document.lineAt(line).range;
        const hover = new vscode.MarkdownString(undefined, true);
        hover.isTrusted = { enabledCommands: ['sclive.sounding.stop'] };
        hover.appendMarkdown('**Sounding from this block**\n\n');
        for (const block of blocks) {
          for (const id of block.synths) hover.appendMarkdown(`- synth ${id}${server?.nodeWatcher.get(id)?.defName ? ` (${server.nodeWatcher.get(id)!.defName})` : ''}\n`);
          if (block.player) hover.appendMarkdown(`- ${block.player.replace(/[\\`*_[\]<>]/g, '\\$&')} playing\n`);
        }
        hover.appendMarkdown(`\n[$(debug-stop) Stop](command:sclive.sounding.stop?${encodeURIComponent(JSON.stringify([blocks.map((b) => b.key)]))} "Stop what this block sounds")`);
        options.push({
          range: lineRange,
          hoverMessage: hover,
          renderOptions: { after: { contentText: `♪ ${count} sounding` } },
        });
      }
      editor.setDecorations(this.decoration, options);
    }
    this.onDidRenderEmitter.fire(sounding.length);
  }

  dispose(): void {
    clearTimeout(this.renderTimer);
    this.demand?.dispose();
    this.blocks.dispose();
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}
