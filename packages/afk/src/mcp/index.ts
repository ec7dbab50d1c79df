export type { MCPBackgroundOptions } from './background-call.js';
export { MCPBackgroundOptionsSchema } from './background-call.js';
export type { MCPToolsOptions } from './client.js';
export { connectMCP, MCPConnection, MCPToolsOptionsSchema, mcpTools } from './client.js';
export type { HttpGuardOptions, ServerAuth } from './http-guard.js';
export { ServerAuthSchema } from './http-guard.js';
export type { ListenOptions, NodeListener } from './node-http.js';
export type { MCPServerOptions } from './server.js';
export { MCPServer, MCPServerOptionsSchema } from './server.js';
