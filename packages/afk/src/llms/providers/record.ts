import { AfkLLMError } from '../../errors/index.js';
import { normalizeRequest, requestKey } from '../request-key.js';
import type { LLMCallOptions, LLMClient, LLMRequest, LLMResponse, LLMStreamChunk } from '../types.js';
import {
  type Cassette,
  type CassetteEntry,
  emptyCassette,
  loadCassetteFile,
  saveCassetteFile,
} from './cassette.js';

/** Where a recorder keeps its cassette: a file path (Node) or an object it fills in place (anywhere). */
export interface RecordOptions {
  cassette: string | Cassette;
}

/** A recording client: answers like the wrapped one and keeps every call in `cassette`. */
export interface RecordingClient extends LLMClient {
  /** The cassette being filled (loaded from the file on first call when a path was given). */
  readonly cassette: Cassette;
  /** Resolves once every recorded call so far is written (a no-op for object cassettes). */
  flush(): Promise<void>;
}

/**
 * Wraps any client and records its calls (chat responses, stream chunk lists, errors) into a
 * cassette keyed by `requestKey(request)`, for deterministic offline `replay`. With a path the
 * cassette is loaded first (new calls are appended) and saved after each call; in the browser
 * pass an object and persist it yourself. Only normalized requests and responses are stored:
 * no API keys, headers or metadata.
 *
 * @example
 * const rec = record(openaiClient, { cassette: 'test/cassettes/weather.json' });
 * await runner.run(new Agent({ name: 'a', model: rec }), { userMessage: 'hi' });
 * await rec.flush();
 */
export function record(client: LLMClient, options: RecordOptions): RecordingClient {
  const path = typeof options.cassette === 'string' ? options.cassette : undefined;
  let cassette: Cassette = typeof options.cassette === 'string' ? emptyCassette() : options.cassette;
  let ready: Promise<void> | undefined = path
    ? loadCassetteFile(path).then((c) => {
        cassette = c;
      })
    : undefined;
  let writes: Promise<void> = Promise.resolve();

  const add = async (req: LLMRequest, entry: Omit<CassetteEntry, 'request'>) => {
    if (ready) await ready;
    ready = undefined;
    const key = requestKey(req);
    const list = cassette.entries[key] ?? [];
    list.push({ request: structuredClone(normalizeRequest(req)), ...structuredClone(entry) });
    cassette.entries[key] = list;
    if (path) {
      const snapshot = cassette;
      writes = writes.then(() => saveCassetteFile(path, snapshot));
      await writes;
    }
  };
  const errorEntry = (e: unknown) =>
    e instanceof AfkLLMError
      ? {
          error: {
            code: e.code,
            message: e.message,
            retryable: e.retryable,
            ...(e.status === undefined ? {} : { status: e.status }),
          },
        }
      : undefined;

  return {
    provider: client.provider,
    model: client.model,
    capabilities: client.capabilities,
    get cassette() {
      return cassette;
    },
    async flush() {
      if (ready) await ready;
      await writes;
    },
    async chat(req: LLMRequest, opts?: LLMCallOptions): Promise<LLMResponse> {
      let res: LLMResponse;
      try {
        res = await client.chat(req, opts);
      } catch (e) {
        const entry = errorEntry(e);
        if (entry) await add(req, entry);
        throw e;
      }
      await add(req, { response: res });
      return res;
    },
    async *stream(req: LLMRequest, opts?: LLMCallOptions): AsyncGenerator<LLMStreamChunk> {
      const chunks: LLMStreamChunk[] = [];
      try {
        for await (const chunk of client.stream(req, opts)) {
          chunks.push(chunk);
          if (chunk.type === 'completed') await add(req, { chunks });
          yield chunk;
        }
      } catch (e) {
        const entry = chunks.length === 0 ? errorEntry(e) : undefined;
        if (entry) await add(req, entry);
        throw e;
      }
    },
  };
}
