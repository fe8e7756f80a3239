// The replacement tokens the scrubber writes in place of what it removes. They contain no
// digits, no '@' and no secret prefix, so scrubbing already-scrubbed text changes nothing.
import type { PiiCounts } from '../types.ts';

export const REDACTED = '[REDACTED]';
export const EMAIL_REDACTED = '[email_redacted]';
export const PHONE_REDACTED = '[phone_redacted]';
export const CARD_REDACTED = '[card_redacted]';

const TOKENS = new Set([REDACTED, EMAIL_REDACTED, PHONE_REDACTED, CARD_REDACTED]);

/** True when the value is exactly one of our tokens (so it is not counted twice). */
export function isScrubToken(value: string): boolean {
  return value.length >= 10 && value.length <= 16 && TOKENS.has(value);
}

export function newPiiCounts(): PiiCounts {
  return { email: 0, phone: 0, card: 0, secret: 0 };
}
