// The take keeps the code: while a recording runs, each evaluation from the editor is written
// to a timeline beside the sound file (JSON and WebVTT, see core/recording/timeline.ts), and
// Open Timeline shows a take's code at each moment as a read-only SuperCollider document.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { errorTextOf, formatTakeTime, listTimelines, parseTimelineJson, timelineScore, TimelineWriter } from '../../core';
import type { EvaluationResult, SCServer, Timeline } from '../../core';
import type { ScliveContext } from '../context';
import { registerCommand } from '../commands/userErrors';
import { readRecordingSettings } from '../settings';

/** One evaluation from the editor, told before it is sent (evaluation.ts fires it). */
export interface CodeEvaluation {
  document: vscode.Uri;
  /** 0-based line where the evaluated code starts. */
  line: number;
  code: string;
  /** sclang's answer; rejects when the code could not be sent. */
  result: Promise<EvaluationResult>;
}

export const TIMELINE_SCHEME = 'sclive-timeline';

export class TakeTimeline implements vscode.Disposable {
  /**
   * Each server's take now and the server recording it (a take per server: each keeps the code
   * played during it). The default server's take goes on across a reboot, in the next run's
   * server: it is kept under 'default', not under the run that started it.
   */
  private readonly takes = new Map<SCServer | 'default', { server: SCServer; writer: TimelineWriter }>();
  /** The timeline of the take recorded last (also after it ended), for Open Timeline. */
  lastTimeline: string | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly onDidWriteEmitter = new vscode.EventEmitter<string>();
  /** A timeline (its JSON path) was written again. */
  readonly onDidWrite = this.onDidWriteEmitter.event;

  constructor(private readonly context: ScliveContext) {
    this.subscriptions.push(context.everyServer.forEachServer((server, run) => {
      const key = server === context.controller.server ? 'default' : server;
      const carried = this.takes.get(key);
      if (carried) carried.server = server;
      run.add(server.recorder.onDidChange((change) => {
        // A take across a reboot goes on in _part2...: the same timeline goes on with it.
        if (change.state !== 'idle' && change.path && !this.takes.has(key)) this.startTake(key, server, change.path);
        if (change.ended) this.takes.delete(key);
      }));
      if (key !== 'default') run.add({ dispose: () => void this.takes.delete(key) });
      // A server that comes while a take runs (attach to a running recorder).
      if (server.recorder.state !== 'idle' && server.recorder.path && !this.takes.has(key)) this.startTake(key, server, server.recorder.path);
    }));
  }

  /** An evaluation from the editor: its moment in each take now is taken now, its outcome written when it comes. */
  evaluating(evaluation: CodeEvaluation): void {
    if (!this.takes.size) return;
    const at = new Date().toISOString();
    const file = evaluation.document.scheme === 'file' ? evaluation.document.fsPath : evaluation.document.toString();
    const outcome = evaluation.result.then(
      (result) => ({ status: result.status, text: result.status === 'ok' ? result.result ?? '' : errorTextOf(result.output) }),
      (error: Error) => ({ status: 'error' as const, text: error.message }),
    );
    for (const { server, writer } of this.takes.values()) {
      const recorder = server.recorder;
      // Between the parts of a take (a reboot), the clock stands where the last moment was.
      const seconds = recorder.state !== 'idle' ? recorder.elapsedMs / 1000 : writer.timeline.entries.at(-1)?.seconds ?? 0;
      const base = { seconds, file, line: evaluation.line + 1, code: evaluation.code, at };
      void outcome.then((result) => {
        writer.add({ ...base, ...result });
        this.onDidWriteEmitter.fire(writer.paths.json);
      });
    }
  }

  private startTake(key: SCServer | 'default', server: SCServer, soundFile: string): void {
    const writer = new TimelineWriter(soundFile, (message) => {
      this.context.log.warn(message);
      void vscode.window.showWarningMessage(message);
    });
    this.takes.set(key, { server, writer });
    this.lastTimeline = writer.paths.json;
  }

  dispose(): void {
    for (const subscription of this.subscriptions.splice(0)) subscription.dispose();
    this.onDidWriteEmitter.dispose();
  }
}

/** `sclive-timeline:/…/SC_….timeline.scd` shows `/…/SC_….timeline.json` as SuperCollider code. */
export function timelineDocumentUri(json: string): vscode.Uri {
  return vscode.Uri.from({ scheme: TIMELINE_SCHEME, path: json.replace(/\.json$/, '.scd') });
}

class TimelineDocuments implements vscode.TextDocumentContentProvider {
  private readonly onDidChangeEmitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.onDidChangeEmitter.event;

  /** A take's timeline grew: an open document of it shows the new moments. */
  written(json: string): void {
    this.onDidChangeEmitter.fire(timelineDocumentUri(json));
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const read = readTimeline(uri);
    return typeof read === 'string' ? read : timelineScore(read).text;
  }
}

/** Each moment's `file:line` in a timeline document opens the musician's file at that line. */
class TimelineLinks implements vscode.DocumentLinkProvider {
  provideDocumentLinks(document: vscode.TextDocument): vscode.DocumentLink[] {
    const read = readTimeline(document.uri);
    if (typeof read === 'string') return [];
    return timelineScore(read).links.map((link) => {
      const target = path.isAbsolute(link.file) ? vscode.Uri.file(link.file) : vscode.Uri.parse(link.file);
      const documentLink = new vscode.DocumentLink(new vscode.Range(link.line, link.start, link.line, link.end), target.with({ fragment: `L${link.fileLine}` }));
      documentLink.tooltip = `Open ${link.file} at line ${link.fileLine} (as it is now)`;
      return documentLink;
    });
  }
}

/** The timeline a document shows, or a comment saying why it cannot be read. */
function readTimeline(uri: vscode.Uri): Timeline | string {
  const json = uri.path.replace(/\.scd$/, '.json');
  let text: string;
  try {
    text = fs.readFileSync(json, 'utf8');
  } catch (error) {
    return `// The timeline ${json} cannot be read: ${(error as Error).message}\n`;
  }
  try {
    return parseTimelineJson(text, json);
  } catch (error) {
    return `// ${(error as Error).message}\n`;
  }
}

export function registerTakeTimeline(context: ScliveContext): TakeTimeline {
  const timeline = new TakeTimeline(context);
  const documents = new TimelineDocuments();
  context.pushExtCleanup(
    timeline,
    timeline.onDidWrite((json) => documents.written(json)),
    vscode.workspace.registerTextDocumentContentProvider(TIMELINE_SCHEME, documents),
    vscode.languages.registerDocumentLinkProvider({ scheme: TIMELINE_SCHEME }, new TimelineLinks()),
  );
  registerCommand(context.extension, context.log, 'sclive.recording.openTimeline', async (take?: vscode.Uri | string) => {
    const json = take ? timelineOf(typeof take === 'string' ? take : take.fsPath) : await pickTimeline(timeline.lastTimeline);
    if (!json) return undefined;
    if (!fs.existsSync(json)) {
      void vscode.window.showInformationMessage(`No code was evaluated during the take ${path.basename(json).replace(/\.timeline\.json$/, '')}: it has no timeline.`);
      return undefined;
    }
    const document = await vscode.workspace.openTextDocument(timelineDocumentUri(json));
    await vscode.languages.setTextDocumentLanguage(document, 'supercollider');
    await vscode.window.showTextDocument(document, { preview: false });
    return json;
  });
  return timeline;
}

/** A sound file's timeline, or the timeline itself. */
function timelineOf(file: string): string {
  if (file.endsWith('.timeline.json')) return file;
  if (file.endsWith('.timeline.scd')) return file.replace(/\.scd$/, '.json');
  return `${file.slice(0, file.length - path.extname(file).length).replace(/_part\d+$/, '')}.timeline.json`;
}

/** The take to show: the only one, or one picked from the recordings folder (the last take first). */
async function pickTimeline(last: string | undefined): Promise<string | undefined> {
  let folder: string | undefined;
  try {
    folder = readRecordingSettings(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath, os.homedir()).folder;
  } catch {
    folder = undefined; // a bad folder setting: the last take can still be shown
  }
  const found = folder ? listTimelines(folder).map((t) => t.json) : [];
  const takes = [...new Set([...(last && fs.existsSync(last) ? [last] : []), ...found])];
  if (!takes.length) {
    void vscode.window.showInformationMessage(`No take with a timeline${folder ? ` in ${folder}` : ''}: record (SuperCollider: Start Recording) and evaluate code during the take.`);
    return undefined;
  }
  if (takes.length === 1) return takes[0];
  const items = takes.map((json) => {
    let description: string;
    try {
      const parsed = parseTimelineJson(fs.readFileSync(json, 'utf8'), json);
      const end = parsed.entries.at(-1)?.seconds ?? 0;
      description = `${parsed.entries.length} evaluation${parsed.entries.length === 1 ? '' : 's'}, last at ${formatTakeTime(end)}`;
    } catch (error) {
      description = (error as Error).message;
    }
    return { label: path.basename(json).replace(/\.timeline\.json$/, ''), description, detail: json === last ? `last take · ${path.dirname(json)}` : path.dirname(json), json };
  });
  return (await vscode.window.showQuickPick(items, { title: 'Open Timeline: which take?', matchOnDescription: true }))?.json;
}
