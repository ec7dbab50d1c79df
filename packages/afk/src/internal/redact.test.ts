import { describe, expect, it } from 'vitest';
import { Agent } from '../agents/agent.js';
import { Runner } from '../core/runner.js';
import { scripted } from '../llms/providers/scripted.js';
import { InMemoryStore } from '../memory/in-memory.js';
import { DEFAULT_REDACT_KEYS, isRedactedKey, normaliseRedactKey, REDACTED, redact } from './redact.js';

describe('redaction key matching ignores case and separators', () => {
  it('api_key, x-api-key, Api-Key, API KEY and X.Api.Key all match apiKey', () => {
    for (const k of ['apiKey', 'api_key', 'x-api-key', 'Api-Key', 'API KEY', 'X.Api.Key', 'openaiApiKey'])
      expect(isRedactedKey(k, ['apiKey']), k).toBe(true);
    expect(isRedactedKey('apikeys_count', ['api-key'])).toBe(true);
    expect(isRedactedKey('user', ['apiKey'])).toBe(false);
    expect(isRedactedKey('api', ['apiKey'])).toBe(false);
    expect(normaliseRedactKey('X-Api_Key. v')).toBe('xapikeyv');
  });

  it('token counts (maxTokens, usage) stay visible; token-bearing names stay hidden', () => {
    const input = {
      maxTokens: 256,
      max_output_tokens: 512,
      usage: { inputTokens: 10, output_tokens: 4, totalTokens: 14, cachedTokens: 2 },
      token: 't',
      accessTokens: ['a', 'b'],
      tokenValue: 'v',
      sessionToken: 's',
    };
    expect(redact(input)).toEqual({
      maxTokens: 256,
      max_output_tokens: 512,
      usage: { inputTokens: 10, output_tokens: 4, totalTokens: 14, cachedTokens: 2 },
      token: REDACTED,
      accessTokens: REDACTED,
      tokenValue: REDACTED,
      sessionToken: REDACTED,
    });
    expect(isRedactedKey('maxTokens')).toBe(false);
    expect(isRedactedKey('max_tokens_secret')).toBe(true);
  });

  it('the defaults cover cookies, private keys, client secrets and OAuth tokens', () => {
    expect(DEFAULT_REDACT_KEYS).toEqual(
      expect.arrayContaining([
        'apiKey',
        'authorization',
        'password',
        'secret',
        'token',
        'cookie',
        'set-cookie',
        'privateKey',
        'clientSecret',
        'accessToken',
        'refreshToken',
      ]),
    );
    const input = {
      headers: { Cookie: 'sid=1', 'Set-Cookie': 'sid=2', Authorization: 'Bearer abc', 'X-Api-Key': 'sk-1' },
      private_key: '-----BEGIN',
      client_secret: 'cs',
      access_token: 'at',
      'refresh-token': 'rt',
      user: 'ann',
      nested: [{ PASSWORD: 'pw' }],
    };
    expect(redact(input)).toEqual({
      headers: { Cookie: REDACTED, 'Set-Cookie': REDACTED, Authorization: REDACTED, 'X-Api-Key': REDACTED },
      private_key: REDACTED,
      client_secret: REDACTED,
      access_token: REDACTED,
      'refresh-token': REDACTED,
      user: 'ann',
      nested: [{ PASSWORD: REDACTED }],
    });
  });

  it('a context key spelled x-api-key never reaches the store', async () => {
    const store = new InMemoryStore();
    const runner = new Runner({ store });
    const r = await runner.run(new Agent({ name: 'a', model: scripted([{ text: 'ok' }]) }), {
      userMessage: 'x',
      context: { 'x-api-key': 'sk-live-999', Client_Secret: 'cs-live-999', user: 'ann' },
    });
    const stored = JSON.stringify({
      events: await store.readEvents(r.runId),
      snapshot: await store.getSnapshot(r.runId),
      run: await store.getRun(r.runId),
      result: r,
    });
    expect(stored).not.toContain('sk-live-999');
    expect(stored).not.toContain('cs-live-999');
    expect(stored).toContain('"user":"ann"');
  });
});
