// The Command Palette commands, the tree's inline actions and the status bar's quick pick.
import * as vscode from 'vscode';
import { clientIdOfNode, defaultGroupIdOf, MAX_VOLUME_DB, MIN_VOLUME_DB, parseHostPort, validateHostPort } from '../../core';
import type { LiveNode } from '../../core';
import { NodeTreeElement, isControl, isSummary } from '../views/nodeTreeView';
import { isServerRoot } from '../views/serverRoots';
import type { ScliveContext } from '../context';
import { readSettings } from '../settings';
import { formatDb } from '../views/statusBar';
import { CommandHandler, registerCommand } from './userErrors';

const DUMP_OSC_LEVELS = [
  { level: 0, label: 'Off' },
  { level: 1, label: 'Parsed', detail: 'print each incoming message' },
  { level: 2, label: 'Hexadecimal', detail: 'print the bytes of each incoming message' },
  { level: 3, label: 'Parsed and hexadecimal' },
  { level: 4, label: 'Parsed, without /status', detail: 'skips the status polling' },
];

export function registerServerCommands(context: ScliveContext): void {
  const { controller, nodeTree: tree, log, serverOutput } = context;
  let dumpOscLevel = 0;
  const register = (id: string, handler: CommandHandler) => registerCommand(context.extension, log, id, handler);

  register('sclive.server.boot', () => controller.boot());
  register('sclive.server.quit', () => controller.quit());
  register('sclive.server.reboot', () => controller.reboot());
  register('sclive.server.rebootAndRestore', () => controller.rebootAndRestore());
  register('sclive.log.show', () => serverOutput.show());
  register('sclive.extensionLog.show', () => log.show());

  register('sclive.server.connect', async (address?: string) => {
    const text = address ?? (await vscode.window.showInputBox({
      title: 'Connect to a running scsynth',
      prompt: 'Address of the server (host:port)',
      value: `127.0.0.1:${safeSettings()?.options.udpPort ?? 57110}`,
      validateInput: validateHostPort,
    }));
    if (!text) return false;
    const invalid = validateHostPort(text);
    if (invalid) {
      void vscode.window.showErrorMessage(`${invalid}.`);
      return false;
    }
    const { host, port } = parseHostPort(text);
    return controller.connect(host, port);
  });

  register('sclive.nodes.freeAll', async () => {
    const server = controller.requireRunning('free all nodes');
    if (!server) return;
    await server.freeAll();
  });

  register('sclive.nodes.dumpTree', async () => {
    const server = controller.requireRunning('dump the node tree');
    if (!server) return;
    const text = await server.dumpTree(true, true);
    serverOutput.appendText(`Node tree:\n${text}`);
    serverOutput.show();
  });

  register('sclive.nodeTree.refresh', async () => {
    if (!controller.requireRunning('refresh the node tree')) return;
    await tree.resync();
  });

  register('sclive.server.dumpOsc', async (level?: number) => {
    const server = controller.requireRunning('dump OSC');
    if (!server) return;
    if (level === undefined) {
      const picked = await vscode.window.showQuickPick(
        DUMP_OSC_LEVELS.map((entry) => ({ ...entry, description: entry.level === dumpOscLevel ? '(current)' : undefined })),
        { title: 'Dump OSC: print the OSC messages scsynth receives (in the server log)', placeHolder: `Now: ${DUMP_OSC_LEVELS[dumpOscLevel].label}` },
      );
      if (!picked) return;
      level = picked.level;
    }
    server.dumpOsc(level);
    dumpOscLevel = level;
    log.info(`Dump OSC: ${DUMP_OSC_LEVELS[level].label}`);
    if (level > 0) serverOutput.show();
  });

  register('sclive.volume.set', async (dB?: number) => {
    if (dB === undefined) {
      const text = await vscode.window.showInputBox({
        title: 'Server volume',
        prompt: `Volume in dB, ${MIN_VOLUME_DB} to +${MAX_VOLUME_DB} (0 is unchanged)`,
        value: formatDb(controller.volume),
        validateInput: (value) => {
          const n = Number(value);
          return value.trim() === '' || Number.isNaN(n) ? 'Enter a number of dB, e.g. -6' : n < MIN_VOLUME_DB || n > MAX_VOLUME_DB ? `Volume must be ${MIN_VOLUME_DB} to +${MAX_VOLUME_DB} dB` : undefined;
        },
      });
      if (text === undefined) return;
      dB = Number(text);
    }
    await controller.setVolume(dB);
  });
  const step = (sign: number) => async () => controller.setVolume(controller.volume + sign * (safeSettings()?.volumeStep ?? 3));
  register('sclive.volume.up', step(1));
  register('sclive.volume.down', step(-1));
  register('sclive.volume.mute', () => controller.setMuted(true));
  register('sclive.volume.unmute', () => controller.setMuted(false));

  register('sclive.server.showActions', async () => {
    const running = controller.state === 'running';
    const items: Array<vscode.QuickPickItem & { command: string }> = running
      ? [
          ...(controller.unresponsive ? [{ label: '$(debug-restart) Reboot and Restore', description: 'the server does not answer', command: 'sclive.server.rebootAndRestore' }] : []),
          { label: '$(clear-all) Free All Nodes', command: 'sclive.nodes.freeAll' },
          { label: controller.muted ? '$(unmute) Unmute' : '$(mute) Mute', command: controller.muted ? 'sclive.volume.unmute' : 'sclive.volume.mute' },
          { label: '$(settings) Set Volume…', description: controller.muted ? 'muted' : `${formatDb(controller.volume)} dB`, command: 'sclive.volume.set' },
          ...(controller.server?.ownsProcess ? [{ label: '$(debug-restart) Reboot Server', command: 'sclive.server.reboot' }] : []),
          ...(controller.server?.recorder.state === 'idle'
            ? [{ label: '$(record) Start Recording', command: 'sclive.recording.start' }]
            : [
                { label: '$(stop-circle) Stop Recording', description: controller.server?.recorder.path, command: 'sclive.recording.stop' },
                controller.server?.recorder.state === 'paused'
                  ? { label: '$(record) Resume Recording', command: 'sclive.recording.resume' }
                  : { label: '$(debug-pause) Pause Recording', command: 'sclive.recording.pause' },
              ]),
          { label: '$(debug-stop) Quit Server', command: 'sclive.server.quit' },
          { label: '$(list-tree) Dump Node Tree', command: 'sclive.nodes.dumpTree' },
          { label: '$(output) Dump OSC…', command: 'sclive.server.dumpOsc' },
          { label: '$(output) Show Server Log', command: 'sclive.log.show' },
        ]
      : [
          { label: '$(play) Boot Server', command: 'sclive.server.boot' },
          { label: '$(plug) Connect to Remote Server…', command: 'sclive.server.connect' },
          { label: '$(output) Show Server Log', command: 'sclive.log.show' },
        ];
    const picked = await vscode.window.showQuickPick(items, { title: 'SuperCollider server' });
    if (picked) await vscode.commands.executeCommand(picked.command);
  });

  const nodeOf = (element: NodeTreeElement | undefined): LiveNode | undefined => (!element || isSummary(element) || isServerRoot(element) ? undefined : isControl(element) ? element.synth : element);
  // A row's command acts on that row's server (with several servers, whichever is active), else on the active one.
  const serverFor = (element: NodeTreeElement | undefined, action: string) => {
    const own = tree.serverOf(element);
    if (!own) return controller.requireRunning(action);
    if (own.state === 'running') return own;
    void vscode.window.showWarningMessage(`Cannot ${action}: that server is ${own.state}.`);
    return undefined;
  };
  const isDefaultGroup = (node: LiveNode) => node.isGroup && node.nodeId === defaultGroupIdOf(clientIdOfNode(node.nodeId));

  register('sclive.node.free', async (element?: NodeTreeElement) => {
    const node = nodeOf(element);
    const server = serverFor(element, 'free a node');
    if (!server || !node) return;
    if (isDefaultGroup(node)) {
      // Its client needs it (sclang's { }.play fails with "Group 1 not found" without it).
      const choice = await vscode.window.showWarningMessage(`Group ${node.nodeId} is the default group of client ${clientIdOfNode(node.nodeId)}: freeing it breaks that client. Free its children instead?`, 'Free Children');
      if (choice === 'Free Children') await vscode.commands.executeCommand('sclive.node.freeChildren', node);
      return;
    }
    await server.freeNode(node.nodeId);
  });

  register('sclive.node.revealSource', async (element?: NodeTreeElement) => {
    const origin = element && tree.originOf(element);
    if (!origin) return;
    const editor = await vscode.window.showTextDocument(origin.uri, { preserveFocus: false });
    const line = editor.document.lineAt(Math.min(origin.line, editor.document.lineCount - 1)).range;
    editor.selection = new vscode.Selection(line.start, line.start);
    editor.revealRange(line, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  });

  register('sclive.node.freeChildren', async (element?: NodeTreeElement) => {
    const node = nodeOf(element);
    const server = serverFor(element, 'free the children of a group');
    if (!server || !node?.isGroup) return;
    await server.freeGroupChildren(node.nodeId);
  });

  const run = (running: boolean) => async (element?: NodeTreeElement) => {
    const node = nodeOf(element);
    const server = serverFor(element, running ? 'resume a node' : 'pause a node');
    if (!server || !node) return;
    await server.runNode(node.nodeId, running);
  };
  register('sclive.node.pause', run(false));
  register('sclive.node.resume', run(true));

  register('sclive.node.setControl', async (element?: NodeTreeElement, name?: string, value?: number | string) => {
    const server = serverFor(element, 'set a control');
    const synth = nodeOf(element);
    if (!server || !synth || synth.isGroup) return;
    const controls = await tree.controlsOf(synth);
    if (element && isControl(element)) name = element.name;
    if (name === undefined) {
      if (!controls.length) {
        void vscode.window.showWarningMessage(`Synth ${synth.nodeId} has no controls that could be read.`);
        return;
      }
      const picked = await vscode.window.showQuickPick(controls.map((c) => ({ label: c.name, description: String(c.value) })), { title: `Set a control of ${synth.defName ?? 'synth'} ${synth.nodeId}` });
      if (!picked) return;
      name = picked.label;
    }
    if (value === undefined) {
      const current = controls.find((c) => c.name === name)?.value;
      const text = await vscode.window.showInputBox({
        title: `${name} of ${synth.defName ?? 'synth'} ${synth.nodeId}`,
        prompt: 'A number, or a bus to map it to (c12 for control bus 12, a3 for audio bus 3)',
        value: current === undefined ? '' : String(current),
        validateInput: (input) => (/^\s*[ca]\d+\s*$/.test(input) || (input.trim() !== '' && !Number.isNaN(Number(input))) ? undefined : 'Enter a number, or c<bus> / a<bus>'),
      });
      if (text === undefined) return;
      value = /^\s*[ca]\d+\s*$/.test(text) ? text.trim() : Number(text);
    }
    await server.setNodeControls(synth.nodeId, { [name]: value });
    tree.controlChanged(synth, name, value);
  });

  function safeSettings() {
    try {
      return readSettings();
    } catch {
      return undefined;
    }
  }
}
