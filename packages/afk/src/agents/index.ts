export { Agent, AgentConfigSchema } from './agent.js';
export type { AgentConfig, ModelSettings, RunContext } from './agent.js';
export { DEFAULT_FAIL_SAFE, FailSafeConfigSchema } from './failsafe.js';
export type { FailSafeConfig, FailSafeInput } from './failsafe.js';
export { PolicyEngine, PolicyRuleSchema, globToRegExp } from './policy.js';
export type { PolicyAction, PolicyDecision, PolicyEngineOptions, PolicyEvent, PolicyEventType, PolicyFn, PolicyRule } from './policy.js';
