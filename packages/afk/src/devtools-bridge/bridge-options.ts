import { z } from 'zod';
import type { AfkError } from '../errors/index.js';
import { durationMs } from '../internal/duration.js';
import { DEFAULT_REDACT_KEYS } from '../internal/redact.js';

/** Validates `DevtoolsBridgeOptions`; `devtoolsBridge` reports every issue at once. */
export const DevtoolsBridgeOptionsSchema = z.object({
  url: z.url({ protocol: /^https?$/ }),
  token: z.string().min(1).max(1_000).optional(),
  source: z.string().min(1).max(200).optional(),
  redactKeys: z.array(z.string()).default([...DEFAULT_REDACT_KEYS]),
  maxPayloadChars: z.number().int().positive().default(100_000),
  flushMs: durationMs('nonnegative').default(50),
  maxBatchesPerPost: z.number().int().positive().max(1_000).default(200),
  maxBufferedBatches: z.number().int().positive().default(5_000),
  timeoutMs: durationMs('positive').default(5_000),
  retryMs: durationMs('positive').default(500),
  maxRetryMs: durationMs('positive').default(10_000),
  onError: z
    .custom<(error: AfkError) => void>((v) => typeof v === 'function', 'must be a function')
    .optional(),
  fetch: z.custom<typeof fetch>((v) => typeof v === 'function', 'must be a function').optional(),
});

/** Options of `devtoolsBridge`; see the function for defaults. */
export type DevtoolsBridgeOptions = z.input<typeof DevtoolsBridgeOptionsSchema>;

/** Counters of a bridge (`bridge.stats()`). */
export interface DevtoolsBridgeStats {
  /** Batches the server accepted. */
  sent: number;
  /** Batches waiting to be sent. */
  buffered: number;
  /** Batches dropped, oldest first, while the server was unreachable and the buffer full. */
  dropped: number;
  /** Batches the server refused as invalid or too large (4xx); they are not retried. */
  refused: number;
  /** Failed posts (unreachable, timeout, 5xx, 401/403). */
  errors: number;
  /** True after a post succeeded, false after one failed. */
  connected: boolean;
  /** True once the decision stream connected (`acceptDecisions`), until `close()`. */
  listening: boolean;
  lastError?: { code: string; message: string };
}
