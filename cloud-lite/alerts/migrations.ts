// The alert evaluation part's schema, in the store's one numbered sequence (store/migrations.ts lists
// every part's). Version 2 is this part's; never edit a released migration: add one.
import type { FeatureMigrations } from '../store/migrations.ts';

export const ALERT_MIGRATIONS: FeatureMigrations = { sqlite: [], postgres: [], postgresRoutines: [] };
