// The session cookie: "v1.<payload>.<mac>", the payload base64url JSON {s: session id, u: user,
// k: key id, e: expiry ms}, the MAC HMAC-SHA256 under a key derived from the signing key's
// verify key (so every instance can check it, no server secret is stored anywhere, and a
// revoked or fully rotated key signs its sessions out). A cookie is honoured only when the MAC
// verifies, it has not expired, the key is active and owned by the user it names, and its
// session row (SHA-256 of the id) still exists: signing out deletes the row.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { constantTimeEqual } from '../../core/protocol/signing.ts';
import type { ApiKeyRecord, CloudStore, VerifyKey } from '../store/types.ts';

const VERSION = 'v1';
const MAX_COOKIE_CHARS = 2048;

export interface SessionClaims {
  sessionId: string;
  user: string;
  keyId: string;
  expiresAt: number;
}

export interface SignedInSession extends SessionClaims {
  key: ApiKeyRecord;
}

function macKey(verifyKey: VerifyKey): Buffer {
  return createHmac('sha256', verifyKey).update('warden web session v1').digest();
}

function mac(verifyKey: VerifyKey, text: string): Buffer {
  return createHmac('sha256', macKey(verifyKey)).update(text).digest();
}

export function newSessionId(): string {
  return randomBytes(32).toString('base64url');
}

export function sessionIdHash(sessionId: string): string {
  return createHash('sha256').update(sessionId).digest('hex');
}

/** Signed with the key's newest secret. */
export function encodeSessionCookie(claims: SessionClaims, key: ApiKeyRecord): string {
  const payload = Buffer.from(JSON.stringify({ s: claims.sessionId, u: claims.user, k: claims.keyId, e: claims.expiresAt })).toString(
    'base64url',
  );
  const signed = `${VERSION}.${payload}`;
  return `${signed}.${mac(key.verifyKeys[0]!, signed).toString('base64url')}`;
}

/** The claims as written, unverified (null when the cookie is not even well-formed). */
function parseClaims(cookie: string): { claims: SessionClaims; signed: string; sig: Buffer } | null {
  if (cookie.length > MAX_COOKIE_CHARS) return null;
  const parts = cookie.split('.');
  if (parts.length !== 3 || parts[0] !== VERSION || !/^[A-Za-z0-9_-]+$/.test(parts[1]!) || !/^[A-Za-z0-9_-]{43}$/.test(parts[2]!)) {
    return null;
  }
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const { s, u, k, e } = v as Record<string, unknown>;
  if (typeof s !== 'string' || typeof u !== 'string' || typeof k !== 'string' || typeof e !== 'number') return null;
  if (s.length === 0 || s.length > 128 || k.length === 0 || k.length > 128 || u.length > 256 || !Number.isFinite(e)) return null;
  return {
    claims: { sessionId: s, user: u, keyId: k, expiresAt: e },
    signed: `${parts[0]}.${parts[1]}`,
    sig: Buffer.from(parts[2]!, 'base64url'),
  };
}

/** The signed-in session the cookie proves, or null (signed out) for anything else. Store errors propagate. */
export async function verifySessionCookie(cookie: string, store: CloudStore, now: number): Promise<SignedInSession | null> {
  const parsed = parseClaims(cookie);
  if (parsed === null) return null;
  const { claims, signed, sig } = parsed;
  if (claims.expiresAt <= now) return null;
  const key = await store.getKey(claims.keyId);
  if (key === null || key.revokedAt !== null || key.user !== claims.user) return null;
  // Every active secret is tried (during a rotation both are), each compare in constant time.
  let valid = false;
  for (const vk of key.verifyKeys) valid = constantTimeEqual(mac(vk, signed), sig) || valid;
  if (!valid) return null;
  const row = await store.web.getSession(sessionIdHash(claims.sessionId), now);
  if (row === null || row.user !== claims.user || row.keyId !== claims.keyId) return null;
  return { ...claims, key };
}

/** The sign-out form's CSRF token: bound to the session (and its key), useless for any other. */
export function sessionCsrfToken(session: SignedInSession): string {
  return mac(session.key.verifyKeys[0]!, `csrf.${session.sessionId}`).toString('base64url');
}

export function checkSessionCsrfToken(session: SignedInSession, token: string): boolean {
  const sent = Buffer.from(token, 'utf8');
  return session.key.verifyKeys.some((vk) =>
    constantTimeEqual(Buffer.from(mac(vk, `csrf.${session.sessionId}`).toString('base64url')), sent),
  );
}
