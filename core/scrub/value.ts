// Deep scrubbing of JSON values (request bodies, GraphQL variables, tool arguments). Returns a
// new value and never mutates its input. Rules:
// - strings go through the text scrubber; object keys too (maps keyed by email exist);
// - a key with an unambiguous secret name (`password`, `accessToken`, `client_secret`, …) has
//   its string/number value replaced by `[REDACTED]`; objects/arrays under it are walked;
// - a key that only hints at a secret (`signingKey`, `x_auth`) loses a random-looking value;
// - a phone-named key (`phone`, `mobile`, `tel`, `fax`, `whatsapp`) is phone context: national
//   formats of the major countries count there (phone.ts);
// - shapes that carry a credential in a neighbouring field: `{name, value}` pairs (HAR headers,
//   cookies and query strings, Kubernetes env, SSM parameters) and Kubernetes Secrets
//   (`kind: "Secret"`: every `data`/`stringData` value);
// - numbers stay numbers unless they are a plausible card number (12–19 digit safe integer
//   passing Luhn and the network check), which becomes the string "[card_redacted]";
// - nesting deeper than MAX_DEPTH is replaced by `[REDACTED]` rather than risking a stack
//   overflow on adversarial input.
import type { PiiCounts } from '../types.ts';
import { isCardNumber } from './card.ts';
import { looksLikeSecretValue } from './entropy.ts';
import { isSecretHintName, isSensitiveJsonKey, isSensitiveName } from './names.ts';
import { isPhoneInContext, isPhoneName, scrubPhoneContextValue } from './phone.ts';
import { scrubNameInto, scrubTextInto } from './text.ts';
import { CARD_REDACTED, PHONE_REDACTED, REDACTED, isScrubToken } from './tokens.ts';

const MAX_DEPTH = 256;
const SMALLEST_CARD = 1e11; // 12 digits

function scrubNumber(n: number, counts: PiiCounts): number | string {
  if (n < SMALLEST_CARD || !Number.isSafeInteger(n) || !isCardNumber(String(n))) return n;
  counts.card++;
  return CARD_REDACTED;
}

function isPlainObject(v: object): v is Record<string, unknown> {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function redactScalar(v: string | number, counts: PiiCounts): string {
  if (typeof v === 'string' && (v === '' || isScrubToken(v))) return v;
  counts.secret++;
  return REDACTED;
}

/** The value of a secret-named key: scalars go, containers are walked like any other value. */
function scrubSecretField(v: unknown, counts: PiiCounts, depth: number): unknown {
  if (typeof v === 'string' || typeof v === 'number') return redactScalar(v, counts);
  return scrubAny(v, counts, depth);
}

function scrubPhoneField(v: unknown, counts: PiiCounts, depth: number): unknown {
  if (typeof v === 'string') return scrubPhoneContextValue(scrubTextInto(v, counts), counts);
  if (typeof v === 'number' && Number.isSafeInteger(v) && isPhoneInContext(String(v))) {
    counts.phone++;
    return PHONE_REDACTED;
  }
  return scrubAny(v, counts, depth);
}

/** HAR `cookies: [{name, value, …}]`: every cookie's value is a credential, whatever its name. */
function scrubCookieList(list: unknown[], counts: PiiCounts, depth: number): unknown[] {
  return list.map((item) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item) || !isPlainObject(item)) return scrubAny(item, counts, depth + 1);
    const scrubbed = scrubObject(item, counts, depth + 1);
    const value = scrubbed.value;
    if (typeof value === 'string' || typeof value === 'number') scrubbed.value = redactScalar(value, counts);
    return scrubbed;
  });
}

function scrubField(key: string, value: unknown, counts: PiiCounts, depth: number): unknown {
  if (key === 'cookies' && Array.isArray(value)) return scrubCookieList(value, counts, depth);
  if (isSensitiveJsonKey(key)) return scrubSecretField(value, counts, depth);
  if (isPhoneName(key)) return scrubPhoneField(value, counts, depth);
  if (typeof value === 'string' && isSecretHintName(key) && looksLikeSecretValue(value)) return redactScalar(value, counts);
  return scrubAny(value, counts, depth);
}

const PAIR_NAME_KEYS = ['name', 'Name', 'key', 'Key'] as const;
const PAIR_VALUE_KEYS = ['value', 'Value'] as const;

/** `{name: "Authorization", value: "…"}`: the name of the pair says what the value is. */
function pairValueKey(o: Record<string, unknown>): string | undefined {
  let name: unknown;
  for (const k of PAIR_NAME_KEYS) if (typeof o[k] === 'string') name = o[k];
  if (typeof name !== 'string') return undefined;
  for (const k of PAIR_VALUE_KEYS) {
    const value = o[k];
    if (typeof value !== 'string' && typeof value !== 'number') continue;
    if (isSensitiveName(name)) return k;
    if (typeof value === 'string' && isSecretHintName(name) && looksLikeSecretValue(value)) return k;
  }
  return undefined;
}

const SECRET_PATH = /\/secrets\//;

/**
 * Secrets-manager responses whose secret sits under a plain name: AWS SSM SecureString
 * (`{Type: "SecureString", Value}`), Azure Key Vault (`{id: ".../secrets/...", value}`).
 */
function secretsManagerValueKey(o: Record<string, unknown>): string | undefined {
  if (o.Type === 'SecureString' && 'Value' in o) return 'Value';
  if (typeof o.id === 'string' && SECRET_PATH.test(o.id) && 'value' in o) return 'value';
  return undefined;
}

/** GCP Secret Manager AccessSecretVersion: `{name: "projects/…/secrets/…", payload: {data}}`. */
function isGcpSecretVersion(o: Record<string, unknown>): boolean {
  return typeof o.name === 'string' && SECRET_PATH.test(o.name) && o.payload !== null && typeof o.payload === 'object';
}

function isKubernetesSecret(o: Record<string, unknown>): boolean {
  return o.kind === 'Secret' && (typeof o.data === 'object' || typeof o.stringData === 'object');
}

function scrubObject(v: Record<string, unknown>, counts: PiiCounts, depth: number): Record<string, unknown> {
  const secretValueKey = pairValueKey(v) ?? secretsManagerValueKey(v);
  const k8sSecret = isKubernetesSecret(v);
  const gcpSecret = isGcpSecretVersion(v);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(v)) {
    let scrubbed: unknown;
    if (key === secretValueKey && (typeof value === 'string' || typeof value === 'number')) scrubbed = redactScalar(value, counts);
    else if (gcpSecret && key === 'payload') scrubbed = redactAllScalars(value, counts, depth + 1);
    else if (k8sSecret && (key === 'data' || key === 'stringData') && value !== null && typeof value === 'object')
      scrubbed = redactAllScalars(value, counts, depth + 1);
    else scrubbed = scrubField(key, value, counts, depth + 1);
    const outKey = scrubNameInto(key, counts);
    // Assigning a parsed "__proto__" key would set the prototype; it must stay a property.
    if (outKey === '__proto__')
      Object.defineProperty(out, outKey, { value: scrubbed, enumerable: true, writable: true, configurable: true });
    else out[outKey] = scrubbed;
  }
  return out;
}

/** Every string/number under a container (a Kubernetes Secret's data) goes. */
function redactAllScalars(v: unknown, counts: PiiCounts, depth: number): unknown {
  if (typeof v === 'string' || typeof v === 'number') return redactScalar(v, counts);
  if (v === null || typeof v !== 'object') return v;
  if (depth >= MAX_DEPTH) return REDACTED;
  if (Array.isArray(v)) return v.map((item) => redactAllScalars(item, counts, depth + 1));
  if (!isPlainObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(v)) {
    const scrubbed = redactAllScalars(value, counts, depth + 1);
    const outKey = scrubNameInto(key, counts);
    if (outKey === '__proto__')
      Object.defineProperty(out, outKey, { value: scrubbed, enumerable: true, writable: true, configurable: true });
    else out[outKey] = scrubbed;
  }
  return out;
}

function scrubAny(v: unknown, counts: PiiCounts, depth: number): unknown {
  if (typeof v === 'string') return scrubTextInto(v, counts);
  if (typeof v === 'number') return scrubNumber(v, counts);
  if (v === null || typeof v !== 'object') return v;
  if (depth >= MAX_DEPTH) return REDACTED;
  if (Array.isArray(v)) return v.map((item) => scrubAny(item, counts, depth + 1));
  if (!isPlainObject(v)) return v; // Dates, buffers…: not JSON, not ours to rewrite
  return scrubObject(v, counts, depth);
}

export function scrubValueInto<T>(v: T, counts: PiiCounts): T {
  return scrubAny(v, counts, 0) as T;
}
