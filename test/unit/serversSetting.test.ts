// The sclive.servers setting as package.json declares it: restricted, and its schema in step
// with what the parser takes (src/core/server/serverList.ts).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ServerOptions } from '../../src/core/scsynth/serverOptions';
import { INHERITED_FIELDS, parseServerList } from '../../src/core/server/serverList';

const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8'));
interface ServersItems {
  properties: Record<string, { enum?: string[] }>;
  required: string[];
  additionalProperties: boolean;
  defaultSnippets: Array<{ body: Record<string, string> }>;
}
interface SettingSchema {
  type: unknown;
  items?: ServersItems;
  scope?: string;
  markdownDescription?: string;
}
const properties = manifest.contributes.configuration.properties as Record<string, SettingSchema>;

describe('package.json: sclive.servers', () => {
  const setting = properties['sclive.servers'];

  it('is declared, window-scoped, says what a change does (no longer "not used yet"), and restricted in untrusted workspaces (sclive.server.threads too)', () => {
    assert.ok(setting);
    assert.equal(setting.type, 'array');
    assert.equal(setting.scope, 'window');
    assert.doesNotMatch(setting.markdownDescription ?? '', /not used yet/i);
    assert.match(setting.markdownDescription ?? '', /servers no longer listed are quit if they were started here, else let go/);
    const restricted: string[] = manifest.capabilities.untrustedWorkspaces.restrictedConfigurations;
    assert.ok(restricted.includes('sclive.servers'));
    assert.ok(restricted.includes('sclive.server.threads'));
  });

  it('offers exactly the fields the parser takes, with the same programs and protocols', () => {
    const items = setting.items!;
    assert.deepEqual(items.required, ['name']);
    assert.equal(items.additionalProperties, false);
    const defaults = { options: new ServerOptions(), env: {} };
    for (const field of Object.keys(items.properties)) {
      // A field the parser did not know would come back as "unknown field".
      const entry = field === 'host' || field === 'protocol' ? { name: 'x', host: 'h', udpPort: 57111, [field]: field === 'protocol' ? 'tcp' : 'h' } : { name: 'x', udpPort: 57111 };
      const { errors } = parseServerList([{ ...entry, [field]: (entry as Record<string, unknown>)[field] ?? null }], defaults);
      assert.ok(errors.every((error) => !/unknown field/.test(error.message)), `${field}: ${errors.map((error) => error.message).join('; ')}`);
    }
    assert.deepEqual(items.properties.program.enum, ['scsynth', 'supernova']);
    assert.deepEqual(items.properties.protocol.enum, ['udp', 'tcp']);
  });

  it('has snippets for a local and a remote server that the parser takes once filled in', () => {
    const bodies = setting.items!.defaultSnippets.map((snippet) => snippet.body);
    const filled = bodies.map((body) => Object.fromEntries(Object.entries(body).map(([key, value]) => {
      const choice = /\$\{\d+\|([^,|]+)/.exec(value)?.[1];
      const placeholder = /\$\{\d+:([^}]+)\}/.exec(value)?.[1];
      const text = choice ?? placeholder ?? value;
      return [key, value.startsWith('^') ? Number(text) : text];
    })));
    const { servers, errors } = parseServerList(filled, { options: new ServerOptions(), env: {} });
    assert.deepEqual(errors, []);
    assert.deepEqual(servers.map((server) => server.kind), ['local', 'remote']);
  });

  it('every option a declared server inherits is a sclive.server.* setting (a change of it reloads the list), its port, program and threads not among them', () => {
    for (const field of INHERITED_FIELDS) assert.ok(properties[`sclive.server.${field}`], `sclive.server.${field} is declared`);
    for (const own of ['udpPort', 'program', 'threads']) assert.ok(!(INHERITED_FIELDS as readonly string[]).includes(own), `${own} is the entry's own`);
    assert.match(setting.markdownDescription ?? '', /keeps running and takes them at its next boot \(\*\*Reboot This Server\*\*/);
  });
});
