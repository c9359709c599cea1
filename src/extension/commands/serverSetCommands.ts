// The commands of several servers: Select Active Server (also a Node Tree root's inline action),
// Boot All, Quit All, Hush All (its own key), and a root's Boot or Reconnect This Server.
import * as vscode from 'vscode';
import type { ScliveContext } from '../context';
import { isServerRoot, serverRootDescription } from '../views/serverRoots';
import type { ServerRootElement } from '../views/serverRoots';
import { CommandHandler, registerCommand } from './userErrors';

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
}
