// A page SCDoc rendered, made fit for a VS Code webview: its scripts (jQuery, CodeMirror, Qt's
// web channel) removed, its stylesheet and images loaded from the help folder through the
// webview, our own script and theme added under a strict Content-Security-Policy. Links stay as
// SCDoc wrote them; the page's script sends them to the extension, which renders the target.

export interface HelpHtmlOptions {
  /** The webview URI of a file (stylesheets and images in the help folder). */
  resourceUri(file: string): string;
  /** Resolves a relative reference against the page's file. */
  resolve(reference: string): string;
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri: string;
  /** Where to scroll once shown (a method: `*ar`). */
  anchor?: string;
}

/** SCDoc's own stylesheets that still make sense without its scripts. */
const KEPT_STYLESHEETS = /(^|\/)(scdoc|custom)\.css$/;

export function prepareHelpHtml(html: string, options: HelpHtmlOptions): string {
  let page = html
    .replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, '')
    .replace(/<script\b[^>]*\/>/gi, '')
    .replace(/\son(load|click|mouseover|mouseout)=(['"])[\s\S]*?\2/gi, '');
  page = page.replace(/<link\b[^>]*rel=['"]stylesheet['"][^>]*>/gi, (tag) => {
    const href = /href=['"]([^'"]+)['"]/i.exec(tag)?.[1];
    if (!href || !KEPT_STYLESHEETS.test(href)) return '';
    return `<link rel="stylesheet" href="${options.resourceUri(options.resolve(href))}">`;
  });
  page = page.replace(/(<img\b[^>]*\ssrc=)(['"])([^'"]+)\2/gi, (_, head: string, quote: string, src: string) => (/^[a-z]+:/i.test(src) ? `${head}${quote}${src}${quote}` : `${head}${quote}${options.resourceUri(options.resolve(src))}${quote}`));
  const head = [
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${options.cspSource} 'unsafe-inline'; img-src ${options.cspSource} data:; script-src 'nonce-${options.nonce}';">`,
    `<link rel="stylesheet" href="${options.styleUri}">`,
  ].join('\n');
  const tail = `<script nonce="${options.nonce}" src="${options.scriptUri}" data-anchor="${escapeAttribute(options.anchor ?? '')}"></script>`;
  page = /<head[^>]*>/i.test(page) ? page.replace(/<head[^>]*>/i, (tag) => `${tag}\n${head}`) : `${head}\n${page}`;
  page = /<\/body>/i.test(page) ? page.replace(/<\/body>/i, `${tail}\n</body>`) : `${page}\n${tail}`;
  return page;
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
