// Volume and mute for everything the server outputs: a volume synth after all client groups.
import { AddAction, nodeSet, synthNew } from '../scsynth/scsynthCommands';
import type { OscMessage } from '../osc/oscCodec';

export const MIN_VOLUME_DB = -90;
export const MAX_VOLUME_DB = 6;
export const VOLUME_LAG_SECONDS = 0.1;

export function clipVolume(dB: number): number {
  if (Number.isNaN(dB)) throw new RangeError('volume must be a number of dB');
  return Math.min(MAX_VOLUME_DB, Math.max(MIN_VOLUME_DB, dB));
}

export function dbToAmp(dB: number): number {
  return 10 ** (dB / 20);
}

/** The amplitude the volume synth applies: 0 when muted, else dbamp(dB). */
export function volumeAmp(dB: number, muted: boolean): number {
  return muted ? 0 : dbToAmp(clipVolume(dB));
}

/**
 * Splits `numChannels` output buses into runs covered by the shipped 8, 4, 2 and 1 channel
 * volume synths, so no synth scales a bus beyond the outputs (e.g. 3 -> 2ch at 0, 1ch at 2).
 */
export function volumeSynthLayout(numChannels: number, firstBus = 0): Array<{ defName: string; bus: number; channels: number }> {
  const layout: Array<{ defName: string; bus: number; channels: number }> = [];
  let bus = firstBus;
  let remaining = numChannels;
  for (const channels of [8, 4, 2, 1]) {
    while (remaining >= channels) {
      layout.push({ defName: `sclive_volume_${channels}ch`, bus, channels });
      bus += channels;
      remaining -= channels;
    }
  }
  return layout;
}

/** Messages that create the volume synths at `place` (by default the tail of the root group). */
export function volumeSynthMessages(
  nodeIds: readonly number[],
  numChannels: number,
  amp: number,
  place: { addAction: AddAction; target: number } = { addAction: AddAction.tail, target: 0 },
): OscMessage[] {
  return volumeSynthLayout(numChannels).map(({ defName, bus }, index) =>
    synthNew(defName, nodeIds[index], place.addAction, place.target, { bus, volumeAmp: amp, volumeLag: VOLUME_LAG_SECONDS }),
  );
}

export function volumeSetMessages(nodeIds: readonly number[], amp: number): OscMessage[] {
  return nodeIds.map((id) => nodeSet(id, { volumeAmp: amp }));
}

/** Releasing the gate fades the volume synth out and frees it (doneAction 2). */
export function volumeReleaseMessages(nodeIds: readonly number[]): OscMessage[] {
  return nodeIds.map((id) => nodeSet(id, { gate: 0 }));
}
