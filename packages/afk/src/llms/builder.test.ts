import { describe, expect, it } from 'vitest';
import { LLMBuilder } from './builder.js';
import { LLM_PROFILES } from './config.js';
import { parseModelRef } from './model-ref.js';
import { scripted } from './providers/scripted.js';
import { registerProvider } from './registry.js';
import { resolveModel } from './resolve.js';

describe('LLMBuilder config', () => {
  it('reports every issue at once as AfkConfigError', () => {
    const b = new LLMBuilder()
      .provider('openai-compatible')
      .retry({ maxRetries: -1, baseDelayMs: 100, maxDelayMs: 10 })
      .timeout({ requestMs: 0 })
      .rateLimit({ requestsPerSecond: 0, burst: 1 });
    let err: unknown;
    try {
      b.build();
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ name: 'AfkConfigError', code: 'invalid_config' });
    const paths = (err as { issues: Array<{ path: unknown[] }> }).issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(
      expect.arrayContaining([
        'model',
        'baseURL',
        'retry.maxRetries',
        'timeout.requestMs',
        'rateLimit.requestsPerSecond',
      ]),
    );
  });

  it('rejects unknown providers and unusable fallbacks', () => {
    expect(() => new LLMBuilder().provider('nope').model('x').build()).toThrow(/unknown provider 'nope'/);
    expect(() => new LLMBuilder().client(scripted([])).fallback(['bare-model']).build()).toThrow(/fallback/);
  });

  it('applies profile defaults, builder overrides and explicit disables', () => {
    const llm = new LLMBuilder()
      .client(scripted([]))
      .profile('high_throughput')
      .retry({ maxRetries: 1 })
      .rateLimit(false)
      .cache({ ttlMs: 5_000 })
      .build();
    expect(llm.policy.retry).toEqual({ ...LLM_PROFILES.high_throughput.retry, maxRetries: 1 });
    expect(llm.policy.rateLimit).toBeUndefined();
    expect(llm.policy.cache).toEqual({ ttlMs: 5_000, maxEntries: 500 });
    expect(llm.policy.timeout).toEqual(LLM_PROFILES.high_throughput.timeout);
    const dflt = new LLMBuilder().client(scripted([])).build();
    expect(dflt.policy).toEqual(LLM_PROFILES.production);
  });

  it('never exposes the API key', () => {
    const b = new LLMBuilder()
      .provider('openai')
      .model('gpt-4.1-mini')
      .apiKey('sk-hidden-123456')
      .baseURL('http://127.0.0.1:9/v1');
    const llm = b.build();
    expect(JSON.stringify(b)).not.toContain('sk-hidden');
    expect(JSON.stringify(llm)).not.toContain('sk-hidden');
    expect(JSON.stringify(llm.health())).not.toContain('sk-hidden');
  });
});

describe('resolveModel', () => {
  it('scripted:<name> is the echo demo', async () => {
    const demo = resolveModel('scripted:demo');
    const res = await demo.chat({
      model: 'scripted:demo',
      messages: [{ role: 'user', content: 'hi there' }],
    });
    expect(res.text).toBe('echo: hi there');
  });

  it('passes clients through and builds openai / openai-compatible clients from strings', () => {
    const c = scripted([]);
    expect(resolveModel(c)).toBe(c);
    const o = resolveModel('openai:gpt-4.1-mini', { apiKey: 'sk-x-123456' });
    expect([o.provider, o.model]).toEqual(['openai', 'gpt-4.1-mini']);
    expect(resolveModel('openai:gpt-4.1-mini', { apiKey: 'sk-x-123456' })).toBe(o);
    const local = resolveModel('openai-compatible:llama3.2:3b@http://localhost:11434/v1');
    expect([local.provider, local.model]).toEqual(['openai-compatible', 'llama3.2:3b']);
    expect(parseModelRef('openai-compatible:qwen@http://h:1/v1')).toEqual({
      provider: 'openai-compatible',
      model: 'qwen',
      baseURL: 'http://h:1/v1',
    });
  });

  it('uses OPENAI_API_KEY when no key is given, and explains bad strings', () => {
    const saved = process.env.OPENAI_API_KEY;
    process.env.OPENAI_API_KEY = 'sk-env-key-123456';
    try {
      expect(resolveModel('openai:gpt-4.1-nano').provider).toBe('openai');
    } finally {
      if (saved === undefined) delete process.env.OPENAI_API_KEY;
      else process.env.OPENAI_API_KEY = saved;
    }
    expect(() => resolveModel('gpt-4.1-mini')).toThrow(/<provider>:<model>/);
  });

  it('resolves registered providers', () => {
    registerProvider('house', (c) => scripted([{ text: `house ${c.model}` }], { model: c.model ?? '' }));
    expect(resolveModel('house:m1').model).toBe('m1');
  });
});
