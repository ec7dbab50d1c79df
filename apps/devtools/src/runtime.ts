import { Runner } from 'afk/core';
import { DexieStore } from 'afk/memory';

/** The database the devtools read and the playground writes (any tab on this origin sees it). */
export const DEVTOOLS_DB = 'afk-devtools';

/** The page's one store: the source of truth for runs, events and approvals. */
export const store = new DexieStore({ name: DEVTOOLS_DB });

/**
 * `external` interaction: an approval request persists and the run returns `interrupted`, to be
 * decided in the inbox (this tab, another tab, or after a reload) and continued with `resume`.
 */
export const runner = new Runner({ store, config: { interactionMode: 'external' } });
