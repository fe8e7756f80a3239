// The semantic analysis store on PostgreSQL (the core store's pool). reserve() is exact across
// instances: it first upserts both counter rows unchanged, which creates them if needed and
// row-locks them until the commit, then decides and spends under those locks. Every instance
// locks the daily row before the monthly one, so two reservations never deadlock.
import type { PgDatabase } from '../store/postgres-db.ts';
import { verdictOf } from './store-sqlite.ts';
import type { AnalysisStore, CachedVerdict, ReserveResult } from './store.ts';

interface VerdictRow {
  level: number;
  label: string;
  analyzed_at: string;
}

export function postgresAnalysisStore(db: PgDatabase): AnalysisStore {
  const get = async (cacheKey: string): Promise<CachedVerdict | null> => {
    const r = await db.query<VerdictRow>('analysis cache read', {
      name: 'analysis_get_v1',
      text: 'SELECT level, label, analyzed_at FROM analysis_verdicts WHERE cache_key = $1',
      values: [cacheKey],
    });
    return r.rows[0] ? verdictOf({ ...r.rows[0], analyzed_at: Number(r.rows[0].analyzed_at) }) : null;
  };
  return {
    getVerdict: get,
    async putVerdict(cacheKey, cached) {
      await db.query(
        'analysis cache write',
        'INSERT INTO analysis_verdicts (cache_key, level, label, analyzed_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
        [cacheKey, cached.verdict.level, cached.verdict.label, cached.analyzedAt],
      );
      return (await get(cacheKey))!;
    },
    async reserve(r) {
      return db.transaction('analysis reserve', async (c): Promise<ReserveResult> => {
        const daily = await c.query<{ calls: number }>(
          `INSERT INTO analysis_daily AS d (user_id, day, calls) VALUES ($1, $2, 0)
           ON CONFLICT (user_id, day) DO UPDATE SET calls = d.calls RETURNING d.calls`,
          [r.user, r.day],
        );
        const monthly = await c.query<{ tokens: string }>(
          `INSERT INTO analysis_monthly AS m (month, tokens) VALUES ($1, 0)
           ON CONFLICT (month) DO UPDATE SET tokens = m.tokens RETURNING m.tokens`,
          [r.month],
        );
        // Nothing spent: the unchanged upserts commit as no change.
        if (daily.rows[0]!.calls >= r.dailyCalls) return 'daily_cap';
        if (Number(monthly.rows[0]!.tokens) + r.tokens > r.monthlyTokens) return 'monthly_budget';
        await c.query('UPDATE analysis_daily SET calls = calls + 1 WHERE user_id = $1 AND day = $2', [r.user, r.day]);
        await c.query('UPDATE analysis_monthly SET tokens = tokens + $2 WHERE month = $1', [r.month, r.tokens]);
        return 'ok';
      });
    },
    async settle(month, reserved, used) {
      await db.query('analysis settle', 'UPDATE analysis_monthly SET tokens = greatest(0, tokens - $2 + $3) WHERE month = $1', [
        month,
        reserved,
        used,
      ]);
    },
    async callsOn(user, day) {
      const r = await db.query<{ calls: number }>(
        'analysis usage read',
        'SELECT calls FROM analysis_daily WHERE user_id = $1 AND day = $2',
        [user, day],
      );
      return r.rows[0]?.calls ?? 0;
    },
    async tokensIn(month) {
      const r = await db.query<{ tokens: string }>('analysis budget read', 'SELECT tokens FROM analysis_monthly WHERE month = $1', [month]);
      return Number(r.rows[0]?.tokens ?? 0);
    },
  };
}
