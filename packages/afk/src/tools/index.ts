export type { ToolBodyOutcome, ToolExecutionOptions } from './execute.js';
export { executeToolBody, sanitizeToolOutput } from './execute.js';
export type {
  AnyTool,
  DeferOptions,
  DeferredResult,
  Middleware,
  MiddlewareFn,
  Posthook,
  PosthookFn,
  Prehook,
  PrehookFn,
  Tool,
  ToolContext,
  ToolDefinition,
  ToolEffects,
  ToolRetry,
} from './tool.js';
export { isDeferred, middleware, posthook, prehook, tool } from './tool.js';
