import type { StoreChange } from './types.js';

/** Fan-out of store changes to `watch` listeners; a throwing listener never breaks a write. */
export class ChangeHub {
  private readonly listeners = new Map<string, Set<(c: StoreChange) => void>>();

  subscribe(target: string, listener: (c: StoreChange) => void): () => void {
    let set = this.listeners.get(target);
    if (!set) {
      set = new Set();
      this.listeners.set(target, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(target);
    };
  }

  emit(change: StoreChange): void {
    for (const key of [change.runId, 'all']) {
      const set = this.listeners.get(key);
      if (!set) continue;
      for (const l of [...set]) {
        try {
          l(change);
        } catch {
          // Listeners are observers; their failures must not affect persistence.
        }
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
