import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult, Tool as MCPToolSpec } from '@modelcontextprotocol/sdk/types.js';
import type { JsonSchemaValidator, jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/types.js';
import { z } from 'zod';
import { AfkToolError } from '../errors/index.js';
import { type AnyTool, type ToolDefinition, type ToolEffects, tool } from '../tools/index.js';

type ToolParameters = NonNullable<ToolDefinition<z.ZodType, unknown>['parameters']>;

/** One remote tool as the connection tracks it (schema and validator follow list changes). */
export interface CatalogEntry {
  spec: MCPToolSpec;
  validate: JsonSchemaValidator<unknown>;
  removed: boolean;
  tool: AnyTool;
}

export interface RemoteToolOptions {
  client: Client;
  serverName: string;
  prefix: string;
  timeoutMs: number;
  needsApproval: boolean | ((toolName: string, args: unknown) => boolean);
  validator: jsonSchemaValidator;
}

const NAME_RE = /^[a-zA-Z0-9_-]{1,64}$/;

/** An AFK-valid tool name for a remote one (characters outside `[a-zA-Z0-9_-]` become `_`). */
function localName(prefix: string, name: string): string {
  const full = `${prefix}${name}`;
  return NAME_RE.test(full) ? full : full.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64);
}

function effectsOf(spec: MCPToolSpec): ToolEffects {
  if (spec.annotations?.readOnlyHint) return 'pure';
  if (spec.annotations?.idempotentHint) return 'idempotent';
  return 'side_effect';
}

/** Plain text of an MCP result's content (non-text parts summarised). */
export function contentText(result: CallToolResult): string {
  return (result.content ?? [])
    .map((part) => {
      switch (part.type) {
        case 'text':
          return part.text;
        case 'image':
        case 'audio':
          return `[${part.type} ${part.mimeType}, ${part.data.length} base64 characters]`;
        case 'resource':
          return 'text' in part.resource ? part.resource.text : `[resource ${part.resource.uri}]`;
        case 'resource_link':
          return `[resource ${part.uri}]`;
        default:
          return '';
      }
    })
    .join('\n');
}

/**
 * Wraps one MCP tool as an AFK tool. Args are `z.unknown()` refined by the tool's JSON Schema
 * (the schema is also what the model is offered, through `parameters`), so invalid args are
 * refused at the gate exactly like a zod tool's, and never reach the server.
 */
export function mcpToolToAfk(spec: MCPToolSpec, o: RemoteToolOptions): CatalogEntry {
  const entry: CatalogEntry = {
    spec,
    validate: o.validator.getValidator(spec.inputSchema as never),
    removed: false,
    tool: undefined as unknown as AnyTool,
  };
  const remoteName = spec.name;
  const args = z.unknown().superRefine((value, ctx) => {
    if (entry.removed) {
      ctx.addIssue({
        code: 'custom',
        message: `MCP server '${o.serverName}' no longer offers '${remoteName}'`,
      });
      return;
    }
    const r = entry.validate(value ?? {});
    if (!r.valid) ctx.addIssue({ code: 'custom', message: r.errorMessage });
  });
  const needsApproval = o.needsApproval;
  entry.tool = tool({
    name: localName(o.prefix, remoteName),
    description: `${spec.description ?? spec.title ?? remoteName} (MCP server: ${o.serverName})`,
    args,
    parameters: spec.inputSchema as unknown as ToolParameters,
    effects: effectsOf(spec),
    metadata: { source: 'mcp', server: o.serverName, mcpTool: remoteName },
    ...(typeof needsApproval === 'function'
      ? { needsApproval: (a: unknown) => needsApproval(remoteName, a) }
      : { needsApproval }),
    run: async (value, ctx) => {
      const result = (await o.client.callTool(
        { name: remoteName, arguments: (value ?? {}) as Record<string, unknown> },
        undefined,
        { signal: ctx.signal, timeout: o.timeoutMs },
      )) as CallToolResult;
      if (result.isError) {
        throw new AfkToolError(
          'tool_error',
          `MCP tool '${remoteName}' on '${o.serverName}' failed: ${contentText(result) || 'error result'}`,
        );
      }
      return result.structuredContent ?? contentText(result);
    },
  });
  return entry;
}
