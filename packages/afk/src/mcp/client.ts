import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { Tool as MCPToolSpec } from '@modelcontextprotocol/sdk/types.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import type { jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/types.js';
import { z } from 'zod';
import { AfkConfigError, formatIssues, fromZodIssues } from '../errors/index.js';
import type { AnyTool } from '../tools/index.js';
import { type CatalogEntry, mcpToolToAfk } from './remote-tool.js';

/**
 * Where the MCP server is and how to treat its tools. Give `url` (Streamable HTTP, anywhere) or
 * `command` (stdio, Node: the server is spawned as a child process).
 */
export interface MCPToolsOptions {
  url?: string | URL;
  command?: string;
  /** Arguments of `command`. */
  args?: string[];
  /** Environment of `command` (default: the SDK's safe default environment). */
  env?: Record<string, string>;
  cwd?: string;
  /** Sent with every HTTP request (e.g. `{ authorization: 'Bearer …' }`); never stored or logged. */
  headers?: Record<string, string>;
  /** Prepended to every tool name (`prefix: 'fs_'` → `fs_read_file`). Default: names unchanged. */
  prefix?: string;
  /** Label of the server in tool metadata and descriptions. Default: the server's own name. */
  name?: string;
  /** Per-call timeout in ms (default 60_000); the run's signal also aborts calls. */
  timeoutMs?: number;
  /** Every tool of this server needs approval (or the tools this function says). Default false. */
  needsApproval?: boolean | ((toolName: string, args: unknown) => boolean);
  /** Closes the connection (and a stdio child) when aborted. */
  signal?: AbortSignal;
  /** JSON Schema validator for tool args (default: the SDK's Ajv provider). */
  validator?: jsonSchemaValidator;
  /** The fetch used for HTTP (default: global `fetch`); e.g. `(u, i) => server.handle(new Request(u, i))` in-page. */
  fetch?: (url: string | URL, init?: RequestInit) => Promise<Response>;
}

/** Zod schema of `MCPToolsOptions`. */
export const MCPToolsOptionsSchema = z
  .object({
    url: z.union([z.string().url(), z.instanceof(URL)]).optional(),
    command: z.string().min(1).optional(),
    args: z.array(z.string()).optional(),
    env: z.record(z.string(), z.string()).optional(),
    cwd: z.string().optional(),
    headers: z.record(z.string(), z.string()).optional(),
    prefix: z
      .string()
      .regex(/^[a-zA-Z0-9_-]*$/, 'letters, digits, _ or - only')
      .optional(),
    name: z.string().min(1).optional(),
    timeoutMs: z.number().positive().optional(),
    needsApproval: z
      .union([z.boolean(), z.custom<(n: string, a: unknown) => boolean>((v) => typeof v === 'function')])
      .optional(),
    signal: z.custom<AbortSignal>((v) => v instanceof AbortSignal).optional(),
    fetch: z
      .custom<(u: string | URL, i?: RequestInit) => Promise<Response>>((v) => typeof v === 'function')
      .optional(),
    validator: z
      .custom<jsonSchemaValidator>((v) => typeof (v as jsonSchemaValidator)?.getValidator === 'function')
      .optional(),
  })
  .strict()
  .refine((o) => (o.url === undefined) !== (o.command === undefined), {
    message: 'give exactly one of url or command',
  });

/**
 * A live connection to an MCP server: its tools as AFK tools, kept current when the server says
 * its list changed. Agents are immutable, so an agent built earlier keeps the tools it was given;
 * each of them validates against the server's latest schema, and one the server no longer offers
 * fails with an error the model sees. Build new agents from `tools()` to pick up new tools.
 */
export class MCPConnection {
  private catalog = new Map<string, CatalogEntry>();
  private listeners = new Set<(tools: AnyTool[]) => void>();

  private constructor(
    readonly client: Client,
    readonly serverName: string,
    private readonly opts: MCPToolsOptions,
    private readonly validator: jsonSchemaValidator,
  ) {}

  /** @internal Builds the connection; use `connectMCP`. */
  static async open(opts: MCPToolsOptions): Promise<MCPConnection> {
    const validator = opts.validator ?? new AjvJsonSchemaValidator();
    let conn: MCPConnection | undefined;
    const client = new Client(
      { name: 'afk', version: '0.1.0' },
      {
        jsonSchemaValidator: validator,
        listChanged: {
          tools: {
            debounceMs: 0,
            onChanged: (error, tools) => {
              if (!error && tools && conn) conn.replace(tools);
            },
          },
        },
      },
    );
    await client.connect(await transportFor(opts));
    conn = new MCPConnection(client, opts.name ?? client.getServerVersion()?.name ?? 'mcp', opts, validator);
    opts.signal?.addEventListener('abort', () => void conn.close(), { once: true });
    await conn.refresh();
    return conn;
  }

  /** The server's tools, as AFK tools (current list). */
  tools(): AnyTool[] {
    return [...this.catalog.values()].map((e) => e.tool);
  }

  /** Re-reads the tool list (also done automatically on the server's list-changed notification). */
  async refresh(): Promise<AnyTool[]> {
    const all: MCPToolSpec[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.client.listTools(cursor ? { cursor } : {});
      all.push(...page.tools);
      cursor = page.nextCursor;
    } while (cursor);
    this.replace(all);
    return this.tools();
  }

  /** Called with the new list whenever it changes; returns an unsubscribe function. */
  onToolsChanged(listener: (tools: AnyTool[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Closes the connection (ends a stdio child process). */
  close(): Promise<void> {
    return this.client.close();
  }

  private replace(specs: MCPToolSpec[]): void {
    const next = new Map<string, CatalogEntry>();
    for (const spec of specs) {
      const prior = this.catalog.get(spec.name);
      if (prior) {
        prior.spec = spec;
        prior.validate = this.validator.getValidator(spec.inputSchema as never);
        prior.removed = false;
        next.set(spec.name, prior);
      } else {
        next.set(
          spec.name,
          mcpToolToAfk(spec, {
            client: this.client,
            serverName: this.serverName,
            prefix: this.opts.prefix ?? '',
            timeoutMs: this.opts.timeoutMs ?? 60_000,
            needsApproval: this.opts.needsApproval ?? false,
            validator: this.validator,
          }),
        );
      }
    }
    for (const [name, old] of this.catalog) if (!next.has(name)) old.removed = true;
    this.catalog = next;
    const tools = this.tools();
    for (const l of this.listeners) l(tools);
  }
}

async function transportFor(opts: MCPToolsOptions): Promise<Transport> {
  if (opts.url !== undefined) {
    return new StreamableHTTPClientTransport(new URL(String(opts.url)), {
      requestInit: { headers: { ...(opts.headers ?? {}) } },
      ...(opts.fetch ? { fetch: opts.fetch } : {}),
    });
  }
  const { StdioClientTransport } = await import('@modelcontextprotocol/sdk/client/stdio.js');
  return new StdioClientTransport({
    command: opts.command!,
    ...(opts.args ? { args: opts.args } : {}),
    ...(opts.env ? { env: opts.env } : {}),
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
    stderr: 'pipe',
  });
}

function parseOptions(opts: MCPToolsOptions): void {
  const parsed = MCPToolsOptionsSchema.safeParse(opts);
  if (!parsed.success) {
    const issues = fromZodIssues(parsed.error.issues);
    throw new AfkConfigError('invalid_config', `Invalid mcpTools options:\n${formatIssues(issues)}`, {
      issues,
    });
  }
}

/**
 * Connects to an MCP server with the official SDK client and keeps the connection.
 *
 * @example
 * const conn = await connectMCP({ command: 'npx', args: ['-y', '@modelcontextprotocol/server-everything'] });
 * const agent = new Agent({ name: 'a', model, tools: conn.tools() });
 * await conn.close();
 */
export async function connectMCP(opts: MCPToolsOptions): Promise<MCPConnection> {
  parseOptions(opts);
  return MCPConnection.open(opts);
}

/**
 * A remote MCP server's tools as AFK tools (names unchanged unless `prefix`): arguments are
 * validated against each tool's JSON Schema before the call, failures and `isError` results
 * become tool errors the model sees, and every call passes the runner's gate (policy, approval,
 * journal) like any tool. Tool `metadata` is `{ source: 'mcp', server, mcpTool }`. The connection
 * stays open until `signal` aborts (use `connectMCP` for an explicit `close()`).
 *
 * @example
 * const tools = await mcpTools({ url: 'http://127.0.0.1:3000/mcp', headers: { authorization: `Bearer ${token}` } });
 * const agent = new Agent({ name: 'assistant', model: 'openai:gpt-4.1-mini', tools });
 */
export async function mcpTools(opts: MCPToolsOptions): Promise<AnyTool[]> {
  const conn = await connectMCP(opts);
  return conn.tools();
}
