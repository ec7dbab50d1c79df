export type { A2ACardInput } from './card.js';
export { A2ACardInputSchema } from './card.js';
export type { A2AClientAuth, A2AClientOptions, A2ASendOptions, A2ASendResult } from './client.js';
export { A2AClient, A2AClientOptionsSchema } from './client.js';
export { AfkAgentExecutor } from './executor.js';
export type { A2AAgentOptions } from './remote-agent.js';
export { a2aAgent } from './remote-agent.js';
export type { A2AServerOptions } from './server.js';
export { A2AServer, A2AServerOptionsSchema } from './server.js';
