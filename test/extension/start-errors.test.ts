// The window whose guard could not start says why, once, with the fix: the built guard leaves
// its note, the extension's check turns it into one notification.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { GuardStartErrors, problemFor } from '../../extension/src/mcp/start-errors.ts';
import type { Problem } from '../../extension/src/mcp/preflight.ts';
import { GUARD, tempDir } from '../helpers/guard.ts';

describe('guard start errors in the editor', () => {
  it('a guard that exits on its config is explained once, in its own window, with the fix', () => {
    const dataDir = tempDir();
    const shown: Problem[] = [];
    const mine = new GuardStartErrors(
      () => dataDir,
      'vscode-mine',
      (p) => shown.push(p),
    );
    const other = new GuardStartErrors(
      () => dataDir,
      'vscode-other',
      () => assert.fail('another window must not show it'),
    );
    assert.equal(mine.check(), false, 'nothing before the guard starts');
    const r = spawnSync(process.execPath, [GUARD], {
      env: {
        PATH: process.env.PATH ?? '',
        WARDEN_DATA_DIR: dataDir,
        WARDEN_INSTANCE_ID: 'vscode-mine',
        WARDEN_SHOPIFY_STORE: 'not a shop!',
        WARDEN_SHOPIFY_TOKEN: 'shpat_00000000000000000000000000000000',
      },
      input: '',
      encoding: 'utf8',
    });
    assert.equal(r.status, 2, r.stderr);
    assert.equal(other.check(), false);
    assert.equal(mine.check(), true);
    assert.equal(mine.check(), false, 'shown once');
    assert.equal(shown.length, 1);
    assert.match(shown[0]!.message, /^Warden's guard could not start: WARDEN_SHOPIFY_STORE must be a shop name/);
    assert.equal(shown[0]!.fix?.command, 'warden.setShopifyCredentials');
    assert.ok(!shown[0]!.message.includes('shpat_0000'), 'no token in the notification');
  });

  it('picks the fix from the variable the guard names', () => {
    const note = (message: string) => problemFor({ instance_id: 'x', pid: 1, ts: 1, message });
    assert.equal(note('WARDEN_META_API_VERSION must look like v23.0').fix?.command, 'warden.setMetaToken');
    assert.equal(note('WARDEN_HTTP_CREDENTIALS is not valid JSON').fix?.command, 'warden.setHostCredentials');
    assert.equal(note('WARDEN_CLOUD_URL is set but …').fix?.command, 'warden.setCloudKey');
    assert.equal(note('WARDEN_POLICY must be monitor, confirm or block').fix?.command, 'workbench.action.openSettings');
  });
});
