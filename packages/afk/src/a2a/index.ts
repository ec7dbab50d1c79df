export type { A2ACardInput } from './card.js';
export { A2ACardInputSchema } from './card.js';
export { AfkAgentExecutor } from './executor.js';
export type { A2AServerOptions } from './server.js';
export { A2AServer, A2AServerOptionsSchema } from './server.js';
