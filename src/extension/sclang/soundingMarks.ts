// The sounding code lit: each evaluated block whose synths or player still sound carries a mark
// after its first line ("♪ 3 sounding"), following the server's node notifications at once and
// sclang's player state; the hover lists what sounds and its Stop stops exactly that.
import * as vscode from 'vscode';
import { clientIdOfNode, marksByFile, SoundingBlocks, SoundingMark } from '../../core';
import type { EvaluationResult, PlayerStatePoller } from '../../core';
import type { ServerController } from '../server/serverController';
import type { SclangController } from './sclangController';
import type { ExtensionLog } from '../log/extensionLog';
import { registerCommand } from '../commands/userErrors';

interface SoundingBlockPlace {
  uri: string;
  line: number;
}

/** Marks are drawn at most this often: 1,000 node notifications a second make 20 redraws, well within the 250 ms a mark may take. */
const RENDER_MS = 50;

export class SoundingMarks implements vscode.Disposable {
  readonly blocks = new SoundingBlocks<SoundingBlockPlace>();
  /**
   * One decoration type per count ("♪ 3 sounding"), made once and kept: a per-mark
   * renderOptions.after makes VS Code add a CSS rule for each new mark, and in a long session
   * such a mark was drawn up to 900 ms after it was set (a fixed type's rule exists already).
   */
  private readonly decorations = new Map<number, vscode.TextEditorDecorationType>();
  /** The types each editor was last given marks of (set empty when their marks go). */
  private readonly drawnTypes = new WeakMap<vscode.TextEditor, Set<number>>();
  /** The marks last drawn, by file (the hover reads them). */
  private marks = new Map<string, Array<SoundingMark<SoundingBlockPlace>>>();
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
    // The counts a block usually has, ready before the first mark.
    for (let count = 1; count <= 8; count++) this.decorationFor(count);
    this.subscriptions.push(
      { dispose: () => this.decorations.forEach((type) => type.dispose()) },
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
      this.blocks.onDidChange(() => this.scheduleRender()),
      poller.onDidRead((state) => void this.freeSynths(this.blocks.stateRead(state.evaluations, state.evaluationNodes))),
      vscode.window.onDidChangeVisibleTextEditors(() => this.scheduleRender()),
      vscode.languages.registerHoverProvider({ language: 'supercollider' }, { provideHover: (document, position) => this.hoverAt(document, position) }),
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
    this.marks = byFile;
    for (const editor of vscode.window.visibleTextEditors) {
      // Ranges only (the text is the type's, the hover a provider's): VS Code's quick path for
      // decorations, with no per-mark options to carry over to the window.
      const rangesByCount = new Map<number, vscode.Range[]>();
      for (const { line, count } of byFile.get(editor.document.uri.toString()) ?? []) {
        if (line >= editor.document.lineCount) continue;
        // The line's own text as the range (the mark drawn after it): an empty range at the
        // line's end was drawn by VS Code only at the editor's next repaint for something else.
        const ranges = rangesByCount.get(count) ?? [];
        ranges.push(editor.document.lineAt(line).range);
        rangesByCount.set(count, ranges);
      }
      const before = this.drawnTypes.get(editor) ?? new Set<number>();
      for (const count of before) if (!rangesByCount.has(count)) editor.setDecorations(this.decorationFor(count), []);
      for (const [count, ranges] of rangesByCount) editor.setDecorations(this.decorationFor(count), ranges);
      this.drawnTypes.set(editor, new Set(rangesByCount.keys()));
    }
    this.onDidRenderEmitter.fire(sounding.length);
  }

  /** The hover on a marked line: what sounds from its blocks, and their Stop. */
  private hoverAt(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const mark = this.marks.get(document.uri.toString())?.find((m) => m.line === position.line);
    if (!mark) return undefined;
    const server = this.server.server;
    const hover = new vscode.MarkdownString(undefined, true);
    hover.isTrusted = { enabledCommands: ['sclive.sounding.stop'] };
    hover.appendMarkdown('**Sounding from this block**\n\n');
    for (const block of mark.blocks) {
      for (const id of block.synths) hover.appendMarkdown(`- synth ${id}${server?.nodeWatcher.get(id)?.defName ? ` (${server.nodeWatcher.get(id)!.defName})` : ''}\n`);
      if (block.player) hover.appendMarkdown(`- ${block.player.replace(/[\\`*_[\]<>]/g, '\\$&')} playing\n`);
    }
    hover.appendMarkdown(`\n[$(debug-stop) Stop](command:sclive.sounding.stop?${encodeURIComponent(JSON.stringify([mark.blocks.map((b) => b.key)]))} "Stop what this block sounds")`);
    return new vscode.Hover(hover, document.lineAt(position.line).range);
  }

  private decorationFor(count: number): vscode.TextEditorDecorationType {
    let type = this.decorations.get(count);
    if (!type) {
      type = vscode.window.createTextEditorDecorationType({
        after: { contentText: `♪ ${count} sounding`, margin: '0 0 0 1.5em', color: new vscode.ThemeColor('editorCodeLens.foreground') },
        overviewRulerColor: new vscode.ThemeColor('editorCodeLens.foreground'),
        overviewRulerLane: vscode.OverviewRulerLane.Right,
      });
      this.decorations.set(count, type);
    }
    return type;
  }

  dispose(): void {
    clearTimeout(this.renderTimer);
    this.demand?.dispose();
    this.blocks.dispose();
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}
