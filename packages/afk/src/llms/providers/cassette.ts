import { z } from 'zod';
import { AfkConfigError, fromZodIssues } from '../../errors/index.js';
import type { LLMResponse, LLMStreamChunk } from '../types.js';
import { LLMResponseSchema } from '../types.js';

/** One recorded call: a response (chat), a chunk list (stream) or an error. */
export interface CassetteEntry {
  request: Record<string, unknown>;
  response?: LLMResponse;
  chunks?: LLMStreamChunk[];
  error?: { code: string; message: string; status?: number; retryable: boolean };
}

/**
 * Recorded model calls, keyed by `requestKey(request)` (a hash of the normalized request); each
 * key holds the answers in the order they were recorded. Plain JSON without secrets: requests
 * hold only what changes the answer (no API keys, headers or metadata).
 */
export interface Cassette {
  version: 1;
  entries: Record<string, CassetteEntry[]>;
}

const ChunkSchema = z.union([
  z.object({ type: z.literal('text_delta'), delta: z.string() }),
  z.object({ type: z.literal('reasoning_delta'), delta: z.string() }),
  z.object({
    type: z.literal('tool_call_delta'),
    index: z.number().int(),
    id: z.string().optional(),
    name: z.string().optional(),
    argsDelta: z.string(),
  }),
  z.object({ type: z.literal('completed'), response: LLMResponseSchema }),
]);

/**
 * Validates a cassette read from disk or passed as an object.
 *
 * @example
 * CassetteSchema.parse(JSON.parse(text))
 */
export const CassetteSchema = z.object({
  version: z.literal(1),
  entries: z.record(
    z.string(),
    z.array(
      z.object({
        request: z.record(z.string(), z.unknown()),
        response: LLMResponseSchema.optional(),
        chunks: z.array(ChunkSchema).optional(),
        error: z
          .object({
            code: z.string(),
            message: z.string(),
            status: z.number().optional(),
            retryable: z.boolean(),
          })
          .optional(),
      }),
    ),
  ),
});

/**
 * A new empty cassette, e.g. to record into in the browser.
 *
 * @example
 * const cassette = emptyCassette();
 * const rec = record(llm, { cassette }); // later: localStorage.setItem('cassette', JSON.stringify(cassette))
 */
export function emptyCassette(): Cassette {
  return { version: 1, entries: {} };
}

/**
 * Parses a cassette (throws `AfkConfigError` listing every problem).
 *
 * @example
 * const model = replay({ cassette: parseCassette(await (await fetch('/cassette.json')).json()) });
 */
export function parseCassette(value: unknown, where = 'cassette'): Cassette {
  const parsed = CassetteSchema.safeParse(value);
  if (!parsed.success) {
    throw new AfkConfigError('invalid_config', `${where} is not a valid cassette`, {
      issues: fromZodIssues(parsed.error.issues),
    });
  }
  return parsed.data as Cassette;
}

type Fs = typeof import('node:fs/promises');
// A variable specifier keeps browser bundlers from trying to resolve node:fs.
const FS_MODULE = 'node:fs/promises';
const loadFs = async (): Promise<Fs> => (await import(/* @vite-ignore */ FS_MODULE)) as Fs;

/** Node only: reads a cassette file; a missing file is an empty cassette. */
export async function loadCassetteFile(path: string): Promise<Cassette> {
  const fs = await loadFs();
  let text: string;
  try {
    text = await fs.readFile(path, 'utf8');
  } catch (e) {
    if ((e as { code?: unknown }).code === 'ENOENT') return emptyCassette();
    throw e;
  }
  return parseCassette(JSON.parse(text) as unknown, path);
}

/** Node only: writes a cassette file atomically (temp file + rename), creating its folder. */
export async function saveCassetteFile(path: string, cassette: Cassette): Promise<void> {
  const fs = await loadFs();
  const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '.';
  await fs.mkdir(dir, { recursive: true });
  const tmp = `${path}.${Date.now()}.tmp`;
  await fs.writeFile(tmp, `${JSON.stringify(cassette, null, 2)}\n`, 'utf8');
  await fs.rename(tmp, path);
}
