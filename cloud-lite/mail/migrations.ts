// The alert mail part's schema, in the store's one numbered sequence (store/migrations.ts lists
// every part's). Version 3 is this part's; never edit a released migration: add one.
import type { FeatureMigrations } from '../store/migrations.ts';

export const MAIL_MIGRATIONS: FeatureMigrations = { sqlite: [], postgres: [], postgresRoutines: [] };
