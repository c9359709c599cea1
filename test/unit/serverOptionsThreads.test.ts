import { strict as assert } from 'node:assert';
import { InvalidServerOptionError, ServerOptions } from '../../src/core/scsynth/serverOptions';

describe('ServerOptions threads (supernova -T)', () => {
  it('passes -T to supernova, before the verbatim options', () => {
    const args = new ServerOptions({ program: 'supernova', threads: 4, otherOptions: ['-V', '-1'] }).toArgs();
    assert.deepEqual(args.slice(-4), ['-T', '4', '-V', '-1']);
  });

  it('leaves -T out when threads is not set (supernova picks 2)', () => {
    assert.ok(!new ServerOptions({ program: 'supernova' }).toArgs().includes('-T'));
  });

  it('refuses threads for scsynth, which stops at -T ("Invalid option -T")', () => {
    assert.throws(() => new ServerOptions({ threads: 2 }), (error: Error) =>
      error instanceof InvalidServerOptionError && /only supernova takes a thread count \(-T\); set program to "supernova"/.test(error.message));
  });

  it('refuses a thread count that is not a whole number from 1 to 256', () => {
    for (const threads of [0, -1, 2.5, 257]) {
      assert.throws(() => new ServerOptions({ program: 'supernova', threads }), /Invalid server option threads/);
    }
  });

  it('keeps threads through with()', () => {
    assert.equal(new ServerOptions({ program: 'supernova', threads: 3 }).with({ udpPort: 57120 }).threads, 3);
  });
});
