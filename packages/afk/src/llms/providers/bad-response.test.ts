import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LLMBuilder } from '../builder.js';
import { chatReply, responsesBody } from '../test-support/openai-fixtures.js';
import {
  type OpenAITestServer,
  type ScriptedReply,
  startOpenAITestServer,
} from '../test-support/openai-server.js';
import type { LLMRequest } from '../types.js';
import { openai } from './openai.js';

let server: OpenAITestServer;
beforeAll(async () => {
  server = await startOpenAITestServer();
});
afterAll(() => server.close());

const KEY = 'sk-bad-response-test-1234';
const req: LLMRequest = { model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'hi' }] };

const html: ScriptedReply = {
  kind: 'raw',
  headers: { 'content-type': 'text/html' },
  body: '<html><body><h1>502 Bad Gateway</h1></body></html>',
};
const empty: ScriptedReply = { kind: 'json', body: {} };
const noChoices: ScriptedReply = { kind: 'json', body: { id: 'x', choices: [] } };

async function rejection(p: Promise<unknown>): Promise<Record<string, unknown>> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e as Record<string, unknown>,
  );
}

describe.each(['chat', 'responses'] as const)(
  'a 200 answer with a malformed body to a non-streaming call (%s API)',
  (api) => {
    it('an HTML page, {} or an empty answer is llm_bad_response (retryable), not a network failure', async () => {
      const s = server.session();
      const llm = openai({ model: 'gpt-4.1-mini', apiKey: KEY, baseURL: s.baseURL, api });
      const cases: Array<[string, ScriptedReply]> = [
        ['html', html],
        ['{}', empty],
        ...(api === 'chat' ? ([['no choices', noChoices]] as Array<[string, ScriptedReply]>) : []),
      ];
      for (const [label, reply] of cases) {
        s.enqueue(reply);
        const e = await rejection(llm.chat(req));
        expect(e, label).toMatchObject({
          name: 'AfkLLMError',
          code: 'llm_bad_response',
          retryable: true,
          provider: 'openai',
        });
        expect(String(e.message), label).toContain('malformed response');
        expect(String(e.message), label).not.toContain('Cannot read properties');
      }
    });

    it('the resilience layer retries it like any transient failure, then succeeds', async () => {
      const s = server.session();
      s.enqueue(
        html,
        api === 'chat'
          ? chatReply({ text: 'recovered' })
          : { kind: 'json', body: responsesBody({ text: 'recovered' }) },
      );
      const llm = new LLMBuilder()
        .model('gpt-4.1-mini')
        .api(api)
        .apiKey(KEY)
        .baseURL(s.baseURL)
        .retry({ maxRetries: 2, baseDelayMs: 1, maxDelayMs: 5 })
        .build();
      const res = await llm.chat(req);
      expect(res.text).toBe('recovered');
      expect(s.requests).toHaveLength(2);
    });
  },
);
