// Time from a batch's acknowledgement to its alert email at the SMTP server: the BUILT cloud-lite
// (dist/cloud-lite.js, run `node esbuild.mjs` first) as a process of its own, SMTP_URL pointing
// at a real smtp-server on loopback in this process (test/helpers/smtp.ts). 20 times: a signed
// batch of 3 deletes in a new session (the batch that completes a consecutive_deletes critical
// alert), timed from its 200 to the message accepted (and parsed) by the SMTP server. The
// evaluator wakes the mailer; the mailer's poll (CLOUD_LITE_MAIL_POLL_MS, default 1 s) is the
// fallback. The hourly cap is raised so that every alert gets its own email. About 100 ms of
// each figure is smtp-server's own greeting delay (its early-talker check).
// Target (issue 9): within 5 s. Run: node --import tsx bench/alert-email.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SAMPLE_EVENT } from '../test/core/protocol/sample-event.ts';
import { createKeyCli, signFor, startCloudLite } from '../test/helpers/cloud-lite.ts';
import { startPostgres } from '../test/helpers/services.ts';
import { startSmtp } from '../test/helpers/smtp.ts';
import { fmt, quantile } from './stats.ts';

const ROUNDS = 20;
const RUN = Date.now().toString(36).toUpperCase();

async function measure(name: string, env: Record<string, string>): Promise<void> {
  const smtp = await startSmtp();
  const full = { ...env, SMTP_URL: smtp.url, ALERT_EMAIL_FROM: 'alerts@warden.test', CLOUD_LITE_EMAILS_PER_HOUR: '1000' };
  const key = createKeyCli(full, 'bench', 'pro');
  const svc = await startCloudLite(full);
  try {
    const times: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const session = `01JB${RUN}${name.slice(0, 3)}S${round}`;
      const events = Array.from({ length: 3 }, (_, i) => ({
        ...SAMPLE_EVENT,
        id: `01JB${RUN}${name.slice(0, 3)}${String(round).padStart(3, '0')}${i}`,
        ts: Date.now() + i,
        session_id: session,
      }));
      const body = JSON.stringify({ batch_id: `b${round}`, instance_id: 'bench', events });
      const headers = { ...(await signFor(key, 'POST', '/v1/batches', body)), 'content-type': 'application/json' };
      const res = await fetch(`${svc.url}/v1/batches`, { method: 'POST', headers, body });
      const text = await res.text();
      const acked = Date.now();
      if (res.status !== 200) throw new Error(`${res.status} ${text}`);
      const [mail] = (await smtp.waitFor(round + 1, 30_000)).slice(round);
      if (!mail!.parsed.text?.includes(session)) throw new Error(`email ${round + 1} is not about session ${session}`);
      times.push(mail!.at - acked);
    }
    const sorted = [...times].sort((a, b) => a - b);
    console.log(
      `${name}: batch acknowledged → email received, ${ROUNDS} alerts: median ${fmt(quantile(sorted, 0.5), 0)} ms, ` +
        `p95 ${fmt(quantile(sorted, 0.95), 0)} ms, max ${fmt(sorted[sorted.length - 1]!, 0)} ms; load average ${loadavg()[0]!.toFixed(2)}`,
    );
  } finally {
    await svc.stop();
    await smtp.close();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'warden-alert-email-bench-'));
try {
  await measure('embedded (sqlite)', { CLOUD_LITE_DATA_DIR: join(dir, 'embedded') });
  const pg = await startPostgres();
  try {
    await measure('postgres', { CLOUD_LITE_DATA_DIR: join(dir, 'scaled'), DATABASE_URL: pg.createDatabase('bench') });
  } finally {
    await pg.destroy();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
