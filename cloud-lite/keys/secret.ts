// API key material. A secret is "wsk_" + 64 random bytes (base64url): 90 bytes, longer than
// SHA-256's 64-byte block, so by RFC 2104 HMAC(secret, m) = HMAC(SHA-256(secret), m). The store
// keeps only that digest (the verify key) and verification passes it as the HMAC key: the
// secret itself is printed once and never stored.
import { createHash, randomBytes } from 'node:crypto';
import type { VerifyKey } from '../store/types.ts';

export const SECRET_PREFIX = 'wsk_';
export const KEY_ID_PREFIX = 'wk_';
/** HMAC-SHA256 hashes keys longer than this; ours must be, for the digest to be equivalent. */
const SHA256_BLOCK_BYTES = 64;

export function generateSecret(): string {
  return SECRET_PREFIX + randomBytes(64).toString('base64url');
}

/** "wk_" + 96 random bits: unguessable enough that ids can be listed and logged. */
export function generateKeyId(): string {
  return KEY_ID_PREFIX + randomBytes(12).toString('base64url');
}

/** The 32-byte key that verifies what `secret` signs. */
export function verifyKeyOf(secret: string): VerifyKey {
  const bytes = Buffer.from(secret, 'utf8');
  // A short secret would be used by HMAC as is, so its digest would verify nothing it signs.
  if (bytes.byteLength <= SHA256_BLOCK_BYTES) throw new Error('a secret must be longer than 64 bytes');
  return new Uint8Array(createHash('sha256').update(bytes).digest());
}
