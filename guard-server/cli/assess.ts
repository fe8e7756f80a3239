// `warden-guard assess`: replays one agent session's operations through the same core the
// guard uses (classify → rules → sequence alerts) and writes one verdict per operation.
import { z } from 'zod';
import { SequenceDetector, sequenceStep } from '../../core/alerts/sequence.ts';
import { assessOperation, InvalidGraphqlError } from '../../core/classify/index.ts';
import type { RuleEngine } from '../../core/rules/engine.ts';
import { scrubText, scrubUrl } from '../../core/scrub/scrubber.ts';
import { loadRuleEngine } from '../rules-file.ts';
import { dataDirFrom } from './options.ts';
import { stdinLines, writeOut } from './lines.ts';

const HELP = `Usage: warden-guard assess [--data-dir DIR] < operations.ndjson
Each input line is one operation of one agent session, in order:
  {"method": "DELETE", "url": "https://shop.myshopify.com/admin/api/2025-10/products/1.json", "status": 200, "body": …, "ts": 1732406400000}
Optional "headers" (method overrides, content type) and "tool" are read too.
Each output line: {"op", "platform", "target", "method", "endpoint", "operation", "action",
"risk_level", "rules", "labels", "alerts": [{"rule", "severity", "message", "ops"}]}; "method" is
the effective one (a POST with method=delete is a DELETE) and a Meta batch is scored item by
item. A request the guard would refuse as unreadable also carries "refused": <why>. A line that
cannot be read gives {"op", "error"} and the exit code is 1. User rules from DIR/rules.json are applied.
`;

const operationSchema = z.object({
  method: z
    .string()
    .min(1)
    .max(16)
    .transform((m) => m.toUpperCase()),
  url: z.string().min(1).max(16_384),
  status: z.number().int().min(100).max(599).nullable().optional(),
  body: z.unknown().optional(),
  ts: z.number().finite().optional(),
  tool: z.string().max(64).optional(),
  headers: z.record(z.string().max(256), z.string().max(16_384)).optional(),
});

function toolFor(url: URL): string {
  if (url.pathname.endsWith('/graphql.json')) return 'shopify_graphql';
  if (/\/admin\/api\//.test(url.pathname)) return 'shopify_rest';
  if (/(^|\.)facebook\.com$/.test(url.hostname)) return 'meta_graph';
  return 'http_request';
}

function assessLine(rules: RuleEngine, detector: SequenceDetector, n: number, line: string, lastTs: number): { out: object; ts: number } {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (e) {
    throw new Error(`not JSON (${(e as Error).message.slice(0, 80)})`);
  }
  const parsed = operationSchema.safeParse(json);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${i.path.join('.') || 'line'}: ${i.message}`).join('; '));
  const op = parsed.data;
  let url: URL;
  try {
    url = new URL(op.url);
  } catch {
    throw new Error('url is not an absolute URL');
  }
  let body = op.body;
  if (typeof body === 'string' && /^\s*[[{]/.test(body)) {
    try {
      body = JSON.parse(body);
    } catch {
      /* plain text body */
    }
  }
  const headers = op.headers && Object.fromEntries(Object.entries(op.headers).map(([k, v]) => [k.toLowerCase(), v]));
  const input = { tool: op.tool ?? toolFor(url), method: op.method, url: url.href, body, ...(headers ? { headers } : {}) };
  const assessed = assessOperation(rules, input, { recordUrl: scrubUrl(url.href) });
  const { classification: cls, risk } = assessed;
  const ts = op.ts ?? lastTs;
  const alerts = detector.observe(
    sequenceStep({
      id: String(n),
      ts,
      platform: cls.platform,
      action: risk.action,
      status: op.status ?? null,
      categories: risk.categories,
      operation: assessed.operation,
    }),
  );
  return {
    ts,
    out: {
      op: n,
      platform: cls.platform,
      target: cls.target,
      method: assessed.method,
      endpoint: cls.endpoint,
      operation: assessed.operation === null ? null : scrubText(assessed.operation),
      action: risk.action,
      risk_level: risk.risk_level,
      rules: risk.rules,
      labels: risk.labels,
      alerts: alerts.map((a) => ({ rule: a.rule, severity: a.severity, message: a.message, ops: a.event_ids.map(Number) })),
      ...(assessed.refusal !== null ? { refused: scrubText(assessed.refusal) } : {}),
    },
  };
}

export async function runAssess(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(HELP);
    return 0;
  }
  const dataDir = dataDirFrom(args);
  const rules = loadRuleEngine(dataDir, (m) => process.stderr.write(`warden-guard: ${m}\n`));
  const detector = new SequenceDetector();
  let n = 0;
  let failed = 0;
  let lastTs = Date.now();
  for await (const line of stdinLines()) {
    if (line.trim() === '') continue;
    n++;
    try {
      const r = assessLine(rules, detector, n, line, lastTs);
      lastTs = r.ts;
      await writeOut(JSON.stringify(r.out) + '\n');
    } catch (err) {
      failed++;
      const msg = err instanceof InvalidGraphqlError ? err.message : (err as Error).message;
      await writeOut(JSON.stringify({ op: n, error: scrubText(msg) }) + '\n');
      process.stderr.write(`warden-guard: line ${n}: ${scrubText(msg)}\n`);
    }
  }
  return failed > 0 ? 1 : 0;
}
