import { DelegatingStore } from '../memory/delegating-store.js';
import type { MemoryStore, StoreBatch } from '../memory/types.js';

/**
 * `bridge.wrap(store)`: the wrapped store, plus every successful write handed to the bridge.
 * The hand-off is synchronous and cannot throw (the bridge queues; it posts later), so the
 * run's write path costs one function call more. Everything else is forwarded unchanged.
 */
export class BridgedStore extends DelegatingStore {
  constructor(
    inner: MemoryStore,
    private readonly forward: (batch: StoreBatch) => void,
  ) {
    super(inner);
  }

  override async write(batch: StoreBatch): Promise<void> {
    await this.inner.write(batch);
    this.forward(batch);
  }
}
