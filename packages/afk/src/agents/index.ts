export type { AgentConfig, ModelSettings, RunContext } from './agent.js';
export { Agent, AgentConfigSchema } from './agent.js';
export type { FailSafeConfig, FailSafeInput } from './failsafe.js';
export { DEFAULT_FAIL_SAFE, FailSafeConfigSchema } from './failsafe.js';
export type {
  PolicyAction,
  PolicyDecision,
  PolicyEngineOptions,
  PolicyEvent,
  PolicyEventType,
  PolicyFn,
  PolicyRule,
} from './policy.js';
export { globToRegExp, PolicyEngine, PolicyRuleSchema } from './policy.js';
