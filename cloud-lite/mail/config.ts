// The alert mail's settings (SMTP_URL, ALERT_EMAIL_FROM, …), read and validated once. Mail is
// off when SMTP_URL is unset: alerts are still stored and their outbox rows wait, so setting
// SMTP_URL later mails what is still pending. No error ever echoes SMTP_URL (it may hold a
// password).
import { ConfigError, envInteger, envText, envUrl, type Env } from '../config-env.ts';

/** Where and how to reach the SMTP server: parsed from SMTP_URL, the password kept out of toString. */
export interface SmtpTarget {
  host: string;
  port: number;
  /** smtps:// (TLS from the first byte); smtp:// upgrades with STARTTLS when the server offers it. */
  secure: boolean;
  user: string | null;
  pass: string | null;
}

export interface MailConfig {
  /** Null: mail off. */
  smtp: SmtpTarget | null;
  /** A bare address (validated). */
  from: string;
  /** Emails per user in any rolling hour; alerts past it wait for one digest. */
  perHour: number;
  /** How often the outbox is read without a wake() (another instance's alert, a retry due). */
  pollMs: number;
  /** The first retry's delay; doubles per attempt (with jitter) up to retryMaxMs. */
  retryMinMs: number;
  retryMaxMs: number;
  /** One SMTP conversation, connection to the server's last answer. */
  sendTimeoutMs: number;
  /** Messages in flight at once per instance. */
  concurrency: number;
}

/** Env name → default, as documented in cloud-lite/README.md. */
export const MAIL_DEFAULTS = {
  CLOUD_LITE_EMAILS_PER_HOUR: 10,
  CLOUD_LITE_MAIL_POLL_MS: 1000,
  CLOUD_LITE_MAIL_RETRY_MIN_MS: 2000,
  CLOUD_LITE_MAIL_RETRY_MAX_MS: 300_000,
  CLOUD_LITE_MAIL_SEND_TIMEOUT_MS: 30_000,
  CLOUD_LITE_MAIL_CONCURRENCY: 4,
} as const;

// Deliberately narrow: what a mailbox address needs, nothing a header could be smuggled through.
const ADDRESS =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

export function isMailAddress(text: string): boolean {
  return text.length <= 254 && ADDRESS.test(text);
}

function smtpTarget(env: Env): SmtpTarget | null {
  const text = envUrl(env, 'SMTP_URL', ['smtp:', 'smtps:']);
  if (text === null) return null;
  const url = new URL(text);
  const secure = url.protocol === 'smtps:';
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') throw new ConfigError('SMTP_URL must name a host');
  const port = url.port === '' ? (secure ? 465 : 587) : Number(url.port);
  let user: string | null = null;
  let pass: string | null = null;
  try {
    user = url.username === '' ? null : decodeURIComponent(url.username);
    pass = url.password === '' ? null : decodeURIComponent(url.password);
  } catch {
    throw new ConfigError('SMTP_URL has a badly escaped user or password');
  }
  if (pass !== null && user === null) throw new ConfigError('SMTP_URL has a password without a user');
  return { host, port, secure, user, pass };
}

export function mailConfigFrom(env: Env): MailConfig {
  const smtp = smtpTarget(env);
  const fromText = envText(env, 'ALERT_EMAIL_FROM');
  if (smtp !== null && fromText === null)
    throw new ConfigError('ALERT_EMAIL_FROM must be set when SMTP_URL is (the sender of alert emails)');
  if (fromText !== null && !isMailAddress(fromText))
    throw new ConfigError('ALERT_EMAIL_FROM must be a bare email address (name@example.com)');
  const integer = (name: keyof typeof MAIL_DEFAULTS, min: number, max: number): number =>
    envInteger(env, name, MAIL_DEFAULTS[name], min, max);
  const retryMinMs = integer('CLOUD_LITE_MAIL_RETRY_MIN_MS', 10, 3_600_000);
  const retryMaxMs = integer('CLOUD_LITE_MAIL_RETRY_MAX_MS', 10, 86_400_000);
  if (retryMinMs > retryMaxMs) throw new ConfigError('CLOUD_LITE_MAIL_RETRY_MIN_MS must not exceed CLOUD_LITE_MAIL_RETRY_MAX_MS');
  return {
    smtp,
    from: fromText ?? '',
    perHour: integer('CLOUD_LITE_EMAILS_PER_HOUR', 1, 10_000),
    pollMs: integer('CLOUD_LITE_MAIL_POLL_MS', 20, 60_000),
    retryMinMs,
    retryMaxMs,
    sendTimeoutMs: integer('CLOUD_LITE_MAIL_SEND_TIMEOUT_MS', 200, 600_000),
    concurrency: integer('CLOUD_LITE_MAIL_CONCURRENCY', 1, 100),
  };
}
