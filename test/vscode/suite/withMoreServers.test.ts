// Issue 18, several servers in one view: sclive.servers set to a second scsynth, a supernova and
// a "remote" scsynth this file starts with -t (reached over TCP); Boot All Servers; one Node Tree
// root per server (checked in the rendered page too); a synth made by raw OSC on one port under
// that root alone; Select Active Server and Ctrl+. on the active one only; Hush All Servers; the
// Meters, volume and Record on the active server, a take per server; a SIGKILLed server marks
// only its root. The setting removed at the end quits what was started
// here, and this file stops its TCP server by pid. Named to sort after walkthrough.test.ts.
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SuperColliderLiveApi } from '../../../src/extension/extension';
import type { ControlElement, NodeTreeElement } from '../../../src/extension/views/nodeTreeView';
import { isServerRoot, serverRootDescription } from '../../../src/extension/views/serverRoots';
import type { LiveNode } from '../../../src/core/server/nodeWatcher';
import type { SCServer } from '../../../src/core/server/scServer';
import { OscConnection } from '../../../src/core/osc/oscConnection';
import * as cmd from '../../../src/core/scsynth/scsynthCommands';
import { parseTimelineJson } from '../../../src/core/recording/timeline';
import { readSoundFileInfo } from '../../../src/core/recording/soundFileHeader';
import { findScsynth } from '../../../src/core/scsynth/scsynthLocator';
import { ScsynthProcess, startScsynth } from '../../../src/core/scsynth/scsynthProcess';
import { activateExtension, pageCheckedByRunner, spyOnMessages, waitFor } from './runnerHandshake';

/** Ports of their own, from the pid (as the other tests pick theirs), away from the default server's. */
const BASE_PORT = 58_200 + (process.pid % 300) * 3;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('Several servers in one view (sclive.servers)', function () {
  this.timeout(180_000);
  let api: SuperColliderLiveApi;
  let remote: ScsynthProcess | undefined;
  let raw: OscConnection | undefined;
  const pids = new Set<number>();
  const [drumsPort, padsPort, piPort] = [BASE_PORT, BASE_PORT + 1, BASE_PORT + 2];

  const slot = (name: string) => api.servers.set.get(name);
  const serverOf = (name: string): SCServer => slot(name)!.server!;
  const rootsShown = async () => (await api.nodeTree.getChildren(undefined)).filter(isServerRoot);
  /** The node ids shown anywhere under a root (groups opened, summaries too). */
  const idsUnder = async (element: NodeTreeElement): Promise<number[]> => {
    const ids: number[] = [];
    for (const child of await api.nodeTree.getChildren(element)) {
      if (!('kind' in child)) ids.push(child.nodeId);
      ids.push(...(await idsUnder(child)));
    }
    return ids;
  };
  /** The label the Node Tree draws for a node. */
  const rowLabel = (node: LiveNode) => {
    const item = api.nodeTree.getTreeItem(node);
    return String(typeof item.label === 'object' ? item.label.label : item.label);
  };
  const musicianSynths = (server: SCServer) => [...server.nodeWatcher.nodeIds()].filter((id) => server.nodeWatcher.get(id)?.isGroup === false && !server.ownSynthIds.includes(id));

  before(async () => {
    api = await activateExtension();
    if (api.controller.state !== 'running') assert.equal(await vscode.commands.executeCommand<boolean>('sclive.server.boot'), true);
    remote = await startScsynth(findScsynth(), ['-t', String(piPort), '-B', '127.0.0.1', '-R', '0', '-l', '8'], { readyTimeoutMs: 15_000, udpPort: piPort });
    pids.add(remote.pid!);
  });

  after(async () => {
    raw?.dispose();
    const declared = api?.servers.set.declared.map((entry) => entry.server.pid).filter((pid): pid is number => pid !== undefined) ?? [];
    declared.forEach((pid) => pids.add(pid));
    // Removing the setting quits the servers started here and lets go of the TCP one.
    await vscode.workspace.getConfiguration('sclive').update('servers', undefined, vscode.ConfigurationTarget.Global);
    await waitFor('the declared servers gone from the set', () => api.servers.set.declared.length === 0, 20_000).catch((error: Error) => console.log(`[servers] ${error.message}`));
    if (remote && !remote.hasExited) remote.signal('SIGTERM');
    await remote?.exited;
    await waitFor('every process this file made gone', () => [...pids].every((pid) => !isAlive(pid)), 15_000);
    await vscode.commands.executeCommand('workbench.actions.treeView.sclive.nodeTree.collapseAll').then(undefined, () => undefined);
    console.log(`[servers] stopped: ${[...pids].join(', ')}; the default server is ${api?.controller.state}`);
  });

  it('reads sclive.servers, boots all, and shows one root per server with its address, program and state', async () => {
    // A bad entry is reported and left out; the good ones are used.
    await vscode.workspace.getConfiguration('sclive').update('servers', [
      { name: 'drums', program: 'scsynth', udpPort: drumsPort },
      { name: 'pads', program: 'supernova', udpPort: padsPort, threads: 2 },
      { name: 'pi', host: '127.0.0.1', udpPort: piPort, protocol: 'tcp' },
    ], vscode.ConfigurationTarget.Global);
    await waitFor('the three declared servers in the set', () => api.servers.set.declared.length === 3);
    assert.deepEqual((await rootsShown()).map((root) => root.name), ['default', 'drums', 'pads', 'pi']);
    const results = await vscode.commands.executeCommand<Array<{ name: string; error?: Error }>>('sclive.server.bootAll');
    assert.deepEqual(results.map((result) => [result.name, result.error?.message]), [['default', undefined], ['drums', undefined], ['pads', undefined], ['pi', undefined]]);
    for (const name of ['drums', 'pads']) pids.add(serverOf(name).pid!);
    await waitFor('a status of every server', () => api.servers.set.slots.every((entry) => entry.server?.lastStatus));
    const described = Object.fromEntries(api.servers.set.slots.map((entry) => [entry.name, serverRootDescription(entry)]));
    assert.match(described.drums, new RegExp(`^127\\.0\\.0\\.1:${drumsPort} · scsynth · running · [\\d.]+% CPU · 0 synths$`));
    assert.match(described.pads, new RegExp(`^127\\.0\\.0\\.1:${padsPort} · supernova · running · `));
    assert.match(described.pi, new RegExp(`^127\\.0\\.0\\.1:${piPort} \\(TCP\\) · remote · running · `));
    const rootItems = (await rootsShown()).map((root) => api.nodeTree.getTreeItem(root));
    assert.deepEqual(rootItems.map((item) => item.contextValue), ['serverRoot.running.active', 'serverRoot.running', 'serverRoot.running', 'serverRoot.running']);
  });

  it('a synth made by raw OSC on one port shows under that server\'s root alone, in the page too', async () => {
    raw = new OscConnection({ host: '127.0.0.1', port: drumsPort, timeoutMs: 3000 });
    await raw.open();
    raw.send(cmd.synthNew('sclive_sine', 7777, cmd.AddAction.tail, 0, { amp: 0.001 }));
    const drums = serverOf('drums');
    await waitFor('the raw synth in drums\' model', () => drums.nodeWatcher.has(7777));
    const roots = await rootsShown();
    for (const root of roots) {
      const ids = await idsUnder(root);
      assert.equal(ids.includes(7777), root.name === 'drums', `${root.name}'s rows`);
    }
    const synth = (await api.nodeTree.getChildren(roots[1])).find((child): child is LiveNode => !('kind' in child) && child.nodeId === 7777)!;
    assert.equal(api.nodeTree.getParent(synth), roots[1], 'its parent row is drums\' root');
    assert.equal(api.nodeTree.getTreeItem(synth).id, 'drums/7777');
    // Only the roots and the synth in view: the rows of every other server's groups would push them out of the pane.
    await vscode.commands.executeCommand('sclive.nodeTree.focus');
    await vscode.commands.executeCommand('workbench.actions.treeView.sclive.nodeTree.collapseAll');
    // The view hears of drums' change within one spacing of the view's events (about 220 ms): until then VS Code cannot place the row.
    await waitFor('the raw synth\'s row in the view', async () => (await api.nodeTreeView.reveal(synth, { expand: false, select: false, focus: false }), true), 3000);
    await pageCheckedByRunner('servers-roots', {
      roots: api.servers.set.slots.map((entry) => ({ name: entry.name, active: entry === api.servers.set.active, has: [entry.name === 'pi' ? `${piPort} (TCP)` : ':', entry.entry?.kind === 'remote' ? 'remote' : entry.entry?.program ?? 'scsynth', 'running'] })),
      synthRow: { under: 'drums', text: 'sclive_sine', id: 7777 },
    });
  });

  it('sclang\'s s is the active server: its synths land there, and move with it', async () => {
    const play = async () => {
      const result = await api.sclang.evaluate('Synth(\\default, [\\amp, 0.001])');
      const id = Number(/Synth\('default' : (\d+)\)/.exec(result.result ?? '')?.[1]);
      assert.ok(id > 0, `sclang made a synth: ${result.result} ${result.output.join(' ')}`);
      return id;
    };
    await api.sclang.ensureStarted();
    assert.equal(await vscode.commands.executeCommand('sclive.server.selectActive', 'drums'), 'drums');
    // evaluate() waits for sclang to follow (ServerQuit, ServerBoot sending the default SynthDef, ServerTree).
    assert.equal((await api.sclang.evaluate('s.addr.port')).result, String(drumsPort));
    const onDrums = await play();
    await waitFor('sclang\'s synth on drums', () => serverOf('drums').nodeWatcher.get(onDrums)?.defName === 'default');
    assert.equal(await vscode.commands.executeCommand('sclive.server.selectActive', 'default'), 'default');
    assert.equal((await api.sclang.evaluate('s.addr.port')).result, String(api.controller.server!.addr[1]));
    const onDefault = await play();
    await waitFor('sclang\'s next synth on the default server', () => api.controller.server!.nodeWatcher.get(onDefault)?.defName === 'default');
    await serverOf('drums').sync();
    assert.equal(serverOf('drums').nodeWatcher.has(onDefault) && onDefault !== onDrums, false, 'not on drums');
    await api.sclang.evaluate(`s.sendMsg('/n_free', ${onDefault})`);
    serverOf('drums').send(cmd.nodeFree(onDrums));
  });

  it('the active server\'s rows are named as sclang tells (an Ndef on drums), and keep their names and controls once another is active; a row\'s command acts on its own server', async () => {
    const drums = serverOf('drums');
    const main = api.controller.server!;
    const controlsShown = async (synth: LiveNode) => Object.fromEntries((await api.nodeTree.getChildren(synth)).filter((child): child is ControlElement => 'kind' in child && child.kind === 'control').map((control) => [control.name, control.value]));
    let mainSynth = 0;
    try {
      assert.equal(await vscode.commands.executeCommand('sclive.server.selectActive', 'drums'), 'drums');
      assert.equal((await api.sclang.evaluate('Ndef(\\drumsTone, { |freq = 330| SinOsc.ar(freq, 0, 0.001) }).play; "playing"')).result, 'playing');
      const tone = await waitFor('the Ndef\'s synth on drums, named by its proxy', () => [...drums.nodeWatcher.nodeIds()].map((id) => drums.nodeWatcher.get(id)!).find((node) => !node.isGroup && rowLabel(node) === 'Ndef(\\drumsTone)'), 10_000);
      // Its controls, read from drums: the function's and the NodeProxy's own (out, gate, fadeTime).
      assert.deepEqual(Object.keys(await controlsShown(tone)).sort(), ['fadeTime', 'freq', 'gate', 'out']);
      assert.equal((await controlsShown(tone)).freq, 330);
      const drumsRoot = (await rootsShown()).find((root) => root.name === 'drums')!;
      // Drawn once named (a proxy's source is held up to 250 ms for its name).
      await waitFor('its row under drums\' root', async () => (await idsUnder(drumsRoot)).includes(tone.nodeId) || undefined, 3000);

      // The default server made active: drums' rows come from its own model, with the names sclang told.
      assert.equal(await vscode.commands.executeCommand('sclive.server.selectActive', 'default'), 'default');
      assert.ok((await idsUnder(drumsRoot)).includes(tone.nodeId), 'still under drums\' root');
      const item = api.nodeTree.getTreeItem(tone);
      assert.deepEqual([rowLabel(tone), item.id, item.collapsibleState], ['Ndef(\\drumsTone)', `drums/${tone.nodeId}`, vscode.TreeItemCollapsibleState.Collapsed]);
      assert.equal((await controlsShown(tone)).freq, 330);
      // Set Control from drums' row sets it on drums (the active server is the default one).
      await vscode.commands.executeCommand('sclive.node.setControl', tone, 'freq', 220);
      await waitFor('freq 220 read back from drums', async () => (await controlsShown(tone)).freq === 220 || undefined);

      // drums active again: Free from a row of the default server frees it there, not on drums.
      assert.equal(await vscode.commands.executeCommand('sclive.server.selectActive', 'drums'), 'drums');
      mainSynth = main.allocateNodeId();
      main.send(cmd.synthNew('sclive_sine', mainSynth, cmd.AddAction.head, main.defaultGroup, { amp: 0.001 }));
      const onMain = await waitFor('a synth on the default server', () => main.nodeWatcher.get(mainSynth));
      assert.equal(api.nodeTree.serverOf(onMain), main, 'its row\'s server');
      await vscode.commands.executeCommand('sclive.node.free', onMain);
      await waitFor('the synth freed on the default server', () => !main.nodeWatcher.has(mainSynth));
      assert.ok(drums.nodeWatcher.has(tone.nodeId), 'drums\' Ndef plays on');
    } finally {
      await vscode.commands.executeCommand('sclive.server.selectActive', 'drums');
      await api.sclang.evaluate('Ndef(\\drumsTone).clear; nil').catch(() => undefined);
      if (mainSynth && main.nodeWatcher.has(mainSynth)) main.send(cmd.nodeFree(mainSynth));
    }
  });

  it('Select Active Server: Ctrl+. hushes the active one only, the status bar names it; Hush All Servers the rest', async () => {
    // A synth of its own on each server (whatever an earlier test left playing there).
    const made = new Map<string, number>();
    for (const name of ['default', 'drums', 'pads', 'pi']) {
      const server = serverOf(name);
      const id = server.allocateNodeId();
      made.set(name, id);
      server.send(cmd.synthNew('sclive_sine', id, cmd.AddAction.head, server.defaultGroup, { amp: 0.001 }));
      await server.sync();
      await waitFor(`a synth on ${name}`, () => server.nodeWatcher.has(id));
    }
    const root = (await rootsShown()).find((entry) => entry.name === 'drums')!;
    assert.equal(await vscode.commands.executeCommand('sclive.server.selectActive', root), 'drums');
    assert.equal(api.servers.set.active.name, 'drums');
    assert.equal(api.nodeTree.getTreeItem(root).label, 'drums (active)');
    // sclang follows before Ctrl+. (its CmdPeriod frees the server its s is on).
    assert.equal((await api.sclang.evaluate('s.addr.port')).result, String(drumsPort));
    await waitFor('the status bar naming the active server', () => /^\$\(server\) drums: .* · \+3 running$/.test(api.statusBar.item.text) && api.statusBar.item.text);
    const tooltip = (api.statusBar.item.tooltip as vscode.MarkdownString).value;
    assert.match(tooltip, /- \*\*drums\*\* \(active\): 127\.0\.0\.1:\d+ · scsynth · running/);
    assert.match(tooltip, /- pads · \[make active\]\(command:sclive\.server\.selectActive\?%5B%22pads%22%5D\): .* · supernova · running/);
    await vscode.commands.executeCommand('sclive.server.hush');
    await waitFor('drums silent', () => musicianSynths(serverOf('drums')).length === 0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const name of ['default', 'pads', 'pi']) assert.ok(serverOf(name).nodeWatcher.has(made.get(name)!), `${name} still plays after Ctrl+. on drums`);
    const hushed = await vscode.commands.executeCommand<string[]>('sclive.server.hushAll');
    assert.deepEqual(hushed, ['default', 'drums', 'pads', 'pi']);
    for (const name of ['default', 'pads', 'pi']) await waitFor(`${name} silent after Hush All`, () => musicianSynths(serverOf(name)).length === 0);
  });

  it('the Meters, the volume and Record act on the active server; a take per server, each timeline keeping the code played during it', async function () {
    this.timeout(120_000);
    const drums = serverOf('drums');
    const main = api.controller.server!;
    const folder = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'recordings');
    const code = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'servers.scd');
    writeFileSync(code, '1 + 1\n2 + 2\n');
    const evaluateLine = async (line: number) => {
      const editor = await vscode.window.showTextDocument(vscode.Uri.file(code), { preview: false });
      editor.selection = new vscode.Selection(line, 0, line, 0);
      return vscode.commands.executeCommand<{ status: string; result?: string }>('sclive.eval.line');
    };
    const mainVolume = main.volume;
    try {
      assert.equal(await vscode.commands.executeCommand('sclive.server.selectActive', 'drums'), 'drums');
      await vscode.commands.executeCommand('sclive.meters.show');
      // A sine of 0.25 on drums' output 1 (nothing on the default server's): what the Meters view reads.
      drums.send(cmd.synthNew('sclive_sine', drums.allocateNodeId(), cmd.AddAction.head, drums.defaultGroup, { amp: 0.25, pan: -1 }));
      await waitFor('drums\' sine in the Meters view', () => api.meters.visible && /^out 1: -1[12]\.\d dB peak/.test(api.meters.text[0] ?? ''), 10_000);
      assert.ok(drums.meters.synthIds.length > 0, 'the meter synths run on drums');
      await waitFor('no meter synths on the default server', () => !main.meters.running && main.meters.synthIds.length === 0);
      await pageCheckedByRunner('servers-meters', { server: 'drums', row: '^out 1: -1[12]\\.\\d dB peak' });
      await vscode.commands.executeCommand('sclive.volume.set', -6);
      assert.deepEqual([drums.volume, main.volume], [-6, mainVolume], 'drums\' volume set, the default server\'s kept');
      await waitFor('the status bar showing drums\' volume', () => / · -6(\.0)? dB/.test(api.statusBar.item.text) && api.statusBar.item.text);

      const drumsTake = await vscode.commands.executeCommand<string>('sclive.recording.start');
      assert.ok(drumsTake?.startsWith(folder), `drums' take: ${drumsTake}`);
      assert.deepEqual([drums.recorder.state, main.recorder.state], ['recording', 'idle']);
      assert.equal((await evaluateLine(0))?.result, '2');
      // The default server made active: its own take beside drums', which goes on.
      assert.equal(await vscode.commands.executeCommand('sclive.server.selectActive', 'default'), 'default');
      await waitFor('the meters moved to the default server', () => main.meters.running && !drums.meters.running && drums.meters.synthIds.length === 0);
      const mainTake = await vscode.commands.executeCommand<string>('sclive.recording.start');
      assert.ok(mainTake && mainTake !== drumsTake, `the default server's take: ${mainTake}`);
      assert.deepEqual([drums.recorder.state, main.recorder.state], ['recording', 'recording']);
      assert.equal((await evaluateLine(1))?.result, '4');
      assert.equal(await vscode.commands.executeCommand<string>('sclive.recording.stop'), mainTake, 'Stop Recording stops the active server\'s take');
      assert.equal(drums.recorder.state, 'recording', 'drums\' take goes on');
      assert.equal(await vscode.commands.executeCommand('sclive.server.selectActive', 'drums'), 'drums');
      assert.equal(await vscode.commands.executeCommand<string>('sclive.recording.stop'), drumsTake);
      const lines = (take: string) => parseTimelineJson(readFileSync(take.replace(/\.wav$/, '.timeline.json'), 'utf8')).entries.map((entry) => `${path.basename(entry.file)}:${entry.line} ${entry.code} -> ${entry.text}`);
      assert.deepEqual(lines(drumsTake), ['servers.scd:1 1 + 1 -> 2', 'servers.scd:2 2 + 2 -> 4']);
      assert.deepEqual(lines(mainTake), ['servers.scd:2 2 + 2 -> 4']);
      for (const take of [drumsTake, mainTake]) assert.ok(readSoundFileInfo(take).frames > 0, `${take} holds sound`);
    } finally {
      await vscode.commands.executeCommand('sclive.volume.set', 0);
      await vscode.commands.executeCommand('sclive.server.selectActive', 'drums');
      await vscode.commands.executeCommand('sclive.server.hush');
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      rmSync(folder, { recursive: true, force: true });
      rmSync(code, { force: true });
    }
  });

  it('two takes: Stop pressed twice at once stops the active server\'s only; a full disk cuts the other server\'s take, told by its name', async function () {
    this.timeout(60_000);
    const mountPoint = mkdtempSync(path.join(os.tmpdir(), 'sclive-small-disk-'));
    // A 1 MB disk the test can fill (needs root, as CI has).
    if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mountPoint]).status !== 0) {
      rmSync(mountPoint, { recursive: true, force: true });
      this.skip();
    }
    const drums = serverOf('drums');
    const main = api.controller.server!;
    const folder = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'recordings');
    const config = () => vscode.workspace.getConfiguration('sclive');
    const infos = spyOnMessages('showInformationMessage');
    const warnings = spyOnMessages('showWarningMessage');
    try {
      assert.equal(await vscode.commands.executeCommand('sclive.server.selectActive', 'drums'), 'drums');
      const drumsTake = await vscode.commands.executeCommand<string>('sclive.recording.start');
      assert.equal(await vscode.commands.executeCommand('sclive.server.selectActive', 'default'), 'default');
      const mainTake = await vscode.commands.executeCommand<string>('sclive.recording.start');
      assert.deepEqual([drums.recorder.state, main.recorder.state], ['recording', 'recording']);
      // Two clicks on Stop in one go: the first stops the default server's take, the second finds none there.
      const stops = await Promise.all([vscode.commands.executeCommand<string>('sclive.recording.stop'), vscode.commands.executeCommand<string>('sclive.recording.stop')]);
      assert.deepEqual(stops, [mainTake, undefined]);
      assert.equal(drums.recorder.state, 'recording', 'drums\' take goes on');
      await waitFor('the default server\'s take told saved, by name', () => infos.shown.find((message) => message.startsWith(`Recording on default saved (`) && message.includes(mainTake)));
      assert.ok(infos.shown.includes('Nothing is being recorded on the active server (default). []'), infos.shown.join('\n'));
      assert.equal(await vscode.commands.executeCommand('sclive.server.selectActive', 'drums'), 'drums');
      assert.equal(await vscode.commands.executeCommand<string>('sclive.recording.stop'), drumsTake);
      await waitFor('drums\' take told saved, by name', () => infos.shown.find((message) => message.startsWith(`Recording on drums saved (`) && message.includes(drumsTake)));

      // A take on drums to the small disk; the default server made active while the disk fills.
      await config().update('recording.folder', mountPoint, vscode.ConfigurationTarget.Global);
      const cutTake = await vscode.commands.executeCommand<string>('sclive.recording.start');
      assert.ok(cutTake?.startsWith(mountPoint), cutTake);
      await config().update('recording.folder', undefined, vscode.ConfigurationTarget.Global);
      assert.equal(await vscode.commands.executeCommand('sclive.server.selectActive', 'default'), 'default');
      const told = await waitFor('drums\' take cut by the full disk, told by name', () => warnings.shown.find((message) => message.startsWith('The disk is full: the recording on drums was stopped.')), 15_000);
      assert.ok(told.includes(cutTake), told);
      assert.equal(drums.recorder.state, 'idle');
      const saved = readSoundFileInfo(cutTake).durationSeconds;
      assert.ok(saved > 1, `${saved.toFixed(2)} s saved on the full disk`);
      // The default server records on, to the usual folder.
      const next = await vscode.commands.executeCommand<string>('sclive.recording.start');
      assert.ok(next?.startsWith(folder), next);
      assert.equal(await vscode.commands.executeCommand<string>('sclive.recording.stop'), next);
    } finally {
      infos.restore();
      warnings.restore();
      await config().update('recording.folder', undefined, vscode.ConfigurationTarget.Global);
      for (const server of [drums, main]) await server.recorder.stop();
      await vscode.commands.executeCommand('sclive.server.selectActive', 'drums');
      spawnSync('umount', ['-l', mountPoint]);
      rmSync(mountPoint, { recursive: true, force: true });
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('from a server\'s row: Show Meters shows that server\'s levels (the active one unchanged, in the page too), Start and Stop Recording act on its take', async function () {
    this.timeout(60_000);
    const pads = serverOf('pads');
    const drums = serverOf('drums');
    const folder = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'recordings');
    const padsRoot = (await rootsShown()).find((root) => root.name === 'pads')!;
    assert.equal(api.servers.set.active.name, 'drums');
    const sine = pads.allocateNodeId();
    try {
      // A sine of 0.25 on pads' output 1: what its Meters read.
      pads.send(cmd.synthNew('sclive_sine', sine, cmd.AddAction.head, pads.defaultGroup, { amp: 0.25, pan: -1 }));
      await vscode.commands.executeCommand('sclive.meters.show', padsRoot);
      await waitFor('pads\' sine in the Meters view', () => api.meters.visible && /^out 1: -1[12]\.\d dB peak/.test(api.meters.text[0] ?? ''), 10_000);
      assert.deepEqual([pads.meters.running, drums.meters.running, api.servers.set.active.name], [true, false, 'drums'], 'pads metered, drums still active');
      await pageCheckedByRunner('servers-meters-pads', { server: 'pads', row: '^out 1: -1[12]\\.\\d dB peak' });
      const take = await vscode.commands.executeCommand<string>('sclive.recording.start', padsRoot);
      assert.ok(take?.startsWith(folder), take);
      assert.deepEqual([pads.recorder.state, drums.recorder.state], ['recording', 'idle']);
      assert.equal(await vscode.commands.executeCommand<string>('sclive.recording.stop', padsRoot), take);
      assert.ok(readSoundFileInfo(take).frames > 0, 'pads\' take holds sound');
      // Show Meters with no row: the active server's again.
      await vscode.commands.executeCommand('sclive.meters.show');
      await waitFor('the Meters back on drums', () => drums.meters.running && !pads.meters.running);
    } finally {
      pads.send(cmd.nodeFree(sine));
      await vscode.commands.executeCommand('sclive.meters.show');
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('four servers each playing 25 events a second: each root\'s rows follow its own server in the page (a synth shown and gone under its root)', async function () {
    this.timeout(120_000);
    const names = ['default', 'drums', 'pads', 'pi'];
    const servers = names.map(serverOf);
    // The patterns: a blip every 40 ms into each server's default group (sclive_blip ends by itself), at its
    // tail: the marked synth at its head keeps its place in the pane's few rows.
    const patterns = setInterval(() => {
      for (const server of servers) if (server.state === 'running') server.send(cmd.synthNew('sclive_blip', server.allocateNodeId(), cmd.AddAction.tail, server.defaultGroup, { amp: 0 }));
    }, 40);
    const markers = servers.map((server, i) => ({ name: names[i], id: server.allocateNodeId(), go: 0, end: 0 }));
    // When each server's model had the marked synth start and end (the page's times are measured from these).
    const watching = servers.map((server, i) => server.nodeWatcher.onDidChange((change) => {
      if (change.kind === 'added' && change.node.nodeId === markers[i].id) markers[i].go = Date.now();
      if (change.kind === 'removed' && change.node.nodeId === markers[i].id) markers[i].end = Date.now();
    }));
    try {
      await pageCheckedByRunner('servers-playing', { markers: markers.map(({ name, id }) => ({ name, id })) }, async (dir) => {
        await waitFor('the page to record the tree', () => existsSync(path.join(dir, 'servers-playing.recording.json')), 40_000);
        for (const [i, marker] of markers.entries()) {
          // One root open at a time: the list draws only the rows in its pane.
          await vscode.commands.executeCommand('workbench.actions.treeView.sclive.nodeTree.collapseAll');
          const root = (await rootsShown()).find((entry) => entry.name === marker.name)!;
          await api.nodeTreeView.reveal(root, { expand: true, select: false, focus: false });
          // Its default group open (not the row of other clients' empty groups): the patterns' synths and the marked one in view.
          const group = (await api.nodeTree.getChildren(root)).find((child): child is LiveNode => !('kind' in child) && child.nodeId === servers[i].defaultGroup)!;
          await api.nodeTreeView.reveal(group, { expand: true, select: false, focus: false });
          await new Promise((resolve) => setTimeout(resolve, 800));
          servers[i].send(cmd.synthNew('sclive_sine', marker.id, cmd.AddAction.head, servers[i].defaultGroup, { amp: 0 }));
          await waitFor(`the marked synth on ${marker.name}`, () => marker.go || undefined, 5000);
          await new Promise((resolve) => setTimeout(resolve, 1200));
          servers[i].send(cmd.nodeFree(marker.id));
          await waitFor(`the marked synth gone from ${marker.name}`, () => marker.end || undefined, 5000);
          await new Promise((resolve) => setTimeout(resolve, 1200));
        }
        writeFileSync(path.join(dir, 'servers-playing.data.json'), JSON.stringify(markers));
      });
    } finally {
      clearInterval(patterns);
      for (const watcher of watching) watcher.dispose();
      await vscode.commands.executeCommand('workbench.actions.treeView.sclive.nodeTree.collapseAll');
    }
    for (const marker of markers) assert.ok(marker.go && marker.end, `${marker.name}'s marked synth came and went`);
  });

  it('a changed sclive.server.* option the declared servers inherit quits none of them: each takes it at its next boot, Reboot This Server applies it', async function () {
    this.timeout(60_000);
    const drums = serverOf('drums');
    const pidsBefore = Object.fromEntries(['drums', 'pads'].map((name) => [name, serverOf(name).pid]));
    const infos = spyOnMessages('showInformationMessage');
    const cmdline = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const nodesOption = (pid: number) => cmdline(pid)[cmdline(pid).indexOf('-n') + 1];
    const ndefSynth = (name: string) => [...drums.nodeWatcher.nodeIds()].map((id) => drums.nodeWatcher.get(id)!).find((node) => !node.isGroup && rowLabel(node) === `Ndef(\\${name})`);
    try {
      // A proxy playing on drums (the active server) when it reboots: sclang's node ids of this run, named.
      assert.equal((await api.sclang.evaluate('Ndef(\\beforeReboot, { SinOsc.ar(220, 0, 0.001) }).play; "playing"')).result, 'playing');
      const before = await waitFor('the Ndef on drums named in the tree', () => ndefSynth('beforeReboot'), 10_000);
      await vscode.workspace.getConfiguration('sclive').update('server.maxNodes', 2048, vscode.ConfigurationTarget.Global);
      await waitFor('the running servers told to take it at their next boot', () => infos.shown.find((message) => message.startsWith('drums and pads take the new server options at their next boot')));
      for (const name of ['drums', 'pads']) assert.equal(serverOf(name).pid, pidsBefore[name], `${name} plays on (same process)`);
      assert.equal(drums.state, 'running');
      assert.notEqual(nodesOption(drums.pid!), '2048');
      assert.equal(await vscode.commands.executeCommand('sclive.server.rebootOne', 'drums'), true);
      await waitFor('drums running again', () => drums.state === 'running' || undefined);
      assert.notEqual(drums.pid, pidsBefore.drums, 'a new process');
      pids.add(drums.pid!);
      assert.equal(nodesOption(drums.pid!), '2048', 'booted with the new option');
      assert.equal(serverOf('pads').pid, pidsBefore.pads, 'pads untouched');
      // sclang follows the rebooted drums (still active); a proxy played there now is named, whatever
      // sclang told of the last run's node ids (its allocators start again).
      assert.equal((await api.sclang.evaluate('s.addr.port')).result, String(drumsPort));
      assert.equal((await api.sclang.evaluate('Ndef(\\afterReboot, { SinOsc.ar(220, 0, 0.001) }).play; "playing"')).result, 'playing');
      const after = await waitFor('the Ndef on the rebooted drums named in the tree', () => ndefSynth('afterReboot'), 10_000);
      console.log(`[servers] the proxies' groups before and after the reboot: ${before.parentId}, ${after.parentId}`);
    } finally {
      infos.restore();
      await api.sclang.evaluate('Ndef(\\beforeReboot).clear; Ndef(\\afterReboot).clear; nil').catch(() => undefined);
      await vscode.workspace.getConfiguration('sclive').update('server.maxNodes', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('a SIGKILLed server marks only its own root crashed, in the page too; the others keep answering', async () => {
    const pads = serverOf('pads');
    process.kill(pads.pid!, 'SIGKILL');
    await waitFor('pads crashed', () => pads.state === 'crashed');
    for (const name of ['default', 'drums', 'pi']) {
      assert.equal(serverOf(name).state, 'running', name);
      await serverOf(name).status();
    }
    const items = (await rootsShown()).map((root) => api.nodeTree.getTreeItem(root));
    assert.deepEqual(items.map((item) => item.contextValue), ['serverRoot.running', 'serverRoot.running.active', 'serverRoot.crashed', 'serverRoot.running']);
    await waitFor('the status bar counting two others running', () => api.statusBar.item.text.endsWith('· +2 running'));
    await vscode.commands.executeCommand('workbench.actions.treeView.sclive.nodeTree.collapseAll');
    await pageCheckedByRunner('servers-crashed', { crashed: 'pads', running: ['default', 'drums', 'pi'], status: 'drums:' });
    assert.equal(await vscode.commands.executeCommand('sclive.server.selectActive', 'default'), 'default');
  });

  it('Add Server... writes a good entry to the user\'s settings; a bad one is refused, saying why, and nothing is written', async () => {
    const { shown, restore } = spyOnMessages('showErrorMessage');
    try {
      const before = vscode.workspace.getConfiguration('sclive').inspect<unknown[]>('servers')?.globalValue;
      assert.equal(await vscode.commands.executeCommand('sclive.server.add', { name: 'bass', udpPort: drumsPort }), false);
      assert.match(shown.join('\n'), /The server was not added: sclive\.servers\[3\] \("bass"\): .*udpPort .* is taken by servers\[0\] \("drums"\)/);
      assert.deepEqual(vscode.workspace.getConfiguration('sclive').inspect<unknown[]>('servers')?.globalValue, before, 'nothing written');
      assert.equal(await vscode.commands.executeCommand('sclive.server.add', { name: 'bass', program: 'scsynth', udpPort: BASE_PORT + 3 }), true);
      const saved = vscode.workspace.getConfiguration('sclive').inspect<Array<{ name: string }>>('servers')?.globalValue ?? [];
      assert.deepEqual(saved.map((entry) => entry.name), ['drums', 'pads', 'pi', 'bass']);
      assert.deepEqual((await rootsShown()).map((root) => root.name), ['default', 'drums', 'pads', 'pi', 'bass']);
      assert.equal(serverOf('bass').state, 'stopped', 'added, not booted');
    } finally {
      restore();
    }
  });
});
