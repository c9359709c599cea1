// How a node is named in the musician's words: an Ndef's synths as `Ndef(\drone)`, a
// ProxySpace proxy's as `~a`, a `{ }.play` synth as a function, other synths by their def
// (a pattern's event: its instrument). Pure: the view gives it what the server and sclang told.

/** SynthDef names sclang gives `{ }.play` (temp__12) and NodeProxy sources (temp__0drone-158_1342). */
const TEMP_DEF = /^temp__\d+/;

export interface NodeLabelInput {
  isGroup: boolean;
  defName?: string;
  /** The proxy this node's group (or the node itself, for a group) belongs to: `Ndef(\drone)`, `~a`. */
  proxyName?: string;
  /** The player whose event made this synth: `Pdef \mel`. */
  playerName?: string;
}

export interface NodeLabel {
  label: string;
  /** What the def name adds (shown after the label), if anything. */
  detail?: string;
}

/** True for the def names sclang makes up (a function's or a proxy source's). */
export function isTemporaryDefName(defName: string | undefined): boolean {
  return defName !== undefined && TEMP_DEF.test(defName);
}

/**
 * The row's label. Undefined for a synth whose def name is not known yet (the view holds such a
 * row briefly instead of drawing "synth N").
 */
export function nodeLabel(node: NodeLabelInput): NodeLabel | undefined {
  if (node.isGroup) return node.proxyName ? { label: node.proxyName } : { label: 'group' };
  if (node.proxyName) return { label: node.proxyName, ...(node.defName && !isTemporaryDefName(node.defName) ? { detail: node.defName } : {}) };
  if (node.defName === undefined) return undefined;
  if (isTemporaryDefName(node.defName)) return { label: '{ } function', detail: node.defName };
  return { label: node.playerName ? `${node.defName} (${node.playerName})` : node.defName };
}

/** A synth without its name is not drawn for this long: its first row carries its name. */
export const DEF_NAME_HOLD_MS = 250;

/**
 * Whether a synth's row waits: while its def name may still come, or (a NodeProxy source, a
 * temp__ def) while its proxy's name is being asked, but never longer than DEF_NAME_HOLD_MS.
 */
export function isRowHeld(synth: { defName?: string; heldSinceMs: number | undefined; proxyNameAsked: boolean }, nowMs: number): boolean {
  if (synth.heldSinceMs === undefined || nowMs - synth.heldSinceMs >= DEF_NAME_HOLD_MS) return false;
  if (synth.defName === undefined) return true;
  return isTemporaryDefName(synth.defName) && synth.proxyNameAsked;
}

/**
 * Parses the reply of the PRELUDE's `\sclive, \proxyGroups` function: `nodeID name` pairs, one
 * a line (`1003 Ndef(\drone)`, `1010 ~a`). Lines that do not fit are skipped.
 */
export function parseProxyGroups(reply: string): Map<number, string> {
  const groups = new Map<number, string>();
  for (const line of reply.split(/[\n;]/)) {
    const match = /^\s*(\d+)\s+(\S.*?)\s*$/.exec(line);
    if (match) groups.set(Number(match[1]), match[2]);
  }
  return groups;
}

/** sclang code that returns the proxy group map as one string (see parseProxyGroups). */
export const PROXY_GROUPS_QUERY = 'Library.at(\\sclive, \\proxyGroups).value';

/**
 * Parses what sclang posts when a Pdef's player made nodes (`Pdef \mel:1004,1005`, see the
 * PRELUDE's callback); undefined for anything else.
 */
export function parseNodePlayer(detail: string): { player: string; nodeIds: number[] } | undefined {
  const separator = detail.lastIndexOf(':');
  if (separator <= 0) return undefined;
  const nodeIds = detail.slice(separator + 1).split(',').filter(Boolean).map(Number);
  if (!nodeIds.length || !nodeIds.every((id) => Number.isInteger(id) && id >= 0)) return undefined;
  return { player: detail.slice(0, separator), nodeIds };
}
