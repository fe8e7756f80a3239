// WARDEN_INSTANCE_ID: the id an editor window gives its guard, so the window recognises that
// guard's alerts (guard-server/config.ts).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../guard-server/config.ts';

describe('guard instance id from the environment', () => {
  it('unset: null (the guard makes a new id); set: used as is', () => {
    assert.equal(loadConfig({}).instanceId, null);
    assert.equal(loadConfig({ WARDEN_INSTANCE_ID: 'vscode-0a1b2c' }).instanceId, 'vscode-0a1b2c');
  });

  it('an id that could not name a journal file is a config error that says the rule', () => {
    for (const bad of ['a.b', '../x', 'x'.repeat(65), 'has space']) {
      assert.throws(
        () => loadConfig({ WARDEN_INSTANCE_ID: bad }),
        (e: Error) => e instanceof ConfigError && /WARDEN_INSTANCE_ID must be 1 to 64/.test(e.message),
        bad,
      );
    }
  });
});
