// What the alert mail part keeps in the cloud store: one interface, implemented over the same
// database as the core store (store-sqlite.ts, store-postgres.ts), reached as store.mail.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface MailStore {}
