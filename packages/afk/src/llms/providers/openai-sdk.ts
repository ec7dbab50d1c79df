import type OpenAI from 'openai';
import { AfkConfigError } from '../../errors/index.js';

type OpenAIModule = typeof import('openai');
let loading: Promise<OpenAIModule> | undefined;

/** Loads the `openai` package on first use, so `afk/llms` users who never call it never load it. */
export function loadOpenAISdk(): Promise<OpenAIModule> {
  loading ??= import('openai');
  return loading;
}

/** True in a browser window or Web Worker (not in Node, Deno-as-Node or Bun-as-Node). */
export function isBrowserRuntime(): boolean {
  const g = globalThis as {
    window?: unknown;
    document?: unknown;
    importScripts?: unknown;
    process?: unknown;
  };
  const proc = g.process as { versions?: { node?: string } } | undefined;
  if (proc?.versions?.node) return false;
  return (
    (typeof g.window === 'object' && typeof g.document === 'object') || typeof g.importScripts === 'function'
  );
}

/** How to reach an OpenAI-wire server. The key lives only here, in memory. */
export interface OpenAIConnection {
  apiKey: string | undefined;
  baseURL: string | undefined;
  dangerouslyAllowBrowser: boolean | undefined;
  headers: Record<string, string> | undefined;
}

const isOpenAIHost = (url: string) => {
  try {
    return new URL(url).hostname.endsWith('api.openai.com');
  } catch {
    return false;
  }
};

/**
 * Refuses, at build time, a browser client that would ship a secret key to api.openai.com:
 * a browser needs a proxy `baseURL` (the proxy holds the key) or an explicit
 * `dangerouslyAllowBrowser: true`.
 */
export function assertBrowserSafe(conn: OpenAIConnection, label: string): void {
  if (!isBrowserRuntime() || conn.dangerouslyAllowBrowser) return;
  if (conn.baseURL && !isOpenAIHost(conn.baseURL)) return;
  throw new AfkConfigError(
    'invalid_config',
    `${label}: in a browser, point baseURL at a proxy that holds the API key, ` +
      'or set dangerouslyAllowBrowser: true if exposing the key to every visitor is acceptable',
    {
      issues: [
        {
          path: ['baseURL'],
          message: 'a proxy baseURL (or dangerouslyAllowBrowser) is required in a browser',
        },
      ],
    },
  );
}

/**
 * Creates the SDK client. The SDK's own retries are off (the AFK resilience layer retries, once);
 * without a key no Authorization header is sent (local servers, proxies).
 */
export async function createOpenAISdk(conn: OpenAIConnection): Promise<OpenAI> {
  const mod = await loadOpenAISdk();
  const OpenAICtor = mod.OpenAI;
  return new OpenAICtor({
    apiKey: conn.apiKey ?? 'no-key',
    ...(conn.baseURL ? { baseURL: conn.baseURL } : {}),
    maxRetries: 0,
    dangerouslyAllowBrowser:
      conn.dangerouslyAllowBrowser === true || (isBrowserRuntime() && conn.baseURL !== undefined),
    defaultHeaders: { ...conn.headers, ...(conn.apiKey ? {} : { authorization: null }) },
  });
}
