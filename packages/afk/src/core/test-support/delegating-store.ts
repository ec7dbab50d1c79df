import { DelegatingStore as MemoryDelegatingStore } from '../../memory/delegating-store.js';
import type { MemoryStore } from '../../memory/types.js';

/**
 * The shared `DelegatingStore` (afk/memory) for test wrappers, which override only what they
 * change; its `kind` reads `wrapped:<inner kind>` so a failure names the wrapper.
 */
export class DelegatingStore<S extends MemoryStore = MemoryStore> extends MemoryDelegatingStore<S> {
  override get kind(): string {
    return `wrapped:${this.inner.kind}`;
  }
}
