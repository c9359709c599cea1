// OSC time tags are NTP timestamps: seconds since 1900 and a 32-bit fraction.

export interface TimeTag {
  seconds: number;
  fraction: number;
}

const SECONDS_1900_TO_1970 = 2_208_988_800;
const TWO_POW_32 = 4_294_967_296;

/** The special time tag meaning "now": the bundle is executed as soon as it arrives. */
export const IMMEDIATELY: Readonly<TimeTag> = Object.freeze({ seconds: 0, fraction: 1 });

export function timeTagFromUnixMs(unixMs: number): TimeTag {
  const unixSeconds = unixMs / 1000;
  let seconds = Math.floor(unixSeconds);
  let fraction = Math.round((unixSeconds - seconds) * TWO_POW_32);
  if (fraction >= TWO_POW_32) {
    seconds += 1;
    fraction -= TWO_POW_32;
  }
  return { seconds: seconds + SECONDS_1900_TO_1970, fraction };
}

export function unixMsFromTimeTag(tag: TimeTag): number {
  return (tag.seconds - SECONDS_1900_TO_1970 + tag.fraction / TWO_POW_32) * 1000;
}

export function isImmediate(tag: TimeTag): boolean {
  return tag.seconds === 0 && tag.fraction === 1;
}
