import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';

const recorded = (name: string) => readFileSync(new URL(`../recorded/${name}`, import.meta.url), 'utf8');

/** What the page sent to the (routed) OpenAI endpoint. */
export interface RecordedRequest {
  authorization: string | undefined;
  body: { model: string; stream?: boolean; messages: Array<{ role: string; content?: unknown }> };
}

/**
 * Answers the page's OpenAI chat completions calls with recorded responses: the tool call
 * (`add {a: 2, b: 3}`) when the conversation has no tool result yet, else the answer; as the
 * recorded SSE stream when the request streams (`runStream`: the page's Run button), as the
 * recorded JSON completion when it does not (`run`, hence `afk.evaluate`). Nothing leaves the
 * machine; the openai SDK in the page parses them as it would OpenAI's.
 */
export async function routeRecordedOpenAI(page: Page): Promise<RecordedRequest[]> {
  const requests: RecordedRequest[] = [];
  await page.route('**/llm/v1/chat/completions', async (route) => {
    const body = route.request().postDataJSON() as RecordedRequest['body'];
    requests.push({ authorization: (await route.request().headerValue('authorization')) ?? undefined, body });
    const turn = body.messages.at(-1)?.role === 'tool' ? 'add-answer' : 'add-tool-call';
    await route.fulfill({
      status: 200,
      headers: {
        'content-type': body.stream ? 'text/event-stream' : 'application/json',
        'x-request-id': 'req_recorded',
      },
      body: recorded(`${turn}.${body.stream ? 'sse' : 'json'}`),
    });
  });
  return requests;
}
