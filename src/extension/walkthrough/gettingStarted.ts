// The Get Started walkthrough (package.json contributes.walkthroughs): the context keys its
// steps complete on (scsynth and sclang found, a server running), the demo file, and finding
// the two programs again after an install or a change of their paths.
import * as vscode from 'vscode';
import { findSclang, findScsynth } from '../../core';
import type { ScliveContext } from '../context';
import { CommandHandler, registerCommand, showUserError } from '../commands/userErrors';
import { readLiveCodingSettings, readSettings } from '../settings';

export const WALKTHROUGH_ID = 'supercollider-live.supercollider-live#sclive.gettingStarted';
/** After VS Code has registered the walkthrough (it waits at most 5 s for its experiments). */
const WALKTHROUGH_REGISTERED_MS = 6000;
/** How long sclive.walkthroughCheck stays true: long enough for the page to see it. */
const CHECK_MS = 2000;

/** Where each program was found, or why not (the error says how to install it). */
export interface ProgramsFound {
  scsynth: string | Error;
  sclang: string | Error;
}

function locatePrograms(): ProgramsFound {
  const attempt = (find: () => string): string | Error => {
    try {
      return find();
    } catch (error) {
      return error as Error;
    }
  };
  return {
    scsynth: attempt(() => {
      const settings = readSettings();
      return findScsynth({ explicitPath: settings.scsynthPath, program: settings.options.program });
    }),
    sclang: attempt(() => findSclang({ explicitPath: readLiveCodingSettings().sclangPath })),
  };
}

/** How long after opening the demo its focus is checked (the page's own focus handling comes within a few frames). */
const DEMO_FOCUS_AGAIN_MS = 300;

/**
 * Where the demo opens: beside the walkthrough (or Welcome) page that asked for it, never in its
 * place. The page's "to side" link makes a group beside itself, but a click in the page can make
 * the page's own group active again before the command lands, and the demo then replaced the
 * page (it was open as a preview). A page's tab has no input the API knows (a file's has).
 */
function besideThePage(): vscode.ViewColumn {
  const groups = vscode.window.tabGroups;
  const showsPage = (group: vscode.TabGroup) => group.activeTab !== undefined && group.activeTab.input === undefined;
  // The active group by its number, never "Active": the page's click can make the page's own
  // group active again between this choice and the editor's opening.
  if (!showsPage(groups.activeTabGroup)) return groups.activeTabGroup.viewColumn;
  const other = groups.all.find((group) => group !== groups.activeTabGroup && !showsPage(group));
  return other?.viewColumn ?? vscode.ViewColumn.Beside;
}

export function registerGettingStarted(context: ScliveContext): void {
  const { extension, log, controller } = context;
  const setFound = (found: ProgramsFound) => Promise.all([
    vscode.commands.executeCommand('setContext', 'sclive.scsynthFound', typeof found.scsynth === 'string'),
    vscode.commands.executeCommand('setContext', 'sclive.sclangFound', typeof found.sclang === 'string'),
  ]);
  // The first step is done when both programs are found (a few file checks), the second once a
  // server runs. VS Code reads a walkthrough's context conditions only when it registers the
  // walkthrough, which is when a Welcome or walkthrough page first opens (and up to 5 s later,
  // while it waits for its experiments), and it never ticks a step whose condition was already
  // true then. So each condition also needs sclive.walkthroughCheck, true only for a while after
  // a change the steps wait for, or 6 s after a page opened: the steps whose state is true tick
  // then, and no condition is true when the walkthrough is registered.
  let checkEnds: NodeJS.Timeout | undefined;
  const check = () => {
    void vscode.commands.executeCommand('setContext', 'sclive.walkthroughCheck', true);
    clearTimeout(checkEnds);
    checkEnds = setTimeout(() => void vscode.commands.executeCommand('setContext', 'sclive.walkthroughCheck', false), CHECK_MS);
  };
  let checkLater: NodeJS.Timeout | undefined;
  const checkAfterRegistration = () => {
    clearTimeout(checkLater);
    checkLater = setTimeout(check, WALKTHROUGH_REGISTERED_MS);
  };
  const setRunning = () => vscode.commands.executeCommand('setContext', 'sclive.serverRunning', controller.state === 'running');
  void Promise.all([setFound(locatePrograms()), setRunning()]).then(checkAfterRegistration);
  context.pushExtCleanup(
    { dispose: () => (clearTimeout(checkLater), clearTimeout(checkEnds)) },
    vscode.window.tabGroups.onDidChangeTabs(checkAfterRegistration),
    controller.onDidChangeState(() => void setRunning().then(check)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (['sclive.scsynthPath', 'sclive.sclangPath', 'sclive.server.program'].some((section) => event.affectsConfiguration(section))) void setFound(locatePrograms()).then(check);
    }),
  );

  const register = (id: string, handler: CommandHandler) => registerCommand(extension, log, id, handler);

  register('sclive.walkthrough.open', () => vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH_ID, false));

  /** Looks again (after an install or a change of the paths) and says where, or how to install what is missing. */
  register('sclive.programs.find', async (): Promise<{ scsynth?: string; sclang?: string }> => {
    const found = locatePrograms();
    await setFound(found);
    check();
    const missing = [found.scsynth, found.sclang].filter((place): place is Error => place instanceof Error);
    for (const error of missing) void showUserError(log, error);
    const paths = { scsynth: typeof found.scsynth === 'string' ? found.scsynth : undefined, sclang: typeof found.sclang === 'string' ? found.sclang : undefined };
    if (!missing.length) void vscode.window.showInformationMessage(`SuperCollider found: scsynth at ${paths.scsynth}, sclang at ${paths.sclang}.`);
    return paths;
  });

  /** The demo as a new SuperCollider file: the musician's to change and save, never the extension's copy. */
  register('sclive.demo.open', async (): Promise<vscode.TextEditor> => {
    const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(extension.extensionUri, 'media', 'walkthrough', 'demo.scd'));
    const document = await vscode.workspace.openTextDocument({ language: 'supercollider', content: new TextDecoder().decode(bytes) });
    const editor = await vscode.window.showTextDocument(document, { viewColumn: besideThePage() });
    // The cursor in the first block, ready for Ctrl+Enter.
    const firstBlock = document.getText().indexOf('\n(\n');
    if (firstBlock >= 0) {
      const inside = document.positionAt(firstBlock + 3);
      editor.selection = new vscode.Selection(inside, inside);
    }
    // The walkthrough page the button was clicked in can take the focus back once the command
    // has run: the demo gets it again, so the next Ctrl+Enter plays it.
    // Only where it shows: never opened again in the page's group.
    setTimeout(() => {
      if (vscode.window.activeTextEditor?.document === document) return;
      const shown = vscode.window.visibleTextEditors.find((visible) => visible.document === document);
      if (shown?.viewColumn !== undefined) void vscode.window.showTextDocument(document, { viewColumn: shown.viewColumn, preserveFocus: false });
    }, DEMO_FOCUS_AGAIN_MS);
    return editor;
  });
}
