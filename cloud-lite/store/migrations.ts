// Versioned schema migrations of both back ends, numbered from 1. A database records what it has
// applied in schema_migrations; migrate() applies the missing ones in order, in one transaction
// that excludes other instances (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory lock), and
// refuses a database migrated by a newer build. Never edit a released migration: add one.
import { SchemaTooNewError } from './types.ts';

export interface Migration {
  version: number;
  sql: string;
}

export const SQLITE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE keys (
        key_id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL,
        email TEXT NOT NULL,
        plan TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        revoked_at INTEGER,
        rotated_at INTEGER,
        verify_key BLOB NOT NULL,
        previous_verify_key BLOB
      );
      CREATE TABLE events (
        user_id TEXT NOT NULL,
        id TEXT NOT NULL,
        ts REAL NOT NULL,
        session_id TEXT NOT NULL,
        platform TEXT NOT NULL,
        risk_level INTEGER NOT NULL,
        key_id TEXT NOT NULL,
        received_at INTEGER NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (user_id, id)
      ) WITHOUT ROWID;
      CREATE INDEX events_by_time ON events (user_id, ts DESC, id DESC);
      CREATE INDEX events_by_session ON events (user_id, session_id, ts DESC, id DESC);
      CREATE TABLE usage (
        user_id TEXT NOT NULL,
        day TEXT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (user_id, day)
      ) WITHOUT ROWID;
      CREATE TABLE alerts (
        user_id TEXT NOT NULL,
        id TEXT NOT NULL,
        ts REAL NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (user_id, id)
      ) WITHOUT ROWID;
      CREATE INDEX alerts_by_time ON alerts (user_id, ts DESC, id DESC);
    `,
  },
];

// Ids compare bytewise (COLLATE "C") so that pages order exactly as in SQLite, whatever the
// database's locale.
export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE keys (
        key_id text PRIMARY KEY,
        user_id text NOT NULL,
        email text NOT NULL,
        plan text NOT NULL,
        created_at bigint NOT NULL,
        revoked_at bigint,
        rotated_at bigint,
        verify_key bytea NOT NULL,
        previous_verify_key bytea
      );
      CREATE TABLE events (
        user_id text NOT NULL,
        id text COLLATE "C" NOT NULL,
        ts double precision NOT NULL,
        session_id text NOT NULL,
        platform text NOT NULL,
        risk_level smallint NOT NULL,
        key_id text NOT NULL,
        received_at bigint NOT NULL,
        body text NOT NULL,
        PRIMARY KEY (user_id, id)
      );
      CREATE INDEX events_by_time ON events (user_id, ts DESC, id DESC);
      CREATE INDEX events_by_session ON events (user_id, session_id, ts DESC, id DESC);
      CREATE TABLE usage (
        user_id text NOT NULL,
        day text NOT NULL,
        count integer NOT NULL,
        PRIMARY KEY (user_id, day)
      );
      CREATE TABLE alerts (
        user_id text NOT NULL,
        id text COLLATE "C" NOT NULL,
        ts double precision NOT NULL,
        body text NOT NULL,
        PRIMARY KEY (user_id, id)
      );
      CREATE INDEX alerts_by_time ON alerts (user_id, ts DESC, id DESC);
    `,
  },
];

/** The migrations a database at `applied` still needs; throws if it is newer than `known`. */
export function pendingMigrations(known: readonly Migration[], applied: readonly number[]): Migration[] {
  const latest = known.reduce((m, x) => Math.max(m, x.version), 0);
  const newest = applied.reduce((m, v) => Math.max(m, v), 0);
  if (newest > latest) {
    throw new SchemaTooNewError(
      `the database schema is at version ${newest}, newer than this build knows (${latest}): upgrade cloud-lite, never downgrade the database`,
    );
  }
  const done = new Set(applied);
  return known.filter((m) => !done.has(m.version)).sort((a, b) => a.version - b.version);
}
