// The alert evaluation store on PostgreSQL (the core store's pool).
import type { PgDatabase } from '../store/postgres-db.ts';
import type { AlertStore } from './store.ts';

export function postgresAlertStore(_db: PgDatabase): AlertStore {
  return {};
}
