// The semantic analysis store on PostgreSQL (the core store's pool).
import type { PgDatabase } from '../store/postgres-db.ts';
import type { AnalysisStore } from './store.ts';

export function postgresAnalysisStore(_db: PgDatabase): AnalysisStore {
  return {};
}
