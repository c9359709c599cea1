// Before a boot: is the port free, and if not, is it a scsynth that answers?
import * as dgram from 'node:dgram';
import { OscConnection } from '../osc/oscConnection';
import * as cmd from './scsynthCommands';
import { BootError } from './scsynthProcess';

/** True when something is bound to `port` on `address` (scsynth or any other program). */
export async function isUdpPortTaken(port: number, address: string): Promise<boolean> {
  const socket = dgram.createSocket('udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind({ port, address, exclusive: true }, () => resolve());
    });
    return false;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRNOTAVAIL') {
      // Refused before scsynth is started: it could not listen there either.
      throw new BootError(`scsynth cannot listen on the bind address ${address}: the system said "Cannot assign requested address" (no interface of this machine has it). Use 127.0.0.1 (this machine only), 0.0.0.0 (every interface) or an IPv4 address of this machine.`, [], 'address');
    }
    return code === 'EADDRINUSE';
  } finally {
    socket.close();
  }
}

/** True when a scsynth at host:port answers /status within `timeoutMs`. */
export async function answersStatus(host: string, port: number, timeoutMs: number): Promise<boolean> {
  const connection = new OscConnection({ host, port, timeoutMs });
  try {
    await connection.open();
    await connection.request(cmd.status(), timeoutMs);
    return true;
  } catch {
    return false;
  } finally {
    connection.close();
  }
}
