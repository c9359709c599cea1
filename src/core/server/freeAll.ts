// Free All and Hush of the root group: one bundle frees every node but this client's own synths
// (a take being recorded goes on without a gap), then a node that came meanwhile is freed too.
import { IMMEDIATELY, OscBundle, OscMessage } from '../osc/oscCodec';
import * as cmd from '../scsynth/scsynthCommands';
import { parseQueryTreeReply } from './nodeTree';
import { ServerNotRunningError } from './serverErrors';
import type { ServerWiring } from './serverWiring';

/**
 * Root children freed by id in Free All's bundle, each in an /n_free of its own (scsynth stops an
 * /n_free at the first id it cannot find, and the model may hold one that just ended): 24 bytes
 * each, so the bundle stays one datagram. More, and /g_freeAll 0 frees them.
 */
const MAX_NODES_FREED_BY_ID = 2000;

/**
 * One bundle that clears the schedule, empties the default groups and frees every other node
 * of the root group but this client's own synths. The kept synths are not freed and re-made:
 * a DiskOut re-made after a /sync left 512 samples (10 ms) out of a take at each Free All, and
 * one re-made in the same bundle starts its buffer over while scsynth's disk thread may still
 * be writing the old one's last part. Without a node model (or with a root too large for one
 * datagram) everything is freed and the kept synths re-made in the same bundle.
 */
function freeAllButKeptBundle(wiring: ServerWiring): { bundle: OscBundle; freedIds: readonly number[] | undefined } {
  const { kept, session, nodeWatcher } = wiring;
  const keptIds = new Set(kept.synthIds);
  const defaultGroups = session.defaultGroupMessages();
  const children = nodeWatcher.has(0) ? nodeWatcher.children(0).map((node) => node.nodeId) : undefined;
  if (children && children.length <= MAX_NODES_FREED_BY_ID) {
    // The default groups are emptied, not freed and made again: their /n_end and /n_go would
    // cross on the way back and leave the model without them.
    const defaultIds = session.defaultGroupIds();
    const others = children.filter((id) => !keptIds.has(id) && !defaultIds.includes(id));
    const emptied = children.filter((id) => defaultIds.includes(id));
    const missing = defaultIds.filter((id) => !children.includes(id)).map((id) => cmd.groupNew(id, cmd.AddAction.head, 0));
    const packets: OscMessage[] = [cmd.clearSched(), ...others.map((id) => cmd.nodeFree(id)), ...emptied.map((id) => cmd.groupFreeAll(id)), ...missing];
    return { bundle: { timeTag: IMMEDIATELY, packets }, freedIds: others };
  }
  kept.forgetAll();
  return { bundle: { timeTag: IMMEDIATELY, packets: [cmd.clearSched(), cmd.groupFreeAll(0), ...defaultGroups, ...kept.recreateMessages()] }, freedIds: undefined };
}

/** A node the model did not know yet when the bundle left (another client's, just made) is freed now. */
async function freeMissedNodes(wiring: ServerWiring, freedIds: readonly number[] | undefined): Promise<void> {
  if (!freedIds) return;
  const { session } = wiring;
  const root = parseQueryTreeReply((await session.request(cmd.groupQueryTree(0, false))).args);
  const expected = new Set([...wiring.kept.synthIds, ...session.defaultGroupIds()]);
  const missed = root.children.map((child) => child.nodeId).filter((id) => !expected.has(id));
  if (missed.length) {
    wiring.logger.info(`Free All: freeing ${missed.length} node(s) made while it was sent.`);
    // One /n_free each: one that ended meanwhile must not keep the others alive.
    session.send({ timeTag: IMMEDIATELY, packets: missed.map((id) => cmd.nodeFree(id)) });
    await session.sync();
  }
}

/** Free All: of the root group (this client's own synths stay), or of this client's default group. */
export async function freeAll(wiring: ServerWiring, root: boolean): Promise<void> {
  wiring.session.requireConnection('free all nodes');
  if (!root) {
    wiring.session.send(cmd.groupFreeAll(wiring.session.defaultGroup));
    wiring.session.send(cmd.clearSched());
    await wiring.session.sync();
    return;
  }
  const freed = freeAllButKeptBundle(wiring);
  wiring.session.send(freed.bundle);
  await wiring.session.sync();
  await freeMissedNodes(wiring, freed.freedIds).catch((error: Error) => wiring.logger.warn(`Checking that Free All freed everything failed: ${error.message}`));
  await wiring.kept.applyAll();
  await wiring.session.sync();
}

/** As Free All's bundle, waiting for nothing (the server may be too loaded to answer): this client's own synths (a take being recorded) are left running. */
export function hush(wiring: ServerWiring): void {
  if (!wiring.canSend) throw new ServerNotRunningError('hush');
  const freed = freeAllButKeptBundle(wiring);
  wiring.session.send(freed.bundle);
  void freeMissedNodes(wiring, freed.freedIds).catch((error: Error) => wiring.logger.warn(`Checking that Hush freed everything failed: ${error.message}`));
}
