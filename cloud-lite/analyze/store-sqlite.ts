// The semantic analysis store on the embedded SQLite file (the core store's connection). Each
// method runs whole on the event loop inside BEGIN IMMEDIATE where it reads then writes, so a
// keys CLI or a second process on the same file cannot interleave.
import type Database from 'better-sqlite3';
import type { RiskLevel } from '../../core/protocol/vocabulary.ts';
import type { AnalysisStore, CachedVerdict, ReserveInput, ReserveResult } from './store.ts';

interface VerdictRow {
  level: number;
  label: string;
  analyzed_at: number;
}

export function verdictOf(row: VerdictRow): CachedVerdict {
  return { verdict: { level: row.level as RiskLevel, label: row.label }, analyzedAt: Number(row.analyzed_at) };
}

export function sqliteAnalysisStore(db: Database.Database): AnalysisStore {
  // Prepared on first use: the tables exist only once migrate() has run.
  const statements = new Map<string, Database.Statement>();
  const stmt = (sql: string): Database.Statement => {
    let s = statements.get(sql);
    if (s === undefined) {
      s = db.prepare(sql);
      statements.set(sql, s);
    }
    return s;
  };
  const calls = (user: string, day: string): number =>
    (stmt('SELECT calls FROM analysis_daily WHERE user_id = ? AND day = ?').get(user, day) as { calls: number } | undefined)?.calls ?? 0;
  const tokens = (month: string): number =>
    (stmt('SELECT tokens FROM analysis_monthly WHERE month = ?').get(month) as { tokens: number } | undefined)?.tokens ?? 0;
  const get = (cacheKey: string): CachedVerdict | null => {
    const row = stmt('SELECT level, label, analyzed_at FROM analysis_verdicts WHERE cache_key = ?').get(cacheKey) as VerdictRow | undefined;
    return row ? verdictOf(row) : null;
  };

  const reserve = db.transaction((r: ReserveInput): ReserveResult => {
    if (calls(r.user, r.day) >= r.dailyCalls) return 'daily_cap';
    if (tokens(r.month) + r.tokens > r.monthlyTokens) return 'monthly_budget';
    stmt(
      `INSERT INTO analysis_daily (user_id, day, calls) VALUES (?, ?, 1)
       ON CONFLICT (user_id, day) DO UPDATE SET calls = calls + 1`,
    ).run(r.user, r.day);
    stmt(
      `INSERT INTO analysis_monthly (month, tokens) VALUES (?, ?)
       ON CONFLICT (month) DO UPDATE SET tokens = tokens + excluded.tokens`,
    ).run(r.month, r.tokens);
    return 'ok';
  });

  return {
    async getVerdict(cacheKey) {
      return get(cacheKey);
    },
    async putVerdict(cacheKey, cached) {
      stmt('INSERT INTO analysis_verdicts (cache_key, level, label, analyzed_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING').run(
        cacheKey,
        cached.verdict.level,
        cached.verdict.label,
        cached.analyzedAt,
      );
      return get(cacheKey)!;
    },
    async reserve(input) {
      return reserve.immediate(input);
    },
    async settle(month, reserved, used) {
      stmt('UPDATE analysis_monthly SET tokens = max(0, tokens - ? + ?) WHERE month = ?').run(reserved, used, month);
    },
    async callsOn(user, day) {
      return calls(user, day);
    },
    async tokensIn(month) {
      return tokens(month);
    },
  };
}
