// sclang's GUI calls in this editor: its own sclang compiles sclang/SuperColliderLive (added to
// the musician's include paths by a language config of its own), whose class extensions make
// s.scope, s.freqscope, s.meter, s.plotTree and .plot ask the editor (the
// `<<sclive:gui:JSON>>` lines) instead of opening Qt windows this sclang cannot show.
import * as path from 'node:path';
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { NoDisplayLines, parseGuiRequest, writeEditorLanguageConfig } from '../../core';
import type { GuiRequest } from '../../core';
import type { ExtensionLog } from '../log/extensionLog';
import type { PlotPanel } from '../views/plotPanel';
import type { ScopeView } from '../views/scopeView';
import type { PostWindow } from './postWindow';

export class SclangGui {
  private readonly noDisplay = new NoDisplayLines();
  private readonly onDidHandleEmitter = new vscode.EventEmitter<GuiRequest>();
  /** A request was carried out (the view shown, the plot sent to its panel). */
  readonly onDidHandle = this.onDidHandleEmitter.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly storagePath: string,
    private readonly views: { scope: ScopeView; plot: PlotPanel },
    private readonly post: PostWindow,
    private readonly log: ExtensionLog,
  ) {}

  /**
   * The language config for a new sclang (written afresh at each start, so the musician's own
   * config is followed); undefined when it cannot be made: sclang then starts as it would
   * outside the editor (their quarks load, its GUI calls show nothing).
   */
  languageConfigPath(): string | undefined {
    this.noDisplay.reset();
    const classes = vscode.Uri.joinPath(this.extensionUri, 'sclang', 'SuperColliderLive').fsPath;
    try {
      if (!existsSync(classes)) throw new Error(`${classes} is missing from the extension`);
      return writeEditorLanguageConfig({ extraIncludePath: classes, outputPath: path.join(this.storagePath, 'sclang', 'sclang_conf.yaml') });
    } catch (error) {
      const message = `sclang starts with your own config only, so s.scope, s.meter, s.plotTree and .plot cannot open the editor's views: ${(error as Error).message}`;
      this.log.warn(message);
      this.post.post(`[sclive] ${message}`);
      return undefined;
    }
  }

  /** Whether a line sclang printed goes to the post window: Qt's "does not support raise()" lines become one clear line. */
  keepsPostLine(line: string): boolean {
    const verdict = this.noDisplay.filter(line);
    if (typeof verdict === 'object') this.post.post(verdict.post);
    return verdict === 'keep';
  }

  /** The one dispatcher of sclang's GUI requests. */
  handle(json: string): void {
    let request: GuiRequest;
    try {
      request = parseGuiRequest(json);
    } catch (error) {
      this.log.warn(`${(error as Error).message}: ${json.slice(0, 200)}`);
      return;
    }
    void this.carryOut(request).then(
      () => this.onDidHandleEmitter.fire(request),
      (error: Error) => this.log.warn(`Could not show what sclang asked for (${request.kind}): ${error.message}`),
    );
  }

  private async carryOut(request: GuiRequest): Promise<void> {
    switch (request.kind) {
      case 'scope':
        await vscode.commands.executeCommand('sclive.scope.show');
        this.views.scope.showSignal(request);
        return;
      case 'meter':
        await vscode.commands.executeCommand('sclive.meters.show');
        return;
      case 'nodeTree':
        await vscode.commands.executeCommand('sclive.nodeTree.focus');
        return;
      case 'proxies':
        await vscode.commands.executeCommand('sclive.proxies.focus');
        return;
      case 'plot':
        this.views.plot.show(request);
        return;
    }
  }

  dispose(): void {
    this.onDidHandleEmitter.dispose();
  }
}
