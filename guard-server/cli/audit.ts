// `warden-guard audit`: lists, filters and exports the local audit log (newest first).
import { parseArgs } from 'node:util';
import type { Alert, AuditEvent } from '../../core/types.ts';
import { csvCell, eventCsvHeader, eventCsvRow } from '../../core/export/csv.ts';
import { openAuditReader, type AuditFilter } from '../../store/index.ts';
import { UsageError } from './index.ts';
import { writeOut } from './lines.ts';
import { dataDirFrom, parseTime } from './options.ts';
import { ENV } from '../../core/protocol/env.ts';

const HELP = `Usage: warden-guard audit [options]
Lists the audit log, newest first.
  --json               NDJSON, one event per line (all matching events unless --limit)
  --csv                CSV with a header row (all matching events unless --limit)
  --alerts             list alerts instead of events
  --limit N            at most N rows (default 50 for the table; 0 = all)
  --platform P         shopify | meta | generic
  --min-risk N         0–3
  --outcome O          forwarded | blocked | denied | error | throttled
  --session ID         one agent session
  --tool NAME          e.g. shopify_graphql
  --since T / --until T  unix ms, ISO date, or an age such as 30m, 12h, 7d
  --upload-status      uploads to cloud-lite: backlog, last success, last error (with --json: one object)
  --data-dir DIR       default WARDEN_DATA_DIR or ~/.warden
`;

function tableRow(e: AuditEvent): string {
  const when = new Date(e.ts).toISOString().replace('T', ' ').slice(0, 19);
  const what = e.operation ?? e.endpoint;
  return `${when}  ${String(e.risk_level).padStart(1)}  ${e.outcome.padEnd(9)} ${String(e.status ?? '-').padEnd(4)} ${e.method.padEnd(6)} ${e.platform.padEnd(8)} ${what}${e.rules.length ? `  [${e.rules.join(', ')}]` : ''}`;
}

function alertRow(a: Alert): string {
  return `${new Date(a.ts).toISOString().replace('T', ' ').slice(0, 19)}  ${a.severity.padEnd(8)} ${a.rule.padEnd(24)} ${a.message}  (${a.event_ids.length} events)`;
}

export async function runAudit(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        json: { type: 'boolean' },
        csv: { type: 'boolean' },
        alerts: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        limit: { type: 'string' },
        platform: { type: 'string' },
        'min-risk': { type: 'string' },
        outcome: { type: 'string' },
        session: { type: 'string' },
        tool: { type: 'string' },
        since: { type: 'string' },
        until: { type: 'string' },
        'data-dir': { type: 'string' },
        'upload-status': { type: 'boolean' },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const o = parsed.values;
  if (o.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (o.json && o.csv) throw new UsageError('choose one of --json and --csv');
  if (o['upload-status']) {
    if (o.csv) throw new UsageError('--upload-status prints text or --json');
    return printUploadStatus(dataDirFrom(o['data-dir'] !== undefined ? ['--data-dir', o['data-dir']] : []), o.json === true);
  }
  const filter: AuditFilter = {};
  if (o.platform !== undefined) {
    if (!['shopify', 'meta', 'generic'].includes(o.platform)) throw new UsageError('--platform takes shopify, meta or generic');
    filter.platform = o.platform;
  }
  if (o['min-risk'] !== undefined) {
    if (!/^[0-3]$/.test(o['min-risk'])) throw new UsageError('--min-risk takes 0, 1, 2 or 3');
    filter.minRisk = Number(o['min-risk']);
  }
  if (o.outcome !== undefined) {
    if (!['forwarded', 'blocked', 'denied', 'error', 'throttled'].includes(o.outcome))
      throw new UsageError('--outcome takes forwarded, blocked, denied, error or throttled');
    filter.outcome = o.outcome;
  }
  if (o.session !== undefined) filter.sessionId = o.session;
  if (o.tool !== undefined) filter.tool = o.tool;
  if (o.since !== undefined) filter.since = parseTime(o.since, '--since');
  if (o.until !== undefined) filter.until = parseTime(o.until, '--until');
  let limit = o.json || o.csv ? 0 : 50;
  if (o.limit !== undefined) {
    if (!/^\d{1,9}$/.test(o.limit)) throw new UsageError('--limit takes a whole number');
    limit = Number(o.limit);
  }
  const dataDir = dataDirFrom(o['data-dir'] !== undefined ? ['--data-dir', o['data-dir']] : []);

  const reader = await openAuditReader(dataDir);
  try {
    if (o.alerts) {
      const alerts = reader.alerts(limit || Number.MAX_SAFE_INTEGER);
      for (const a of alerts) await writeOut((o.json ? JSON.stringify(a) : o.csv ? alertCsv(a) : alertRow(a)) + '\n');
      return 0;
    }
    if (o.csv) await writeOut(eventCsvHeader() + '\n');
    const rows = limit > 0 ? reader.latest(limit, filter) : reader.iterate(filter);
    let n = 0;
    for (const e of rows) {
      n++;
      await writeOut((o.json ? JSON.stringify(e) : o.csv ? eventCsvRow(e) : tableRow(e)) + '\n');
    }
    if (!o.json && !o.csv && n === 0) process.stderr.write(`no audit events in ${dataDir} match\n`);
    return 0;
  } finally {
    reader.close();
  }
}

/** From the data dir alone (status.json + a fresh backlog count): works without a guard running. */
async function printUploadStatus(dataDir: string, json: boolean): Promise<number> {
  const { countBacklog } = await import('../upload/backlog.ts');
  const { uploadReport } = await import('../upload/report.ts');
  const url = process.env[ENV.cloudUrl] || null;
  const r = uploadReport(dataDir, url, url !== null, await countBacklog(dataDir));
  if (json) {
    await writeOut(JSON.stringify(r) + '\n');
    return 0;
  }
  const lines = [
    `uploads     ${r.enabled ? 'on' : 'off (WARDEN_CLOUD_URL is not set here)'}${r.cloud ? ` to ${r.cloud}` : ''}`,
    `backlog     ${r.backlog ?? 0} folded events not uploaded`,
    `last ok     ${r.last_success ?? 'never'}`,
    `last error  ${r.last_error ? `${r.last_error.at} ${r.last_error.code}: ${r.last_error.message}` : 'none'}`,
    ...(r.paused_until ? [`paused      until ${r.paused_until}`] : []),
    `totals      ${r.accepted_total} accepted, ${r.duplicates_total} duplicates, ${r.rejected_total} rejected, ${r.lost_to_retention} lost to retention (${r.lost_segments} segments)`,
  ];
  await writeOut(lines.join('\n') + '\n');
  return 0;
}

function alertCsv(a: Alert): string {
  return [a.id, a.ts, a.session_id, a.instance_id, a.rule, a.severity, a.message, a.event_ids].map(csvCell).join(',');
}
