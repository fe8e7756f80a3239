// A store built for the read-API tests: several segments with overlapping time ranges, events
// sharing timestamps, two writers, folded intents, a journal tail (the overlay) with finals of
// folded intents, open intents and alerts. Also an independent brute-force filter to compare with.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SqlJsStatic } from 'sql.js';
import type { Alert, AuditEvent } from '../../core/types.ts';
import { JournalWriter } from '../../store/journal.ts';
import { Folder } from '../../store/writer/folder.ts';
import { makeAlert, makeEvent, segmentFiles, tempDataDir } from './helpers.ts';

export const HOUR = 3_600_000;
export const BASE = Date.UTC(2025, 0, 10, 0, 0, 0);

/** Deterministic pseudo-random numbers (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ENDPOINTS: [AuditEvent['platform'], string, string | null][] = [
  ['shopify', '/admin/api/{version}/products.json', null],
  ['shopify', '/admin/api/{version}/graphql.json', 'mutation productDelete'],
  ['shopify', '/admin/api/{version}/customers/{id}.json', null],
  ['meta', '/{version}/{id}/campaigns', null],
  ['meta', '/{version}/act_{id}/ads', null],
  ['generic', '/v1/Orders/{id}', null],
  ['generic', '/v1/items', null],
];
const OUTCOMES: AuditEvent['outcome'][] = ['forwarded', 'forwarded', 'forwarded', 'blocked', 'denied', 'error', 'throttled'];
const RULES = ['Shopify.Customer.Delete', 'meta.budget.raise', 'generic.delete'];

export function randomEvent(r: () => number, ts: number, over: Partial<AuditEvent> = {}): AuditEvent {
  const [platform, endpoint, operation] = ENDPOINTS[Math.floor(r() * ENDPOINTS.length)]!;
  const risk = Math.floor(r() * 4) as AuditEvent['risk_level'];
  const outcome = OUTCOMES[Math.floor(r() * OUTCOMES.length)]!;
  const session = Math.floor(r() * 6);
  return makeEvent({
    ts,
    platform,
    endpoint,
    operation,
    tool: `${platform}_request`,
    method: ['GET', 'POST', 'DELETE', 'PUT'][Math.floor(r() * 4)]!,
    session_id: `sess-${session}`,
    client: session % 2 ? 'claude-desktop' : 'vscode',
    target: r() < 0.2 ? null : `Shop-${Math.floor(r() * 3)}.Example`,
    risk_level: risk,
    rules: risk >= 2 ? [RULES[Math.floor(r() * RULES.length)]!] : [],
    outcome,
    error: outcome === 'error' ? 'TimeoutError: upstream took too long' : null,
    status: outcome === 'forwarded' ? 200 : null,
    ...over,
  });
}

export interface BuiltStore {
  dir: string;
  /** Every event a reader must show (final events; open intents as they are). */
  events: AuditEvent[];
  alerts: Alert[];
  segments: number;
  cleanup: () => void;
}

/**
 * Writes `n` folded events (two writers, shuffled timestamps over ~3 days, many equal) with a
 * small segment size, then an unfolded tail. Every third timestamp is shared by several events.
 */
export function buildStore(
  SQL: SqlJsStatic,
  opts: {
    n: number;
    segmentSize: number;
    seed?: number;
    tail?: boolean;
    /** Timestamps rise with the write order (with jitter). */ ordered?: boolean;
  },
): BuiltStore {
  const t = tempDataDir();
  const jdir = join(t.dir, 'journal');
  mkdirSync(jdir, { recursive: true });
  const r = rng(opts.seed ?? 1);
  const folder = new Folder(SQL, {
    dataDir: t.dir,
    segmentSize: opts.segmentSize,
    retentionDays: 36500,
    maxEvents: 1e9,
    onWarning: () => {},
  });
  const writers = [new JournalWriter(jdir, 'writer-a'), new JournalWriter(jdir, 'writer-b')];
  const truth = new Map<string, AuditEvent>();
  const alerts: Alert[] = [];
  const foldedIntents: AuditEvent[] = [];
  let i = 0;
  const tsAt = (): number =>
    opts.ordered
      ? BASE + Math.floor((i / opts.n) * 72 * HOUR) + Math.floor(r() * 20) * 60_000
      : BASE + Math.floor(r() * 72) * HOUR + Math.floor(r() * 40) * 60_000;
  for (; i < opts.n; i++) {
    const w = writers[i % 2]!;
    // Bursts of events with one timestamp.
    const ts = i % 3 === 0 && i > 0 ? ([...truth.values()].at(-1)?.ts ?? tsAt()) : tsAt();
    const e = randomEvent(r, ts);
    if (i % 17 === 0) {
      w.append({ k: 'intent', e: { ...e, outcome: 'error', error: 'interrupted', status: null } });
      if (i % 34 === 0) {
        foldedIntents.push(e); // final event only in the tail
        truth.set(e.id, { ...e, outcome: 'error', error: 'interrupted', status: null });
        continue;
      }
    }
    w.append({ k: 'event', e });
    truth.set(e.id, e);
    if (i % 97 === 0) {
      const a = makeAlert({
        ts: ts + 1,
        severity: i % 2 ? 'warning' : 'critical',
        session_id: e.session_id,
        rule: i % 3 ? 'consecutive_deletes' : 'bulk_read',
      });
      w.append({ k: 'alert', a });
      alerts.push(a);
    }
    if (i % 250 === 249) folder.fold();
  }
  folder.fold();
  if (opts.tail !== false) {
    const w = writers[0]!;
    for (const e of foldedIntents) {
      w.append({ k: 'event', e });
      truth.set(e.id, e);
    }
    for (let k = 0; k < 40; k++) {
      i = Math.floor(r() * opts.n);
      const e = randomEvent(r, k < 10 ? BASE + 73 * HOUR : tsAt());
      if (k % 5 === 0) {
        const intent = { ...e, outcome: 'error' as const, error: 'interrupted', status: null };
        w.append({ k: 'intent', e: intent });
        truth.set(e.id, intent);
      } else {
        w.append({ k: 'event', e });
        truth.set(e.id, e);
      }
    }
    const a = makeAlert({ ts: BASE + 73 * HOUR, severity: 'critical' });
    w.append({ k: 'alert', a });
    alerts.push(a);
  }
  return { dir: t.dir, events: [...truth.values()], alerts, segments: segmentFiles(t.dir).length, cleanup: t.cleanup };
}

/** Removes the rollups of some manifest entries, as segments sealed before rollups existed. */
export function dropRollups(SQL: SqlJsStatic, dir: string, keep: (seq: number) => boolean): number {
  const newest = segmentFiles(dir).at(-1)!;
  const db = new SQL.Database(readFileSync(newest));
  const raw = db.exec("SELECT value FROM meta WHERE key = 'segments'")[0]!.values[0]![0] as string;
  const entries = JSON.parse(raw) as { seq: number; rollup?: unknown }[];
  let dropped = 0;
  for (const m of entries) {
    if (!keep(m.seq) && m.rollup) {
      delete m.rollup;
      dropped++;
    }
  }
  db.run("UPDATE meta SET value = ? WHERE key = 'segments'", [JSON.stringify(entries)]);
  writeFileSync(newest, db.export());
  db.close();
  return dropped;
}

export const newestFirst = (a: { ts: number; id: string }, b: { ts: number; id: string }): number =>
  b.ts - a.ts || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
