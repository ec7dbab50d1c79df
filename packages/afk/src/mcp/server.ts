import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  CallToolRequestSchema,
  type CallToolResult,
  ErrorCode,
  ListToolsRequestSchema,
  type Tool as MCPToolSpec,
  McpError,
} from '@modelcontextprotocol/sdk/types.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import { z } from 'zod';
import { Agent } from '../agents/index.js';
import { Runner } from '../core/index.js';
import { AfkConfigError, formatIssues, fromZodIssues } from '../errors/index.js';
import type { AnyTool } from '../tools/index.js';
import { agentToolSpec, callAgent } from './agent-tool.js';
import {
  DEFAULT_BACKGROUND,
  type MCPBackgroundOptions,
  MCPBackgroundOptionsSchema,
} from './background-call.js';
import {
  applyCors,
  DEFAULT_MAX_BODY_BYTES,
  guardRequest,
  type HttpGuardOptions,
  HttpGuardOptionsShape,
  type ServerAuth,
} from './http-guard.js';
import type { ListenOptions, NodeListener } from './node-http.js';
import { ToolCaller } from './tool-call.js';

/** The options of `MCPServer`. */
export interface MCPServerOptions extends HttpGuardOptions {
  /** Server name reported to clients (`serverInfo.name`). */
  name: string;
  version: string;
  /** AFK tools to serve; each keeps its zod validation, hooks, timeout and retry. */
  tools?: AnyTool[];
  /** Also serve this agent as a tool (named after it) that runs it, with progress notifications. */
  agent?: Agent;
  /**
   * Runs the agent, and gates tool calls: with a runner every tool call passes its policy and
   * approvals as a one-call run. Default: a new `Runner()` for the agent; tools run directly.
   */
  runner?: Runner;
  auth?: ServerAuth;
  /** Instructions sent to clients at initialization. */
  instructions?: string;
  /** How long a call to a background (deferring) tool stays open, and its progress interval. */
  background?: MCPBackgroundOptions;
}

const NAME_RE = /^[a-zA-Z0-9_-]{1,64}$/;

/** Zod schema of `MCPServerOptions`. */
export const MCPServerOptionsSchema = z
  .object({
    name: z.string().min(1),
    version: z.string().min(1),
    tools: z
      .array(
        z.custom<AnyTool>(
          (v) => typeof v === 'object' && v !== null && (v as AnyTool).kind === 'tool',
          'must be created with tool()',
        ),
      )
      .optional(),
    agent: z.custom<Agent>((v) => v instanceof Agent, 'must be an Agent').optional(),
    runner: z.custom<Runner>((v) => v instanceof Runner, 'must be a Runner').optional(),
    instructions: z.string().optional(),
    background: MCPBackgroundOptionsSchema.optional(),
    ...HttpGuardOptionsShape,
  })
  .strict();

/**
 * Serves AFK tools, and optionally an agent, to any MCP client over the official SDK:
 * Streamable HTTP through a fetch-style `handle(request)` (Node, workers, service workers),
 * `listen()` on Node and `stdio()`. Each HTTP request is served statelessly (a fresh SDK server
 * and transport), so nothing is shared between clients. Bad args and failing tools come back as
 * `isError` results; protocol errors as JSON-RPC errors.
 *
 * @example
 * const server = new MCPServer({ name: 'calc', version: '1.0.0', tools: [add] });
 * const { url } = await server.listen({ port: 3000 }); // http://127.0.0.1:3000, POST /mcp or /
 * export default { fetch: (req: Request) => server.handle(req) }; // or in a worker
 */
export class MCPServer {
  readonly name: string;
  readonly version: string;
  private readonly opts: MCPServerOptions;
  private readonly tools = new Map<string, AnyTool>();
  private readonly specs: MCPToolSpec[] = [];
  private readonly caller: ToolCaller;
  private readonly agentRunner: Runner | undefined;
  private readonly validator = new AjvJsonSchemaValidator();

  constructor(options: MCPServerOptions) {
    const parsed = MCPServerOptionsSchema.safeParse(options);
    const issues = parsed.success ? [] : fromZodIssues(parsed.error.issues);
    const names = new Set<string>();
    const all = [
      ...(options?.tools ?? []).map((t) => t?.name),
      ...(options?.agent ? [options.agent.name] : []),
    ];
    for (const n of all) {
      if (typeof n !== 'string') continue;
      if (names.has(n)) issues.push({ path: ['tools'], message: `duplicate tool name '${n}'` });
      names.add(n);
      if (!NAME_RE.test(n)) issues.push({ path: ['tools'], message: `invalid MCP tool name '${n}'` });
    }
    for (const t of options?.tools ?? []) {
      if (t?.parameters && t.parameters.type !== 'object')
        issues.push({ path: ['tools'], message: `tool '${t.name}' must take an object as args for MCP` });
    }
    if (issues.length)
      throw new AfkConfigError('invalid_config', `Invalid MCPServer options:\n${formatIssues(issues)}`, {
        issues,
      });
    this.opts = options;
    this.name = options.name;
    this.version = options.version;
    for (const t of options.tools ?? []) {
      this.tools.set(t.name, t);
      this.specs.push({
        name: t.name,
        description: t.description,
        inputSchema: t.parameters as MCPToolSpec['inputSchema'],
        annotations: {
          readOnlyHint: t.effects === 'pure',
          idempotentHint: t.effects !== 'side_effect',
          destructiveHint: t.effects === 'side_effect',
        },
      });
    }
    if (options.agent) this.specs.push(agentToolSpec(options.agent));
    this.agentRunner = options.agent ? (options.runner ?? new Runner()) : undefined;
    this.caller = new ToolCaller(options.name, options.runner, {
      ...DEFAULT_BACKGROUND,
      ...(options.background ?? {}),
    });
  }

  /**
   * Serves one Streamable HTTP request (any path): Origin, size and auth are checked first, then
   * the official SDK transport answers it.
   */
  async handle(request: Request): Promise<Response> {
    const refused = await guardRequest(request, this.opts);
    if (refused) return applyCors(request, refused, this.opts);
    // Pending calls (awaiting approval or background work) are remembered per caller.
    const server = this.sdkServer(this.opts.runner ? await callerOf(request) : 'http');
    const transport = new WebStandardStreamableHTTPServerTransport({
      maxRequestBodySize: this.opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    });
    await server.connect(transport);
    let response: Response;
    try {
      response = await transport.handleRequest(request);
    } catch (e) {
      await server.close();
      throw e;
    }
    if (!response.body) {
      await server.close();
      return applyCors(request, response, this.opts);
    }
    // Close the per-request server once its answer has been streamed (or the client left).
    const body = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        flush: () => void server.close().catch(() => undefined),
      }),
    );
    request.signal.addEventListener('abort', () => void server.close().catch(() => undefined), {
      once: true,
    });
    return applyCors(
      request,
      new Response(body, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      }),
      this.opts,
    );
  }

  /**
   * Listens on Node's `http` (default `127.0.0.1`, a free port). A non-loopback host needs `auth`.
   *
   * @example
   * const listener = await server.listen({ port: 3000 }); await listener.close();
   */
  async listen(options: ListenOptions = {}): Promise<NodeListener> {
    const { serveFetch } = await import('./node-http.js');
    return serveFetch((r) => this.handle(r), options, this.opts.auth !== undefined, 'MCPServer');
  }

  /** Serves over this process's stdin/stdout (Node): for clients that spawn the server. */
  async stdio(): Promise<{ close(): Promise<void> }> {
    const { StdioServerTransport } = await import('@modelcontextprotocol/sdk/server/stdio.js');
    return this.connect(new StdioServerTransport());
  }

  /** Serves over any SDK transport (one long-lived SDK server for it). */
  async connect(transport: Transport): Promise<{ close(): Promise<void> }> {
    const server = this.sdkServer('local');
    await server.connect(transport);
    return { close: () => server.close() };
  }

  private sdkServer(caller: string): Server {
    const server = new Server(
      { name: this.name, version: this.version },
      {
        capabilities: { tools: {} },
        jsonSchemaValidator: this.validator,
        ...(this.opts.instructions ? { instructions: this.opts.instructions } : {}),
      },
    );
    server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: this.specs }));
    server.setRequestHandler(CallToolRequestSchema, async (req, extra): Promise<CallToolResult> => {
      const { name, arguments: args } = req.params;
      const agent = this.opts.agent;
      if (agent && this.agentRunner && name === agent.name) {
        return callAgent(this.agentRunner, agent, args, {
          signal: extra.signal,
          progressToken: req.params._meta?.progressToken,
          sendNotification: extra.sendNotification,
        });
      }
      const tool = this.tools.get(name);
      if (!tool) throw new McpError(ErrorCode.InvalidParams, `Tool ${name} not found`);
      return this.caller.call(tool, args, {
        signal: extra.signal,
        progressToken: req.params._meta?.progressToken,
        sendNotification: extra.sendNotification,
        caller,
      });
    });
    return server;
  }
}

/** A fingerprint of the request's credentials (SHA-256 of its Authorization and X-API-Key). */
async function callerOf(req: Request): Promise<string> {
  const raw = `${req.headers.get('authorization') ?? ''}\u0000${req.headers.get('x-api-key') ?? ''}`;
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(raw));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
