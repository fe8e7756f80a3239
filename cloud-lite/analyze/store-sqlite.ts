// The semantic analysis store on the embedded SQLite file (the core store's connection).
import type Database from 'better-sqlite3';
import type { AnalysisStore } from './store.ts';

export function sqliteAnalysisStore(_db: Database.Database): AnalysisStore {
  return {};
}
