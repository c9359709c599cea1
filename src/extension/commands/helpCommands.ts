// Look Up Documentation (Ctrl+D, Cmd+D on macOS, as in SuperCollider's IDE) and Search Help.
import * as vscode from 'vscode';
import type { ScliveContext } from '../context';
import { registerCommand } from './userErrors';

export function registerHelpCommands(context: ScliveContext): void {
  const register = (id: string, handler: (...args: any[]) => unknown) => registerCommand(context.extension, context.log, id, handler);

  register('sclive.help.lookUp', async (topic?: string) => {
    const editor = vscode.window.activeTextEditor;
    let word = topic;
    if (!word && editor) {
      const selection = editor.selection;
      const range = selection.isEmpty ? editor.document.getWordRangeAtPosition(selection.active, /[A-Za-z_][A-Za-z0-9_]*/) : selection;
      word = range ? editor.document.getText(range).trim() : undefined;
    }
    // No word: SuperCollider's help home.
    await context.help.show(word || 'Help');
  });

  register('sclive.help.search', async () => {
    const index = await context.classIndex.ready();
    if (!index) return;
    const items = [...index.documents.values()].map((doc) => ({ label: doc.title, description: doc.path.split('/')[0], detail: [doc.summary, doc.categories].filter(Boolean).join(' — '), path: doc.path }));
    const picked = await vscode.window.showQuickPick(items, { title: 'Search SuperCollider Help', placeHolder: 'A class, a guide, a tutorial…', matchOnDescription: true, matchOnDetail: true });
    if (picked) await context.help.show(picked.path);
  });
}
