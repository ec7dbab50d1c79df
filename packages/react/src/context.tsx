import type { Runner } from 'afk/core';
import type { MemoryStore } from 'afk/memory';
import { createContext, type ReactNode, useContext } from 'react';

export interface AfkContextValue {
  store: MemoryStore;
  runner?: Runner;
}

const AfkContext = createContext<AfkContextValue | undefined>(undefined);

/**
 * Gives the hooks and components below it a store (and optionally the runner that resumes runs
 * after a decision). The store stays the only source of truth: hooks read it live, nothing is
 * copied into React state beyond the current query result.
 *
 * @example
 * <AfkProvider store={store} runner={runner}><RunTimeline runId={id} /></AfkProvider>
 */
export function AfkProvider({ store, runner, children }: AfkContextValue & { children: ReactNode }) {
  return <AfkContext.Provider value={runner ? { store, runner } : { store }}>{children}</AfkContext.Provider>;
}

/** The provider's store and runner; throws a clear error outside an `AfkProvider`. */
export function useAfk(): AfkContextValue {
  const v = useContext(AfkContext);
  if (!v) throw new Error('AFK hooks need an <AfkProvider store={…}> above them');
  return v;
}
