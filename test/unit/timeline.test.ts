import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { errorTextOf, timelineScore, formatMoment, formatTakeTime, formatVttTimestamp, listTimelines, parseTimelineJson, timelinePaths, timelineToScore, timelineToVtt, TimelineEntry, TimelineWriter } from '../../src/core/recording/timeline';

const entry = (seconds: number, line: number, code: string, status: TimelineEntry['status'] = 'ok', text = 'a Synth'): TimelineEntry => ({ seconds, file: '/w/set.scd', line, code, status, text, at: '2026-12-05T00:00:00Z' });

describe('A take\'s timeline', () => {
  it('formats WebVTT timestamps with hours and milliseconds', () => {
    assert.equal(formatVttTimestamp(0), '00:00:00.000');
    assert.equal(formatVttTimestamp(61.2345), '00:01:01.235');
    assert.equal(formatVttTimestamp(3725.5), '01:02:05.500');
    assert.equal(formatTakeTime(65.9), '1:05');
    assert.equal(formatTakeTime(3725), '1:02:05');
  });

  it('writes one cue per evaluation lasting until the next, with file:line, code and outcome', () => {
    const vtt = timelineToVtt({ soundFile: '/w/take.wav', entries: [entry(1.5, 3, 'x = 1\n\ny --> z'), entry(4, 7, 'nil.foo', 'error', 'ERROR: Message \'foo\' not understood.')] });
    assert.equal(vtt, 'WEBVTT - take.wav\n\n1\n00:00:01.500 --> 00:00:04.000\nset.scd:3\nx = 1\ny -> z\n-> a Synth\n\n2\n00:00:04.000 --> 00:00:14.000\nset.scd:7\nnil.foo\nERROR: Message \'foo\' not understood.\n');
  });

  it('is written beside the sound file after each evaluation and read back', () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'timeline-'));
    const writer = new TimelineWriter(path.join(folder, 'take.wav'), () => assert.fail('no write error expected'));
    writer.add(entry(0.2, 1, 'a'));
    writer.add(entry(2, 2, 'b'));
    assert.deepEqual(timelinePaths(path.join(folder, 'take.wav')), { json: path.join(folder, 'take.timeline.json'), vtt: path.join(folder, 'take.vtt') });
    assert.deepEqual(parseTimelineJson(fs.readFileSync(writer.paths.json, 'utf8')).entries.map((e) => e.code), ['a', 'b']);
    assert.match(fs.readFileSync(writer.paths.vtt, 'utf8'), /00:00:02.000 --> 00:00:12.000\nset.scd:2\nb/);
    fs.rmSync(folder, { recursive: true });
  });

  it('says once, clearly, when it cannot write, and keeps the entries', () => {
    const messages: string[] = [];
    const writer = new TimelineWriter('/nonexistent-folder/take.wav', (message) => messages.push(message));
    writer.add(entry(0, 1, 'a'));
    writer.add(entry(1, 2, 'b'));
    assert.equal(messages.length, 1);
    assert.match(messages[0], /could not be written .*The sound file is not affected/);
    assert.equal(writer.timeline.entries.length, 2);
    assert.throws(() => parseTimelineJson('{}', 'x.json'), /x.json is not a timeline/);
  });

  it('reads as SuperCollider code: each moment\'s time, file:line, the code and its outcome as comments', () => {
    const score = timelineToScore({ soundFile: '/w/take.wav', entries: [entry(1.55, 3, 'x = 1\n'), entry(64, 7, 'nil.foo', 'error', 'ERROR: Message \'foo\' not understood.\nRECEIVER: nil')] });
    assert.equal(score, '// Timeline of take.wav: 2 evaluations (time in the take · file:line)\n\n// 0:01.5 · set.scd:3\nx = 1\n// -> a Synth\n\n// 1:04.0 · set.scd:7 · failed\nnil.foo\n// ERROR: Message \'foo\' not understood.\n// RECEIVER: nil\n');
    assert.equal(formatMoment(0.04), '0:00.0');
    const { text, links } = timelineScore({ soundFile: '/w/take.wav', entries: [entry(1.55, 3, 'x = 1\n'), entry(64, 7, 'nil.foo', 'error', 'ERROR: x')] });
    const lines = text.split('\n');
    assert.deepEqual(links.map((link) => [lines[link.line].slice(link.start, link.end), link.file, link.fileLine]), [['set.scd:3', '/w/set.scd', 3], ['set.scd:7', '/w/set.scd', 7]]);
  });

  it('keeps sclang\'s ERROR lines of a failed evaluation, at most four', () => {
    assert.equal(errorTextOf(['compiling', 'ERROR: syntax error, unexpected BINOP', '  in interpreted text', '  line 1 char 3:', '', '  1 +* 2', 'more']), 'ERROR: syntax error, unexpected BINOP\n  in interpreted text\n  line 1 char 3:\n  1 +* 2');
    assert.equal(errorTextOf([]), '');
  });

  it('is a valid JSON at every moment: a reader between two evaluations sees the earlier ones, and a broken entry is left out', () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'timeline-'));
    const writer = new TimelineWriter(path.join(folder, 'take.wav'), () => assert.fail('no write error expected'));
    for (let i = 0; i < 20; i++) {
      writer.add(entry(i, i + 1, `code ${i}`));
      // What a crash right now would leave: the file as written, never half.
      assert.equal(parseTimelineJson(fs.readFileSync(writer.paths.json, 'utf8')).entries.length, i + 1);
    }
    assert.deepEqual(fs.readdirSync(folder).sort(), ['take.timeline.json', 'take.vtt'], 'no temporary file left');
    const edited = JSON.parse(fs.readFileSync(writer.paths.json, 'utf8'));
    edited.entries.push({ seconds: 'soon' }, null);
    assert.equal(parseTimelineJson(JSON.stringify(edited)).entries.length, 20);
    fs.rmSync(folder, { recursive: true });
  });

  it('lists a folder\'s timelines newest first, and none for a folder that is not there', () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'timeline-'));
    for (const [name, time] of [['a.timeline.json', 1000], ['b.timeline.json', 3000], ['c.wav', 4000]] as const) {
      fs.writeFileSync(path.join(folder, name), '{}');
      fs.utimesSync(path.join(folder, name), time, time);
    }
    assert.deepEqual(listTimelines(folder).map((t) => path.basename(t.json)), ['b.timeline.json', 'a.timeline.json']);
    assert.deepEqual(listTimelines(path.join(folder, 'missing')), []);
    fs.rmSync(folder, { recursive: true });
  });
});
