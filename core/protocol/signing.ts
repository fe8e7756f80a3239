// Request signing for uploads (DESIGN.md "Signed uploads"): the canonical string, signing for
// the uploader, and verification for cloud-lite, over the raw body bytes before anything
// parses them.
//
//   signature = HMAC-SHA256(secret, METHOD \n PATH_WITH_QUERY \n TIMESTAMP \n NONCE \n hex(SHA256(BODY)))
//
// Web Crypto (globalThis.crypto.subtle) rather than node:crypto keeps core pure, so every
// function that hashes is async. Replayed nonces and unknown keys are the service's to refuse
// (it owns the nonce cache and the keys): parseSignatureHeaders gives it the key id first, to
// look up that key's secrets, and the nonce, to check after the signature holds.
//
// No message here contains a secret, the expected signature or the body.
import { SIGNATURE_HEADERS, type UploadErrorCode } from './upload.ts';

/** A timestamp further than this from the verifier's clock, either way, is refused. */
export const TIMESTAMP_WINDOW_SECONDS = 300;
export const SIGNATURE_PREFIX = 'v1=';

const KEY_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** base64url/hex alphabet: no separators, nothing to escape. */
const NONCE = /^[A-Za-z0-9_-]{16,128}$/;
/** Unix seconds, canonical: no sign, no leading zero, at most 12 digits. */
const TIMESTAMP = /^(0|[1-9][0-9]{0,11})$/;
const SIGNATURE = /^v1=[0-9a-f]{64}$/;
const METHOD = /^[A-Z]{1,16}$/;
/** The request target as sent: starts with "/", no whitespace or control characters. */
const PATH_WITH_QUERY = /^\/[\x21-\x7e]{0,4095}$/;

export type SigningSecret = string | Uint8Array;
export type SignedBody = string | Uint8Array;

/** Node's IncomingHttpHeaders, a plain record, or a fetch Headers object. */
export type HeaderSource = Readonly<Record<string, string | readonly string[] | undefined>> | { get(name: string): string | null };

export interface SignatureHeaderValues {
  keyId: string;
  /** Unix seconds. */
  timestamp: number;
  nonce: string;
  /** The `v1=<hex>` header value. */
  signature: string;
}

export type SignatureRefusal = {
  ok: false;
  code: Extract<UploadErrorCode, 'bad_signature' | 'stale_timestamp' | 'unknown_key'>;
  message: string;
};
export type ParsedSignatureHeaders = ({ ok: true } & SignatureHeaderValues) | SignatureRefusal;
export type VerifyResult = { ok: true; keyId: string; nonce: string; timestamp: number } | SignatureRefusal;

const encoder = new TextEncoder();

function bytesOf(value: SignedBody | SigningSecret): Uint8Array {
  return typeof value === 'string' ? encoder.encode(value) : value;
}

function hex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

export async function sha256Hex(body: SignedBody): Promise<string> {
  return hex(new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', bytesOf(body))));
}

export interface CanonicalParts {
  method: string;
  pathWithQuery: string;
  /** Unix seconds, exactly as in the header. */
  timestamp: number | string;
  nonce: string;
  bodySha256Hex: string;
}

/** The string that is signed. The method is upper-cased; the path is used byte for byte. */
export function canonicalString(p: CanonicalParts): string {
  return [p.method.toUpperCase(), p.pathWithQuery, String(p.timestamp), p.nonce, p.bodySha256Hex].join('\n');
}

async function hmacSha256(secret: SigningSecret, message: string): Promise<Uint8Array> {
  const keyBytes = bytesOf(secret);
  if (keyBytes.byteLength === 0) throw new Error('the signing secret is empty');
  const key = await globalThis.crypto.subtle.importKey('raw', keyBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await globalThis.crypto.subtle.sign('HMAC', key, encoder.encode(message)));
}

/**
 * Equal bytes, in time that depends only on the lengths: XOR-accumulated over the longer
 * length, with a length mismatch folded in rather than returned early.
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  const n = Math.max(a.length, b.length);
  let diff = a.length ^ b.length;
  for (let i = 0; i < n; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

function hexToBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** 128 random bits as 32 hex digits. */
function randomNonce(): string {
  return hex(globalThis.crypto.getRandomValues(new Uint8Array(16)));
}

export interface SignRequestInput {
  method: string;
  /** The request target exactly as it will be sent: "/v1/events?limit=100". */
  pathWithQuery: string;
  /** The exact bytes to send; a string is signed as its UTF-8 encoding. GET: "". */
  body: SignedBody;
  keyId: string;
  secret: SigningSecret;
  /** Milliseconds since the epoch (Date.now()). */
  now?: number;
  /** Random per request unless given (tests). */
  nonce?: string;
}

/** The four X-Warden-* headers for a request. Throws on inputs the verifier would refuse. */
export async function signRequest(input: SignRequestInput): Promise<Record<string, string>> {
  const method = input.method.toUpperCase();
  const nonce = input.nonce ?? randomNonce();
  const timestamp = Math.floor((input.now ?? Date.now()) / 1000);
  if (!METHOD.test(method)) throw new Error('method must be letters only');
  if (!PATH_WITH_QUERY.test(input.pathWithQuery)) throw new Error('path must start with "/" and hold no spaces or control characters');
  if (!KEY_ID.test(input.keyId)) throw new Error('key id must be 1 to 64 of A-Z a-z 0-9 _ -');
  if (!NONCE.test(nonce)) throw new Error('nonce must be 16 to 128 of A-Z a-z 0-9 _ -');
  if (!TIMESTAMP.test(String(timestamp))) throw new Error('now is out of range');
  const canonical = canonicalString({
    method,
    pathWithQuery: input.pathWithQuery,
    timestamp,
    nonce,
    bodySha256Hex: await sha256Hex(input.body),
  });
  const mac = await hmacSha256(input.secret, canonical);
  return {
    [SIGNATURE_HEADERS.keyId]: input.keyId,
    [SIGNATURE_HEADERS.timestamp]: String(timestamp),
    [SIGNATURE_HEADERS.nonce]: nonce,
    [SIGNATURE_HEADERS.signature]: SIGNATURE_PREFIX + hex(mac),
  };
}

/** One header, looked up case-insensitively; null when absent, undefined when sent more than once. */
function headerValue(headers: HeaderSource, name: string): string | null | undefined {
  if (typeof headers.get === 'function') return (headers as { get(name: string): string | null }).get(name);
  const lower = name.toLowerCase();
  const found: string[] = [];
  for (const [k, v] of Object.entries(headers as Record<string, string | readonly string[] | undefined>)) {
    if (k.toLowerCase() !== lower || v === undefined) continue;
    if (typeof v === 'string') found.push(v);
    else found.push(...v);
  }
  return found.length === 0 ? null : found.length === 1 ? found[0] : undefined;
}

function badSignature(message: string): SignatureRefusal {
  return { ok: false, code: 'bad_signature', message };
}

/**
 * The signature headers, strictly formatted, before any secret is looked up. Missing,
 * repeated or malformed headers are bad_signature: the request is not signed as the contract
 * says. Messages name the header, never echo its value.
 */
export function parseSignatureHeaders(headers: HeaderSource): ParsedSignatureHeaders {
  const rules: [keyof SignatureHeaderValues, RegExp, string][] = [
    ['keyId', KEY_ID, '1 to 64 of A-Z a-z 0-9 _ -'],
    ['timestamp', TIMESTAMP, 'unix seconds, digits only'],
    ['nonce', NONCE, '16 to 128 of A-Z a-z 0-9 _ -'],
    ['signature', SIGNATURE, '"v1=" and 64 lowercase hex digits'],
  ];
  const values: Partial<Record<keyof SignatureHeaderValues, string>> = {};
  for (const [field, pattern, expected] of rules) {
    const name = SIGNATURE_HEADERS[field];
    const value = headerValue(headers, name);
    if (value === null) return badSignature(`${name} is missing`);
    if (value === undefined) return badSignature(`${name} is sent more than once`);
    if (!pattern.test(value)) return badSignature(`${name} must be ${expected}`);
    values[field] = value;
  }
  return { ok: true, keyId: values.keyId!, timestamp: Number(values.timestamp), nonce: values.nonce!, signature: values.signature! };
}

/** Refuses a timestamp more than `windowSeconds` from `now` (milliseconds), either way. */
export function checkTimestamp(timestamp: number, now: number, windowSeconds = TIMESTAMP_WINDOW_SECONDS): SignatureRefusal | null {
  const skew = timestamp - Math.floor(now / 1000);
  if (Math.abs(skew) <= windowSeconds) return null;
  return {
    ok: false,
    code: 'stale_timestamp',
    message: `timestamp is ${Math.abs(skew)} s ${skew < 0 ? 'behind' : 'ahead of'} the server clock (window ±${windowSeconds} s)`,
  };
}

export interface VerifyInput {
  method: string;
  /** The request target as received (Node: req.url). */
  pathWithQuery: string;
  /** The raw body bytes as received, before any parsing. GET: empty. */
  body: SignedBody;
  /** Raw request headers, or the result of parseSignatureHeaders. */
  headers: HeaderSource | ({ ok: true } & SignatureHeaderValues);
  /** The key's active secrets (two during a rotation). None: unknown_key. */
  secrets: readonly SigningSecret[];
  /** Milliseconds since the epoch (Date.now()). */
  now: number;
  windowSeconds?: number;
}

function isParsed(h: VerifyInput['headers']): h is { ok: true } & SignatureHeaderValues {
  return (h as { ok?: unknown }).ok === true;
}

/**
 * Header format → timestamp window → signature against each candidate secret (all of them
 * are computed and compared, so timing does not tell which one matched). The caller then
 * checks the nonce against its cache.
 */
export async function verifyRequest(input: VerifyInput): Promise<VerifyResult> {
  const parsed = isParsed(input.headers) ? input.headers : parseSignatureHeaders(input.headers);
  if (!parsed.ok) return parsed;
  if (!METHOD.test(input.method.toUpperCase())) return badSignature('method is not a plain HTTP method');
  if (!PATH_WITH_QUERY.test(input.pathWithQuery)) return badSignature('request target is not a plain path');
  const stale = checkTimestamp(parsed.timestamp, input.now, input.windowSeconds);
  if (stale) return stale;
  if (input.secrets.length === 0) return { ok: false, code: 'unknown_key', message: 'the key has no active secret' };

  const canonical = canonicalString({
    method: input.method,
    pathWithQuery: input.pathWithQuery,
    timestamp: parsed.timestamp,
    nonce: parsed.nonce,
    bodySha256Hex: await sha256Hex(input.body),
  });
  const given = hexToBytes(parsed.signature.slice(SIGNATURE_PREFIX.length));
  let matched = false;
  for (const secret of input.secrets) {
    if (bytesOf(secret).byteLength === 0) continue; // an empty secret can verify nothing
    const equal = constantTimeEqual(await hmacSha256(secret, canonical), given);
    matched = matched || equal;
  }
  if (!matched) return badSignature('signature does not match');
  return { ok: true, keyId: parsed.keyId, nonce: parsed.nonce, timestamp: parsed.timestamp };
}
