// The web dashboard store on the embedded SQLite file (the core store's connection).
import type Database from 'better-sqlite3';
import type { WebStore } from './store.ts';

export function sqliteWebStore(_db: Database.Database): WebStore {
  return {};
}
