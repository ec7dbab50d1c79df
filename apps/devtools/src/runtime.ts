import { Runner } from 'afk/core';
import { exposeAfk } from 'afk/evals';
import { DexieStore } from 'afk/memory';
import { EXAMPLES } from './demo/examples';

/** The database the devtools read and the playground writes (any tab on this origin sees it). */
export const DEVTOOLS_DB = 'afk-devtools';

/** The page's one store: the source of truth for runs, events and approvals. */
export const store = new DexieStore({ name: DEVTOOLS_DB });

/**
 * `external` interaction: an approval request persists and the run returns `interrupted`, to be
 * decided in the inbox (this tab, another tab, or after a reload) and continued with `resume`.
 */
export const runner = new Runner({ store, config: { interactionMode: 'external' } });

/**
 * `window.__afk` for `@afk/playwright` (the project's own e2e suite drives the app through it):
 * the demo agents by name, on their scripted models, for `afk.evaluate`; a decision made with
 * `afk.decide` continues the run the way the inbox does: by the tab that hosts it when another
 * tab does (it hears the decision), else here (`continueHere`: streamed into the playground when
 * it is its run, once). Loaded lazily: hosted-runs imports this module.
 */
exposeAfk({
  runner,
  store,
  agents: Object.fromEntries(
    EXAMPLES.map((e) => {
      const agent = e.build();
      return [agent.name, agent];
    }),
  ),
  resume: async ({ runId, threadId }) => {
    const { continueHere, hosts } = await import('./state/hosted-runs');
    if (!(await hosts.hostedElsewhere(runId))) await continueHere(runId, threadId);
  },
});
