// English error messages for the zod/mini schemas of core/protocol and the store. Classic zod
// loads them when imported; zod/mini loads no locale, so without this a reader in the extension
// (which has no classic zod) would say only "Invalid input". Only the English locale is bundled.
// The setting is zod's global configuration, the same one classic zod sets.
import * as z from 'zod/mini';
import { en } from 'zod/locales';

z.config(en());
