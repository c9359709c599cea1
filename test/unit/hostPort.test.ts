import { strict as assert } from 'node:assert';
import { parseHostPort, validateHostPort } from '../../src/core/server/hostPort';

describe('host:port', () => {
  it('accepts IPv4, names and bracketed IPv6 with a port', () => {
    assert.deepEqual(parseHostPort('127.0.0.1:57110'), { host: '127.0.0.1', port: 57110 });
    assert.deepEqual(parseHostPort(' studio.local:57120 '), { host: 'studio.local', port: 57120 });
    assert.deepEqual(parseHostPort('[::1]:57110'), { host: '::1', port: 57110 });
  });

  it('says what is wrong with anything else', () => {
    assert.match(validateHostPort('127.0.0.1')!, /host:port/);
    assert.match(validateHostPort('localhost:0')!, /1 to 65535/);
    assert.match(validateHostPort('localhost:70000')!, /1 to 65535/);
    assert.match(validateHostPort('a b:57110')!, /host:port/);
    assert.throws(() => parseHostPort('nope'), /host:port/);
  });
});
