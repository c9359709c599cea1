import { strict as assert } from 'node:assert';
import { InvalidServerOptionError, ServerOptions, ServerOptionsInit } from '../../src/core/scsynth/serverOptions';

const DEFAULT_ARGS = ['-u', '57110', '-l', '6', '-i', '2', '-o', '2', '-a', '1024', '-c', '4096', '-b', '1024', '-R', '0', '-B', '127.0.0.1'];

/** Asserts that `init` is rejected for `option`, with a message naming it and matching `allowed`. */
function assertInvalid(init: ServerOptionsInit, option: string, allowed: RegExp): void {
  assert.throws(
    () => new ServerOptions(init),
    (error: unknown) => {
      assert.ok(error instanceof InvalidServerOptionError, `expected InvalidServerOptionError, got ${String(error)}`);
      assert.equal(error.option, option);
      assert.match(error.message, new RegExp(option));
      assert.match(error.message, allowed);
      return true;
    },
  );
}

describe('ServerOptions', () => {
  describe('toArgs', () => {
    it('maps the defaults to the exact scsynth argv', () => {
      assert.deepEqual(new ServerOptions().toArgs(), DEFAULT_ARGS);
      assert.deepEqual(new ServerOptions({}).toArgs(), DEFAULT_ARGS);
    });

    it('maps every numeric option to its flag', () => {
      const options = new ServerOptions({
        udpPort: 57200,
        maxLogins: 8,
        numInputBuses: 4,
        numOutputBuses: 8,
        numAudioBuses: 2048,
        numControlBuses: 16384,
        numSampleBuffers: 4096,
        publishRendezvous: true,
        bindAddress: '0.0.0.0',
      });
      assert.deepEqual(options.toArgs(), [
        '-u', '57200', '-l', '8', '-i', '4', '-o', '8', '-a', '2048', '-c', '16384', '-b', '4096', '-R', '1', '-B', '0.0.0.0',
      ]);
    });

    it('adds -z, -Z and -S only when given', () => {
      assert.deepEqual(new ServerOptions({ blockSize: 128 }).toArgs(), [...DEFAULT_ARGS, '-z', '128']);
      assert.deepEqual(new ServerOptions({ hardwareBufferSize: 512 }).toArgs(), [...DEFAULT_ARGS, '-Z', '512']);
      assert.deepEqual(new ServerOptions({ hardwareSampleRate: 48000 }).toArgs(), [...DEFAULT_ARGS, '-S', '48000']);
      assert.deepEqual(new ServerOptions({ blockSize: 64, hardwareBufferSize: 256, hardwareSampleRate: 44100 }).toArgs(), [
        ...DEFAULT_ARGS, '-z', '64', '-Z', '256', '-S', '44100',
      ]);
    });

    it('adds -n, -d, -m and -w only when given, before -z', () => {
      assert.deepEqual(new ServerOptions({ maxNodes: 4096 }).toArgs(), [...DEFAULT_ARGS, '-n', '4096']);
      assert.deepEqual(new ServerOptions({ memSize: 65536, blockSize: 64 }).toArgs(), [...DEFAULT_ARGS, '-m', '65536', '-z', '64']);
      assert.deepEqual(new ServerOptions({ maxNodes: 2048, maxSynthDefs: 2048, memSize: 16384, numWireBufs: 128 }).toArgs(), [
        ...DEFAULT_ARGS, '-n', '2048', '-d', '2048', '-m', '16384', '-w', '128',
      ]);
    });

    it('passes -H input and output devices as separate argv entries', () => {
      assert.deepEqual(new ServerOptions({ hardwareInputDevice: 'Built-in Microphone', hardwareOutputDevice: 'Built-in Output' }).toArgs(), [
        ...DEFAULT_ARGS, '-H', 'Built-in Microphone', 'Built-in Output',
      ]);
      assert.deepEqual(new ServerOptions({ hardwareInputDevice: 'MOTU 828' }).toArgs(), [...DEFAULT_ARGS, '-H', 'MOTU 828']);
    });

    it('appends otherOptions verbatim, last', () => {
      const options = new ServerOptions({ blockSize: 32, otherOptions: ['-m', '65536', '-w', '  spaced  arg '] });
      assert.deepEqual(options.toArgs(), [...DEFAULT_ARGS, '-z', '32', '-m', '65536', '-w', '  spaced  arg ']);
    });

    it('does not share the otherOptions array with the caller', () => {
      const other = ['-m', '8192'];
      const options = new ServerOptions({ otherOptions: other });
      other.push('-D', '0');
      assert.deepEqual(options.toArgs(), [...DEFAULT_ARGS, '-m', '8192']);
    });
  });

  describe('derived bus numbers', () => {
    it('firstPrivateBus is outputs + inputs and numPrivateBuses the rest', () => {
      const defaults = new ServerOptions();
      assert.equal(defaults.firstPrivateBus, 4);
      assert.equal(defaults.numPrivateBuses, 1020);
      const options = new ServerOptions({ numInputBuses: 8, numOutputBuses: 2, numAudioBuses: 128 });
      assert.equal(options.firstPrivateBus, 10);
      assert.equal(options.numPrivateBuses, 118);
    });
  });

  describe('validation', () => {
    it('rejects udpPort 0, 70000 and 1.5, naming the range 1..65535', () => {
      for (const udpPort of [0, 70000, 1.5]) assertInvalid({ udpPort }, 'udpPort', /1 to 65535/);
    });

    it('accepts the udpPort limits 1 and 65535', () => {
      assert.equal(new ServerOptions({ udpPort: 1 }).udpPort, 1);
      assert.equal(new ServerOptions({ udpPort: 65535 }).udpPort, 65535);
    });

    it('rejects maxLogins 0 and 33, naming the range 1..32', () => {
      for (const maxLogins of [0, 33]) assertInvalid({ maxLogins }, 'maxLogins', /1 to 32/);
      assert.equal(new ServerOptions({ maxLogins: 32 }).maxLogins, 32);
    });

    it('rejects numAudioBuses smaller than inputs + outputs', () => {
      assertInvalid({ numInputBuses: 8, numOutputBuses: 8, numAudioBuses: 10 }, 'numAudioBuses', /at least numInputBuses \+ numOutputBuses \(16\)/);
      assert.equal(new ServerOptions({ numInputBuses: 8, numOutputBuses: 8, numAudioBuses: 16 }).numPrivateBuses, 0);
    });

    it('rejects a blockSize that is not a power of two', () => {
      assertInvalid({ blockSize: 48 }, 'blockSize', /not a power of two/);
      assertInvalid({ blockSize: 2048 }, 'blockSize', /1 to 1024/);
      assertInvalid({ blockSize: 0 }, 'blockSize', /1 to 1024/);
      assert.equal(new ServerOptions({ blockSize: 1 }).blockSize, 1);
      assert.equal(new ServerOptions({ blockSize: 1024 }).blockSize, 1024);
    });

    it('rejects a bindAddress that is not an IP address', () => {
      assertInvalid({ bindAddress: 'localhost' }, 'bindAddress', /not an IP address/);
      assertInvalid({ bindAddress: '127.0.0.1; rm -rf /' }, 'bindAddress', /not an IP address/);
      assertInvalid({ bindAddress: '' }, 'bindAddress', /not a non-empty string/);
      assert.equal(new ServerOptions({ bindAddress: '0.0.0.0' }).bindAddress, '0.0.0.0');
    });

    it('refuses an IPv6 bindAddress before scsynth is started (the client speaks IPv4), saying what to use', () => {
      assertInvalid({ bindAddress: '::1' }, 'bindAddress', /IPv6 address.*over IPv4; use 127\.0\.0\.1/);
    });

    it('rejects bindAddress values made only of hex digits, dots and colons that are not IP addresses', () => {
      for (const bindAddress of ['256.1.1.1', 'cafe', '...', '1.2.3']) assertInvalid({ bindAddress }, 'bindAddress', /not an IP address/);
    });

    it('rejects an output device without an input device', () => {
      assertInvalid({ hardwareOutputDevice: 'Built-in Output' }, 'hardwareOutputDevice', /needs hardwareInputDevice/);
    });

    it('rejects otherOptions that are not strings', () => {
      assertInvalid({ otherOptions: ['-m', 65536] as unknown as string[] }, 'otherOptions', /list of strings/);
      assertInvalid({ otherOptions: '-m 65536' as unknown as string[] }, 'otherOptions', /list of strings/);
    });

    it('rejects a program other than scsynth or supernova', () => {
      assertInvalid({ program: 'sclang' as unknown as 'scsynth' }, 'program', /neither "scsynth" nor "supernova"/);
      assert.equal(new ServerOptions({ program: 'supernova' }).program, 'supernova');
      assert.equal(new ServerOptions().program, 'scsynth');
    });

    it('rejects out-of-range maxNodes, maxSynthDefs, memSize and numWireBufs', () => {
      assertInvalid({ maxNodes: 0 }, 'maxNodes', /from 1 to/);
      assertInvalid({ maxSynthDefs: 1.5 }, 'maxSynthDefs', /from 1 to/);
      assertInvalid({ memSize: -1 }, 'memSize', /from 1 to/);
      assertInvalid({ numWireBufs: 1 << 17 }, 'numWireBufs', /from 1 to 65536/);
    });

    it('rejects non-boolean publishRendezvous', () => {
      assertInvalid({ publishRendezvous: 1 as unknown as boolean }, 'publishRendezvous', /true or false/);
    });
  });

  describe('with', () => {
    it('returns a changed copy and leaves the original alone', () => {
      const original = new ServerOptions({ udpPort: 57111, memSize: 8192, otherOptions: ['-D', '0'], hardwareInputDevice: 'in' });
      const changed = original.with({ maxLogins: 4 });
      assert.notEqual(changed, original);
      assert.equal(changed.maxLogins, 4);
      assert.equal(original.maxLogins, 6);
      assert.deepEqual(changed.toArgs(), [
        '-u', '57111', '-l', '4', '-i', '2', '-o', '2', '-a', '1024', '-c', '4096', '-b', '1024', '-R', '0', '-B', '127.0.0.1',
        '-m', '8192', '-H', 'in', '-D', '0',
      ]);
    });

    it('validates the changes again', () => {
      const original = new ServerOptions();
      assert.throws(() => original.with({ udpPort: 0 }), InvalidServerOptionError);
      assert.throws(() => original.with({ numAudioBuses: 3 }), InvalidServerOptionError);
      assert.throws(() => new ServerOptions({ numAudioBuses: 8 }).with({ numInputBuses: 8 }), /numAudioBuses/);
    });

    it('can clear an optional field with undefined', () => {
      const original = new ServerOptions({ blockSize: 128 });
      assert.deepEqual(original.with({ blockSize: undefined }).toArgs(), DEFAULT_ARGS);
    });
  });
});
