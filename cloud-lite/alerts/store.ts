// What the alert evaluation part keeps in the cloud store: one interface, implemented over the same
// database as the core store (store-sqlite.ts, store-postgres.ts), reached as store.alerts.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface AlertStore {}
