import { z } from 'zod';
import { AfkConfigError, fromZodIssues } from '../../errors/index.js';
import { hashValue } from '../../internal/json.js';

/** A judge's answer as cached: its score, verdict and reason, and what the call cost. */
export interface JudgeVerdict {
  score: number;
  passed: boolean;
  reason: string;
  /** Usage of the call that produced the verdict (charged once, when it was made). */
  usage: { inputTokens: number; outputTokens: number; totalTokens: number; costUsd: number };
  model: string;
  createdAt: number;
}

const JudgeVerdictSchema = z.object({
  score: z.number().min(0).max(1),
  passed: z.boolean(),
  reason: z.string(),
  usage: z.object({
    inputTokens: z.number(),
    outputTokens: z.number(),
    totalTokens: z.number(),
    costUsd: z.number(),
  }),
  model: z.string(),
  createdAt: z.number(),
});

/**
 * Where `llmJudge` keeps its answers, keyed by `judgeCacheKey` (a hash of rubric, input, output
 * and judge model id): a repeated judgement is read back instead of paying for a model call.
 * Built in: `memoryJudgeCache()` (this process; the default, shared by every suite run in it)
 * and `fileJudgeCache(path)` (Node; one JSON file that survives the process, what `afk eval`
 * uses). Implement the two methods to keep verdicts anywhere else.
 *
 * @example
 * const judgeCache: JudgeCache = fileJudgeCache('.afk/judge-cache.json');
 * await runSuite({ cases, agent, judgeCache });
 */
export interface JudgeCache {
  get(key: string): Promise<JudgeVerdict | undefined>;
  set(key: string, verdict: JudgeVerdict): Promise<void>;
}

/**
 * The cache key of one judgement: equal rubric, input, output and judge model give equal keys.
 *
 * @example
 * judgeCacheKey({ rubric: 'polite?', input: 'hi', output: 'hello!', model: 'openai:gpt-4.1-mini' })
 */
export function judgeCacheKey(parts: {
  rubric: string;
  input: string;
  output: string;
  model: string;
}): string {
  return `judge_${hashValue([parts.rubric, parts.input, parts.output, parts.model])}`;
}

/**
 * A judge cache in memory (lost with the process).
 *
 * @example
 * const judgeCache = memoryJudgeCache();
 */
export function memoryJudgeCache(): JudgeCache & { readonly size: number } {
  const map = new Map<string, JudgeVerdict>();
  return {
    get size() {
      return map.size;
    },
    async get(key) {
      const v = map.get(key);
      return v ? structuredClone(v) : undefined;
    },
    async set(key, verdict) {
      map.set(key, structuredClone(verdict));
    },
  };
}

let shared: JudgeCache | undefined;
/** The process-wide memory cache `runSuite` uses when given none. */
export function defaultJudgeCache(): JudgeCache {
  shared ??= memoryJudgeCache();
  return shared;
}

type Fs = typeof import('node:fs/promises');
// A variable specifier keeps browser bundlers from trying to resolve node:fs.
const FS_MODULE = 'node:fs/promises';
const loadFs = async (): Promise<Fs> => (await import(/* @vite-ignore */ FS_MODULE)) as Fs;

const CacheFileSchema = z.object({
  format: z.literal('afk-judge-cache'),
  version: z.literal(1),
  entries: z.record(z.string(), JudgeVerdictSchema),
});

/**
 * Node only: a judge cache in one JSON file (`{ format: 'afk-judge-cache', version: 1, entries }`),
 * read on first use and rewritten atomically (temp file + rename) after each new verdict. A
 * missing file is an empty cache; a corrupt one is an `AfkConfigError` listing its issues (it is
 * never overwritten silently). Commit it next to your cases to make judged suites reproducible.
 *
 * @example
 * const judgeCache = fileJudgeCache('evals/judge-cache.json');
 */
export function fileJudgeCache(path: string): JudgeCache {
  let loaded: Promise<Map<string, JudgeVerdict>> | undefined;
  let writes: Promise<void> = Promise.resolve();
  const load = () => {
    loaded ??= (async () => {
      const fs = await loadFs();
      let text: string;
      try {
        text = await fs.readFile(path, 'utf8');
      } catch (e) {
        if ((e as { code?: unknown }).code === 'ENOENT') return new Map<string, JudgeVerdict>();
        throw e;
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (e) {
        throw new AfkConfigError('invalid_config', `${path} is not JSON: ${(e as Error).message}`, {
          issues: [{ path: [], message: 'not JSON' }],
        });
      }
      const parsed = CacheFileSchema.safeParse(json);
      if (!parsed.success) {
        throw new AfkConfigError('invalid_config', `${path} is not a judge cache file`, {
          issues: fromZodIssues(parsed.error.issues),
        });
      }
      return new Map(Object.entries(parsed.data.entries));
    })();
    return loaded;
  };
  const save = async (map: Map<string, JudgeVerdict>) => {
    const fs = await loadFs();
    const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '.';
    await fs.mkdir(dir, { recursive: true });
    const tmp = `${path}.${Date.now()}.${Math.random().toString(36).slice(2)}.tmp`;
    const body = { format: 'afk-judge-cache', version: 1, entries: Object.fromEntries(map) };
    await fs.writeFile(tmp, `${JSON.stringify(body, null, 2)}\n`, 'utf8');
    await fs.rename(tmp, path);
  };
  return {
    async get(key) {
      const v = (await load()).get(key);
      return v ? structuredClone(v) : undefined;
    },
    async set(key, verdict) {
      const map = await load();
      map.set(key, structuredClone(verdict));
      writes = writes.then(() => save(map));
      await writes;
    },
  };
}
