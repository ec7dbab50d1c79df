// What fixture agent modules import in the runSync and CLI tests (bundled next to them, sharing
// chunks with the bundled CLI and worker, as `afk/agents` + `afk/llms` + `afk/tools` would).
export { z } from 'zod';
export { Agent } from '../../agents/agent.js';
export { finalTextContains, llmJudge, scriptedJudge, toolCalled, toolSequence } from '../../evals/index.js';
export { scripted } from '../../llms/providers/scripted.js';
export { tool } from '../../tools/tool.js';
