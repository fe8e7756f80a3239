// Shared helpers for the store tests: ids, events, temp data dirs, direct segment inspection.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Alert, AuditEvent } from '../../core/types.ts';
import { loadSqlJs } from '../../store/sqljs.ts';
import { EVENT_SCHEMA_VERSION } from '../../core/protocol/event.ts';

const B32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
let lastMs = 0;
let counter = 0;

/** ULID-like id (26 chars, Crockford base32, time first), monotonic within this process. */
export function testId(now = Date.now()): string {
  if (now <= lastMs) counter++;
  else {
    lastMs = now;
    counter = Math.floor(Math.random() * 2 ** 30);
  }
  let t = '';
  let ms = Math.max(now, lastMs);
  for (let i = 0; i < 10; i++) {
    t = B32[ms % 32] + t;
    ms = Math.floor(ms / 32);
  }
  let r = '';
  let c = counter;
  for (let i = 0; i < 8; i++) {
    r = B32[c % 32] + r;
    c = Math.floor(c / 32);
  }
  const rand = Array.from({ length: 8 }, () => B32[Math.floor(Math.random() * 32)]).join('');
  return t + r + rand;
}

export function makeEvent(over: Partial<AuditEvent> = {}): AuditEvent {
  const ts = over.ts ?? Date.now();
  return {
    v: EVENT_SCHEMA_VERSION,
    id: testId(ts),
    ts,
    session_id: 'sess-1',
    instance_id: 'inst-1',
    client: 'test-client',
    tool: 'shopify_request',
    platform: 'shopify',
    target: 'shop.example',
    method: 'GET',
    endpoint: '/admin/api/{version}/products.json',
    operation: null,
    action: 'read',
    categories: [],
    status: 200,
    latency_ms: 12,
    risk_level: 0,
    rules: [],
    outcome: 'forwarded',
    error: null,
    pii: { email: 0, phone: 0, card: 0, secret: 0 },
    usage: { calls: 1 },
    ...over,
  };
}

export function makeAlert(over: Partial<Alert> = {}): Alert {
  const ts = over.ts ?? Date.now();
  return {
    v: EVENT_SCHEMA_VERSION,
    id: testId(ts),
    ts,
    session_id: 'sess-1',
    instance_id: 'inst-1',
    rule: 'bulk-delete',
    severity: 'critical',
    message: 'many deletes',
    event_ids: [],
    ...over,
  };
}

export function tempDataDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'warden-store-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function segmentFiles(dataDir: string): string[] {
  try {
    return readdirSync(join(dataDir, 'db'))
      .filter((n) => /^segment-\d{6}\.sqlite$/.test(n))
      .sort()
      .map((n) => join(dataDir, 'db', n));
  } catch {
    return [];
  }
}

/** Opens every segment file with sql.js, runs PRAGMA integrity_check, returns the verdicts. */
export async function integrityOfSegments(dataDir: string): Promise<{ file: string; verdict: string }[]> {
  const SQL = await loadSqlJs();
  return segmentFiles(dataDir).map((file) => {
    try {
      const db = new SQL.Database(readFileSync(file));
      try {
        return { file, verdict: String(db.exec('PRAGMA integrity_check')[0]?.values[0]?.[0]) };
      } finally {
        db.close();
      }
    } catch (err) {
      return { file, verdict: `open failed: ${(err as Error).message}` };
    }
  });
}

/** How many times each event id is stored across all segment files (reads the files directly). */
export async function storedIdCounts(dataDir: string): Promise<Map<string, number>> {
  const SQL = await loadSqlJs();
  const counts = new Map<string, number>();
  for (const file of segmentFiles(dataDir)) {
    const db = new SQL.Database(readFileSync(file));
    try {
      for (const [id] of db.exec('SELECT id FROM events')[0]?.values ?? []) {
        counts.set(String(id), (counts.get(String(id)) ?? 0) + 1);
      }
    } finally {
      db.close();
    }
  }
  return counts;
}

export function journalFiles(dataDir: string): string[] {
  try {
    return readdirSync(join(dataDir, 'journal'))
      .filter((n) => n.endsWith('.ndjson'))
      .sort();
  } catch {
    return [];
  }
}
