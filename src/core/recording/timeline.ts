// A take's timeline: every evaluation during a recording, at its second in the take, as JSON
// (for tools and Open Timeline) and WebVTT captions (for a player beside the sound file).
import * as fs from 'fs';
import * as path from 'path';

export interface TimelineEntry {
  /** Seconds into the take (pauses and reboots not counted, as the recorder counts them). */
  seconds: number;
  /** The evaluated file (a path, or the document's URI when it has no file). */
  file: string;
  /** 1-based line where the evaluated code starts. */
  line: number;
  code: string;
  status: 'ok' | 'syntax' | 'error';
  /** The result for `ok`, else the error sclang posted. */
  text: string;
  /** Wall-clock time of the evaluation (ISO 8601). */
  at: string;
}

export interface Timeline {
  /** The take's first sound file. */
  soundFile: string;
  entries: TimelineEntry[];
}

/** How long a caption stays when no later evaluation ends it. */
const LAST_CAPTION_SECONDS = 10;

/** `hh:mm:ss.ttt`, as WebVTT wants (hours always present). */
export function formatVttTimestamp(seconds: number): string {
  const ms = Math.max(0, Math.round(seconds * 1000));
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms % 1000, 3)}`;
}

/** `m:ss` (or `h:mm:ss`) for lists a musician reads. */
export function formatTakeTime(seconds: number): string {
  const total = Math.max(0, Math.floor(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h ? `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}` : `${m}:${String(s).padStart(2, '0')}`;
}

/** WebVTT cue text may not hold "-->" nor blank lines (a blank line ends the cue). */
function cueText(text: string): string {
  return text.replace(/-->/g, '->').replace(/\r/g, '').split('\n').filter((line) => line.trim()).join('\n').replace(/&/g, '&amp;').replace(/</g, '&lt;');
}

/** The timeline as WebVTT: one cue per evaluation, lasting until the next one. */
export function timelineToVtt(timeline: Timeline): string {
  const cues = timeline.entries.map((entry, index) => {
    const next = timeline.entries[index + 1];
    const end = Math.max(next ? next.seconds : entry.seconds + LAST_CAPTION_SECONDS, entry.seconds + 0.001);
    const outcome = entry.status === 'ok' ? `-> ${entry.text}` : entry.text || `${entry.status} error`;
    return `${index + 1}\n${formatVttTimestamp(entry.seconds)} --> ${formatVttTimestamp(end)}\n${cueText(`${path.basename(entry.file)}:${entry.line}\n${entry.code}\n${outcome}`)}`;
  });
  return `WEBVTT - ${cueText(path.basename(timeline.soundFile))}\n\n${cues.join('\n\n')}${cues.length ? '\n' : ''}`;
}

export function timelineToJson(timeline: Timeline): string {
  return `${JSON.stringify({ version: 1, soundFile: timeline.soundFile, entries: timeline.entries }, null, 2)}\n`;
}

/** Reads a timeline's JSON; throws a clear error for a file that is not one. */
export function parseTimelineJson(text: string, file = 'timeline'): Timeline {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file} is not a timeline (not JSON: ${(error as Error).message})`, { cause: error });
  }
  const value = data as Partial<Timeline> | null;
  if (!value || typeof value.soundFile !== 'string' || !Array.isArray(value.entries)) throw new Error(`${file} is not a timeline (no soundFile and entries)`);
  // An entry a hand edit broke is left out rather than failing the whole take.
  const entries = value.entries.filter((entry: Partial<TimelineEntry>) => entry && typeof entry.seconds === 'number' && typeof entry.code === 'string' && typeof entry.file === 'string' && typeof entry.line === 'number');
  return { soundFile: value.soundFile, entries: entries.map((entry) => ({ ...entry, status: entry.status ?? 'ok', text: String(entry.text ?? ''), at: String(entry.at ?? '') })) };
}

/** `take.wav` → `take.timeline.json` and `take.vtt`, beside it. */
export function timelinePaths(soundFile: string): { json: string; vtt: string } {
  const base = soundFile.slice(0, soundFile.length - path.extname(soundFile).length);
  return { json: `${base}.timeline.json`, vtt: `${base}.vtt` };
}

/**
 * Keeps a take's timeline on disk: both files are written again after each evaluation (via a
 * temporary file and a rename, so a full disk leaves the last good copy). It never touches the
 * sound file; a failed write is reported once per take and retried with the next evaluation.
 */
export class TimelineWriter {
  readonly timeline: Timeline;
  readonly paths: { json: string; vtt: string };
  private failed = false;

  constructor(soundFile: string, private readonly onWriteError: (message: string) => void) {
    this.timeline = { soundFile, entries: [] };
    this.paths = timelinePaths(soundFile);
  }

  add(entry: TimelineEntry): void {
    this.timeline.entries.push(entry);
    this.write();
  }

  /** Writes both files; true when both were written. */
  write(): boolean {
    try {
      writeReplacing(this.paths.json, timelineToJson(this.timeline));
      writeReplacing(this.paths.vtt, timelineToVtt(this.timeline));
      this.failed = false;
      return true;
    } catch (error) {
      if (!this.failed) {
        const code = (error as NodeJS.ErrnoException).code;
        const why = code === 'ENOSPC' ? 'the disk is full' : (error as Error).message;
        this.onWriteError(`The take's timeline could not be written (${why}): ${this.paths.json}. The sound file is not affected; the timeline is kept in memory and written again with the next evaluation.`);
      }
      this.failed = true;
      return false;
    }
  }
}

function writeReplacing(file: string, text: string): void {
  const temporary = `${file}.partial`;
  try {
    fs.writeFileSync(temporary, text);
    fs.renameSync(temporary, file);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw error;
  }
}

/** What a failed evaluation leaves in the timeline: sclang's ERROR lines (at most four). */
export function errorTextOf(output: readonly string[]): string {
  const start = output.findIndex((line) => /ERROR|error/.test(line));
  const lines = (start < 0 ? output : output.slice(start)).map((line) => line.trimEnd()).filter((line) => line.trim());
  return lines.slice(0, 4).join('\n');
}

/** `m:ss.t`: the moment of an evaluation in a take, to a tenth of a second. */
export function formatMoment(seconds: number): string {
  const tenths = Math.max(0, Math.floor(seconds * 10));
  return `${formatTakeTime(Math.floor(tenths / 10))}.${tenths % 10}`;
}

/** Where a moment's `file:line` stands in the score, to link it to the musician's file. */
export interface ScoreLink {
  /** 0-based line and columns in the score. */
  line: number;
  start: number;
  end: number;
  file: string;
  /** 1-based line in that file. */
  fileLine: number;
}

/**
 * The take as the musician reads it afterwards (Open Timeline): each moment's code in order,
 * under a comment with its time, file and line, and its result or error after it. SuperCollider
 * code with comments, so it reads (and can be evaluated again) like the musician's own file.
 */
export function timelineScore(timeline: Timeline): { text: string; links: ScoreLink[] } {
  const count = timeline.entries.length;
  const lines = [`// Timeline of ${path.basename(timeline.soundFile)}: ${count} evaluation${count === 1 ? '' : 's'} (time in the take · file:line)`];
  const links: ScoreLink[] = [];
  for (const entry of timeline.entries) {
    const where = `${path.basename(entry.file)}:${entry.line}`;
    const head = `// ${formatMoment(entry.seconds)} · `;
    lines.push('');
    links.push({ line: lines.length, start: head.length, end: head.length + where.length, file: entry.file, fileLine: entry.line });
    lines.push(`${head}${where}${entry.status === 'ok' ? '' : ' · failed'}`);
    lines.push(...entry.code.replace(/\s+$/, '').split('\n'));
    if (entry.status === 'ok') lines.push(`// -> ${entry.text}`);
    else lines.push(...(entry.text.replace(/\n+$/, '') || `${entry.status} error`).split('\n').map((line) => `// ${line}`));
  }
  return { text: `${lines.join('\n')}\n`, links };
}

export function timelineToScore(timeline: Timeline): string {
  return timelineScore(timeline).text;
}

/** The timelines in a folder, newest first (by modification time); none for a missing folder. */
export function listTimelines(folder: string): Array<{ json: string; modified: number }> {
  let names: string[];
  try {
    names = fs.readdirSync(folder);
  } catch {
    return [];
  }
  return names
    .filter((name) => name.endsWith('.timeline.json'))
    .map((name) => path.join(folder, name))
    .flatMap((json) => {
      try {
        return [{ json, modified: fs.statSync(json).mtimeMs }];
      } catch {
        return [];
      }
    })
    .sort((a, b) => b.modified - a.modified);
}
