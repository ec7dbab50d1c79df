import type { AfkErrorCode } from '../../errors/index.js';
import { AfkLLMError } from '../../errors/index.js';
import { throwIfAborted } from '../../internal/abort.js';
import { hashValue } from '../../internal/json.js';
import { normalizeRequest, requestKey } from '../request-key.js';
import { chunksFromResponse } from '../stream-from-response.js';
import type { LLMCallOptions, LLMClient, LLMRequest, LLMResponse, LLMStreamChunk } from '../types.js';
import { lastUserText } from '../types.js';
import { type Cassette, type CassetteEntry, loadCassetteFile, parseCassette } from './cassette.js';

/** Options of `replay`. */
export interface ReplayOptions {
  /** A cassette file path (Node) or a cassette object (anywhere). */
  cassette: string | Cassette;
  /** Model id the client reports (default 'replay'). */
  model?: string;
}

/**
 * Plays a recorded cassette deterministically: each request is looked up by
 * `requestKey(request)`; repeated identical requests get the recorded answers in order (the last
 * one repeats). A request recorded under another model id still matches (the runner sends its
 * client's model id, and the replay client's may differ). Chat recordings can be streamed and
 * stream recordings chatted. A request that
 * was never recorded fails with `AfkLLMError` code `replay_missing` naming the missing key.
 *
 * @example
 * const model = replay({ cassette: 'test/cassettes/weather.json' });
 * const agent = new Agent({ name: 'weather', model, tools: [getWeather] });
 */
export function replay(options: ReplayOptions): LLMClient {
  const model = options.model ?? 'replay';
  let loading: Promise<Cassette> | undefined;
  const cassette = () => {
    loading ??=
      typeof options.cassette === 'string'
        ? loadCassetteFile(options.cassette)
        : Promise.resolve(parseCassette(options.cassette));
    return loading;
  };
  const cursors = new Map<string, number>();

  const next = async (req: LLMRequest, signal: AbortSignal | undefined): Promise<CassetteEntry> => {
    throwIfAborted(signal);
    const c = await cassette();
    const key = findKey(c, req);
    const list = c.entries[key];
    if (!list?.length) {
      const hint = lastUserText(req).slice(0, 80);
      throw new AfkLLMError(
        'replay_missing',
        `replay: no recording for request key ${key} (${req.messages.length} messages, last user text "${hint}"); ` +
          're-record the cassette',
        { provider: 'replay', model, retryable: false },
      );
    }
    const i = cursors.get(key) ?? 0;
    cursors.set(key, i + 1);
    const entry = list[Math.min(i, list.length - 1)] as CassetteEntry;
    if (entry.error) {
      throw new AfkLLMError(entry.error.code as AfkErrorCode, entry.error.message, {
        provider: 'replay',
        model,
        retryable: entry.error.retryable,
        ...(entry.error.status === undefined ? {} : { status: entry.error.status }),
      });
    }
    return structuredClone(entry);
  };

  const responseOf = (entry: CassetteEntry): LLMResponse => {
    if (entry.response) return entry.response;
    const done = entry.chunks?.find((c) => c.type === 'completed');
    if (done?.type === 'completed') return done.response;
    throw new AfkLLMError('llm_bad_response', 'replay: recorded entry has no response', {
      provider: 'replay',
      model,
    });
  };

  return {
    provider: 'replay',
    model,
    capabilities: { streaming: true, toolCalling: true, structuredOutput: true, reasoning: true },
    async chat(req: LLMRequest, opts?: LLMCallOptions): Promise<LLMResponse> {
      return responseOf(await next(req, opts?.signal));
    },
    async *stream(req: LLMRequest, opts?: LLMCallOptions): AsyncGenerator<LLMStreamChunk> {
      const entry = await next(req, opts?.signal);
      const chunks = entry.chunks ?? chunksFromResponse(responseOf(entry));
      for (const chunk of chunks) {
        throwIfAborted(opts?.signal);
        yield chunk;
      }
    },
  };
}

const withoutModel = (request: Record<string, unknown>) => hashValue({ ...request, model: undefined });

/** The exact key of `req`, else the key of a recording equal to it apart from the model id. */
function findKey(c: Cassette, req: LLMRequest): string {
  const exact = requestKey(req);
  if (c.entries[exact]?.length) return exact;
  const wanted = withoutModel(normalizeRequest(req));
  for (const [key, list] of Object.entries(c.entries)) {
    const first = list[0];
    if (first && withoutModel(first.request) === wanted) return key;
  }
  return exact;
}
