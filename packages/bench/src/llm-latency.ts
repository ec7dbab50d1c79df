/**
 * LLM layer benchmark, against a local OpenAI-wire server driven through the real `openai` SDK:
 *  1. added latency from a provider chunk (the thin openai provider yielding a delta) to the
 *     consumer — through the resilience layer alone, and through `Runner.runStream` to the stream
 *     event — median target < 1 ms;
 *  2. 100 concurrent streaming runs through one runner, all completing without errors.
 */
import { performance } from 'node:perf_hooks';
import { Agent } from 'afk/agents';
import { Runner } from 'afk/core';
import { LLMBuilder, type LLMClient, type LLMRequest, type LLMStreamChunk, openai } from 'afk/llms';
import { chatChunks } from '../../afk/src/llms/test-support/openai-fixtures.js';
import { type ServerSession, startOpenAITestServer } from '../../afk/src/llms/test-support/openai-server.js';

interface BenchContext {
  quick?: boolean;
  log?: (message: string) => void;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length === 0
    ? Number.NaN
    : s.length % 2
      ? (s[mid] as number)
      : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};
const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0
    ? Number.NaN
    : (s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number);
};
const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

/** Wraps a thin provider and stamps the moment each text delta leaves it. */
function stamped(inner: LLMClient, stamps: Map<string, number>): LLMClient {
  return {
    provider: inner.provider,
    model: inner.model,
    capabilities: inner.capabilities,
    chat: (req, opts) => inner.chat(req, opts),
    async *stream(req: LLMRequest, opts): AsyncGenerator<LLMStreamChunk> {
      for await (const chunk of inner.stream(req, opts)) {
        if (chunk.type === 'text_delta') stamps.set(chunk.delta, performance.now());
        yield chunk;
      }
    },
  };
}

const deltasFor = (run: number, n: number) => Array.from({ length: n }, (_, i) => `r${run}d${i} `);
const streamReply = (deltas: string[], delayMs: number) => ({
  kind: 'sse' as const,
  events: chatChunks({ deltas, delayMs, usage: { prompt: 20, completion: deltas.length } }),
});

function client(session: ServerSession, stamps: Map<string, number>) {
  const thin = openai({ model: 'gpt-4.1-mini', baseURL: session.baseURL });
  return new LLMBuilder().client(stamped(thin, stamps)).coalesce(false).build();
}

async function latencySamples(
  session: ServerSession,
  runs: number,
  perRun: number,
): Promise<{ llm: number[]; runner: number[] }> {
  const stamps = new Map<string, number>();
  const llm = client(session, stamps);
  const llmSamples: number[] = [];
  const runnerSamples: number[] = [];
  for (let r = 0; r < runs; r++) {
    const deltas = deltasFor(r, perRun);
    session.enqueue(streamReply(deltas, 1));
    for await (const c of llm.stream({
      model: 'gpt-4.1-mini',
      messages: [{ role: 'user', content: `llm ${r}` }],
    })) {
      if (c.type === 'text_delta') llmSamples.push(performance.now() - (stamps.get(c.delta) ?? Number.NaN));
    }
  }
  const runner = new Runner();
  const agent = new Agent({ name: 'bench', model: llm });
  for (let r = 0; r < runs; r++) {
    const deltas = deltasFor(runs + r, perRun);
    session.enqueue(streamReply(deltas, 1));
    const handle = runner.runStream(agent, { userMessage: `runner ${r}` });
    for await (const ev of handle) {
      if (ev.type === 'text_delta' && ev.textDelta)
        runnerSamples.push(performance.now() - (stamps.get(ev.textDelta) ?? Number.NaN));
    }
    await handle.result;
  }
  return { llm: llmSamples.filter(Number.isFinite), runner: runnerSamples.filter(Number.isFinite) };
}

async function concurrentRuns(session: ServerSession, n: number) {
  const llm = new LLMBuilder().provider('openai').model('gpt-4.1-mini').baseURL(session.baseURL).build();
  const runner = new Runner();
  const agent = new Agent({ name: 'load', model: llm });
  for (let i = 0; i < n; i++) session.enqueue(streamReply(deltasFor(i, 10), 2));
  const t0 = performance.now();
  const outcomes = await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const start = performance.now();
      const handle = runner.runStream(agent, { userMessage: `concurrent ${i}` });
      let deltas = 0;
      for await (const ev of handle) if (ev.type === 'text_delta') deltas++;
      const result = await handle.result;
      return {
        ok: result.state === 'completed' && deltas === 10,
        ms: performance.now() - start,
        error: result.error,
      };
    }),
  );
  const wallMs = performance.now() - t0;
  const errors = outcomes.filter((o) => !o.ok);
  return {
    runs: n,
    errors: errors.length,
    firstError: errors[0]?.error ?? null,
    serverRequests: session.requests.length,
    wallMs: round(wallMs, 1),
    runMsP50: round(median(outcomes.map((o) => o.ms)), 1),
    runMsP95: round(
      pct(
        outcomes.map((o) => o.ms),
        95,
      ),
      1,
    ),
  };
}

/**
 * Runs the LLM benchmark and returns its figures (a SuiteResult-shaped record: tables, targets,
 * data, notes), for `npm run bench`.
 */
export async function runLlmBench(ctx: BenchContext = {}): Promise<Record<string, unknown>> {
  const log = ctx.log ?? (() => undefined);
  const server = await startOpenAITestServer();
  try {
    const runs = ctx.quick ? 5 : 30;
    log(`  latency: ${runs} streamed answers × 20 deltas, LLM layer then Runner`);
    const warm = server.session();
    await latencySamples(warm, 2, 5);
    const lat = await latencySamples(server.session(), runs, 20);
    log('  load: 100 concurrent streaming runs through one runner');
    const load = await concurrentRuns(server.session(), 100);
    const data = {
      latency: {
        samples: { llm: lat.llm.length, runner: lat.runner.length },
        llmLayerMedianMs: round(median(lat.llm)),
        llmLayerP95Ms: round(pct(lat.llm, 95)),
        runnerMedianMs: round(median(lat.runner)),
        runnerP95Ms: round(pct(lat.runner, 95)),
      },
      concurrency: load,
    };
    const verdict = (actual: number, limit: number) => ({
      actual,
      limit,
      pass: Number.isFinite(actual) && actual < limit,
    });
    return {
      id: 'llm-latency',
      title: 'LLM latency',
      tables: [
        {
          title: 'Provider chunk → consumer (ms)',
          columns: ['path', 'median', 'p95', 'samples'],
          rows: [
            [
              'resilience layer',
              String(data.latency.llmLayerMedianMs),
              String(data.latency.llmLayerP95Ms),
              String(lat.llm.length),
            ],
            [
              'Runner.runStream event',
              String(data.latency.runnerMedianMs),
              String(data.latency.runnerP95Ms),
              String(lat.runner.length),
            ],
          ],
        },
        {
          title: '100 concurrent streaming runs, one runner',
          columns: ['runs', 'errors', 'server requests', 'wall ms', 'run p50 ms', 'run p95 ms'],
          rows: [
            [load.runs, load.errors, load.serverRequests, load.wallMs, load.runMsP50, load.runMsP95].map(
              String,
            ),
          ],
        },
      ],
      targets: [
        {
          id: 'llm-chunk-to-event-median',
          description: 'median added latency, provider chunk → runner stream event',
          comparison: '<',
          unit: 'ms',
          ...verdict(data.latency.runnerMedianMs, 1),
        },
        {
          id: 'llm-100-concurrent-errors',
          description: 'errors in 100 concurrent streaming runs through one runner',
          comparison: '<',
          unit: 'errors',
          ...verdict(load.errors, 1),
        },
      ],
      data,
      notes: ['Local OpenAI-wire server (127.0.0.1, SSE) driven through the real `openai` SDK; no network.'],
    };
  } finally {
    await server.close();
  }
}
