import { z } from 'zod';
import { durationMs } from '../internal/duration.js';
import { MAX_JSON_DEPTH } from '../internal/json.js';
import { DEFAULT_REDACT_KEYS } from '../internal/redact.js';

/**
 * Runner configuration. Defaults: interactionMode 'headless', approvalFallback 'deny',
 * approvalTimeoutMs 300_000, sanitizeToolOutput true, toolOutputMaxChars 12_000,
 * redactKeys ['apiKey','authorization','password','secret','token','cookie','set-cookie','privateKey',
 * 'clientSecret','accessToken','refreshToken'] (matched ignoring case and `-`/`_`/`.`/spaces, by
 * containment: `x-api-key` matches `apiKey`; see `redact`), debug false,
 * snapshotEverySteps 10, leaseTtlMs 30_000, backgroundPolicy 'wait', backgroundMaxWaitMs 60_000,
 * unknownSideEffectPolicy 'ask', streamBufferLimit 10_000, maxToolArgsDepth 64,
 * maxToolArgsBytes 1_048_576 (1 MiB). Durations are capped at 2_147_483_647 ms
 * (`MAX_TIMER_MS`: a longer timer would fire at once).
 *
 * @example
 * new Runner({ config: { interactionMode: 'external', toolOutputMaxChars: 4000 } })
 */
export const RunnerConfigSchema = z
  .object({
    /** headless: approvals resolve by `approvalFallback`; interactive: an InteractionProvider decides (the Runner refuses 'interactive' without `interaction`); external: the run pauses (`interrupted`) until `decideApproval` + `resume`. */
    interactionMode: z.enum(['headless', 'interactive', 'external']).default('headless'),
    approvalFallback: z.enum(['deny', 'approve']).default('deny'),
    approvalTimeoutMs: durationMs('positive').default(300_000),
    sanitizeToolOutput: z.boolean().default(true),
    toolOutputMaxChars: z.number().int().positive().default(12_000),
    redactKeys: z.array(z.string()).default([...DEFAULT_REDACT_KEYS]),
    debug: z.boolean().default(false),
    /** A snapshot every K steps (and at every pause and end), so resume folds a short tail. */
    snapshotEverySteps: z.number().int().positive().default(10),
    leaseTtlMs: durationMs('positive').int().default(30_000),
    /** When the model answers while background tickets are pending: wait for them (bounded) or return `interrupted`. */
    backgroundPolicy: z.enum(['wait', 'interrupt']).default('wait'),
    backgroundMaxWaitMs: durationMs().default(60_000),
    /** A side-effecting call that started but never finished before a crash: ask a human, or fail the call. */
    unknownSideEffectPolicy: z.enum(['ask', 'fail']).default('ask'),
    /** Per-subscriber stream buffer bound; beyond it a lagging subscriber drops events, then gets a `warning` ('stream_events_dropped'). Only the handle's own iteration paces the run. */
    streamBufferLimit: z.number().int().positive().default(10_000),
    /**
     * Deepest nesting of a tool call's arguments accepted from a model (at most 256). A deeper call
     * is answered with a tool error ("arguments too deeply nested") and its arguments are stored as
     * a placeholder, so nothing unreadable reaches the log (see docs/decisions.md).
     */
    maxToolArgsDepth: z.number().int().positive().max(MAX_JSON_DEPTH).default(64),
    /** Largest tool call arguments (bytes of JSON text) accepted from a model; larger: as for depth. */
    maxToolArgsBytes: z.number().int().positive().default(1_048_576),
  })
  .strict();

export type RunnerConfig = z.output<typeof RunnerConfigSchema>;
export type RunnerConfigInput = z.input<typeof RunnerConfigSchema>;
