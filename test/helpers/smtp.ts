// A real SMTP server on loopback (smtp-server) for the alert mail tests and bench: every message
// it accepts is parsed with mailparser and kept with its envelope. It can be told to fail, for as
// long as the test wants: refuse connections (stops listening), answer 4xx or 5xx to RCPT TO, or
// hang (accepts the connection, never greets). No STARTTLS (loopback, plain), AUTH optional and
// checked when the test gives credentials. smtp-server greets 100 ms after connecting (its
// early-talker check): part of every delivery time measured against it.
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export type SmtpMode = 'accept' | 'refuse' | 'tempfail' | 'permfail' | 'hang';

export interface ReceivedMail {
  from: string;
  to: string[];
  parsed: ParsedMail;
  /** The message as received (headers and body). */
  raw: string;
  /** Date.now() when the server accepted it. */
  at: number;
}

export interface TestSmtp {
  port: number;
  /** smtp://[user:pass@]127.0.0.1:port */
  url: string;
  messages: ReceivedMail[];
  /** Connections or recipients refused or left hanging while failing (not counting 'refuse'). */
  failures(): number;
  /** Every AUTH the server saw (user, whether the password matched). */
  auths: { user: string; ok: boolean }[];
  setMode(mode: SmtpMode): Promise<void>;
  /** Resolves once `n` messages arrived; rejects after timeoutMs. */
  waitFor(n: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  /** Resolves once `n` failures were answered. */
  waitForFailures(n: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startSmtp(opts: { user?: string; pass?: string } = {}): Promise<TestSmtp> {
  let mode: SmtpMode = 'accept';
  let failures = 0;
  const messages: ReceivedMail[] = [];
  const auths: { user: string; ok: boolean }[] = [];
  const hanging: (() => void)[] = [];
  const waiters = new Set<() => void>();
  const notify = (): void => {
    for (const w of [...waiters]) w();
  };
  const refusal = (code: number): Error =>
    Object.assign(new Error(code >= 500 ? 'mailbox unavailable' : 'try again later'), { responseCode: code });

  const server = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS'],
    disableReverseLookup: true,
    authOptional: true,
    allowInsecureAuth: true,
    closeTimeout: 200,
    socketTimeout: 60_000,
    onConnect(_session, callback) {
      if (mode !== 'hang') return callback();
      failures++;
      notify();
      // Never greets: the client's greeting timeout ends it.
      hanging.push(() => callback(new Error('closing')));
    },
    onAuth(auth, _session, callback) {
      const ok = auth.username === opts.user && auth.password === opts.pass;
      auths.push({ user: auth.username ?? '', ok });
      if (!ok) return callback(Object.assign(new Error('bad credentials'), { responseCode: 535 }));
      callback(null, { user: auth.username });
    },
    onRcptTo(_address, _session, callback) {
      if (mode === 'tempfail' || mode === 'permfail') {
        failures++;
        notify();
        return callback(refusal(mode === 'tempfail' ? 451 : 550));
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw).then(
          (parsed) => {
            messages.push({
              from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
              to: session.envelope.rcptTo.map((r) => r.address),
              parsed,
              raw,
              at: Date.now(),
            });
            callback();
            notify();
          },
          (err: Error) => callback(err),
        );
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  const cred = opts.user !== undefined ? `${encodeURIComponent(opts.user)}:${encodeURIComponent(opts.pass ?? '')}@` : '';

  const until = (ready: () => boolean, what: string, timeoutMs: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (!ready()) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`smtp: ${what} not reached in ${timeoutMs} ms (${messages.length} messages, ${failures} failures)`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });

  return {
    port,
    url: `smtp://${cred}127.0.0.1:${port}`,
    messages,
    failures: () => failures,
    auths,
    async setMode(next) {
      const was = mode;
      mode = next;
      if (was === 'refuse' && next !== 'refuse') await new Promise<void>((resolve) => server.server.listen(port, '127.0.0.1', resolve));
      // Stops listening at once (connections already open finish on their own).
      if (next === 'refuse' && was !== 'refuse') server.server.close();
      if (was === 'hang' && next !== 'hang') for (const release of hanging.splice(0)) release();
    },
    waitFor: async (n, timeoutMs = 15_000) => {
      await until(() => messages.length >= n, `${n} messages`, timeoutMs);
      return messages;
    },
    waitForFailures: (n, timeoutMs = 15_000) => until(() => failures >= n, `${n} failures`, timeoutMs),
    async close() {
      for (const release of hanging.splice(0)) release();
      if (mode === 'refuse') {
        mode = 'accept';
        return;
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
