import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { KEPT_SYNTH_TREE_CONTEXT } from '../../src/core/server/keptSynths';
import { SCServer } from '../../src/core/server/scServer';

const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8'));

describe('kept synths in the Node Tree', () => {
  it('labels every keeper a server registers as kept, each with a row of its own (not "synth")', () => {
    const server = new SCServer();
    try {
      const keepers = server.keptSynths.keepers;
      const labels: string[] = [];
      keepers.forEach((keeper, index) => {
        const nodeId = 67_110_000 + index;
        assert.equal(server.keptSynths.treeRow(nodeId), undefined, `${nodeId} is not kept before ${keeper.what} holds it`);
        // As if the keeper had its synth on the server: the registry is what the tree and the counts ask.
        Object.defineProperty(keeper, 'synthIds', { value: [nodeId], configurable: true });
        const row = server.keptSynths.treeRow(nodeId);
        assert.ok(row, `${keeper.what} has no Node Tree row`);
        assert.ok(row.label && row.label !== 'synth' && row.icon && row.tooltip, `${keeper.what}: ${JSON.stringify(row)}`);
        assert.ok(server.ownSynthIds.includes(nodeId), `${keeper.what}'s synth is not counted as this client's own`);
        labels.push(row.label);
      });
      assert.equal(new Set(labels).size, labels.length, `each keeper a label of its own: ${labels.join(', ')}`);
      for (const label of ['volume', 'meter', 'proxy meter', 'scope', 'recording']) assert.ok(labels.includes(label), `${label} is among ${labels.join(', ')}`);
    } finally {
      server.dispose();
    }
  });

  it('offers no Free, Pause or other node menu on a kept synth\'s row', () => {
    const menus = manifest.contributes.menus['view/item/context'] as Array<{ command: string; when: string }>;
    const treeMenus = menus.filter((menu) => /view == sclive\.nodeTree/.test(menu.when));
    assert.ok(treeMenus.length >= 5, `${treeMenus.length} Node Tree menus`);
    for (const menu of treeMenus) {
      const pattern = /viewItem =~ \/(.+?)\/(?:\s|$)/.exec(menu.when)?.[1];
      const equals = /viewItem == ([\w.]+)/.exec(menu.when)?.[1];
      assert.ok(pattern !== undefined || equals !== undefined, `${menu.command}: ${menu.when}`);
      const matches = pattern !== undefined ? new RegExp(pattern.replace(/\\\\/g, '\\')).test(KEPT_SYNTH_TREE_CONTEXT) : equals === KEPT_SYNTH_TREE_CONTEXT;
      assert.equal(matches, false, `${menu.command} is offered on a kept synth (${menu.when})`);
    }
  });
});
