// The one store interface of cloud-lite: keys, events, alerts and the daily quota. Two
// implementations pass the same suite (test/cloud-lite/store.test.ts): SQLite embedded
// (sqlite.ts, better-sqlite3, the default) and PostgreSQL (postgres.ts, when DATABASE_URL is
// set, shared by several stateless instances). Everything here is durable: a method that
// resolved has committed.
import type { Alert, AuditEvent, Platform, RiskLevel } from '../../core/types.ts';
import type { AlertStore } from '../alerts/store.ts';
import type { AnalysisStore } from '../analyze/store.ts';
import type { MailStore } from '../mail/store.ts';
import type { WebStore } from '../web/store.ts';

export type Plan = 'free' | 'pro';
export const PLANS: readonly Plan[] = ['free', 'pro'];

/**
 * The HMAC key a secret verifies with. Secrets are longer than SHA-256's 64-byte block, so by
 * RFC 2104 HMAC(secret, m) = HMAC(SHA-256(secret), m): the store keeps the 32-byte digest,
 * never the secret (cloud-lite/keys/secret.ts derives it). It is still key-equivalent: the
 * database must be protected like the secrets.
 */
export type VerifyKey = Uint8Array;

export interface NewApiKey {
  keyId: string;
  user: string;
  email: string;
  plan: Plan;
  verifyKey: VerifyKey;
  createdAt: number;
}

/** A key as the service verifies with it: one or two active secrets (during a rotation). */
export interface ApiKeyRecord {
  keyId: string;
  user: string;
  email: string;
  plan: Plan;
  createdAt: number;
  /** Null while active. A revoked key verifies nothing. */
  revokedAt: number | null;
  /** The newest secret first; two while a rotation is in progress. */
  verifyKeys: VerifyKey[];
  rotatedAt: number | null;
}

/** What `keys list` shows: never a secret or a verify key. */
export type ApiKeyListing = Omit<ApiKeyRecord, 'verifyKeys'> & { activeSecrets: number };

export interface InsertEventsInput {
  user: string;
  keyId: string;
  /** In batch order; ids may repeat within the batch (the first wins). */
  events: AuditEvent[];
  /** The user's daily quota (events per UTC day) and the UTC day this batch counts against. */
  dailyQuota: number;
  /** 'YYYY-MM-DD' (UTC). */
  day: string;
  receivedAt: number;
}

export interface InsertEventsResult {
  /** Ids stored by this call (they spent quota). */
  accepted: string[];
  /** Ids already stored for this user (before or earlier in this batch): not stored again, no quota spent. */
  duplicates: string[];
  /** New ids past the quota, in batch order: not stored; the guard keeps them for after the reset. */
  refused: string[];
  /** Events counted against `day` after this call. */
  usedToday: number;
}

export interface EventQuery {
  user: string;
  limit: number;
  /** Opaque, from a previous page's nextCursor. */
  cursor: string | null;
  /** Unix ms on the event's ts, inclusive. */
  since?: number;
  /** Unix ms on the event's ts, exclusive. */
  until?: number;
  platform?: Platform;
  minRisk?: RiskLevel;
  sessionId?: string;
}

export interface EventPageResult {
  /** Newest first (ts, then id, descending). */
  events: AuditEvent[];
  nextCursor: string | null;
}

export interface AlertQuery {
  user: string;
  limit: number;
  cursor: string | null;
}

export interface AlertPageResult {
  alerts: Alert[];
  nextCursor: string | null;
}

/** A bad cursor from a client: the route answers 400 invalid_body. */
export class InvalidCursorError extends Error {}

/** createKey with a key id that already exists. */
export class DuplicateKeyError extends Error {}

/** The database was migrated by a newer build: this one refuses to run on it (never downgrades). */
export class SchemaTooNewError extends Error {}

export interface CloudStore {
  readonly kind: 'sqlite' | 'postgres';
  /** The parts' own tables, on the same database (cloud-lite/<part>/store*.ts). */
  readonly alerts: AlertStore;
  readonly mail: MailStore;
  readonly analysis: AnalysisStore;
  readonly web: WebStore;
  /** Runs the versioned migrations not yet applied; safe when several instances start at once. */
  migrate(): Promise<void>;

  createKey(key: NewApiKey): Promise<void>;
  getKey(keyId: string): Promise<ApiKeyRecord | null>;
  /** Adds a new active secret; the previous newest stays active until retireOldSecret. False if unknown or revoked. */
  rotateKey(keyId: string, verifyKey: VerifyKey, at: number): Promise<boolean>;
  /** Keeps only the newest secret. False if unknown, revoked, or nothing to retire. */
  retireOldSecret(keyId: string): Promise<boolean>;
  revokeKey(keyId: string, at: number): Promise<boolean>;
  listKeys(): Promise<ApiKeyListing[]>;

  /** Stores new events up to the quota, atomically with the quota count (exact across instances). */
  insertEvents(input: InsertEventsInput): Promise<InsertEventsResult>;
  /** Events counted against `day` (UTC 'YYYY-MM-DD') for the user. */
  usedOn(user: string, day: string): Promise<number>;
  pageEvents(q: EventQuery): Promise<EventPageResult>;
  /** Alerts are evaluated in the next issue; stored idempotently by id. */
  insertAlerts(user: string, alerts: Alert[]): Promise<number>;
  pageAlerts(q: AlertQuery): Promise<AlertPageResult>;

  /** A cheap round trip for /healthz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface CloudStoreOptions {
  /** The embedded SQLite file lives here (created 0700, the file 0600) unless databaseUrl is set. */
  dataDir: string;
  /** PostgreSQL when set. */
  databaseUrl?: string | null;
  /** PostgreSQL: connections in this instance's pool (default 10). */
  poolSize?: number;
  onWarning?: (message: string) => void;
}
