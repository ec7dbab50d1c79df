import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LLMBuilder } from '../builder.js';
import { requestKey } from '../request-key.js';
import { chatReply, chatStreamReply } from '../test-support/openai-fixtures.js';
import { type OpenAITestServer, startOpenAITestServer } from '../test-support/openai-server.js';
import { rejection } from '../test-support/rejection.js';
import type { LLMRequest, LLMStreamChunk } from '../types.js';
import { emptyCassette } from './cassette.js';
import { record } from './record.js';
import { replay } from './replay.js';

let server: OpenAITestServer;
let dir: string;
beforeAll(async () => {
  server = await startOpenAITestServer();
  dir = await mkdtemp(join(tmpdir(), 'afk-cassette-'));
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const KEY = 'sk-test-cassette-secret-5555555555';
const ask = (content: string, extra: Partial<LLMRequest> = {}): LLMRequest => ({
  model: 'gpt-4.1-mini',
  messages: [{ role: 'user', content }],
  ...extra,
});
async function collect(it: AsyncIterable<LLMStreamChunk>): Promise<LLMStreamChunk[]> {
  const out: LLMStreamChunk[] = [];
  for await (const c of it) out.push(c);
  return out;
}

describe('record → replay', () => {
  it('records chats, streams and errors to a file without the key, then replays them offline', async () => {
    const s = server.session();
    s.enqueue(
      chatReply({ toolCalls: [{ id: 'call_1', name: 'add', args: { a: 1 } }] }),
      chatStreamReply({ deltas: ['str', 'eam'] }),
      { kind: 'json', status: 400, body: { error: { message: `bad request for ${KEY}` } } },
    );
    const path = join(dir, 'nested', 'run.json');
    const live = new LLMBuilder()
      .model('gpt-4.1-mini')
      .apiKey(KEY)
      .baseURL(s.baseURL)
      .coalesce(false)
      .build();
    const rec = record(live, { cassette: path });
    const chatRes = await rec.chat(ask('one', { metadata: { runId: 'r1' } }));
    const streamed = await collect(rec.stream(ask('two')));
    await expect(rec.chat(ask('three'))).rejects.toMatchObject({ code: 'llm_bad_request' });
    await rec.flush();

    const text = await readFile(path, 'utf8');
    expect(text).not.toContain(KEY);
    expect(text).not.toContain('r1');
    expect(Object.keys(JSON.parse(text).entries)).toHaveLength(3);

    const played = replay({ cassette: path, model: 'gpt-4.1-mini' });
    expect(await played.chat(ask('one', { metadata: { runId: 'other' } }))).toEqual(chatRes);
    expect(await collect(played.stream(ask('two')))).toEqual(streamed);
    await expect(played.chat(ask('three'))).rejects.toMatchObject({ code: 'llm_bad_request', status: 400 });
    // A chat recording can be streamed and a stream recording chatted.
    expect((await collect(played.stream(ask('one')))).map((c) => c.type)).toEqual([
      'tool_call_delta',
      'completed',
    ]);
    expect((await played.chat(ask('two'))).text).toBe('stream');
    // The runner sends its client's model id; a replay client named differently still matches.
    expect((await replay({ cassette: path }).chat({ ...ask('two'), model: 'replay' })).text).toBe('stream');
    expect(s.requests).toHaveLength(3);
  });

  it('replays repeated identical requests in recorded order', async () => {
    const cassette = emptyCassette();
    let n = 0;
    const source = {
      provider: 'test',
      model: 'counter',
      capabilities: { streaming: true, toolCalling: true, structuredOutput: true, reasoning: false },
      chat: async () => ({
        text: `answer ${++n}`,
        toolCalls: [],
        finishReason: 'stop' as const,
        usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
        model: 'counter',
      }),
      stream: () => {
        throw new Error('unused');
      },
    };
    const rec = record(source, { cassette });
    await rec.chat(ask('same'));
    await rec.chat(ask('same'));
    const played = replay({ cassette });
    expect((await played.chat(ask('same'))).text).toBe('answer 1');
    expect((await played.chat(ask('same'))).text).toBe('answer 2');
    expect((await played.chat(ask('same'))).text).toBe('answer 2');
  });

  it('an unknown request fails with replay_missing naming the key', async () => {
    const played = new LLMBuilder()
      .provider('replay')
      .cassette(emptyCassette())
      .retry({ maxRetries: 0 })
      .build();
    const req = ask('never recorded');
    const err = await rejection(played.chat(req));
    expect(err.code).toBe('replay_missing');
    expect(err.message).toContain(requestKey(req));
  });

  it('a missing cassette file is an empty cassette; an invalid one is a config error', async () => {
    await expect(replay({ cassette: join(dir, 'nope.json') }).chat(ask('x'))).rejects.toMatchObject({
      code: 'replay_missing',
    });
    await expect(replay({ cassette: { version: 2 } as never }).chat(ask('x'))).rejects.toMatchObject({
      code: 'invalid_config',
    });
  });
});
