// Every client's default group stays on the server, whatever freed it: another client's Free
// All that re-creates only its own group, a /g_freeAll 0 from elsewhere, a restarted sclang that
// knows fewer clients than the server. When one ends it is put back at the head of the root
// group, unless it came back meanwhile: the pause lets a re-creation sent in the same bundle
// (sclang's freeAll, our Hush) arrive first, since a second /g_new of a live id fails loudly.
import { Disposable, Logger, nodeTimeouts, Timeouts } from '../events';
import type { OscMessage } from '../osc/oscCodec';
import { AddAction, groupNew } from '../scsynth/scsynthCommands';
import { MAX_CLIENTS, clientIdOfNode, defaultGroupIdOf } from './idAllocators';

/** What the keeper needs of the server and the node model. */
export interface DefaultGroupServerAccess {
  readonly canSend: boolean;
  /** Clients the server takes: each has a default group. */
  readonly maxLogins: number;
  /** Whether the node model has this node now. */
  has(nodeId: number): boolean;
  sendMany(messages: readonly OscMessage[]): Promise<void>;
  readonly logger: Logger;
}

export class DefaultGroupKeeper implements Disposable {
  private readonly missing = new Set<number>();
  private timer: unknown;

  constructor(private readonly server: DefaultGroupServerAccess, private readonly delayMs = 150, private readonly timers: Timeouts = nodeTimeouts) {}

  /** Whether `nodeId` is a client's default group on this server. */
  isDefaultGroup(nodeId: number): boolean {
    const client = clientIdOfNode(nodeId);
    return client < Math.min(this.server.maxLogins, MAX_CLIENTS) && nodeId === defaultGroupIdOf(client);
  }

  /** A node ended: a default group is put back after the pause if nothing brought it back. */
  nodeEnded(nodeId: number): void {
    if (!this.isDefaultGroup(nodeId)) return;
    this.missing.add(nodeId);
    this.timer ??= this.timers.setTimeout(() => this.restore(), this.delayMs);
  }

  /** The run ended (its groups went with it), or the keeper is done. */
  reset(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.missing.clear();
  }

  dispose(): void {
    this.reset();
  }

  private restore(): void {
    this.timer = undefined;
    const ids = [...this.missing].filter((id) => !this.server.has(id)).sort((a, b) => b - a);
    this.missing.clear();
    if (!ids.length || !this.server.canSend) return;
    this.server.logger.info(`Putting back the default group${ids.length > 1 ? 's' : ''} of client${ids.length > 1 ? 's' : ''} ${ids.map(clientIdOfNode).sort((a, b) => a - b).join(', ')} (freed by another client).`);
    // Highest client first, each at the head: client 0's group ends up first, as sclang orders them.
    void this.server.sendMany(ids.map((id) => groupNew(id, AddAction.head, 0))).catch((error: Error) => this.server.logger.warn(`Putting back a default group failed: ${error.message}`));
  }
}
