import type { LLMResponse } from '../types.js';

/** Response cache settings: entries live `ttlMs`; at most `maxEntries` (least recently used go first). */
export interface CachePolicy {
  ttlMs: number;
  maxEntries: number;
}

/**
 * An in-memory response cache with TTL and LRU eviction, shared per (provider, model, baseURL).
 * Expiry is checked on read (no timers). Stores and returns deep copies, so callers may mutate
 * what they get.
 *
 * @example
 * cache.set(key, response, { ttlMs: 30_000, maxEntries: 500 });
 * cache.get(key) // a copy, or undefined once expired
 */
export class ResponseCache {
  private readonly entries = new Map<string, { response: LLMResponse; expiresAt: number }>();

  get(key: string, now: number = Date.now()): LLMResponse | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    this.entries.delete(key);
    if (hit.expiresAt <= now) return undefined;
    this.entries.set(key, hit);
    return structuredClone(hit.response);
  }

  set(key: string, response: LLMResponse, policy: CachePolicy, now: number = Date.now()): void {
    this.entries.delete(key);
    this.entries.set(key, { response: structuredClone(response), expiresAt: now + policy.ttlMs });
    while (this.entries.size > policy.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}
