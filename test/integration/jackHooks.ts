// Mocha root hooks for the integration suite: one dummy JACK server for all tests, stopped by
// its pid at the end; every scsynth a test boots uses it through `jackEnv()`.
import { DummyJack, startDummyJack } from '../../tools/dummyJack';

let jack: DummyJack | undefined;

export function jackEnv(): NodeJS.ProcessEnv {
  if (!jack) throw new Error('the dummy JACK server is not running');
  return jack.env;
}

export function jackPeriodFrames(): number {
  return jack?.periodFrames ?? 0;
}

/** Cycles the dummy JACK server saw a client (scsynth: "SuperCollider") miss so far; each may drop a period of its input. */
export function jackXruns(client: string): number {
  return jack?.xrunsOf(client) ?? 0;
}

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(20_000);
    jack = await startDummyJack({ periodFrames: 256 });
  },
  async afterAll(this: Mocha.Context) {
    this.timeout(10_000);
    await jack?.stop();
    jack = undefined;
  },
};
