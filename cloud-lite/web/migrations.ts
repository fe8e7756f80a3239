// The web dashboard part's schema, in the store's one numbered sequence (store/migrations.ts lists
// every part's). Version 5 is this part's; never edit a released migration: add one.
import type { FeatureMigrations } from '../store/migrations.ts';

export const WEB_MIGRATIONS: FeatureMigrations = { sqlite: [], postgres: [], postgresRoutines: [] };
