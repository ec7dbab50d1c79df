import type { Page } from '@playwright/test';
import type { AfkErrorCode } from 'afk/errors';
import { AFK_PAGE_GLOBAL, AFK_PAGE_VERSION } from 'afk/evals';
import { AfkPageError } from './errors.js';

/** The methods of `window.__afk` the fixture calls. */
export type HandleMethod = 'waitForRun' | 'decide' | 'evaluate' | 'export' | 'runs';

/** What the in-page side of a call answers (always JSON, never a thrown error). */
type Answer =
  | { kind: 'missing' }
  | { kind: 'version'; version: unknown }
  | { kind: 'ok'; value: unknown }
  | { kind: 'error'; name: string; code: string; message: string };

/** Errors that mean "the page navigated under the call": look the handle up again and retry. */
const NAVIGATED =
  /Execution context was destroyed|Cannot find context with specified id|frame was detached|navigat/i;

const KNOWN_CODES = new Set<string>([
  'invalid_config',
  'invalid_argument',
  'not_found',
  'unsupported',
  'timeout',
  'approval_not_found',
  'approval_stale',
  'storage_error',
]);

/** Runs in the page: serialised by Playwright, so it may only use its arguments. */
async function inPage([global, method, args, expected]: [
  string,
  string,
  unknown[],
  number,
]): Promise<Answer> {
  const handle = (globalThis as unknown as Record<string, Record<string, unknown> | undefined>)[global];
  if (handle === undefined) return { kind: 'missing' };
  if (handle.version !== expected) return { kind: 'version', version: handle.version };
  try {
    const fn = handle[method] as (...a: unknown[]) => Promise<unknown>;
    // JSON in, JSON out: drops anything that could not cross (and undefined fields).
    return { kind: 'ok', value: JSON.parse(JSON.stringify((await fn.apply(handle, args)) ?? null)) };
  } catch (e) {
    const err = e as { name?: unknown; code?: unknown; message?: unknown };
    return {
      kind: 'error',
      name: String(err?.name ?? 'Error'),
      code: typeof err?.code === 'string' ? err.code : 'error',
      message: String(err?.message ?? e),
    };
  }
}

async function waitForHandle(page: Page, timeoutMs: number): Promise<void> {
  try {
    await page.waitForFunction(
      (g) => (globalThis as Record<string, unknown>)[g] !== undefined,
      AFK_PAGE_GLOBAL,
      {
        timeout: Math.max(1, timeoutMs),
        // An interval, not animation frames: a background tab may not paint.
        polling: 100,
      },
    );
  } catch (e) {
    if (page.isClosed()) throw e;
    throw new AfkPageError(
      'not_found',
      `window.${AFK_PAGE_GLOBAL} did not appear on ${page.url()} within ${timeoutMs} ms: the page must call ` +
        "exposeAfk({ runner, agents }) from 'afk/evals' (once, where it creates its runner) for the afk fixture to reach it",
      page.url(),
      { cause: e },
    );
  }
}

/**
 * Calls `window.__afk[method](...args)` in the page: waits for the handle (`handleTimeoutMs`),
 * checks its version, and retries when a navigation destroys the page's context mid-call, until
 * `deadlineMs` (ms since epoch; `args` as a function gets the time left, for in-page timeouts).
 * An error thrown in the page comes back as an `AfkPageError`
 * with the page's code and message.
 */
export async function callHandle<T>(
  page: Page,
  method: HandleMethod,
  args: unknown[] | ((remainingMs: number) => unknown[]),
  opts: { handleTimeoutMs: number; deadlineMs?: number },
): Promise<T> {
  const deadline = opts.deadlineMs ?? Date.now() + opts.handleTimeoutMs + 60_000;
  // The first try goes straight to the handle (the usual case); waiting is for when it is missing.
  let wait = false;
  for (;;) {
    if (wait) await waitForHandle(page, Math.min(opts.handleTimeoutMs, Math.max(1, deadline - Date.now())));
    wait = true;
    let answer: Answer;
    try {
      const a = typeof args === 'function' ? args(Math.max(1, deadline - Date.now())) : args;
      answer = await page.evaluate(inPage, [AFK_PAGE_GLOBAL, method, a, AFK_PAGE_VERSION] as [
        string,
        string,
        unknown[],
        number,
      ]);
    } catch (e) {
      if (!page.isClosed() && NAVIGATED.test(String((e as Error)?.message)) && Date.now() < deadline)
        continue;
      throw e;
    }
    if (answer.kind === 'missing') continue;
    if (answer.kind === 'version') {
      throw new AfkPageError(
        'unsupported',
        `window.${AFK_PAGE_GLOBAL} on ${page.url()} is version ${JSON.stringify(answer.version)}, but this ` +
          `@afk/playwright speaks version ${AFK_PAGE_VERSION}: install versions of afk and @afk/playwright that match`,
        page.url(),
      );
    }
    if (answer.kind === 'error') {
      const code = (KNOWN_CODES.has(answer.code) ? answer.code : 'invalid_argument') as AfkErrorCode;
      throw new AfkPageError(
        code,
        `${answer.message} (${answer.name} ${answer.code} in ${page.url()})`,
        page.url(),
      );
    }
    return answer.value as T;
  }
}
