// One run of a server, from boot (or connect) to quit or crash: its process, its session, and
// everything started for it. A quit or a crash is one dispose().
import { Disposable, DisposableStore } from '../events';
import type { OscProtocol, OscTransport } from '../osc/oscTransport';
import type { ScsynthProcess } from '../scsynth/scsynthProcess';
import type { ClientSession } from './clientSession';

export class ServerRun implements Disposable {
  private readonly disposables = new DisposableStore();
  private sessionValue: ClientSession | undefined;
  private connectionValue: OscTransport | undefined;
  private disposed = false;

  /** `process` when this program started scsynth; `remoteAddress` when it joined one. */
  constructor(readonly process: ScsynthProcess | undefined, readonly remoteAddress?: { host: string; port: number; protocol: OscProtocol }) {}

  get session(): ClientSession | undefined {
    return this.sessionValue;
  }

  get connection(): OscTransport | undefined {
    return this.connectionValue;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** The run's session over its connection; the connection closes when the run ends. */
  connected(connection: OscTransport, session: ClientSession): void {
    this.connectionValue = connection;
    this.sessionValue = session;
    this.disposables.add({ dispose: () => connection.close('the server connection was closed') });
  }

  /** Something to undo when the run ends (undone newest first). */
  add<T extends Disposable>(item: T): T {
    if (this.disposed) {
      item.dispose();
      return item;
    }
    return this.disposables.add(item);
  }

  /** Runs `undo` when the run ends. */
  onEnd(undo: () => void): void {
    this.add({ dispose: undo });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.disposables.dispose();
  }
}
