// `cloud-lite keys create|rotate|retire|revoke|list`: provisions API keys straight in the store
// (the same DATA_DIR or DATABASE_URL as the service), so a running service sees them at its next
// request. A new secret is printed once, as one JSON line; the store keeps only its digest.
import { PLANS, type CloudStore, type Plan } from '../store/types.ts';
import { generateKeyId, generateSecret, verifyKeyOf } from './secret.ts';

export class UsageError extends Error {}
/** The store said no (unknown or revoked key): exit 1. */
export class KeyStateError extends Error {}

export const KEYS_USAGE = [
  'usage: cloud-lite keys create --user U --email E --plan free|pro',
  '       cloud-lite keys rotate --key K    (prints the new secret; the old one stays valid until retire)',
  '       cloud-lite keys retire --key K    (the previous secret stops working)',
  '       cloud-lite keys revoke --key K',
  '       cloud-lite keys list',
].join('\n');

const USER = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$/;
const EMAIL = /^[^\s@"<>()[\],;:]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+$/;
const KEY_ID = /^[A-Za-z0-9_-]{1,64}$/;

export interface KeysCommand {
  action: 'create' | 'rotate' | 'retire' | 'revoke' | 'list';
  user?: string;
  email?: string;
  plan?: Plan;
  key?: string;
}

const ALLOWED: Record<KeysCommand['action'], string[]> = {
  create: ['user', 'email', 'plan'],
  rotate: ['key'],
  retire: ['key'],
  revoke: ['key'],
  list: [],
};

/** Parses `keys …` arguments (after "keys"); throws UsageError with a one-line reason. */
export function parseKeysArgs(args: readonly string[]): KeysCommand {
  const [action, ...rest] = args;
  if (!action || !(action in ALLOWED)) throw new UsageError(`keys needs one of ${Object.keys(ALLOWED).join(', ')}`);
  const allowed = ALLOWED[action as KeysCommand['action']];
  const opts: Record<string, string> = {};
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') ? arg.slice(2, eq < 0 ? undefined : eq) : '';
    if (!allowed.includes(name)) throw new UsageError(`keys ${action} does not take ${JSON.stringify(arg.slice(0, 40))}`);
    if (name in opts) throw new UsageError(`--${name} given twice`);
    const value = eq >= 0 ? arg.slice(eq + 1) : rest[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    opts[name] = value;
  }
  for (const name of allowed) if (!(name in opts)) throw new UsageError(`keys ${action} needs --${name}`);
  const cmd: KeysCommand = { action: action as KeysCommand['action'] };
  if (opts.user !== undefined) {
    if (!USER.test(opts.user)) throw new UsageError('--user must be 1 to 128 of A-Z a-z 0-9 . _ @ + - (starting with a letter or digit)');
    cmd.user = opts.user;
  }
  if (opts.email !== undefined) {
    if (opts.email.length > 254 || !EMAIL.test(opts.email)) throw new UsageError('--email must be an address like name@example.com');
    cmd.email = opts.email;
  }
  if (opts.plan !== undefined) {
    if (!(PLANS as readonly string[]).includes(opts.plan)) throw new UsageError(`--plan must be one of ${PLANS.join(', ')}`);
    cmd.plan = opts.plan as Plan;
  }
  if (opts.key !== undefined) {
    if (!KEY_ID.test(opts.key)) throw new UsageError('--key must be a key id (wk_…)');
    cmd.key = opts.key;
  }
  return cmd;
}

/** Runs the command; returns the JSON lines to print. */
export async function runKeysCommand(cmd: KeysCommand, store: CloudStore, now = Date.now()): Promise<string[]> {
  switch (cmd.action) {
    case 'create': {
      const secret = generateSecret();
      const keyId = generateKeyId();
      await store.createKey({ keyId, user: cmd.user!, email: cmd.email!, plan: cmd.plan!, verifyKey: verifyKeyOf(secret), createdAt: now });
      return [JSON.stringify({ key_id: keyId, secret, user: cmd.user, plan: cmd.plan })];
    }
    case 'rotate': {
      const secret = generateSecret();
      if (!(await store.rotateKey(cmd.key!, verifyKeyOf(secret), now))) throw new KeyStateError(`no active key ${cmd.key}`);
      return [JSON.stringify({ key_id: cmd.key, secret, rotated: true })];
    }
    case 'retire': {
      if (!(await store.retireOldSecret(cmd.key!))) throw new KeyStateError(`key ${cmd.key} is unknown, revoked, or has no older secret`);
      return [JSON.stringify({ key_id: cmd.key, retired: true })];
    }
    case 'revoke': {
      if (!(await store.revokeKey(cmd.key!, now))) throw new KeyStateError(`no active key ${cmd.key}`);
      return [JSON.stringify({ key_id: cmd.key, revoked: true })];
    }
    case 'list':
      return (await store.listKeys()).map((k) =>
        JSON.stringify({
          key_id: k.keyId,
          user: k.user,
          email: k.email,
          plan: k.plan,
          created_at: new Date(k.createdAt).toISOString(),
          revoked_at: k.revokedAt === null ? null : new Date(k.revokedAt).toISOString(),
          rotated_at: k.rotatedAt === null ? null : new Date(k.rotatedAt).toISOString(),
          active_secrets: k.activeSecrets,
        }),
      );
  }
}
