// What the semantic analysis part keeps in the cloud store: one interface, implemented over the same
// database as the core store (store-sqlite.ts, store-postgres.ts), reached as store.analysis.
// The verdict cache is global (every user's question with the same key is the same question);
// the counters make the caps exact: a user's provider calls per UTC day, and the tokens all
// users spent per UTC month, both checked and spent in one transaction (across instances on
// PostgreSQL).
import type { AnalyzeVerdict } from '../../core/protocol/analyze.ts';

export interface CachedVerdict {
  verdict: AnalyzeVerdict;
  /** When the model made it (UTC ms). */
  analyzedAt: number;
}

export interface ReserveInput {
  user: string;
  /** 'YYYY-MM-DD' (UTC). */
  day: string;
  /** The user's provider calls allowed on `day`. */
  dailyCalls: number;
  /** 'YYYY-MM' (UTC). */
  month: string;
  /** Tokens all users may spend in `month`. */
  monthlyTokens: number;
  /** An upper bound of what this call can cost. */
  tokens: number;
}

/** ok: one call and `tokens` are spent; otherwise nothing was. */
export type ReserveResult = 'ok' | 'daily_cap' | 'monthly_budget';

export interface AnalysisStore {
  getVerdict(cacheKey: string): Promise<CachedVerdict | null>;
  /** Keeps the verdict unless one is cached already (the first wins); returns the cached one. */
  putVerdict(cacheKey: string, cached: CachedVerdict): Promise<CachedVerdict>;
  /** Checks the user's daily cap, then the monthly budget; spends both or neither. */
  reserve(input: ReserveInput): Promise<ReserveResult>;
  /** Replaces a reservation of `reserved` tokens in `month` by what the call really cost. */
  settle(month: string, reserved: number, used: number): Promise<void>;
  /** Provider calls counted for the user on `day`. */
  callsOn(user: string, day: string): Promise<number>;
  /** Tokens counted in `month` (reservations included). */
  tokensIn(month: string): Promise<number>;
}
