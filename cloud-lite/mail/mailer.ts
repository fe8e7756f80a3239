// Sends the alert mail from the durable outbox, off the ingest path. A pass (on wake(), every
// pollMs, and when a send ends) composes waiting outbox rows into emails under the hourly cap,
// then leases due emails up to `concurrency` in flight and sends each with nodemailer. An email
// is marked sent only after the SMTP server accepted it; any failure (refused connection, 4xx,
// 5xx, timeout) schedules a retry with exponential backoff and jitter, capped at retryMaxMs,
// with no attempt limit: an outage or a misconfigured server delays mail and never loses it.
// The operator sees every failed attempt in the log (the error's code, never server text); the
// user still sees the alert in GET /v1/alerts and on the dashboard meanwhile.
// Nothing here runs inside a request, and every wait is bounded: ingest never waits for mail.
import { randomUUID } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from '../log.ts';
import type { CloudStore } from '../store/types.ts';
import { composeMail, digestMessageId, singleMessageId } from './compose.ts';
import { isMailAddress, type MailConfig, type SmtpTarget } from './config.ts';
import type { ClaimedMail } from './store.ts';

export interface MailerDeps {
  store: CloudStore;
  config: MailConfig;
  log: Logger;
  now: () => number;
}

export interface Mailer {
  /** Something new waits in the outbox: look now rather than at the next poll. */
  wake(): void;
  close(): Promise<void>;
}

/** The hourly cap's window. */
export const MAIL_WINDOW_MS = 3_600_000;
/** How long close() lets sends in flight finish; an abandoned one is retried after its lease. */
const CLOSE_WAIT_MS = 5000;

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/i;

function transportFor(smtp: SmtpTarget, timeoutMs: number): Transporter {
  return nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    ...(smtp.user !== null ? { auth: { user: smtp.user, pass: smtp.pass ?? '' } } : {}),
    // A password never crosses the network in clear: with credentials, smtp:// must upgrade
    // with STARTTLS (loopback excepted: a local relay).
    requireTLS: smtp.user !== null && !smtp.secure && !LOOPBACK.test(smtp.host),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    disableFileAccess: true,
    disableUrlAccess: true,
    logger: false,
  });
}

/** A failure as a short code for the log and the row: never the server's text (it may quote addresses). */
export function failureCode(err: unknown): string {
  const o = typeof err === 'object' && err !== null ? (err as { code?: unknown; responseCode?: unknown }) : {};
  const code = typeof o.code === 'string' && /^[A-Z0-9_]{1,32}$/.test(o.code) ? o.code : 'ERROR';
  return typeof o.responseCode === 'number' && Number.isInteger(o.responseCode) ? `${code} ${o.responseCode}` : code;
}

/** Exponential from retryMinMs, doubling per attempt, capped; drawn from its upper half. */
export function retryDelay(attempts: number, minMs: number, maxMs: number, random = Math.random): number {
  const base = Math.min(maxMs, minMs * 2 ** Math.min(30, Math.max(0, attempts - 1)));
  return Math.round(base / 2 + (random() * base) / 2);
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error('send timed out'), { code: 'ETIMEDOUT' })), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export function startMailer(deps: MailerDeps): Mailer {
  const { store, config, log, now } = deps;
  if (config.smtp === null) {
    log.info('alert email off: SMTP_URL is unset (critical alerts are stored; their emails wait in the outbox until it is set)');
    return { wake: () => {}, close: async () => {} };
  }
  const smtp = config.smtp;
  const owner = randomUUID();
  const domain = config.from.slice(config.from.lastIndexOf('@') + 1);
  const transport = transportFor(smtp, config.sendTimeoutMs);
  // A whole send is cut off at 3× the SMTP timeout (a server trickling bytes would reset each
  // socket timeout); the lease outlasts that with a margin, so a live instance never loses it.
  const sendLimitMs = config.sendTimeoutMs * 3;
  const leaseMs = config.sendTimeoutMs * 4 + 10_000;
  const inFlight = new Set<Promise<void>>();
  let closed = false;
  let running: Promise<void> | null = null;
  let again = false;
  let lastStoreError: string | null = null;
  log.info('alert email on', {
    smtp_host: smtp.host,
    smtp_port: smtp.port,
    tls: smtp.secure ? 'smtps' : 'starttls when offered',
    per_hour: config.perHour,
  });

  // SQLite: one process owns the file, so any lease left is a dead run's: its emails are due now.
  const ready = store.mail.releaseAllLeases().catch(() => 0);

  async function deliver(c: ClaimedMail): Promise<void> {
    let accepted = false;
    try {
      const stored = await store.mail.content(c.messageId);
      if (stored === null) return;
      // An alert retracted after its email was composed is left out; with none left, nothing is sent.
      const content = { ...stored, alerts: stored.alerts.filter((a) => a.alert !== null) };
      if (content.alerts.length === 0) {
        await store.mail.markSent(c.messageId, owner, now());
        log.info('alert email not sent: its alerts were retracted', { message_id: c.messageId });
        return;
      }
      const to = [...new Set(content.alerts.map((a) => a.ownerEmail).filter((e): e is string => e !== null && isMailAddress(e)))];
      if (to.length === 0) throw Object.assign(new Error('no recipient'), { code: 'ENORECIPIENT' });
      const mail = composeMail(content);
      const info = (await withTimeout(
        transport.sendMail({
          from: config.from,
          to,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          messageId: c.messageId,
          headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' },
        }),
        sendLimitMs,
      )) as { accepted?: unknown[] };
      if (!Array.isArray(info.accepted) || info.accepted.length === 0)
        throw Object.assign(new Error('no recipient accepted'), { code: 'EENVELOPE' });
      accepted = true;
      const marked = await store.mail.markSent(c.messageId, owner, now());
      log.info('alert email sent', { message_id: c.messageId, kind: c.kind, alerts: content.alerts.length, attempt: c.attempts, marked });
    } catch (err) {
      if (accepted) {
        // Sent, but not marked: the lease runs out and it is sent again with the same Message-ID.
        log.info('alert email sent but not marked sent', { message_id: c.messageId, error: failureCode(err) });
        return;
      }
      const code = failureCode(err);
      const delay = retryDelay(c.attempts, config.retryMinMs, config.retryMaxMs);
      log.info('alert email failed; will retry', { message_id: c.messageId, attempt: c.attempts, error: code, retry_in_ms: delay });
      await store.mail.markFailed(c.messageId, owner, now() + delay, code).catch(() => {});
    }
  }

  async function pass(): Promise<void> {
    await ready;
    const t = now();
    await store.mail.compose({
      now: t,
      perHour: config.perHour,
      windowMs: MAIL_WINDOW_MS,
      singleId: (user, alertId) => singleMessageId(user, alertId, domain),
      digestId: (user, alertIds) => digestMessageId(user, alertIds, domain),
    });
    const room = config.concurrency - inFlight.size;
    if (room <= 0 || closed) return;
    for (const c of await store.mail.claim({ now: now(), owner, leaseMs, limit: room })) {
      const p: Promise<void> = deliver(c).finally(() => {
        inFlight.delete(p);
        kick();
      });
      inFlight.add(p);
    }
  }

  // One pass at a time; a kick during a pass runs one more after it.
  function kick(): void {
    if (closed) return;
    if (running !== null) {
      again = true;
      return;
    }
    running = pass()
      .then(
        () => {
          if (lastStoreError !== null) log.info('alert email: store reachable again');
          lastStoreError = null;
        },
        (err: unknown) => {
          const message = err instanceof Error ? err.message : 'unknown error';
          // Once per distinct failure, not once per poll.
          if (message !== lastStoreError) log.info('alert email: reading the outbox failed; will retry', { error: message.slice(0, 200) });
          lastStoreError = message;
        },
      )
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          kick();
        }
      });
  }

  const poll = setInterval(kick, config.pollMs);
  poll.unref();
  kick();

  return {
    wake: kick,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(poll);
      let timer: NodeJS.Timeout | undefined;
      const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS)));
      await Promise.race([Promise.allSettled([running, ...inFlight]), waited]);
      clearTimeout(timer);
      transport.close();
    },
  };
}
