import { strict as assert } from 'node:assert';
import { ServerOptions } from '../../src/core/scsynth/serverOptions';
import { LocalServerEntry, RemoteServerEntry, ServerListError, parseServerList } from '../../src/core/server/serverList';

const defaults = {
  options: new ServerOptions({ udpPort: 57110, maxLogins: 8, numOutputBuses: 4, memSize: 65536, bindAddress: '127.0.0.1' }),
  env: { JACK_DEFAULT_SERVER: 'studio' },
};

/** The messages of what was refused, in order. */
function errorsOf(raw: unknown): string[] {
  return parseServerList(raw, defaults).errors.map((error) => error.message);
}

/** Asserts one error, for entry `index`, naming `field`, whose message matches `text`. */
function assertOneError(raw: unknown, index: number | undefined, field: string | undefined, text: RegExp): ServerListError {
  const { errors } = parseServerList(raw, defaults);
  assert.equal(errors.length, 1, errors.map((error) => error.message).join('\n'));
  const [error] = errors;
  assert.equal(error.index, index);
  assert.equal(error.field, field);
  assert.match(error.message, text);
  return error;
}

describe('the server list (sclive.servers)', () => {
  describe('good input', () => {
    it('is empty when unset', () => {
      assert.deepEqual(parseServerList(undefined, defaults), { servers: [], errors: [] });
      assert.deepEqual(parseServerList([], defaults), { servers: [], errors: [] });
    });

    it('reads the issue\'s local and remote entries, with defaults from the default server', () => {
      const { servers, errors } = parseServerList([
        { name: 'drums', program: 'scsynth', udpPort: 57111 },
        { name: 'pads', program: 'supernova', udpPort: 57112, threads: 4, maxLogins: 4 },
        { name: 'pi', host: 'pi.local', udpPort: 57110, protocol: 'tcp' },
        { name: 'laptop', host: '192.168.1.20', udpPort: 57110 },
      ], defaults);
      assert.deepEqual(errors, []);
      assert.deepEqual(servers.map((server) => [server.kind, server.name]), [['local', 'drums'], ['local', 'pads'], ['remote', 'pi'], ['remote', 'laptop']]);
      const drums = servers[0] as LocalServerEntry;
      assert.equal(drums.program, 'scsynth');
      assert.equal(drums.options.udpPort, 57111);
      assert.equal(drums.options.maxLogins, 8, 'from the default server');
      assert.equal(drums.options.numOutputBuses, 4, 'from the default server');
      assert.equal(drums.options.memSize, 65536, 'from the default server');
      assert.deepEqual(drums.env, { JACK_DEFAULT_SERVER: 'studio' });
      assert.deepEqual(drums.options.toArgs().slice(0, 4), ['-u', '57111', '-l', '8']);
      const pads = servers[1] as LocalServerEntry;
      assert.equal(pads.options.program, 'supernova');
      assert.equal(pads.options.maxLogins, 4, 'its own');
      assert.deepEqual(pads.options.toArgs().slice(-2), ['-T', '4']);
      assert.deepEqual(servers[2], { kind: 'remote', name: 'pi', host: 'pi.local', port: 57110, protocol: 'tcp' } satisfies RemoteServerEntry);
      assert.equal((servers[3] as RemoteServerEntry).protocol, 'udp', 'UDP by default');
    });

    it('takes scsynth when no program is named, treats empty fields as unset, and merges env over the default server\'s', () => {
      const [entry] = parseServerList([{ name: 'bass', udpPort: 57120, memSize: null, hardwareInputDevice: '', env: { EXTRA: '1' } }], defaults).servers as LocalServerEntry[];
      assert.equal(entry.program, 'scsynth');
      assert.equal(entry.options.memSize, 65536);
      assert.equal(entry.options.hardwareInputDevice, undefined);
      assert.deepEqual(entry.env, { JACK_DEFAULT_SERVER: 'studio', EXTRA: '1' });
    });

    it('does not give a scsynth entry the thread count of a supernova default server', () => {
      const supernovaDefaults = { options: new ServerOptions({ program: 'supernova', threads: 3 }), env: {} };
      const { servers, errors } = parseServerList([{ name: 'drums', program: 'scsynth', udpPort: 57111 }, { name: 'pads', program: 'supernova', udpPort: 57112 }], supernovaDefaults);
      assert.deepEqual(errors, []);
      assert.equal((servers[0] as LocalServerEntry).options.threads, undefined);
      assert.equal((servers[1] as LocalServerEntry).options.threads, undefined, 'supernova\'s own default then');
    });

    it('allows a TCP remote on this machine at the default server\'s port number (another port space)', () => {
      const { servers, errors } = parseServerList([{ name: 'tcp-here', host: '127.0.0.1', udpPort: 57110, protocol: 'tcp' }], defaults);
      assert.deepEqual(errors, []);
      assert.equal(servers.length, 1);
    });
  });

  describe('bad input: a clear error, and the good entries kept', () => {
    it('refuses a value that is not a list', () => {
      assertOneError({ name: 'drums' }, undefined, undefined, /^servers: must be a list of servers, e\.g\. \[\{ "name": "drums".*; it is an object$/);
      assertOneError('drums', undefined, undefined, /it is "drums"$/);
    });

    it('refuses an entry that is not an object, and keeps the others', () => {
      const { servers, errors } = parseServerList([57111, { name: 'drums', udpPort: 57111 }], defaults);
      assert.deepEqual(servers.map((server) => server.name), ['drums']);
      assert.equal(errors.length, 1);
      assert.match(errors[0].message, /^servers\[0\]: each server is an object such as \{ "name": "drums", "udpPort": 57112 \}; this one is 57111$/);
    });

    it('asks for a name', () => {
      assertOneError([{ udpPort: 57111 }], 0, 'name', /servers\[0\]: needs a "name" \(it labels the server/);
      assertOneError([{ name: '  ', udpPort: 57111 }], 0, 'name', /"name" must be a non-empty string; it is " {2}"/);
    });

    it('refuses a name used twice (case aside), at the second, keeping the first', () => {
      const { servers } = parseServerList([{ name: 'Drums', udpPort: 57111 }, { name: 'drums', udpPort: 57112 }], defaults);
      assert.deepEqual(servers.map((server) => server.name), ['Drums']);
      assertOneError([{ name: 'Drums', udpPort: 57111 }, { name: 'drums', udpPort: 57112 }], 1, 'name',
        /^servers\[1\] \("drums"\): the name is used by servers\[0\] already; give each server its own name/);
    });

    it('keeps the name "default" for the default server', () => {
      assertOneError([{ name: 'Default', udpPort: 57111 }], 0, 'name', /the name "default" is the default server's; choose another/);
    });

    it('refuses a local port taken twice, suggesting a free one', () => {
      assertOneError([{ name: 'drums', udpPort: 57111 }, { name: 'bass', udpPort: 57111, program: 'supernova' }], 1, 'udpPort',
        /^servers\[1\] \("bass"\): udpPort 57111 is taken by servers\[0\] \("drums"\) already; give each server its own port, e\.g\. 57112$/);
    });

    it('refuses the default server\'s port, for a local entry and for a UDP "remote" on this machine', () => {
      assertOneError([{ name: 'drums', udpPort: 57110 }], 0, 'udpPort', /udpPort 57110 is the default server's; give this server its own port, e\.g\. 57111/);
      assertOneError([{ name: 'self', host: 'localhost', udpPort: 57110 }], 0, 'udpPort', /port 57110 \(UDP on localhost\) is the default server's/);
    });

    it('refuses a remote on this machine at a local entry\'s port', () => {
      assertOneError([{ name: 'drums', udpPort: 57111 }, { name: 'again', host: '127.0.0.1', udpPort: 57111 }], 1, 'udpPort', /taken by servers\[0\] \("drums"\)/);
    });

    it('refuses the same remote twice', () => {
      assertOneError([{ name: 'pi', host: 'pi.local', udpPort: 57110 }, { name: 'pi2', host: 'PI.local', udpPort: 57110 }], 1, 'udpPort', /port 57110 \(UDP on PI\.local\) is taken by servers\[0\] \("pi"\)/);
    });

    it('names an unknown program and the two it takes', () => {
      assertOneError([{ name: 'drums', program: 'scsynt', udpPort: 57111 }], 0, 'program', /unknown program "scsynt"; use "scsynth" or "supernova"/);
    });

    it('asks a local server for its own port', () => {
      assertOneError([{ name: 'drums' }], 0, 'udpPort', /needs a "udpPort" of its own \(the default server has 57110\), e\.g\. "udpPort": 57111/);
    });

    it('passes on what ServerOptions refuses, naming the entry and the field', () => {
      assertOneError([{ name: 'drums', udpPort: 70000 }], 0, 'udpPort', /^servers\[0\] \("drums"\): "udpPort": 70000 is not allowed; use an integer from 1 to 65535$/);
      assertOneError([{ name: 'drums', udpPort: 57111, threads: 2 }], 0, 'threads', /only supernova takes a thread count/);
      assertOneError([{ name: 'drums', udpPort: 57111, maxLogins: 99 }], 0, 'maxLogins', /"maxLogins": 99 is not allowed/);
    });

    it('refuses TCP for a local server', () => {
      assertOneError([{ name: 'drums', udpPort: 57111, protocol: 'tcp' }], 0, 'protocol', /a local server \(no "host"\) is reached over UDP; "protocol": "tcp" is for remote servers: add "host", or remove "protocol"/);
    });

    it('refuses a remote entry without a usable host or port, or with an unknown protocol', () => {
      assertOneError([{ name: 'pi', host: '', udpPort: 57110 }], 0, 'host', /"host" must be a host name or an IP address/);
      assertOneError([{ name: 'pi', host: 'pi.local' }], 0, 'udpPort', /needs "udpPort", the port the server listens on \(-u, or -t with "protocol": "tcp"\)/);
      assertOneError([{ name: 'pi', host: 'pi.local', udpPort: '57110' }], 0, 'udpPort', /"udpPort" "57110" is not allowed; use an integer from 1 to 65535/);
      assertOneError([{ name: 'pi', host: 'pi.local', udpPort: 57110, protocol: 'TCP' }], 0, 'protocol', /unknown protocol "TCP"; use "udp" \(the default\) or "tcp"/);
    });

    it('refuses options of a started server on a remote entry', () => {
      assertOneError([{ name: 'pi', host: 'pi.local', udpPort: 57110, program: 'supernova', maxLogins: 4 }], 0, 'program',
        /"program", "maxLogins" are options of a server this program starts, and this one is remote \(it has "host"\): remove them, or remove "host" to start it here/);
    });

    it('names an unknown field, with the field meant where it is a matter of case', () => {
      assertOneError([{ name: 'drums', udpport: 57111 }], 0, 'udpport', /unknown field "udpport" \(did you mean "udpPort"\?\)/);
      assertOneError([{ name: 'drums', udpPort: 57111, colour: 'red' }], 0, 'colour', /unknown field "colour"$/);
    });

    it('refuses an env that is not names and strings', () => {
      assertOneError([{ name: 'drums', udpPort: 57111, env: { A: 1 } }], 0, 'env', /the value of A in "env" must be a string; it is 1/);
      assertOneError([{ name: 'drums', udpPort: 57111, env: ['A=1'] }], 0, 'env', /"env" must be an object/);
    });

    it('reports every bad entry at once', () => {
      const errors = errorsOf([{ name: 'a' }, { name: 'b', udpPort: 57110 }, { name: 'c', udpPort: 57111 }, { name: 'c', udpPort: 57112 }]);
      assert.equal(errors.length, 3);
      assert.match(errors[0], /^servers\[0\]/);
      assert.match(errors[1], /^servers\[1\]/);
      assert.match(errors[2], /^servers\[3\]/);
    });
  });
});
