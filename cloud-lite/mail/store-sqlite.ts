// The alert mail store on the embedded SQLite file (the core store's connection).
import type Database from 'better-sqlite3';
import type { MailStore } from './store.ts';

export function sqliteMailStore(_db: Database.Database): MailStore {
  return {};
}
