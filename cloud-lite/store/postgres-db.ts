// One PostgreSQL pool and the two ways the stores use it: a single query, or a transaction.
// Shared by the core store (postgres.ts) and the feature stores (alerts, mail, analysis, web),
// so that every PostgreSQL error leaves cloud-lite the same way: as a PostgresStoreError with
// the SQLSTATE or the network error code only, never a statement's values (a pg error's
// detail quotes them), and the service answers 503.
import pg from 'pg';
import { DuplicateKeyError, InvalidCursorError, SchemaTooNewError } from './types.ts';

/** A database failure, described without the statement's values. */
export class PostgresStoreError extends Error {
  constructor(
    message: string,
    /** SQLSTATE (e.g. 40001) or the network error code (e.g. ECONNREFUSED). */
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

export function safeError(err: unknown, what: string): Error {
  if (
    err instanceof DuplicateKeyError ||
    err instanceof InvalidCursorError ||
    err instanceof SchemaTooNewError ||
    err instanceof RangeError ||
    err instanceof PostgresStoreError
  ) {
    return err;
  }
  const code = typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
  if (code !== undefined && /^[0-9A-Z]{5}$/.test(code)) return new PostgresStoreError(`PostgreSQL ${what} failed (SQLSTATE ${code})`, code);
  return new PostgresStoreError(`PostgreSQL unavailable during ${what}${code === undefined ? '' : ` (${code})`}`, code);
}

export class PgDatabase {
  constructor(readonly pool: pg.Pool) {}

  /** A named query (config.name) is prepared once per connection: the hot paths skip re-planning. */
  async query<R extends pg.QueryResultRow>(
    what: string,
    text: string | pg.QueryConfig,
    values: unknown[] = [],
  ): Promise<pg.QueryResult<R>> {
    try {
      return await (typeof text === 'string' ? this.pool.query<R>(text, values) : this.pool.query<R>(text));
    } catch (err) {
      throw safeError(err, what);
    }
  }

  async transaction<T>(what: string, body: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw safeError(err, what);
    }
    let broken = false;
    try {
      await client.query('BEGIN');
      const value = await body(client);
      await client.query('COMMIT');
      return value;
    } catch (err) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true;
      }
      throw safeError(err, what);
    } finally {
      client.release(broken);
    }
  }
}
