// The class library index for this window: from the cache at once if it still matches the
// installed SuperCollider, else read from a short-lived sclang of its own (a few seconds, in
// the background). Read again after Recompile, and when sclang's class files changed.
import * as vscode from 'vscode';
import { ClassIndex, findSclang, introspectAndCache, loadIndex, SclangNotFoundError } from '../../core';
import type { ExtensionLog } from '../log/extensionLog';
import { readLiveCodingSettings } from '../settings';

export class ClassIndexService implements vscode.Disposable {
  private current: ClassIndex | undefined;
  private sourceValue: 'cache' | 'sclang' | undefined;
  private building: Promise<ClassIndex | undefined> | undefined;
  private toldMissing = false;
  private readonly onDidChangeEmitter = new vscode.EventEmitter<ClassIndex>();
  readonly onDidChange = this.onDidChangeEmitter.event;

  constructor(private readonly cacheDir: string, private readonly log: ExtensionLog) {}

  /** The index if there is one now (never waits: features answer from what is there). */
  get index(): ClassIndex | undefined {
    return this.current;
  }

  /** The index, loading or building it if needed. */
  async ready(): Promise<ClassIndex | undefined> {
    if (this.current) return this.current;
    return this.refresh(false);
  }

  /** Loads the cache when it still holds; otherwise (or when `force`) reads the class library from sclang. */
  refresh(force: boolean): Promise<ClassIndex | undefined> {
    if (this.building && !force) return this.building;
    // A forced read waits for one in flight (which may have been only the cache), then reads anew.
    const run = (this.building ?? Promise.resolve(undefined)).catch(() => undefined).then(() => this.load(force));
    const tracked: Promise<ClassIndex | undefined> = run.finally(() => {
      if (this.building === tracked) this.building = undefined;
    });
    this.building = tracked;
    return tracked;
  }

  /** Where the current index came from. */
  get source(): 'cache' | 'sclang' | undefined {
    return this.sourceValue;
  }

  dispose(): void {
    this.onDidChangeEmitter.dispose();
  }

  private async load(force: boolean): Promise<ClassIndex | undefined> {
    const { sclangPath } = readLiveCodingSettings();
    let executable: string;
    try {
      executable = findSclang({ explicitPath: sclangPath });
    } catch (error) {
      this.tellMissing(error as Error);
      return undefined;
    }
    if (!force) {
      const cached = loadIndex(this.cacheDir, executable);
      if (cached) return this.use(cached, 'cache', 'from the cache');
    }
    try {
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: 'SuperCollider: reading the class library' },
        () => introspectAndCache(this.cacheDir, { sclangPath: executable }),
      );
      if (result.saveError) this.log.warn(result.saveError.message);
      return this.use(result.index, 'sclang', `from sclang in ${Math.round(result.elapsedMs)} ms`);
    } catch (error) {
      const message = (error as Error).message;
      this.log.error(`Reading the class library failed: ${message}`);
      // A class file of the musician's that does not compile: they can fix it (the log has sclang's lines).
      if (/could not compile the class library/.test(message)) {
        const where = /in file '([^']+)'\n\s*line (\d+)/.exec(message);
        void vscode.window.showWarningMessage(`SuperCollider: the class library does not compile${where ? ` (${where[1]}, line ${where[2]})` : ''}, so completion and help are not up to date. Fix it, then run Recompile Class Library.`, 'Show Log').then((choice) => choice && this.log.show());
      }
      return this.current;
    }
  }

  private use(index: ClassIndex, source: 'cache' | 'sclang', how: string): ClassIndex {
    this.current = index;
    this.sourceValue = source;
    this.log.info(`Class library index ${how}: ${index.classCount} classes, ${index.methodCount} methods, ${index.documents.size} help documents (SuperCollider ${index.version}).`);
    this.onDidChangeEmitter.fire(index);
    return index;
  }

  private tellMissing(error: Error): void {
    if (this.toldMissing) return;
    this.toldMissing = true;
    const message = error instanceof SclangNotFoundError ? error.message : `sclang could not be found: ${error.message}`;
    this.log.warn(`Completion, signatures, hovers and definitions need sclang: ${message}`);
    void vscode.window.showWarningMessage(`SuperCollider completion, signature help and definitions need sclang, which is not installed (or not where sclive.sclangPath says). ${message}`, 'Open Settings').then((choice) => {
      if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', 'sclive.sclangPath');
    });
  }
}
