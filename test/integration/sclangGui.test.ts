// sclang's GUI calls in this editor, against a real sclang and scsynth: with the editor's
// language config, s.scope, s.freqscope, s.meter, s.plotTree and .plot ask for the editor's
// views (the requests the extension carries out), leave no synth of their own after Hush, and
// the musician's own include paths still load.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GuiRequest, isNoDisplayLine, parseGuiRequest } from '../../src/core/sclang/guiRequest';
import { writeEditorLanguageConfig } from '../../src/core/sclang/languageConfig';
import { SCLang } from '../../src/core/sclang/sclang';
import type { SCServer } from '../../src/core/server/scServer';
import { jackEnv } from './jackHooks';
import { MemoryLogger, bootServer, quitAll, waitFor } from './serverHarness';

const ROOT = path.resolve(__dirname, '../../..');
const OUR_CLASSES = path.join(ROOT, 'sclang/SuperColliderLive');

describe('sclang\'s GUI calls with the editor\'s language config (real sclang and scsynth)', function () {
  this.timeout(90_000);
  const langs: SCLang[] = [];
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'sclive-gui-'));
  });

  afterEach(async () => {
    await Promise.all(langs.splice(0).map((lang) => lang.stop()));
    await quitAll();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A musician's own sclang_conf.yaml (as sclang writes it) naming a folder with a class of theirs. */
  function musiciansConfig(): string {
    const quark = path.join(dir, 'my quark');
    mkdirSync(quark);
    writeFileSync(path.join(quark, 'MyQuarkClass.sc'), 'MyQuarkClass { *hello { ^"my quark loaded" } }\n');
    // Where sclang looks for it (Platform.userConfigDir, under XDG_CONFIG_HOME: see start()).
    mkdirSync(path.join(dir, 'config', 'SuperCollider'), { recursive: true });
    const file = path.join(dir, 'config', 'SuperCollider', 'sclang_conf.yaml');
    writeFileSync(file, `includePaths:\n    - ${quark}\nexcludePaths:\n    []\npostInlineWarnings: false\n`);
    return file;
  }

  async function start(withConfig: boolean): Promise<{ lang: SCLang; server: SCServer; requests: GuiRequest[]; posted: string[] }> {
    const userConfigPath = musiciansConfig();
    const before = readFileSync(userConfigPath, 'utf8');
    const languageConfigPath = withConfig ? writeEditorLanguageConfig({ userConfigPath, extraIncludePath: OUR_CLASSES, outputPath: path.join(dir, 'editor', 'sclang_conf.yaml') }) : undefined;
    assert.equal(readFileSync(userConfigPath, 'utf8'), before, 'the musician\'s config is not written');
    const server = await bootServer();
    const lang = new SCLang({ env: { ...jackEnv(), XDG_CONFIG_HOME: path.join(dir, 'config') }, logger: new MemoryLogger(), languageConfigPath });
    langs.push(lang);
    const requests: GuiRequest[] = [];
    const posted: string[] = [];
    lang.onGuiRequest((json) => requests.push(parseGuiRequest(json)));
    lang.onPost((line) => posted.push(line));
    await lang.start();
    await server.connectSclang(lang);
    await waitFor('sclang to see the server running', async () => (await lang.evaluate('s.serverRunning', { print: false })).result === 'true', 10_000);
    return { lang, server, requests, posted };
  }

  /** Hush as the editor does it: the server's bundle, and CmdPeriod in sclang. */
  async function hush(lang: SCLang, server: SCServer): Promise<number> {
    server.hush();
    await lang.hush();
    // ServerTree actions (where sclang's meter would put its synths back) run after CmdPeriod.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await server.sync();
    return server.nodeWatcher.numSynths;
  }

  it('s.scope, s.freqscope, s.meter and s.plotTree ask for the editor\'s views and leave no synth after Hush', async () => {
    const { lang, server, requests, posted } = await start(true);
    assert.equal((await lang.evaluate('MyQuarkClass.hello')).result, 'my quark loaded', 'the musician\'s include paths still load');
    for (const code of ['s.scope(1, 2)', 's.freqscope', 's.meter', 's.plotTree', 'Stethoscope(s)', 'FreqScope.new(busNum: 4)', 'ServerMeter(s, 2, 2)']) {
      const result = await lang.evaluate(code);
      assert.equal(result.status, 'ok', `${code}: ${result.output.join(' ')}`);
    }
    assert.deepEqual(requests, [
      { kind: 'scope', mode: 'wave', bus: 2, channels: 1 },
      { kind: 'scope', mode: 'spectrum', bus: 0 },
      { kind: 'meter' },
      { kind: 'nodeTree' },
      { kind: 'scope', mode: 'wave', bus: 0, channels: 2 },
      { kind: 'scope', mode: 'spectrum', bus: 4 },
      { kind: 'meter' },
    ]);
    assert.equal((await lang.evaluate('s.scope')).result, 'a Scope (shown in the editor)');
    assert.deepEqual(requests.pop(), { kind: 'scope', mode: 'wave', bus: 0, channels: 2 });
    const before = requests.length;
    // UGen:scope (a UGen's signal on a private bus) goes on with what it got as if it were a window.
    await lang.evaluate('x = { SinOsc.ar(300).scope * 0 }.play');
    const ugenScope = await waitFor('the UGen\'s scope request', () => requests[before], 5000);
    assert.equal(ugenScope.kind === 'scope' && ugenScope.bus >= 4, true, JSON.stringify(ugenScope));
    assert.equal(posted.filter((line) => /raise\(\)|<<sclive|ERROR/.test(line)).length, 0, `no raise() lines, no markers, no error posted: ${posted.filter((line) => /raise\(\)|<<sclive|ERROR/.test(line)).join(' | ')}`);
    // Windows of the musician's own still print Qt's line, one each: the editor makes them one line.
    await lang.evaluate('Window.new.front; Window.new.front');
    await waitFor('Qt\'s lines', () => posted.filter(isNoDisplayLine).length === 2, 5000);
    assert.equal(await hush(lang, server), 0, 'no synth left after Hush');
    // The proxies' mixer opens the editor's Proxies view: a request, nothing on the server.
    const beforeMixer = requests.length;
    const mixer = await lang.evaluate('NdefMixer(s)');
    assert.equal(mixer.result, 'a Proxies view (shown in the editor)');
    const proxies = await waitFor('the Proxies view request', () => requests[beforeMixer], 5000);
    assert.equal(proxies.kind, 'proxies');
  });

  it('without it (sclang as outside the editor) s.meter leaves its synths after Hush and posts raise() lines: what the config fixes', async () => {
    const { lang, server, requests, posted } = await start(false);
    await lang.evaluate('s.meter; s.plotTree');
    await waitFor('the meter\'s synths', () => server.nodeWatcher.numSynths > 0, 5000);
    assert.ok(await hush(lang, server) > 0, 'ServerMeter\'s synths come back after Hush');
    assert.equal(requests.length, 0);
    assert.ok(posted.some((line) => /does not support raise\(\)/.test(line)));
  });

  it('.plot of arrays, envelopes, functions and buffers sends the values to draw; no synth stays', async () => {
    const { lang, server, requests } = await start(true);
    const plots = () => requests.filter((r): r is Extract<GuiRequest, { kind: 'plot' }> => r.kind === 'plot');
    assert.equal((await lang.evaluate('[1, 2, 3].plot("three")')).result, 'a Plot (shown in the editor)');
    assert.deepEqual(plots()[0], { kind: 'plot', name: 'three', channels: [{ size: 3, values: [1, 2, 3] }] });
    // Settings made on the returned plotter (as with a Plotter) do not fail.
    assert.equal((await lang.evaluate('[[0, 1], [2, 3, 4]].plot.plotMode_(\\points)')).status, 'ok');
    assert.deepEqual(plots()[1].channels.map((c) => c.values), [[0, 1], [2, 3, 4]]);
    await lang.evaluate('Env.perc(0.01, 1).plot');
    const env = plots()[2];
    assert.equal(env.name, 'Envelope');
    assert.equal(env.channels[0].size, 400);
    assert.deepEqual(env.domain, [0, 1.01, 's']);
    assert.ok(Math.max(...env.channels[0].values.map(Number)) > 0.95);
    // A long signal is thinned to each stretch's low and high, so its extremes survive.
    await lang.evaluate('Array.fill(20000, { |i| if(i == 12345) { 5 } { 0 } }).plot');
    assert.equal(plots()[3].channels[0].size, 20000);
    assert.ok(plots()[3].channels[0].values.length <= 2000);
    assert.ok(plots()[3].channels[0].values.includes(5), 'the spike is kept');
    // A function is rendered on the server (0.01 s of a 100 Hz sine: one period).
    await lang.evaluate('{ SinOsc.ar(100) }.plot');
    const fn = await waitFor('the function\'s plot', () => plots()[4], 10_000);
    assert.equal(fn.name, '{ SinOsc.ar(100) }');
    assert.equal(fn.channels[0].size, Math.round(0.01 * server.sampleRate!));
    assert.deepEqual(fn.domain, [0, 0.01, 's']);
    assert.ok(Math.max(...fn.channels[0].values.map(Number)) > 0.99 && Math.min(...fn.channels[0].values.map(Number)) < -0.99, 'a whole sine period');
    await lang.evaluate('b = Buffer.alloc(s, 64, 1, { |buf| buf.sine1Msg([1]) })');
    await lang.evaluate('fork { s.sync; b.plot }');
    const buffer = await waitFor('the buffer\'s plot', () => plots().find((p) => p.name.startsWith('Buffer plot')), 10_000);
    assert.equal(buffer.channels[0].size, 64);
    assert.deepEqual(buffer.domain, [0, 64, 'samples']);
    assert.equal(await hush(lang, server), 0, 'no synth left after Hush');
  });

  it('Quarks.install\'s change to the config lasts: it goes to the musician\'s file, without our folder', async () => {
    const { lang } = await start(true);
    const store = await lang.evaluate('LanguageConfig.addIncludePath("/quarks/NewQuark"); LanguageConfig.store(LanguageConfig.currentPath); LanguageConfig.includePaths.size');
    assert.equal(store.status, 'ok', store.output.join('\n'));
    assert.equal(store.result, '3', 'this session keeps our folder');
    const written = readFileSync(path.join(dir, 'config', 'SuperCollider', 'sclang_conf.yaml'), 'utf8');
    assert.match(written, /my quark[\s\S]*\/quarks\/NewQuark/);
    assert.doesNotMatch(written, /SuperColliderLive/);
  });

  it('{ }.plot without a server says so (and that it is not running), and sends nothing', async () => {
    const { lang, server, requests } = await start(true);
    await lang.detachFromServer();
    await server.quit();
    const result = await lang.evaluate('{ SinOsc.ar }.plot');
    assert.equal(result.result, 'nil');
    assert.ok(result.output.includes("server 'localhost' not running."), result.output.join('\n'));
    assert.equal(requests.length, 0);
  });
});
