// Versioned schema migrations of both back ends, numbered from 1. A database records what it has
// applied in schema_migrations; migrate() applies the missing ones in order, in one transaction
// that excludes other instances (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory lock), and
// refuses a database migrated by a newer build. Never edit a released migration: add one.
import { ALERT_MIGRATIONS } from '../alerts/migrations.ts';
import { ANALYSIS_MIGRATIONS } from '../analyze/migrations.ts';
import { MAIL_MIGRATIONS } from '../mail/migrations.ts';
import { WEB_MIGRATIONS } from '../web/migrations.ts';
import { SchemaTooNewError } from './types.ts';

export interface Migration {
  version: number;
  sql: string;
}

/** A part's migrations for each back end, and its PostgreSQL routines (see POSTGRES_ROUTINES). */
export interface FeatureMigrations {
  sqlite: readonly Migration[];
  postgres: readonly Migration[];
  postgresRoutines: readonly string[];
}

/** The parts beyond the core schema, in version order (alerts 2, mail 3, analysis 4, web 5). */
const FEATURES: readonly FeatureMigrations[] = [ALERT_MIGRATIONS, MAIL_MIGRATIONS, ANALYSIS_MIGRATIONS, WEB_MIGRATIONS];

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
  ...FEATURES.flatMap((f) => f.sqlite),
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
  ...FEATURES.flatMap((f) => f.postgres),
];

/**
 * Functions the code calls, kept out of the numbered migrations: each is created with CREATE OR
 * REPLACE by every migrate() (under the same advisory lock), and its name carries a version,
 * so a change is a new name and builds running side by side never replace each other's body.
 */
export const POSTGRES_ROUTINES: readonly string[] = [
  // insertEvents in one round trip and one implicit transaction (postgres.ts). The events go in
  // first (ON CONFLICT DO NOTHING tells the new ids), in id order so that two batches sharing
  // ids lock them in the same order (no deadlock); only then is the usage row locked, by the
  // upsert that adds them, and held until the commit: the quota stays exact across instances
  // while concurrent batches of one user overlap in everything but that last step. Past the
  // quota, the new ids beyond it in batch order (the caller's JSON array is in batch order, one
  // event per id) are deleted again and the count set back, in the same transaction. Returns
  // the count before this batch and every id it inserted. The events come as one json array: a
  // json element's text is stored as the body verbatim (no text[] literal to escape per body).
  `
    CREATE OR REPLACE FUNCTION insert_events_within_quota_v1(
      p_user text, p_key text, p_day text, p_quota bigint, p_received bigint, p_events json
    ) RETURNS TABLE (used_before integer, inserted text[])
    LANGUAGE plpgsql AS $fn$
    DECLARE
      v_inserted text[];
      v_n integer;
      v_before integer;
      v_allowed integer;
    BEGIN
      WITH ins AS (
        INSERT INTO events (user_id, id, ts, session_id, platform, risk_level, key_id, received_at, body)
        SELECT p_user, e ->> 'id', (e ->> 'ts')::float8, e ->> 'session_id', e ->> 'platform',
          (e ->> 'risk_level')::smallint, p_key, p_received, e::text
        FROM json_array_elements(p_events) AS e
        ORDER BY e ->> 'id' COLLATE "C"
        ON CONFLICT DO NOTHING
        RETURNING events.id
      )
      SELECT coalesce(array_agg(ins.id), '{}') INTO v_inserted FROM ins;
      v_n := cardinality(v_inserted);
      IF v_n = 0 THEN
        -- All duplicates: nothing to count, no lock to take.
        SELECT coalesce(max(usage.count), 0) INTO v_before FROM usage WHERE usage.user_id = p_user AND usage.day = p_day;
        RETURN QUERY SELECT v_before, v_inserted;
        RETURN;
      END IF;
      INSERT INTO usage AS g (user_id, day, count) VALUES (p_user, p_day, v_n)
        ON CONFLICT (user_id, day) DO UPDATE SET count = g.count + EXCLUDED.count
        RETURNING g.count - v_n INTO v_before;
      v_allowed := greatest(0, least(v_n::bigint, p_quota - v_before))::integer;
      IF v_allowed < v_n THEN
        DELETE FROM events WHERE events.user_id = p_user AND events.id = ANY ((
          SELECT array_agg(x.e ->> 'id' ORDER BY x.ord) FROM json_array_elements(p_events) WITH ORDINALITY AS x(e, ord)
          WHERE x.e ->> 'id' = ANY (v_inserted)
        )[v_allowed + 1:]);
        UPDATE usage SET count = v_before + v_allowed WHERE usage.user_id = p_user AND usage.day = p_day;
      END IF;
      RETURN QUERY SELECT v_before, v_inserted;
    END
    $fn$;
  `,
  ...FEATURES.flatMap((f) => f.postgresRoutines),
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
