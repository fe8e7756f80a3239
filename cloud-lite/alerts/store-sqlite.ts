// The alert evaluation store on the embedded SQLite file (the core store's connection).
import type Database from 'better-sqlite3';
import type { AlertStore } from './store.ts';

export function sqliteAlertStore(_db: Database.Database): AlertStore {
  return {};
}
