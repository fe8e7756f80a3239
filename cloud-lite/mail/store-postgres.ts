// The alert mail store on PostgreSQL (the core store's pool).
import type { PgDatabase } from '../store/postgres-db.ts';
import type { MailStore } from './store.ts';

export function postgresMailStore(_db: PgDatabase): MailStore {
  return {};
}
