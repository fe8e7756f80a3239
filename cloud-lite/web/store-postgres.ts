// The web dashboard store on PostgreSQL (the core store's pool).
import type { PgDatabase } from '../store/postgres-db.ts';
import type { WebStore } from './store.ts';

export function postgresWebStore(_db: PgDatabase): WebStore {
  return {};
}
