// Links in the post window: the place of an evaluation's error (`demo.scd:12:5`) opens the file
// there; paths of class-library files in sclang's output (`/usr/share/SuperCollider/...sc`)
// open those files.
import * as vscode from 'vscode';
import { POST_LANGUAGE_ID } from './postWindow';

/** A place the extension posted: a name, then `:line:column` (both 1-based). */
const PLACE = /(\S+?):(\d+):(\d+)\b/g;
/** An absolute path of a SuperCollider file, maybe with sclang's `line N char M` or `:N:M` after it. */
const SC_PATH = /(\/[^\s'"():,]+\.(?:sc|scd|schelp))(?:'?(?:\s+line\s+(\d+)(?:\s+char\s+(\d+))?|:(\d+)(?::(\d+))?))?/g;

export class PostLinks implements vscode.DocumentLinkProvider {
  /** The names the extension posted for places in files, and the files they stand for. */
  private readonly files = new Map<string, vscode.Uri>();

  /** The name to post for a file (workspace-relative where it can be), remembered for its link. */
  nameOf(uri: vscode.Uri): string {
    const name = uri.scheme === 'file' ? vscode.workspace.asRelativePath(uri, false) : uri.path.split('/').pop() || uri.toString();
    this.files.set(name, uri);
    return name;
  }

  /** `demo.scd:12:5` for a position (0-based) in a file. */
  placeOf(uri: vscode.Uri, position: vscode.Position): string {
    return `${this.nameOf(uri)}:${position.line + 1}:${position.character + 1}`;
  }

  provideDocumentLinks(document: vscode.TextDocument): vscode.DocumentLink[] {
    const links: vscode.DocumentLink[] = [];
    for (let line = 0; line < document.lineCount; line++) {
      const text = document.lineAt(line).text;
      if (!text.includes(':') && !text.includes('/')) continue;
      for (const match of text.matchAll(PLACE)) {
        const uri = this.files.get(match[1]);
        if (!uri) continue;
        const range = new vscode.Range(line, match.index, line, match.index + match[0].length);
        const link = new vscode.DocumentLink(range, withPosition(uri, Number(match[2]), Number(match[3])));
        link.tooltip = `Open ${match[1]} at line ${match[2]}`;
        links.push(link);
      }
      for (const match of text.matchAll(SC_PATH)) {
        const lineNumber = Number(match[2] ?? match[4] ?? 0);
        const column = Number(match[3] ?? match[5] ?? 1);
        const range = new vscode.Range(line, match.index, line, match.index + match[0].length);
        if (links.some((link) => link.range.intersection(range))) continue;
        const uri = vscode.Uri.file(match[1]);
        links.push(new vscode.DocumentLink(range, lineNumber ? withPosition(uri, lineNumber, column) : uri));
      }
    }
    return links;
  }
}

/** A file URI that VS Code opens at a line and column (`#L12,5`). */
function withPosition(uri: vscode.Uri, line: number, column: number): vscode.Uri {
  return uri.with({ fragment: `L${line},${column}` });
}

export function registerPostLinks(links: PostLinks): vscode.Disposable {
  // The post window is an output channel: its document has the scheme `output` and our language.
  return vscode.languages.registerDocumentLinkProvider({ language: POST_LANGUAGE_ID }, links);
}
