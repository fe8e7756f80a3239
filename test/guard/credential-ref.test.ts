// Credential references (file: and _COMMAND), resolved once at start: real files with real
// modes, real commands. Every error names the variable and the reason, never the secret.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig, loadGuardConfig } from '../../guard-server/config.ts';
import {
  CredentialRefError,
  readCredentialFile,
  resolveCredentialReferences,
  runCredentialCommand,
  splitCommand,
} from '../../guard-server/credential-ref.ts';
import { startShopifyStandin } from '../../devtools/standins/shopify.ts';
import { GUARD_ERRORS_DIR } from '../../store/guard-errors.ts';
import { GUARD, guardEnv, meta, startGuard, tempDir } from '../helpers/guard.ts';

const SECRET = 'k9-Zq7-unguessable-Vx2-secret'; // no token shape: the scrubber would not catch it
const POSIX = process.platform !== 'win32';

function keyFile(dir: string, content: string | Buffer, mode = 0o600, name = 'token'): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  chmodSync(path, mode);
  return path;
}

/** Runs fn, expects a CredentialRefError matching `why`, and checks the secret is not in it. */
async function refused(fn: () => unknown, why: RegExp): Promise<void> {
  await assert.rejects(
    async () => fn(),
    (e: Error) => {
      assert.ok(e instanceof CredentialRefError || e instanceof ConfigError, `${e.name}: ${e.message}`);
      assert.match(e.message, why);
      assert.ok(!e.message.includes(SECRET), e.message);
      return true;
    },
  );
}

const run = (line: string, timeoutMs = 5_000) =>
  runCredentialCommand('WARDEN_SHOPIFY_TOKEN_COMMAND', line, { timeoutMs, env: process.env });

describe('file: references', () => {
  it('read the file, trailing line breaks removed, from an absolute path or ~/', () => {
    const dir = tempDir();
    const path = keyFile(dir, `${SECRET}\n`);
    assert.equal(readCredentialFile('WARDEN_SHOPIFY_TOKEN', `file:${path}`), SECRET);
    keyFile(dir, `  ${SECRET} \r\n\r\n`, 0o400, 'spaces');
    assert.equal(readCredentialFile('WARDEN_SHOPIFY_TOKEN', 'file:~/spaces', dir), `  ${SECRET} `, 'spaces are the secret’s own');
  });

  it('refuse a file others may read or write, naming the mode and the fix', { skip: !POSIX }, async () => {
    const dir = tempDir();
    for (const mode of [0o644, 0o604, 0o620, 0o640, 0o602]) {
      const path = keyFile(dir, SECRET, mode);
      await refused(
        () => readCredentialFile('WARDEN_META_TOKEN', `file:${path}`),
        new RegExp(`WARDEN_META_TOKEN: .*mode ${mode.toString(8)}.*chmod 600`),
      );
    }
  });

  it('refuse what is not a usable key file', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'adir'), { mode: 0o700 });
    const cases: [string, RegExp][] = [
      [`file:${join(dir, 'missing')}`, /does not exist/],
      [`file:${join(dir, 'adir')}`, /not a regular file/],
      [`file:${keyFile(dir, '\n\n', 0o600, 'empty')}`, /is empty/],
      [`file:${keyFile(dir, 'x'.repeat(64 * 1024 + 1), 0o600, 'big')}`, /larger than 64 KiB/],
      [`file:${keyFile(dir, Buffer.from([0x61, 0xff, 0xfe, 0x62]), 0o600, 'binary')}`, /not UTF-8/],
      ['file:relative/token', /absolute path/],
    ];
    for (const [ref, why] of cases) await refused(() => readCredentialFile('WARDEN_SHOPIFY_TOKEN', ref, dir), why);
    assert.equal(readCredentialFile('X', `file:${keyFile(dir, 'y'.repeat(64 * 1024), 0o600, 'max')}`).length, 64 * 1024);
  });

  it('refuse a FIFO at once instead of blocking the start', { skip: !POSIX }, async () => {
    const dir = tempDir();
    const fifo = join(dir, 'fifo');
    assert.equal(spawnSync('mkfifo', ['-m', '600', fifo]).status, 0);
    await refused(() => readCredentialFile('WARDEN_SHOPIFY_TOKEN', `file:${fifo}`), /not a regular file/);
  });

  it("refuse another user's file", { skip: !POSIX || process.getuid?.() !== 0 }, async () => {
    const path = keyFile(tempDir(), SECRET);
    chownSync(path, 12345, 12345);
    await refused(() => readCredentialFile('WARDEN_SHOPIFY_TOKEN', `file:${path}`), /belongs to another user/);
  });
});

describe('_COMMAND references', () => {
  it('run the command without a shell and take its output', async () => {
    assert.equal(await run(`printf '%s\\n' ${SECRET}`), SECRET);
    assert.equal(await run(`printf "%s" 'two words'`), 'two words');
  });

  it('split words on spaces; quotes keep spaces; nothing else is special', () => {
    assert.deepEqual(splitCommand('V', `op read "op://Private/Shopify Admin/credential"`), [
      'op',
      'read',
      'op://Private/Shopify Admin/credential',
    ]);
    assert.deepEqual(splitCommand('V', `security find-generic-password -w -s 'warden shopify'`), [
      'security',
      'find-generic-password',
      '-w',
      '-s',
      'warden shopify',
    ]);
    assert.deepEqual(splitCommand('V', `C:\\Tools\\op.exe  $HOME "it's" ''`), ['C:\\Tools\\op.exe', '$HOME', "it's", '']);
    assert.throws(() => splitCommand('V', `op read "op://x`), /V: a " quote is not closed/);
    assert.throws(() => splitCommand('V', '   '), /V is empty/);
  });

  it('report a non-zero exit, a signal, a timeout, no output or a missing program by how it ended', async () => {
    await refused(() => run(`sh -c 'exit 3'`), /WARDEN_SHOPIFY_TOKEN_COMMAND: the command "sh" exited with code 3/);
    await refused(() => run(`sh -c 'kill -TERM $$'`), /was stopped by SIGTERM/);
    await refused(() => run('sleep 5', 200), /"sleep" did not finish within 200 ms \(WARDEN_CREDENTIAL_TIMEOUT_MS\)/);
    await refused(() => run(`printf ''`), /printed nothing/);
    await refused(() => run('warden-no-such-helper read x'), /"warden-no-such-helper" was not found; give its full path/);
  });

  // Without the group kill, the children keep the output pipe open and the start waits for them.
  it('a timeout stops the whole process group, not only the first process', { skip: !POSIX, timeout: 20_000 }, async () => {
    await refused(() => run(`sh -c 'sleep 119.5 & sleep 119.5; echo late'`, 200), /did not finish within 200 ms/);
    assert.notEqual(spawnSync('pgrep', ['-f', 'sleep 119.5']).status, 0, 'no child left running');
  });

  it('never show what the command printed, on stdout or stderr', async () => {
    await refused(() => run(`sh -c 'echo ${SECRET} >&2; echo ${SECRET}; exit 1'`), /exited with code 1; run it in a terminal/);
  });

  it('do not hand the other secrets to the command', async () => {
    const out = await runCredentialCommand('WARDEN_META_TOKEN_COMMAND', 'env', {
      timeoutMs: 5_000,
      env: { PATH: process.env.PATH, WARDEN_SHOPIFY_TOKEN: SECRET, WARDEN_CLOUD_SECRET_COMMAND: 'x', WARDEN_POLICY: 'block' },
    });
    assert.match(out, /WARDEN_POLICY=block/);
    assert.ok(!out.includes(SECRET) && !out.includes('WARDEN_CLOUD_SECRET_COMMAND'), out);
  });
});

describe('resolving the environment', () => {
  it('replaces references by values, keeps literals and everything else', async () => {
    const dir = tempDir();
    const creds = keyFile(dir, '{"api.x.com": {"X-Api-Key": "cccc1234"}}\n', 0o600, 'http.json');
    const env = await resolveCredentialReferences({
      WARDEN_SHOPIFY_TOKEN_COMMAND: `printf ${SECRET}`,
      WARDEN_META_TOKEN: 'EAAliteral',
      WARDEN_HTTP_CREDENTIALS: `file:${creds}`,
      WARDEN_POLICY: 'block',
    });
    assert.deepEqual(env, {
      WARDEN_SHOPIFY_TOKEN: SECRET,
      WARDEN_META_TOKEN: 'EAAliteral',
      WARDEN_HTTP_CREDENTIALS: '{"api.x.com": {"X-Api-Key": "cccc1234"}}',
      WARDEN_POLICY: 'block',
    });
  });

  it('loadGuardConfig turns every failure into a ConfigError naming the variable', async () => {
    const base = { WARDEN_SHOPIFY_STORE: 'shop' };
    const cases: [Record<string, string>, RegExp][] = [
      [
        { WARDEN_SHOPIFY_TOKEN: SECRET, WARDEN_SHOPIFY_TOKEN_COMMAND: 'printf x' },
        /WARDEN_SHOPIFY_TOKEN and WARDEN_SHOPIFY_TOKEN_COMMAND are both set/,
      ],
      [{ WARDEN_SHOPIFY_TOKEN_COMMAND: `sh -c 'echo ${SECRET} >&2; exit 1'` }, /WARDEN_SHOPIFY_TOKEN_COMMAND: .*code 1/],
      [{ WARDEN_SHOPIFY_TOKEN_COMMAND: 'sleep 5', WARDEN_CREDENTIAL_TIMEOUT_MS: '150' }, /within 150 ms/],
      [
        { WARDEN_SHOPIFY_TOKEN_COMMAND: 'printf x', WARDEN_CREDENTIAL_TIMEOUT_MS: '10s' },
        /WARDEN_CREDENTIAL_TIMEOUT_MS must be a whole number/,
      ],
      [{ WARDEN_SHOPIFY_TOKEN: 'file:/nonexistent/token' }, /WARDEN_SHOPIFY_TOKEN: the file .* does not exist/],
    ];
    for (const [env, why] of cases) await refused(() => loadGuardConfig({ ...base, ...env }), why);
    const config = await loadGuardConfig({ ...base, WARDEN_SHOPIFY_TOKEN_COMMAND: `printf ${SECRET}` });
    assert.equal(config.shopify?.token, SECRET);
  });

  it('loadConfig never takes an unresolved reference for the secret', () => {
    for (const env of [{ WARDEN_SHOPIFY_STORE: 's', WARDEN_SHOPIFY_TOKEN: 'file:/x' }, { WARDEN_META_TOKEN_COMMAND: 'printf x' }]) {
      assert.throws(() => loadConfig(env), ConfigError);
    }
  });
});

describe('the built guard with credential references', () => {
  it('sends the token from a file: and from a _COMMAND to Shopify', async () => {
    const token = 'shpat_f11ef11ef11ef11ef11ef11ef11ef11e';
    const shopify = await startShopifyStandin({ token });
    const dir = tempDir();
    const path = keyFile(dir, `${token}\n`);
    try {
      const refs: Record<string, string>[] = [
        { WARDEN_SHOPIFY_TOKEN: `file:${path}` },
        { WARDEN_SHOPIFY_TOKEN_COMMAND: `sh -c 'cat "$0"' ${path}` },
      ];
      for (const ref of refs) {
        shopify.requests.length = 0;
        const env: Record<string, string> = {
          PATH: process.env.PATH ?? '',
          ...guardEnv({ dataDir: tempDir(), shopify: { ...shopify, token: 'unused' } }),
        };
        delete env.WARDEN_SHOPIFY_TOKEN;
        const guard = await startGuard({ ...env, ...ref });
        try {
          const res = await guard.call('shopify_rest', { method: 'GET', path: '/products/632910392.json' });
          assert.equal(meta(res).status, 200, JSON.stringify(ref));
          assert.equal(shopify.requests.at(-1)?.headers['x-shopify-access-token'], token);
        } finally {
          await guard.close();
        }
      }
    } finally {
      await shopify.close();
    }
  });

  it('exits 2 with the reason, never the secret, on stderr and in its note', () => {
    const dataDir = tempDir();
    const r = spawnSync(process.execPath, [GUARD], {
      env: {
        PATH: process.env.PATH ?? '',
        WARDEN_DATA_DIR: dataDir,
        WARDEN_INSTANCE_ID: 'vscode-cred',
        WARDEN_SHOPIFY_STORE: 'shop',
        WARDEN_SHOPIFY_TOKEN_COMMAND: `sh -c 'echo ${SECRET}; echo ${SECRET} >&2; exit 4'`,
      },
      input: '',
      encoding: 'utf8',
    });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /WARDEN_SHOPIFY_TOKEN_COMMAND: the command "sh" exited with code 4/);
    const [file] = readdirSync(join(dataDir, GUARD_ERRORS_DIR));
    const note = readFileSync(join(dataDir, GUARD_ERRORS_DIR, file!), 'utf8');
    assert.match(note, /exited with code 4/);
    for (const text of [r.stdout, r.stderr, note]) assert.ok(!text.includes(SECRET), text);
  });
});
