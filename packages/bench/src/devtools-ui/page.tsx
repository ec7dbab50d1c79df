/**
 * The runs-list benchmark page (bundled by `devtools-ui.ts`, driven in Chromium): seeds a
 * DexieStore with synthetic runs, then times `<RunList />` from mount to its first painted rows.
 */
import { AfkProvider, RunList } from '@afk/react';
import { DexieStore, seedRuns } from 'afk/memory';
import { createRoot } from 'react-dom/client';
import css from '../../../react/src/styles.css?inline';

const DB = 'afk-runs-bench';

export interface RenderFigures {
  /** Mount → first run rows in the DOM and painted. */
  ms: number;
  /** Mount → first run rows in the DOM (before layout and paint). */
  domMs: number;
  /** Rows in the DOM (virtualised: only what is visible). */
  domRows: number;
  /** Whether a corrupt row rendered as an error row. */
  corruptShown: boolean;
}

const style = document.createElement('style');
style.textContent = css;
document.head.append(style);

async function seed(n: number): Promise<number> {
  const store = new DexieStore({ name: DB, broadcast: false });
  const db = store.dexie;
  await db.transaction('rw', db.tables, () => Promise.all(db.tables.map((t) => t.clear())));
  const ids = await seedRuns(store, n, { corrupt: 1 });
  await store.close();
  return ids.length;
}

const frame = () => new Promise<void>((r) => requestAnimationFrame(() => setTimeout(r, 0)));

let shared: DexieStore | undefined;

/** `fresh`: a new store instance (the database opened as part of the render), else a warm one. */
async function firstRender(opts: { fresh: boolean }): Promise<RenderFigures> {
  const host = document.createElement('div');
  host.style.cssText = 'height:800px;width:1280px;display:flex;flex-direction:column';
  document.body.append(host);
  const t0 = performance.now();
  if (!opts.fresh && !shared) shared = new DexieStore({ name: DB, broadcast: false });
  const store = opts.fresh || !shared ? new DexieStore({ name: DB, broadcast: false }) : shared;
  const root = createRoot(host);
  const seen = new Promise<void>((resolve) => {
    const check = () => {
      if (host.querySelector('[data-testid="run-row"]')) {
        obs.disconnect();
        resolve();
      }
    };
    const obs = new MutationObserver(check);
    obs.observe(host, { childList: true, subtree: true });
  });
  root.render(
    <AfkProvider store={store}>
      <RunList />
    </AfkProvider>,
  );
  await seen;
  const domMs = performance.now() - t0;
  await frame();
  const ms = performance.now() - t0;
  const figures = {
    ms,
    domMs,
    domRows: host.querySelectorAll('[data-testid="run-row"]').length,
    corruptShown: host.querySelector('[data-testid="run-row-corrupt"]') !== null,
  };
  root.unmount();
  host.remove();
  if (opts.fresh) await store.close();
  return figures;
}

/** Where the time goes: the store query alone (open + scan of the newest 201). */
async function scanOnly(): Promise<{ openMs: number; scanMs: number }> {
  const t0 = performance.now();
  const store = new DexieStore({ name: DB, broadcast: false });
  await store.countRuns();
  const t1 = performance.now();
  await store.scanRuns({ topLevel: true, limit: 201 });
  const t2 = performance.now();
  await store.close();
  return { openMs: t1 - t0, scanMs: t2 - t1 };
}

(globalThis as { afkRunsBench?: unknown }).afkRunsBench = { seed, firstRender, scanOnly };
