import {
  A2A_VERSION_HEADER,
  AGENT_CARD_PATH,
  type AgentCard,
  Extensions,
  formatSSEErrorEvent,
  formatSSEEvent,
  HTTP_EXTENSION_HEADER,
  SSE_HEADERS,
} from '@a2a-js/sdk';
import { ContentTypeNotSupportedError } from '@a2a-js/sdk/errors';
import {
  DefaultRequestHandler,
  defaultServerCallContextBuilder,
  InMemoryTaskStore,
  JsonRpcTransportHandler,
  type TaskStore,
  UnauthenticatedUser,
  type User,
  validateVersion,
} from '@a2a-js/sdk/server';
import { z } from 'zod';
import { Agent } from '../agents/index.js';
import { Runner } from '../core/index.js';
import { AfkConfigError, formatIssues, fromZodIssues } from '../errors/index.js';
import {
  applyCors,
  DEFAULT_MAX_BODY_BYTES,
  guardRequest,
  type HttpGuardOptions,
  HttpGuardOptionsShape,
  readBodyLimited,
  type ServerAuth,
} from '../mcp/http-guard.js';
import type { ListenOptions, NodeListener } from '../mcp/node-http.js';
import { type A2ACardInput, A2ACardInputSchema, completeCard } from './card.js';
import { AfkAgentExecutor } from './executor.js';
import { RunTaskStore } from './run-task-store.js';

/** The options of `A2AServer`. */
export interface A2AServerOptions extends HttpGuardOptions {
  agent: Agent;
  /** Runs the agent (default: a new `Runner()`); use `interactionMode: 'external'` for input-required. */
  runner?: Runner;
  card: A2ACardInput;
  auth?: ServerAuth;
  /** Path of the JSON-RPC endpoint (default '/'). The card is always at `/.well-known/agent-card.json`. */
  path?: string;
  /**
   * Where task snapshots are kept (default: the SDK's `InMemoryTaskStore`). A task it does not
   * hold is rebuilt from its AFK run in the runner's store, so with a persistent runner store a
   * restarted server still answers `GetTask` and continues `input-required` tasks.
   */
  taskStore?: TaskStore;
}

export const A2AServerOptionsSchema = z
  .object({
    agent: z.custom<Agent>((v) => v instanceof Agent, 'must be an Agent'),
    runner: z.custom<Runner>((v) => v instanceof Runner, 'must be a Runner').optional(),
    card: A2ACardInputSchema,
    path: z.string().startsWith('/').optional(),
    taskStore: z.custom<TaskStore>((v) => typeof (v as TaskStore)?.load === 'function').optional(),
    ...HttpGuardOptionsShape,
  })
  .strict();

class AuthenticatedUser implements User {
  get isAuthenticated(): boolean {
    return true;
  }
  get userName(): string {
    return 'authenticated';
  }
}

function rpcError(status: number, error: { code: number; message: string }, id: unknown = null): Response {
  return new Response(JSON.stringify({ jsonrpc: '2.0', id, error }), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

/**
 * Serves an AFK agent over the A2A protocol 1.0 (JSON-RPC binding) with the official
 * `@a2a-js/sdk` request handler: the agent card at `/.well-known/agent-card.json`, message send
 * and stream, tasks get and cancel. Tasks are AFK runs (see `AfkAgentExecutor`). `handle` is
 * fetch-style and runs anywhere; `listen` serves it on Node.
 *
 * @example
 * const server = new A2AServer({ agent, runner, card: { name: 'helper', description: 'Helps', version: '1.0.0' } });
 * const { url } = await server.listen({ port: 4000 });
 */
export class A2AServer {
  private card: AgentCard;
  /** The card's interface URL is known (given, or set by `listen` or the first request). */
  private urlKnown: boolean;
  private readonly opts: A2AServerOptions;
  private readonly rpc: JsonRpcTransportHandler;
  private readonly path: string;

  constructor(options: A2AServerOptions) {
    const parsed = A2AServerOptionsSchema.safeParse(options);
    if (!parsed.success) {
      const issues = fromZodIssues(parsed.error.issues);
      throw new AfkConfigError('invalid_config', `Invalid A2AServer options:\n${formatIssues(issues)}`, {
        issues,
      });
    }
    this.opts = options;
    this.path = options.path ?? '/';
    this.urlKnown = options.card.url !== undefined;
    this.card = completeCard(options.card, options.card.url ?? `http://127.0.0.1${this.path}`, options.auth);
    const runner = options.runner ?? new Runner();
    const executor = new AfkAgentExecutor(options.agent, runner);
    const handler = new DefaultRequestHandler(
      this.card,
      new RunTaskStore(options.taskStore ?? new InMemoryTaskStore(), runner, options.agent.name),
      executor,
    );
    // The SDK cancels a task with no live execution (an input-required one) by itself, without
    // the executor: cancel its paused run first.
    const cancelTask = handler.cancelTask.bind(handler);
    handler.cancelTask = async (params, context) => {
      await executor.cancelPausedRun(params.id);
      return cancelTask(params, context);
    };
    // The handler reads its card for every request (version checks): keep it the one we serve.
    handler.getAgentCard = async () => this.card;
    this.rpc = new JsonRpcTransportHandler(handler);
  }

  /** The agent card as served (with its interface URL). */
  agentCard(): AgentCard {
    return this.card;
  }

  /** Serves one HTTP request: the agent card (GET) or a JSON-RPC call (POST to `path`). */
  async handle(request: Request): Promise<Response> {
    const isCard = new URL(request.url).pathname === `/${AGENT_CARD_PATH}` && request.method === 'GET';
    const refused = await guardRequest(request, this.opts, isCard ? 'public' : 'private');
    if (refused) return applyCors(request, refused, this.opts);
    return applyCors(request, await this.route(request), this.opts);
  }

  /** Listens on Node's `http` (default `127.0.0.1`, a free port); a non-loopback host needs `auth`. */
  async listen(options: ListenOptions = {}): Promise<NodeListener> {
    const { serveFetch } = await import('../mcp/node-http.js');
    const listener = await serveFetch(
      (r) => this.handle(r),
      options,
      this.opts.auth !== undefined,
      'A2AServer',
    );
    if (this.opts.card.url === undefined) this.setUrl(`${listener.url}${this.path}`);
    return listener;
  }

  private setUrl(url: string): void {
    this.card = completeCard(this.opts.card, url, this.opts.auth);
    this.urlKnown = true;
  }

  private async route(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === `/${AGENT_CARD_PATH}`) {
      if (request.method !== 'GET') return new Response(null, { status: 405, headers: { allow: 'GET' } });
      if (!this.urlKnown) this.setUrl(`${url.origin}${this.path}`);
      return new Response(JSON.stringify(this.card), {
        status: 200,
        headers: { 'content-type': 'application/json', 'cache-control': 'no-cache' },
      });
    }
    if (url.pathname !== this.path)
      return rpcError(404, { code: -32601, message: `Not found: ${url.pathname}` });
    if (request.method !== 'POST') return rpcError(405, { code: -32600, message: 'Use POST for JSON-RPC' });
    return this.jsonRpc(request);
  }

  private async jsonRpc(request: Request): Promise<Response> {
    const contentType = request.headers.get('content-type');
    if (contentType !== null && contentType.split(';', 1)[0]!.trim().toLowerCase() !== 'application/json') {
      const e = new ContentTypeNotSupportedError(
        `Unsupported Content-Type "${contentType}"; expected application/json.`,
      );
      return rpcError(400, JsonRpcTransportHandler.mapToJSONRPCError(e));
    }
    const max = this.opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    const text = await readBodyLimited(request, max);
    if (text === undefined)
      return rpcError(413, { code: -32600, message: `Payload too large: over ${max} bytes` });
    let body: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new Error('not an object');
      body = parsed as Record<string, unknown>;
    } catch {
      return rpcError(400, { code: -32700, message: 'Invalid JSON payload.' });
    }
    const id = body.id ?? null;
    try {
      const headers: Record<string, string> = {};
      request.headers.forEach((v, k) => {
        headers[k] = v;
      });
      const context = defaultServerCallContextBuilder({
        extensions: Extensions.parseServiceParameter(request.headers.get(HTTP_EXTENSION_HEADER) ?? undefined),
        user: this.opts.auth ? new AuthenticatedUser() : new UnauthenticatedUser(),
        headers,
        ...(request.headers.get(A2A_VERSION_HEADER)
          ? { requestedVersion: request.headers.get(A2A_VERSION_HEADER)! }
          : {}),
      });
      validateVersion(context.requestedVersion, this.card, 'JSONRPC');
      const out = await this.rpc.handle(body, context);
      if (!isAsyncIterable(out)) return Response.json(out, { status: 200 });
      return await this.sse(out, id, request.signal);
    } catch (e) {
      return rpcError(200, JsonRpcTransportHandler.mapToJSONRPCError(e), id);
    }
  }

  /** Streams JSON-RPC responses as SSE; an error before the first event is a plain JSON-RPC error. */
  private async sse(
    stream: AsyncGenerator<unknown, void, undefined>,
    id: unknown,
    signal: AbortSignal,
  ): Promise<Response> {
    const it = stream[Symbol.asyncIterator]();
    let first: IteratorResult<unknown>;
    try {
      first = await it.next();
    } catch (e) {
      return rpcError(200, JsonRpcTransportHandler.mapToJSONRPCError(e), id);
    }
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        const onAbort = () => void it.return?.(undefined).catch(() => undefined);
        signal.addEventListener('abort', onAbort, { once: true });
        try {
          if (!first.done) controller.enqueue(encoder.encode(formatSSEEvent(first.value)));
          for (;;) {
            const next = await it.next();
            if (next.done) break;
            controller.enqueue(encoder.encode(formatSSEEvent(next.value)));
          }
        } catch (e) {
          controller.enqueue(
            encoder.encode(
              formatSSEErrorEvent({
                jsonrpc: '2.0',
                id,
                error: JsonRpcTransportHandler.mapToJSONRPCError(e),
              }),
            ),
          );
        } finally {
          signal.removeEventListener('abort', onAbort);
          controller.close();
        }
      },
    });
    return new Response(body, { status: 200, headers: { ...SSE_HEADERS } });
  }
}

function isAsyncIterable(v: unknown): v is AsyncGenerator<unknown, void, undefined> {
  return typeof (v as AsyncGenerator | undefined)?.[Symbol.asyncIterator] === 'function';
}
