// Reading the node tree from scsynth, whatever its size: /g_queryTree where one reply holds it,
// the tree scsynth prints (/g_dumpTree, no size limit) for a server this program started,
// group by group otherwise; a synth's controls. ServerWiring gives it a small view of the server
// and passes it scsynth's output lines (the printed tree is taken from them, not shown).
import type { Logger } from '../events';
import { IMMEDIATELY, DecodedMessage, OscBundle, OscMessage } from '../osc/oscCodec';
import { ServerFailError } from '../osc/oscConnection';
import * as cmd from '../scsynth/scsynthCommands';
import type { ServerStatus } from '../scsynth/serverStatus';
import { isOverflow } from './nodeSync';
import { ControlValue, GroupNode, TreeNode, countNodes, parseDumpTree, parseQueryTreeReply, walkTree } from './nodeTree';
import type { NodeWatcher } from './nodeWatcher';

/** What the tree queries need of the server. */
export interface TreeQueryServerAccess {
  readonly logger: Logger;
  /** scsynth's output reaches this program (it started the server), so it can print the tree. */
  readonly canPrint: boolean;
  readonly isOpen: boolean;
  request(request: cmd.Request): Promise<DecodedMessage>;
  send(packet: OscMessage | OscBundle): void;
  sync(): Promise<void>;
  status(): Promise<ServerStatus>;
  allocateNodeId(): number;
}

export class TreeQueries {
  /** Reads a printed tree from scsynth's output; true for the lines it took. */
  private collector: ((line: string) => boolean) | undefined;

  constructor(private readonly watcher: NodeWatcher, private readonly server: TreeQueryServerAccess) {}

  /** One line scsynth printed: true when it belongs to a tree this program asked for (not to be shown). */
  takePrintedLine(line: string): boolean {
    return this.collector?.(line) ?? false;
  }

  /**
   * A synth's controls with their current values. Without `names`, they come from a query of
   * its group (names and values; undefined when the group is too large for one reply or the
   * synth has ended); with the names known, from /s_get of the synth alone, which always fits.
   */
  async synthControls(synthId: number, parentId: number, names?: readonly string[]): Promise<Array<[string, ControlValue]> | undefined> {
    try {
      if (names?.length) {
        const reply = await this.server.request(cmd.synthGet(synthId, [...names]));
        const controls: Array<[string, ControlValue]> = [];
        for (let i = 1; i + 1 < reply.args.length; i += 2) controls.push([String(reply.args[i]), reply.args[i + 1] as ControlValue]);
        return controls;
      }
      const tree = parseQueryTreeReply((await this.server.request(cmd.groupQueryTree(parentId, true))).args);
      for (const { node } of walkTree(tree)) if (node.kind === 'synth' && node.nodeId === synthId) return node.controls ?? [];
      return undefined;
    } catch (error) {
      if (error instanceof ServerFailError || isOverflow(error)) return undefined; // ended meanwhile, or too large a group
      throw error;
    }
  }

  /**
   * The server's whole node tree, also when one /g_queryTree reply cannot hold it (scsynth
   * refuses replies over 64 KB: about 3,000 synths without controls, and with controls about
   * 760 synths of 5 controls each). Then the
   * structure comes from /g_dumpTree on stdout for a server this program started (complete at
   * 20,000 synths) or group by group otherwise, and controls are added for every group
   * whose own reply fits; synths in a group too large for any reply come without controls.
   */
  async queryAllNodes(includeControls = true): Promise<GroupNode> {
    try {
      const reply = await this.server.request(cmd.groupQueryTree(0, includeControls));
      return parseQueryTreeReply(reply.args);
    } catch (error) {
      if (!isOverflow(error)) throw error;
      this.server.logger.debug(`/g_queryTree reply too large (${(error as ServerFailError).serverMessage}); reading the tree another way.`);
    }
    let tree = this.server.canPrint ? await this.printedTree() : undefined;
    if (tree) {
      // scsynth's dump skips the insides of paused groups: check it against /status.
      const counts = countNodes(tree);
      const status = await this.server.status();
      if (counts.synths !== status.numSynths || counts.groups !== status.numGroups) {
        this.server.logger.debug(`The printed tree has ${counts.synths} synths and ${counts.groups} groups, scsynth counts ${status.numSynths} and ${status.numGroups}; querying group by group.`);
        tree = undefined;
      }
    }
    tree ??= await this.queryTreeGroupByGroup(0);
    if (includeControls) await this.addControlsWhereTheyFit(tree);
    return tree;
  }

  /** Replaces each group's subtree by a query with controls, descending where it overflows. */
  private async addControlsWhereTheyFit(group: GroupNode): Promise<void> {
    for (let index = 0; index < group.children.length; index++) {
      const child = group.children[index];
      if (child.kind !== 'group') continue;
      try {
        group.children[index] = parseQueryTreeReply((await this.server.request(cmd.groupQueryTree(child.nodeId, true))).args);
      } catch (error) {
        if (!isOverflow(error)) throw error;
        await this.addControlsWhereTheyFit(child);
      }
    }
    // Synths directly in the root group: only a whole-tree reply would carry their controls.
  }

  /**
   * /g_dumpTree prints without a size limit. scsynth prints one dump per audio period, at
   * its end, so the end of the tree is marked by a second dump in a later period (after a
   * /sync): a fresh empty group whose header can only follow the whole tree on stdout.
   */
  async printedTree(): Promise<GroupNode> {
    while (this.collector) await new Promise((resolve) => setTimeout(resolve, 10));
    const marker = this.server.allocateNodeId();
    const lines: string[] = [];
    let collecting = false;
    let resolveDone!: () => void;
    const done = new Promise<void>((resolve) => (resolveDone = resolve));
    let finished = false;
    this.collector = (line) => {
      if (finished) return false;
      const trimmed = line.trim();
      if (trimmed === `NODE TREE Group ${marker}`) {
        finished = true;
        resolveDone();
        return true;
      }
      if (collecting) lines.push(line);
      else if (trimmed === 'NODE TREE Group 0') {
        collecting = true;
        lines.push(line);
      }
      return collecting;
    };
    let timer: NodeJS.Timeout | undefined;
    try {
      // Without controls: scsynth drops printed lines when a dump with controls is large.
      this.server.send(cmd.groupDumpTree(0, false));
      await this.server.sync();
      this.server.send({ timeTag: IMMEDIATELY, packets: [cmd.groupNew(marker, cmd.AddAction.tail, 0), cmd.groupDumpTree(marker, false)] });
      await Promise.race([
        done,
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('scsynth did not print the node tree within 10 s')), 10_000);
        }),
      ]);
    } finally {
      clearTimeout(timer);
      this.collector = undefined;
      if (this.server.isOpen) this.server.send(cmd.nodeFree(marker));
    }
    const tree = parseDumpTree(lines);
    if (!tree) throw new Error('could not read the node tree that scsynth printed');
    return tree;
  }

  /**
   * For a remote server whose tree is too large for one reply: each group is queried on its
   * own; a group whose own reply is still too large lists its nodes from the live model.
   */
  private async queryTreeGroupByGroup(groupId: number): Promise<GroupNode> {
    try {
      return parseQueryTreeReply((await this.server.request(cmd.groupQueryTree(groupId, false))).args);
    } catch (error) {
      if (!isOverflow(error)) throw error;
    }
    const children: TreeNode[] = [];
    for (const child of this.watcher.children(groupId)) {
      children.push(child.isGroup ? await this.queryTreeGroupByGroup(child.nodeId) : { kind: 'synth', nodeId: child.nodeId, defName: child.defName ?? '?' });
    }
    return { kind: 'group', nodeId: groupId, children };
  }
}
