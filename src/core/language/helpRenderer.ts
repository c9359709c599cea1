// SuperCollider's help as SCDoc renders it (the installed help, quarks and extensions
// included), from a sclang of its own: the musician's sclang may be busy playing or stuck, and
// help must still open. Started on the first page asked for, stopped after a while unused.
// A page rendered once stays in SCDoc's help folder and opens without sclang.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Disposable, Logger, silentLogger } from '../events';
import { SCLang, sclangStringLiteral } from '../sclang/sclang';

export interface HelpPage {
  /** The rendered HTML file. */
  file: string;
  /** The part after `#` (a method: `*ar`, `-set`), if the link had one. */
  anchor?: string;
}

export interface HelpRendererOptions {
  sclangPath?: string;
  logger?: Logger;
  /** Stop the help sclang after this long without a page asked for. */
  idleMs?: number;
}

export class HelpRenderer implements Disposable {
  private lang: SCLang | undefined;
  private starting: Promise<SCLang> | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private targetDir: string | undefined;

  constructor(private readonly options: HelpRendererOptions = {}) {}

  /** SCDoc's folder of rendered pages (`~/.local/share/SuperCollider/Help` on Linux). */
  async helpFolder(): Promise<string> {
    this.targetDir ??= (await this.evaluate('SCDoc.helpTargetDir')).replace(/\/$/, '');
    return this.targetDir;
  }

  /**
   * The page of a topic: a class or document name ("SinOsc", "Pattern Guide"), or a path in the
   * help folder ("Classes/Pbind", "Guides/Intro.html#Start"). Rendered when missing or stale.
   */
  async page(topic: string): Promise<HelpPage> {
    const [target, anchor] = splitAnchor(topic);
    const isPath = target.includes('/');
    const code = isPath
      ? `SCDoc.prepareHelpForURL(URI(SCDoc.helpTargetUrl ++ "/" ++ ${sclangStringLiteral(target.replace(/\.html$/, ''))} ++ ".html")).asString`
      : `SCDoc.prepareHelpForURL(URI(SCDoc.findHelpFile(${sclangStringLiteral(target)}))).asString`;
    const url = await this.evaluate(code);
    if (!url.startsWith('file:')) throw new Error(`SuperCollider has no help page for "${target}".`);
    const file = fileURLToPath(url.split('#')[0]);
    if (!existsSync(file)) throw new Error(`SCDoc did not render the help page for "${target}" (${file}).`);
    return { file, anchor: anchor ?? (url.includes('#') ? decodeURIComponent(url.split('#')[1]) : undefined) };
  }

  /** The page a link in a rendered page leads to, relative to that page's file. */
  async linkTarget(fromFile: string, href: string): Promise<HelpPage> {
    const [target, anchor] = splitAnchor(href);
    const folder = await this.helpFolder();
    const absolute = path.resolve(path.dirname(fromFile), target);
    const relative = path.relative(folder, absolute);
    if (relative.startsWith('..') || path.isAbsolute(relative)) throw new Error(`The link ${href} leads outside SuperCollider's help.`);
    const page = await this.page(relative.replace(/\\/g, '/'));
    return { file: page.file, anchor };
  }

  get running(): boolean {
    return !!this.lang?.processRunning;
  }

  /** Stops the help sclang (it starts again with the next page). */
  async stop(): Promise<void> {
    clearTimeout(this.idleTimer);
    const lang = this.lang ?? (await this.starting?.catch(() => undefined));
    this.lang = undefined;
    if (!lang) return;
    await lang.stop().catch(() => undefined);
    lang.dispose();
  }

  dispose(): void {
    void this.stop();
  }

  private async evaluate(code: string): Promise<string> {
    const lang = await this.ready();
    this.keepAlive();
    const result = await lang.evaluate(code, { print: false, timeoutMs: 60_000 });
    if (result.status !== 'ok' || result.result === undefined) throw new Error(`SCDoc failed: ${result.output.slice(-3).join(' ') || result.status}`);
    return result.result;
  }

  private async ready(): Promise<SCLang> {
    if (this.lang?.processRunning) return this.lang;
    this.starting ??= (async () => {
      const lang = new SCLang({ sclangPath: this.options.sclangPath, logger: this.options.logger ?? silentLogger });
      await lang.start();
      this.lang = lang;
      return lang;
    })().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private keepAlive(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      const lang = this.lang;
      this.lang = undefined;
      void lang?.stop().finally(() => lang.dispose());
    }, this.options.idleMs ?? 10 * 60_000);
    this.idleTimer.unref();
  }
}

function splitAnchor(topic: string): [string, string | undefined] {
  const at = topic.indexOf('#');
  return at < 0 ? [topic, undefined] : [topic.slice(0, at), decodeURIComponent(topic.slice(at + 1))];
}
