// The page of a webview view: a strict Content-Security-Policy (scripts only with this page's
// nonce, styles and scripts only from media/), the theme's colours through VS Code's CSS variables.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, name: string, title: string, body: string): string {
  const nonce = randomBytes(16).toString('base64');
  const media = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', file)).toString();
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${webview.cspSource}; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${media(`${name}.css`)}">
<title>${title}</title>
</head>
<body>
${body}
<script nonce="${nonce}" src="${media(`${name}.js`)}"></script>
</body>
</html>`;
}

/** Options for a view's webview: scripts on, files only from media/. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media')] };
}
