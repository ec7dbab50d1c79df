export { LLMBuilder } from './builder.js';
export type { LLMBuilderConfig, LLMProfile } from './config.js';
export { LLM_PROFILES, LLMBuilderConfigSchema } from './config.js';
export { classifyStatus } from './errors.js';
export type { ModelRef } from './model-ref.js';
export { parseModelRef } from './model-ref.js';
export type { ModelPrice } from './pricing.js';
export { DEFAULT_PRICES, estimateCostUsd, priceFor, setModelPrices } from './pricing.js';
export { parseRetryAfter, toLLMError } from './provider-error.js';
export type { Cassette, CassetteEntry } from './providers/cassette.js';
export { CassetteSchema, emptyCassette, parseCassette } from './providers/cassette.js';
export { echoModel } from './providers/demo.js';
export type { OpenAIProviderOptions } from './providers/openai.js';
export { openai } from './providers/openai.js';
export type { OpenAICompatibleOptions } from './providers/openai-compatible.js';
export { openaiCompatible } from './providers/openai-compatible.js';
export type { WireCapabilities } from './providers/openai-shared.js';
export type { RecordingClient, RecordOptions } from './providers/record.js';
export { record } from './providers/record.js';
export type { ReplayOptions } from './providers/replay.js';
export { replay } from './providers/replay.js';
export type {
  ScriptedClient,
  ScriptedFn,
  ScriptedOptions,
  ScriptedRule,
  ScriptedTurn,
} from './providers/scripted.js';
export { scripted } from './providers/scripted.js';
export type { ProviderConfig, ProviderFactory } from './registry.js';
export { registeredProviders, registerProvider, resetLLMState } from './registry.js';
export { normalizeRequest, requestKey } from './request-key.js';
export type { ResiliencePolicy } from './resilience/attempts.js';
export type { RetryPolicy } from './resilience/backoff.js';
export { backoffDelay } from './resilience/backoff.js';
export type { BreakerState, CircuitBreakerPolicy } from './resilience/circuit-breaker.js';
export type { TimeoutPolicy } from './resilience/deadline.js';
export type { RateLimitPolicy } from './resilience/rate-limiter.js';
export type {
  LLMCallOverrides,
  LLMHealth,
  ResilientCallOptions,
  ResilientLLMClient,
} from './resilience/resilient-client.js';
export type { CachePolicy } from './resilience/response-cache.js';
export type { ResolveModelOptions } from './resolve.js';
export { resolveModel } from './resolve.js';
export { chunksFromResponse } from './stream-from-response.js';
export type { ChatStructuredOptions, StructuredParse } from './structured.js';
export { chatStructured, parseStructuredOutput, repairRequest, responseFormatFor } from './structured.js';
export type {
  ContentPart,
  FinishReason,
  LLMCallOptions,
  LLMCapabilities,
  LLMClient,
  LLMRequest,
  LLMResolver,
  LLMResponse,
  LLMStreamChunk,
  LLMToolSpec,
  LLMUsage,
  Message,
  ReasoningEffort,
  ToolCall,
  ToolChoice,
} from './types.js';
export {
  ContentPartSchema,
  contentText,
  emptyUsage,
  LLMResponseSchema,
  lastUserText,
  MessageSchema,
  ToolCallSchema,
} from './types.js';
