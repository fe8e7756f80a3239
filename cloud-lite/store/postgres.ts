// PostgreSQL store: coming in the next commit.
import type { CloudStore } from './types.ts';

export interface PostgresStoreOptions {
  poolSize?: number | undefined;
  onWarning?: ((message: string) => void) | undefined;
}

export function openPostgresStore(_url: string, _opts: PostgresStoreOptions = {}): CloudStore {
  throw new Error('the PostgreSQL store is not built yet');
}
