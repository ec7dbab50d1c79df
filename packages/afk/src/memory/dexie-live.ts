import { liveQuery, type Observable } from 'dexie';
import type { RunEvent } from '../events/run-event.js';
import { queryEvents } from './dexie-queries.js';
import type { DexieStore } from './dexie-store.js';
import { toStorageError } from './storage-errors.js';
import type { ReadEventsOptions } from './types.js';

/**
 * A run's events as a Dexie `liveQuery` observable: emits the (validated) events now and again
 * whenever the run's rows change, in this tab or any other on the origin. One `[runId+seq]` key
 * range per emission, so it stays cheap for long logs when you pass `fromSeq`. A corrupt row
 * errors the observable with `row_corrupt`. With React: `useLiveQuery(() => ...)` over the same
 * query, or subscribe to this observable. (Dexie runs live queries only where it found a global
 * IndexedDB: in Node, `import 'fake-indexeddb/auto'` or set `Dexie.dependencies`.)
 *
 * @example
 * const sub = liveRunEvents(store, runId).subscribe({ next: (events) => render(events) });
 * // later: sub.unsubscribe();
 */
export function liveRunEvents(
  store: DexieStore,
  runId: string,
  opts: ReadEventsOptions = {},
): Observable<RunEvent[]> {
  const db = store.dexie;
  return liveQuery(() =>
    queryEvents(db, runId, opts).catch((e: unknown) => {
      throw toStorageError(e, `live events of run ${runId}`);
    }),
  );
}
