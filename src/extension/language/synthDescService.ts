// The controls of the SynthDefs the running sclang knows (its SynthDescLib), for completion:
// answered from what was read last, never waiting for sclang; read again in the background
// when asked and older than a moment (after an evaluation added a SynthDef), only while sclang
// runs and is idle, and dropped when sclang compiles anew.
import * as vscode from 'vscode';
import { parseSynthDescs, SYNTH_DESC_QUERY } from '../../core';
import type { SynthControl } from '../../core';
import type { SclangController } from '../sclang/sclangController';

/** How old the last reading may be before a request reads again (in the background). */
const FRESH_MS = 1500;

export class SynthDescService implements vscode.Disposable {
  private descs = new Map<string, SynthControl[]>();
  private readAt = -Infinity;
  private reading: Promise<void> | undefined;
  private readonly subscription: { dispose(): void };

  constructor(private readonly sclang: SclangController) {
    this.subscription = sclang.onDidCompile(() => {
      this.descs = new Map();
      this.readAt = -Infinity;
    });
  }

  /** The controls of `name` as sclang last said; a fresh reading starts when this one is old. */
  controls(name: string): SynthControl[] | undefined {
    if (Date.now() - this.readAt > FRESH_MS) void this.refresh();
    return this.descs.get(name);
  }

  /** Reads the SynthDescLib now if sclang is idle (one reading at a time). */
  refresh(): Promise<void> {
    this.reading ??= (async () => {
      try {
        const result = await this.sclang.queryIfIdle(SYNTH_DESC_QUERY);
        if (result?.status === 'ok' && result.result !== undefined) {
          this.descs = parseSynthDescs(result.result);
          this.readAt = Date.now();
        }
      } catch {
        // sclang busy past the timeout or gone: the last reading stays.
      } finally {
        this.reading = undefined;
      }
    })();
    return this.reading;
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
