// The node tree as scsynth reports it: parsing of /g_queryTree.reply and of /g_dumpTree output.
import type { OscValue } from '../osc/oscCodec';

export type ControlValue = number | string;

export interface SynthNode {
  kind: 'synth';
  nodeId: number;
  defName: string;
  /** Control name/value pairs in the synth's order; a value such as "c12" maps a bus. */
  controls?: Array<[string, ControlValue]>;
}

export interface GroupNode {
  kind: 'group';
  nodeId: number;
  children: TreeNode[];
  /** supernova's parallel group (ParGroup): its children run in no set order (parallelGroups.ts). */
  parallel?: true;
}

export type TreeNode = SynthNode | GroupNode;

export class TreeParseError extends Error {
  constructor(message: string) {
    super(`malformed node tree: ${message}`);
    this.name = 'TreeParseError';
  }
}

/**
 * Parses `/g_queryTree.reply flag nodeId numChildren ...` (depth first; numChildren -1 marks
 * a synth followed by its def name and, when flag is 1, numControls and name/value pairs).
 */
export function parseQueryTreeReply(args: readonly OscValue[]): GroupNode {
  const includeControls = args[0] === 1;
  let index = 1;
  const take = (what: string): OscValue => {
    if (index >= args.length) throw new TreeParseError(`reply ended where ${what} was expected (argument ${index})`);
    return args[index++];
  };
  const takeInt = (what: string): number => {
    const value = take(what);
    if (typeof value !== 'number' || !Number.isInteger(value)) throw new TreeParseError(`${what} is ${JSON.stringify(value)}, not an integer`);
    return value;
  };
  const readNode = (): TreeNode => {
    const nodeId = takeInt('node id');
    const numChildren = takeInt(`child count of node ${nodeId}`);
    if (numChildren === -1) {
      const defName = take(`def name of synth ${nodeId}`);
      if (typeof defName !== 'string') throw new TreeParseError(`def name of synth ${nodeId} is not a string`);
      const synth: SynthNode = { kind: 'synth', nodeId, defName };
      if (includeControls) {
        const numControls = takeInt(`control count of synth ${nodeId}`);
        const controls: Array<[string, ControlValue]> = [];
        for (let i = 0; i < numControls; i++) {
          const name = take(`control name of synth ${nodeId}`);
          const value = take(`control value of synth ${nodeId}`);
          if (typeof value !== 'number' && typeof value !== 'string') throw new TreeParseError(`control value of synth ${nodeId} has an unexpected type`);
          controls.push([String(name), value]);
        }
        synth.controls = controls;
      }
      return synth;
    }
    if (numChildren < -1) throw new TreeParseError(`node ${nodeId} has child count ${numChildren}`);
    const children: TreeNode[] = [];
    for (let i = 0; i < numChildren; i++) children.push(readNode());
    return { kind: 'group', nodeId, children };
  };
  const root = readNode();
  if (root.kind !== 'group') throw new TreeParseError('the queried node is not a group');
  return root;
}

/**
 * Parses scsynth's `/g_dumpTree` output (stdout), which has no size limit:
 *
 *     NODE TREE Group 0
 *        1 group
 *           1000 sclive_sine
 *             freq: 440 amp: 0.1
 *
 * Nesting follows indentation. Returns undefined when `lines` holds no tree header.
 */
export function parseDumpTree(lines: readonly string[]): GroupNode | undefined {
  const headerIndex = lines.findIndex((line) => /^NODE TREE Group -?\d+\s*$/.test(line.trim()));
  if (headerIndex < 0) return undefined;
  const rootId = Number(/(-?\d+)\s*$/.exec(lines[headerIndex].trim())![1]);
  const root: GroupNode = { kind: 'group', nodeId: rootId, children: [] };
  const stack: Array<{ indent: number; group: GroupNode }> = [{ indent: -1, group: root }];
  let lastSynth: { indent: number; synth: SynthNode } | undefined;
  for (const line of lines.slice(headerIndex + 1)) {
    if (line.trim() === '') continue;
    const indent = line.length - line.trimStart().length;
    // supernova prints a ParGroup as "<id> parallel group".
    const nodeMatch = /^(-?\d+)\s+(parallel group|\S+)\s*$/.exec(line.trim());
    if (!nodeMatch) {
      // A control line belongs to the synth just above it (deeper indentation).
      if (lastSynth && indent > lastSynth.indent) {
        lastSynth.synth.controls = [...(lastSynth.synth.controls ?? []), ...parseControlLine(line.trim())];
        continue;
      }
      break; // Anything else ends the dump.
    }
    lastSynth = undefined;
    while (stack.length > 1 && stack[stack.length - 1].indent >= indent) stack.pop();
    const parent = stack[stack.length - 1].group;
    const nodeId = Number(nodeMatch[1]);
    if (nodeMatch[2] === 'group' || nodeMatch[2] === 'parallel group') {
      const group: GroupNode = { kind: 'group', nodeId, children: [] };
      if (nodeMatch[2] === 'parallel group') group.parallel = true;
      parent.children.push(group);
      stack.push({ indent, group });
    } else {
      const synth: SynthNode = { kind: 'synth', nodeId, defName: nodeMatch[2] };
      parent.children.push(synth);
      lastSynth = { indent, synth };
    }
  }
  return root;
}

function parseControlLine(text: string): Array<[string, ControlValue]> {
  const controls: Array<[string, ControlValue]> = [];
  const pattern = /(\S+?):\s+(\S+)/g;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    const numeric = Number(match[2]);
    controls.push([match[1], Number.isNaN(numeric) ? match[2] : numeric]);
  }
  return controls;
}

/** Depth-first walk over a tree. */
export function* walkTree(node: TreeNode, depth = 0): Generator<{ node: TreeNode; depth: number }> {
  yield { node, depth };
  if (node.kind === 'group') for (const child of node.children) yield* walkTree(child, depth + 1);
}

export function countNodes(root: TreeNode): { synths: number; groups: number } {
  let synths = 0;
  let groups = 0;
  for (const { node } of walkTree(root)) {
    if (node.kind === 'synth') synths++;
    else groups++;
  }
  return { synths, groups };
}

/**
 * A control value as a person reads it: scsynth holds float32, so 0.08 comes back as
 * 0.07999999821186066; this prints the shortest decimal that is the same float32 (0.08).
 */
export function formatControlValue(value: ControlValue): string {
  if (typeof value === 'string') return value;
  if (!Number.isFinite(value) || Number.isInteger(value)) return String(value);
  const single = Math.fround(value);
  for (let precision = 1; precision <= 9; precision++) {
    const text = single.toPrecision(precision);
    if (Math.fround(Number(text)) === single) return String(Number(text));
  }
  return String(value);
}

/** The tree as scsynth's dump prints it, for the log. */
export function formatTree(root: TreeNode): string {
  const lines: string[] = [];
  for (const { node, depth } of walkTree(root)) {
    const pad = '   '.repeat(depth);
    if (node.kind === 'group') lines.push(depth === 0 ? `NODE TREE Group ${node.nodeId}` : `${pad}${node.nodeId} ${node.parallel ? 'parallel group' : 'group'}`);
    else {
      lines.push(`${pad}${node.nodeId} ${node.defName}`);
      if (node.controls?.length) lines.push(`${pad}  ${node.controls.map(([name, value]) => `${name}: ${formatControlValue(value)}`).join(' ')}`);
    }
  }
  return lines.join('\n');
}
