import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../agents/index.js';
import { Runner } from '../core/index.js';
import { InMemoryStore } from '../memory/in-memory.js';
import { LLMBuilder } from './builder.js';
import { credentialSecrets, scrubError } from './provider-error.js';
import { type OpenAITestServer, startOpenAITestServer } from './test-support/openai-server.js';

let server: OpenAITestServer;
beforeAll(async () => {
  server = await startOpenAITestServer();
});
afterAll(() => server.close());

const KEY = 'sk-apikey-SECRET-1111';
const HEADER = 'hdr-SECRET-2222';
const BEARER = 'proxy-SECRET-3333';
const SECRETS = [KEY, HEADER, BEARER];

function model(baseURL: string, api: 'chat' | 'responses' = 'chat') {
  return new LLMBuilder()
    .model('gpt-4.1-mini')
    .api(api)
    .apiKey(KEY)
    .headers({ 'x-api-key': HEADER, 'x-proxy-authorization': `Bearer ${BEARER}` })
    .baseURL(baseURL)
    .build();
}

function expectClean(label: string, value: unknown) {
  const text = `${JSON.stringify(value)}\n${inspect(value, { depth: 20 })}`;
  for (const secret of SECRETS) expect(text, `${label} leaks ${secret}`).not.toContain(secret);
}

describe('secrets in provider errors', () => {
  it('a key set with .headers() and echoed in a provider error reaches neither llm_failed, run_completed.error, the snapshot nor the AgentResult', async () => {
    for (const api of ['chat', 'responses'] as const) {
      const session = server.session();
      session.enqueue({ kind: 'echo_headers', status: 400 });
      const store = new InMemoryStore();
      const runner = new Runner({ store });
      const result = await runner.run(new Agent({ name: 'a', model: model(session.baseURL, api) }), {
        userMessage: 'hi',
      });
      // The server did receive (and echo) every credential: the test can fail.
      const sent = session.requests[0]!.headers;
      expect(sent['x-api-key']).toBe(HEADER);
      expect(sent.authorization).toBe(`Bearer ${KEY}`);
      expect(result.state).toBe('failed');
      const events = await runner.events(result.runId);
      const failed = events.find((e) => e.type === 'llm_failed');
      expect(failed, api).toBeDefined();
      expect(JSON.stringify(failed)).toContain('[redacted]');
      expect(result.error?.message).toContain('rejected request with headers');
      expectClean(`${api} result`, result);
      expectClean(`${api} events`, events);
      expectClean(`${api} snapshot`, await store.getSnapshot(result.runId));
      expectClean(`${api} run record`, await store.getRun(result.runId));
    }
  });

  it('the error thrown by a built client carries no credential, in its message, stack or cause chain (chat and stream)', async () => {
    const session = server.session();
    session.enqueue({ kind: 'echo_headers', status: 400 }, { kind: 'echo_headers', status: 400 });
    const llm = model(session.baseURL);
    const req = { model: 'gpt-4.1-mini', messages: [{ role: 'user' as const, content: 'hi' }] };
    const chatErr = await llm.chat(req).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(chatErr).toMatchObject({ name: 'AfkLLMError', code: 'llm_bad_request', status: 400 });
    expectClean('chat error', chatErr);
    expectClean('chat error stack', (chatErr as Error).stack);
    let streamErr: unknown;
    try {
      for await (const _ of llm.stream(req)) {
        // no chunk is expected
      }
    } catch (e) {
      streamErr = e;
    }
    expect(streamErr).toMatchObject({ name: 'AfkLLMError', code: 'llm_bad_request' });
    expectClean('stream error', streamErr);
  });

  it('credentialSecrets and scrubError: every header value and bearer token, also inside causes', () => {
    expect(credentialSecrets('sk-1234', { a: 'Bearer tok-5678', b: 'x' })).toEqual([
      'sk-1234',
      'Bearer tok-5678',
      'tok-5678',
    ]);
    const inner = Object.assign(new Error(`echo ${HEADER}`), { error: { echoed: HEADER } });
    const outer = new Error('wrapped', { cause: inner });
    const clean = scrubError(outer, [HEADER]);
    expectClean('scrubbed', clean);
    expect(String((clean as Error).message)).toBe('wrapped');
    const untouched = new Error('nothing secret here');
    expect(scrubError(untouched, [HEADER])).toBe(untouched);
  });
});
