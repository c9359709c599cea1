// What an exit of scsynth that nobody here asked for means: a crash, a dead audio driver, or
// another client's /quit.
import { rmSync } from 'node:fs';
import type { ProcessExit } from './scsynthProcess';

/** What scsynth prints when its audio driver goes away under it (it then exits with code 0). */
const AUDIO_DRIVER_DIED = /killed by jack|jack server (is )?not running|zombified|JackAudioDriver.*(shut ?down|quit)|jack_client_thread.*(exit|zombie)/i;

export type UnexpectedExit =
  | { kind: 'audioDriver'; reason: string; driverLine: string }
  | { kind: 'quitByOtherClient'; reason: string }
  | { kind: 'crash'; reason: string };

export function classifyExit(exit: ProcessExit): UnexpectedExit {
  const driverLine = exit.lastLines.find((line) => AUDIO_DRIVER_DIED.test(line))?.trim();
  // scsynth exits cleanly (code 0) when JACK goes away under it: that is no quit.
  if (driverLine) return { kind: 'audioDriver', driverLine, reason: `the audio driver (JACK) stopped under scsynth ("${driverLine}")` };
  // Another client (e.g. sclang's s.quit) sent /quit: a clean stop, not a crash.
  if (exit.code === 0 && !exit.signal) return { kind: 'quitByOtherClient', reason: 'scsynth quit, asked by another client' };
  return { kind: 'crash', reason: `scsynth ${exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`}` };
}

/**
 * scsynth keeps an 8 MB shared memory segment per server (named after its port, for sclang's
 * scope) and removes it when it quits; one killed by a signal, or whose JACK died, leaves it
 * behind in /dev/shm. Removed once a process this program started has exited (it is garbage then).
 */
export function removeSharedMemoryOf(port: number): void {
  if (process.platform !== 'linux') return;
  try {
    rmSync(`/dev/shm/SuperColliderServer_${port}`, { force: true });
  } catch {
    // not ours to worry about further
  }
}
