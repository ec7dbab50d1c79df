import { expect, type Page, test } from '@playwright/test';
import { chatStreamReply } from '../../packages/afk/src/llms/test-support/openai-fixtures';
import {
  type OpenAITestServer,
  startOpenAITestServer,
} from '../../packages/afk/src/llms/test-support/openai-server';

let server: OpenAITestServer;
test.beforeAll(async () => {
  server = await startOpenAITestServer();
});
test.afterAll(async () => {
  await server.close();
});

const SECRET = 'sk-e2e-do-not-store-0123456789';

/** Everything this origin keeps: every IndexedDB database's rows, and localStorage. */
async function storedText(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const rows: unknown[] = [{ ...localStorage }];
    for (const info of await indexedDB.databases()) {
      if (!info.name) continue;
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open(info.name as string);
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      for (const name of Array.from(db.objectStoreNames)) {
        const all = db.transaction(name).objectStore(name).getAll();
        rows.push(await new Promise((resolve) => (all.onsuccess = () => resolve(all.result))));
      }
      db.close();
    }
    return JSON.stringify(rows);
  });
}

test('an OpenAI-compatible base URL and key drive the playground; the key is used, never stored', async ({
  page,
}) => {
  const session = server.session();
  session.enqueue(
    chatStreamReply({ toolCalls: [{ id: 'call_1', name: 'add', args: { a: 2, b: 3 } }] }),
    chatStreamReply({ deltas: ['It is ', '5.'] }),
  );

  await page.goto('/');
  await page.getByTestId('provider-select').selectOption('openai-compatible');
  await page.getByTestId('model-input').fill('test-model');
  await page.getByTestId('api-key-input').fill(SECRET);
  await page.getByTestId('base-url-input').fill(session.baseURL);
  await page.getByTestId('apply-settings').click();
  await expect(page.getByTestId('model-in-use')).toContainText('openai-compatible:test-model');
  await expect(page.getByTestId('model-in-use')).not.toContainText(SECRET);

  await page.getByTestId('user-input').fill('Add 2 and 3');
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('final-text')).toHaveText('It is 5.');
  await expect(page.getByTestId('run-state')).toHaveText('completed');

  expect(session.requests).toHaveLength(2);
  expect(session.requests[0]?.headers.authorization).toBe(`Bearer ${SECRET}`);
  const stored = await storedText(page);
  expect(stored).toContain('It is 5.');
  expect(stored).not.toContain(SECRET);

  // Memory only: a reload forgets the key and falls back to the scripted model.
  await page.reload();
  await expect(page.getByTestId('model-in-use')).toContainText('scripted');
});
