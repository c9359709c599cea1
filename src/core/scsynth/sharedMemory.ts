// scsynth's 8 MB shared memory file (/dev/shm/SuperColliderServer_<port>, for sclang's scope):
// scsynth removes it on a clean quit, not when it is killed, fails to boot or is terminated.
// Every scsynth this program starts is written down (pid and port) in a ledger folder as it
// starts; once it has exited its file is removed, and a later start removes the files of
// those whose program was killed before it could (the extension host, say). A file is only
// removed when no live scsynth of the ledger has its port and nothing is bound to the port:
// another scsynth's file, and a file this program did not make, are never touched.
import * as dgram from 'node:dgram';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export function sharedMemoryFile(port: number): string {
  return `/dev/shm/SuperColliderServer_${port}`;
}

interface LedgerEntry {
  pid: number;
  port: number;
}

export class ScsynthLedger {
  constructor(readonly dir: string = path.join(tmpdir(), `sclive-scsynth-${process.getuid?.() ?? 'user'}`)) {}

  /** Writes down a scsynth this program just started (before it can make its file). */
  started(pid: number, port: number): void {
    if (process.platform !== 'linux') return;
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      writeFileSync(this.entryFile(pid), JSON.stringify({ pid, port }));
    } catch {
      // Without the ledger only the cleanup after a killed parent is lost.
    }
  }

  /** The scsynth `pid` has exited: its file goes (see the safety rules above), then its entry. */
  async exited(pid: number, port: number): Promise<boolean> {
    if (process.platform !== 'linux') return false;
    const removed = await this.removeFileIfUnused(port, pid);
    rmSync(this.entryFile(pid), { force: true });
    return removed;
  }

  /** The ports whose file was removed: those of written-down scsynths that are gone. */
  async sweep(): Promise<number[]> {
    if (process.platform !== 'linux') return [];
    const removed: number[] = [];
    for (const entry of this.entries()) {
      if (isScsynthAlive(entry.pid)) continue;
      if (await this.exited(entry.pid, entry.port)) removed.push(entry.port);
    }
    return removed;
  }

  private async removeFileIfUnused(port: number, exitedPid: number): Promise<boolean> {
    const file = sharedMemoryFile(port);
    if (!existsSync(file)) return false;
    if (this.entries().some((entry) => entry.port === port && entry.pid !== exitedPid && isScsynthAlive(entry.pid))) return false;
    if (await isUdpPortBound(port)) return false;
    rmSync(file, { force: true });
    return true;
  }

  private entries(): LedgerEntry[] {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return [];
    }
    const entries: LedgerEntry[] = [];
    for (const name of names) {
      if (!name.endsWith('.json')) continue;
      try {
        const entry = JSON.parse(readFileSync(path.join(this.dir, name), 'utf8')) as LedgerEntry;
        if (Number.isInteger(entry.pid) && Number.isInteger(entry.port)) entries.push(entry);
      } catch {
        // half written by a start at this moment: read at the next sweep
      }
    }
    return entries;
  }

  private entryFile(pid: number): string {
    return path.join(this.dir, `${pid}.json`);
  }
}

/** A live process with this pid that is a server (not another program that got the pid since). */
function isScsynthAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // A zombie (exited, not yet reaped) holds no memory any more.
    if (/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))) return false;
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    // An empty command line is a process starting: count it as a server.
    return command === '' || /scsynth|supernova/.test(command);
  } catch {
    return true;
  }
}

/** Whether anything is bound to this UDP port on any address. */
async function isUdpPortBound(port: number): Promise<boolean> {
  const socket = dgram.createSocket('udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind({ port, address: '0.0.0.0', exclusive: true }, () => resolve());
    });
    return false;
  } catch {
    return true;
  } finally {
    socket.close();
  }
}
