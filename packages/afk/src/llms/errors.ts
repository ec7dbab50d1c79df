import type { AfkErrorCode } from '../errors/index.js';

/**
 * Classifies an HTTP status: 408, 409, 429 and 5xx are retryable, other 4xx are not,
 * no status (network failure) is retryable.
 */
export function classifyStatus(status: number | undefined): { code: AfkErrorCode; retryable: boolean } {
  if (status === undefined) return { code: 'llm_unavailable', retryable: true };
  if (status === 429) return { code: 'llm_rate_limited', retryable: true };
  if (status === 408 || status === 409) return { code: 'llm_unavailable', retryable: true };
  if (status >= 500) return { code: 'llm_unavailable', retryable: true };
  if (status === 401 || status === 403) return { code: 'llm_auth', retryable: false };
  if (status >= 400) return { code: 'llm_bad_request', retryable: false };
  return { code: 'llm_error', retryable: false };
}
