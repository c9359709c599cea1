// Look Up Documentation (Ctrl+D, Cmd+D on macOS, as in SuperCollider's IDE) and Search Help.
import * as vscode from 'vscode';
import type { ScliveContext } from '../context';
import { CommandHandler, registerCommand } from './userErrors';

export function registerHelpCommands(context: ScliveContext): void {
  const register = (id: string, handler: CommandHandler) => registerCommand(context.extension, context.log, id, handler);

  register('sclive.help.lookUp', async (topic?: string) => {
    const editor = vscode.window.activeTextEditor;
    let word = topic;
    if (!word && editor) {
      const selection = editor.selection;
      const range = selection.isEmpty ? editor.document.getWordRangeAtPosition(selection.active, /[A-Za-z_][A-Za-z0-9_]*/) : selection;
      word = range ? editor.document.getText(range).trim() : undefined;
    }
    // A method (midicps): SCDoc's answer is a search page that needs JavaScript the view cannot
    // run; the class index knows which classes define it, and their pages hold its documentation.
    if (word && /^[a-z]/.test(word)) {
      const places = (await context.classIndex.ready())?.methodDocumentation(word) ?? [];
      if (places.length === 1) return context.help.show(`${places[0].path}#${places[0].anchor}`);
      if (places.length > 1) {
        const picked = await vscode.window.showQuickPick(
          places.map((place) => ({ label: `${place.className}: ${place.anchor}`, description: place.path, topic: `${place.path}#${place.anchor}` })),
          { title: `${word} is defined by ${places.length} classes: whose documentation?`, matchOnDescription: true },
        );
        if (picked) await context.help.show(picked.topic);
        return;
      }
    }
    // No word: SuperCollider's help home.
    await context.help.show(word || 'Help');
  });

  register('sclive.help.search', async () => {
    // The pick opens at once and takes the keys typed next; its items come when the index is ready.
    const pick = vscode.window.createQuickPick<vscode.QuickPickItem & { path: string }>();
    pick.title = 'Search SuperCollider Help';
    pick.placeholder = 'A class, a guide, a tutorial…';
    pick.matchOnDescription = true;
    pick.matchOnDetail = true;
    pick.busy = true;
    pick.show();
    try {
      const picked = await new Promise<string | undefined>((resolve) => {
        pick.onDidAccept(() => resolve(pick.selectedItems[0]?.path));
        pick.onDidHide(() => resolve(undefined));
        void context.classIndex.ready().then(
          (index) => {
            if (!index) pick.placeholder = 'The help index is not ready: see the SuperCollider log (is sclang installed?)';
            pick.items = [...(index?.documents.values() ?? [])].map((doc) => ({ label: doc.title, description: doc.path.split('/')[0], detail: [doc.summary, doc.categories].filter(Boolean).join(' — '), path: doc.path }));
            pick.busy = false;
          },
          () => (pick.busy = false),
        );
      });
      pick.hide();
      if (picked) await context.help.show(picked);
    } finally {
      pick.dispose();
    }
  });
}
