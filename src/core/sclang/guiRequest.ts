// What sclang's GUI calls ask of the editor (sclang/SuperColliderLive, the `<<sclive:gui:JSON>>`
// lines): show the Scope, the Meters, the Node Tree, or a plot.

export interface PlotChannel {
  /** How many values the signal had (more than `values` when sclang thinned it to each stretch's low and high). */
  size: number;
  /** The values (null where sclang had nan or inf). */
  values: Array<number | null>;
}

export type GuiRequest =
  | { kind: 'scope'; mode: 'wave' | 'spectrum'; bus: number; channels?: number }
  | { kind: 'meter' }
  | { kind: 'nodeTree' }
  | { kind: 'proxies' }
  | { kind: 'plot'; name: string; channels: PlotChannel[]; domain?: [number, number, string]; min?: number; max?: number };

/** What Qt's offscreen platform prints for each window sclang shows (`.front`) where there is no display. */
export function isNoDisplayLine(line: string): boolean {
  return /^This plugin does not support [A-Za-z]+\(\)$/.test(line);
}

/**
 * Qt's no-display lines of one sclang run become one line that says what it means: `post` for
 * the first (the text to post instead), `drop` for the next ones, `keep` for every other line.
 */
export class NoDisplayLines {
  private told = false;

  static readonly NOTICE = "[sclive] sclang has no display here, so its own windows (Window and other GUI classes) are not shown. s.scope, s.freqscope, s.meter, s.plotTree and .plot open the editor's views instead.";

  /** A new sclang run: its first such line is explained again. */
  reset(): void {
    this.told = false;
  }

  filter(line: string): 'keep' | 'drop' | { post: string } {
    if (!isNoDisplayLine(line)) return 'keep';
    if (this.told) return 'drop';
    this.told = true;
    return { post: NoDisplayLines.NOTICE };
  }
}

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** The request in one such line's JSON; an error names what is wrong with it. */
export function parseGuiRequest(json: string): GuiRequest {
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(json) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`sclang sent a GUI request that is not JSON (${(error as Error).message})`, { cause: error });
  }
  if (!data || typeof data !== 'object') throw new Error('sclang sent a GUI request that is not an object');
  switch (data.kind) {
    case 'scope': {
      const mode = data.mode === 'spectrum' ? 'spectrum' : 'wave';
      const bus = isNumber(data.bus) && data.bus >= 0 ? Math.floor(data.bus) : 0;
      return { kind: 'scope', mode, bus, ...(isNumber(data.channels) && data.channels >= 1 ? { channels: Math.floor(data.channels) } : {}) };
    }
    case 'meter':
    case 'nodeTree':
    case 'proxies':
      return { kind: data.kind };
    case 'plot': {
      if (!Array.isArray(data.channels)) throw new Error('sclang sent a plot without channels');
      const channels = data.channels.map((channel: unknown, i) => {
        const c = channel as { size?: unknown; values?: unknown };
        if (!Array.isArray(c?.values) || c.values.some((v) => v !== null && !isNumber(v))) throw new Error(`sclang sent a plot whose channel ${i + 1} is not a list of numbers`);
        return { size: isNumber(c.size) ? c.size : c.values.length, values: c.values as Array<number | null> };
      });
      const d = data.domain;
      const domain = Array.isArray(d) && isNumber(d[0]) && isNumber(d[1]) ? [d[0], d[1], typeof d[2] === 'string' ? d[2] : ''] as [number, number, string] : undefined;
      return {
        kind: 'plot',
        name: typeof data.name === 'string' ? data.name : 'Plot',
        channels,
        ...(domain ? { domain } : {}),
        ...(isNumber(data.min) ? { min: data.min } : {}),
        ...(isNumber(data.max) ? { max: data.max } : {}),
      };
    }
    default:
      throw new Error(`sclang sent a GUI request of an unknown kind (${String(data.kind)})`);
  }
}

/** The range a plot's values are drawn in: the given bounds, else the values' own (a flat line gets ±1 around it). */
export function plotRange(channels: PlotChannel[], min?: number, max?: number): [number, number] {
  let low = Infinity;
  let high = -Infinity;
  for (const channel of channels) {
    for (const v of channel.values) {
      if (v === null) continue;
      if (v < low) low = v;
      if (v > high) high = v;
    }
  }
  if (low === Infinity) [low, high] = [-1, 1];
  if (low === high) [low, high] = [low - 1, high + 1];
  return [min ?? low, max ?? high];
}

/** A plot in words (for screen readers, and what the tests read). */
export function describePlot(plot: Extract<GuiRequest, { kind: 'plot' }>): string {
  const [low, high] = plotRange(plot.channels);
  const sizes = plot.channels.map((c) => c.size.toLocaleString('en-US'));
  const counted = plot.channels.length === 1 ? `${sizes[0]} values` : `${plot.channels.length} channels of ${sizes.join(', ')} values`;
  const round = (v: number) => Number(v.toPrecision(4));
  const domain = plot.domain ? `, over ${round(plot.domain[0])} to ${round(plot.domain[1])}${plot.domain[2] ? ` ${plot.domain[2]}` : ''}` : '';
  return `${plot.name}: ${counted}${domain}, from ${round(low)} to ${round(high)}`;
}
