// The alert mail part's schema, in the store's one numbered sequence (store/migrations.ts lists
// every part's). Version 3 is this part's; never edit a released migration: add one.
//
// alert_outbox is the alerts part's (version 2 creates it: one row per new critical alert). This
// part adds to each row which email carries it (message_id) and, for a row held by the hourly
// cap, when a slot frees (compose_after).
// mail_messages holds one row per email: its delivery state (attempts, next attempt, lease,
// sent_at, the last error's code) and created_at, which is what the hourly cap counts.
import type { FeatureMigrations } from '../store/migrations.ts';

export const MAIL_MIGRATIONS: FeatureMigrations = {
  sqlite: [
    {
      version: 3,
      sql: `
        ALTER TABLE alert_outbox ADD COLUMN message_id TEXT;
        ALTER TABLE alert_outbox ADD COLUMN compose_after INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX alert_outbox_waiting ON alert_outbox (compose_after, user_id) WHERE message_id IS NULL;
        CREATE INDEX alert_outbox_by_message ON alert_outbox (message_id) WHERE message_id IS NOT NULL;
        CREATE TABLE mail_messages (
          message_id TEXT PRIMARY KEY,
          user_id TEXT NOT NULL,
          kind TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          attempts INTEGER NOT NULL DEFAULT 0,
          next_attempt_at INTEGER NOT NULL,
          lease_owner TEXT,
          lease_until INTEGER NOT NULL DEFAULT 0,
          sent_at INTEGER,
          last_error TEXT
        ) WITHOUT ROWID;
        CREATE INDEX mail_messages_due ON mail_messages (next_attempt_at) WHERE sent_at IS NULL;
        CREATE INDEX mail_messages_by_user ON mail_messages (user_id, created_at);
      `,
    },
  ],
  postgres: [
    {
      version: 3,
      sql: `
        ALTER TABLE alert_outbox ADD COLUMN message_id text;
        ALTER TABLE alert_outbox ADD COLUMN compose_after bigint NOT NULL DEFAULT 0;
        CREATE INDEX alert_outbox_waiting ON alert_outbox (compose_after, user_id) WHERE message_id IS NULL;
        CREATE INDEX alert_outbox_by_message ON alert_outbox (message_id) WHERE message_id IS NOT NULL;
        CREATE TABLE mail_messages (
          message_id text PRIMARY KEY,
          user_id text NOT NULL,
          kind text NOT NULL,
          created_at bigint NOT NULL,
          attempts integer NOT NULL DEFAULT 0,
          next_attempt_at bigint NOT NULL,
          lease_owner text,
          lease_until bigint NOT NULL DEFAULT 0,
          sent_at bigint,
          last_error text
        );
        CREATE INDEX mail_messages_due ON mail_messages (next_attempt_at) WHERE sent_at IS NULL;
        CREATE INDEX mail_messages_by_user ON mail_messages (user_id, created_at);
      `,
    },
  ],
  postgresRoutines: [],
};
