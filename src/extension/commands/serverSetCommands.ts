// The commands of several servers: Select Active Server (also a Node Tree root's inline action),
// Boot All, Quit All, Hush All (its own key), and a root's Boot or Reconnect This Server and
// Reboot This Server.
import * as vscode from 'vscode';
import type { ScliveContext } from '../context';
import { isServerRoot, serverRootDescription } from '../views/serverRoots';
import type { ServerRootElement } from '../views/serverRoots';
import { CommandHandler, registerCommand } from './userErrors';

/** Add Server's questions: what kind, its name, its port (and host for a remote one). Undefined when cancelled. */
async function askForServer(suggestedPort: number): Promise<Record<string, unknown> | undefined> {
  const kinds = [
    { label: 'Local scsynth', description: 'started here, on its own port', program: 'scsynth' },
    { label: 'Local supernova', description: 'started here: parallel groups across cores', program: 'supernova' },
    { label: 'Remote server over UDP', description: 'runs elsewhere (scsynth -u)', protocol: 'udp' },
    { label: 'Remote server over TCP', description: 'runs elsewhere (scsynth -t): reconnects after a network loss', protocol: 'tcp' },
  ];
  const kind = await vscode.window.showQuickPick(kinds, { title: 'Add Server (1/3): what kind of server?' });
  if (!kind) return undefined;
  const name = await vscode.window.showInputBox({ title: 'Add Server (2/3): its name', prompt: 'How the Node Tree and the status bar name it', validateInput: (value) => (value.trim() ? undefined : 'Give the server a name') });
  if (!name) return undefined;
  const host = kind.protocol ? await vscode.window.showInputBox({ title: 'Add Server: its host', prompt: 'Host name or IP address of the machine it runs on', value: 'pi.local' }) : undefined;
  if (kind.protocol && !host) return undefined;
  const portText = await vscode.window.showInputBox({
    title: 'Add Server (3/3): its port',
    prompt: kind.protocol === 'tcp' ? 'The port it listens on (its -t)' : 'The UDP port it listens on (its -u)',
    value: String(kind.protocol ? 57110 : suggestedPort),
    validateInput: (value) => (/^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= 65535 ? undefined : 'A port from 1 to 65535'),
  });
  if (!portText) return undefined;
  return kind.protocol ? { name: name.trim(), host: host!.trim(), udpPort: Number(portText), protocol: kind.protocol } : { name: name.trim(), program: kind.program, udpPort: Number(portText) };
}

export function registerServerSetCommands(context: ScliveContext): void {
  const { servers, log } = context;
  const register = (id: string, handler: CommandHandler) => registerCommand(context.extension, log, id, handler);

  /** A root row, a server's name (from a test or a keybinding's args), or asked. */
  register('sclive.server.selectActive', async (target?: ServerRootElement | string) => {
    let name = isServerRoot(target) ? target.name : typeof target === 'string' ? target : undefined;
    if (name === undefined) {
      const active = servers.set.active;
      const picked = await vscode.window.showQuickPick(
        servers.set.slots.map((slot) => ({ label: slot.name, description: slot === active ? 'active' : undefined, detail: serverRootDescription(slot) })),
        { title: 'Select Active Server: the one Ctrl+. and the commands act on' },
      );
      if (!picked) return undefined;
      name = picked.label;
    }
    servers.set.setActive(name);
    return name;
  });
  /** An entry as sclive.servers takes it (from a test or a caller), or asked for step by step. */
  register('sclive.server.add', async (entry?: Record<string, unknown>) => {
    const asked = entry ?? (await askForServer(servers.freePort()));
    return asked ? servers.addServer(asked) : false;
  });
  register('sclive.server.bootAll', () => servers.bootAll());
  register('sclive.server.quitAll', () => servers.quitAll());
  register('sclive.server.hushAll', () => {
    const hushed = servers.hushAll();
    // sclang's routines and patterns stop too (they play on the active server).
    context.sclang.runCmdPeriod();
    return hushed;
  });
  register('sclive.server.startOne', (target?: ServerRootElement | string) => {
    const name = isServerRoot(target) ? target.name : typeof target === 'string' ? target : servers.set.active.name;
    return servers.startOne(name);
  });
  /** A running root's context menu: a declared server takes the options that wait for its next boot. */
  register('sclive.server.rebootOne', (target?: ServerRootElement | string) => {
    const name = isServerRoot(target) ? target.name : typeof target === 'string' ? target : servers.set.active.name;
    return servers.rebootOne(name);
  });
}
