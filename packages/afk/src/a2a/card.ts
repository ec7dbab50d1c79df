import { A2A_PROTOCOL_VERSION, type AgentCard, type SecurityScheme } from '@a2a-js/sdk';
import { z } from 'zod';
import type { ServerAuth } from '../mcp/http-guard.js';

/** What you say about your agent; AFK completes the rest of the A2A agent card. */
export interface A2ACardInput {
  name: string;
  description: string;
  version: string;
  /** Public URL of the JSON-RPC endpoint. Default: derived from each request (or `listen`). */
  url?: string;
  skills?: Array<{ id: string; name: string; description: string; tags?: string[]; examples?: string[] }>;
  provider?: { organization: string; url: string };
  documentationUrl?: string;
}

export const A2ACardInputSchema = z
  .object({
    name: z.string().min(1),
    description: z.string(),
    version: z.string().min(1),
    url: z.string().url().optional(),
    skills: z
      .array(
        z
          .object({
            id: z.string().min(1),
            name: z.string().min(1),
            description: z.string(),
            tags: z.array(z.string()).optional(),
            examples: z.array(z.string()).optional(),
          })
          .strict(),
      )
      .optional(),
    provider: z.object({ organization: z.string(), url: z.string().url() }).strict().optional(),
    documentationUrl: z.string().url().optional(),
  })
  .strict();

/** The full A2A 1.0 agent card: JSON-RPC interface, streaming capability, security schemes. */
export function completeCard(input: A2ACardInput, url: string, auth: ServerAuth | undefined): AgentCard {
  const securitySchemes: Record<string, SecurityScheme> = {};
  if (auth && typeof auth !== 'function') {
    if (auth.bearerTokens?.length)
      securitySchemes.bearer = {
        scheme: {
          $case: 'httpAuthSecurityScheme',
          value: { description: 'Bearer token', scheme: 'Bearer', bearerFormat: '' },
        },
      };
    if (auth.apiKeys?.length)
      securitySchemes.apiKey = {
        scheme: {
          $case: 'apiKeySecurityScheme',
          value: { description: 'API key', location: 'header', name: 'X-API-Key' },
        },
      };
  }
  return {
    name: input.name,
    description: input.description,
    version: input.version,
    supportedInterfaces: [
      { url, protocolBinding: 'JSONRPC', tenant: '', protocolVersion: A2A_PROTOCOL_VERSION },
    ],
    provider: input.provider,
    ...(input.documentationUrl ? { documentationUrl: input.documentationUrl } : {}),
    capabilities: { streaming: true, pushNotifications: false, extensions: [], extendedAgentCard: false },
    securitySchemes,
    securityRequirements: Object.keys(securitySchemes).map((k) => ({ schemes: { [k]: { list: [] } } })),
    defaultInputModes: ['text/plain', 'application/json'],
    defaultOutputModes: ['text/plain', 'application/json'],
    skills: (input.skills ?? []).map((s) => ({
      id: s.id,
      name: s.name,
      description: s.description,
      tags: s.tags ?? [],
      examples: s.examples ?? [],
      inputModes: [],
      outputModes: [],
      securityRequirements: [],
    })),
    signatures: [],
  };
}
