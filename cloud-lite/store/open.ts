// Opens the store the options choose (PostgreSQL when databaseUrl is set, else the embedded
// SQLite file in dataDir) and brings its schema up to date before anyone uses it.
import { openPostgresStore } from './postgres.ts';
import { openSqliteStore } from './sqlite.ts';
import type { CloudStore, CloudStoreOptions } from './types.ts';

export async function openCloudStore(opts: CloudStoreOptions): Promise<CloudStore> {
  const store =
    opts.databaseUrl !== undefined && opts.databaseUrl !== null && opts.databaseUrl !== ''
      ? openPostgresStore(opts.databaseUrl, { poolSize: opts.poolSize, onWarning: opts.onWarning })
      : openSqliteStore(opts.dataDir);
  try {
    await store.migrate();
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}
