import type { Message, StreamResponse, Task } from '@a2a-js/sdk';
import {
  type Client,
  ClientFactory,
  ClientFactoryOptions,
  DefaultAgentCardResolver,
  JsonRpcTransportFactory,
} from '@a2a-js/sdk/client';
import { z } from 'zod';
import { AfkConfigError, formatIssues, fromZodIssues } from '../errors/index.js';
import { message, partsText, taskText, textPart } from './parts.js';

/** Credentials an `A2AClient` sends: a bearer token or an API key (`X-API-Key`). */
export interface A2AClientAuth {
  bearerToken?: string;
  apiKey?: string;
}

/** The options of `A2AClient`. */
export interface A2AClientOptions {
  /** Base URL of the remote agent (its card is read from `/.well-known/agent-card.json`). */
  url: string | URL;
  auth?: A2AClientAuth;
  /** Extra headers on every request (never stored or logged). */
  headers?: Record<string, string>;
  /** The fetch used (default: global `fetch`); e.g. `(u, i) => server.handle(new Request(u, i))` in-page. */
  fetch?: typeof fetch;
}

export const A2AClientOptionsSchema = z
  .object({
    url: z.union([z.string().url(), z.instanceof(URL)]),
    auth: z
      .object({ bearerToken: z.string().min(1).optional(), apiKey: z.string().min(1).optional() })
      .strict()
      .optional(),
    headers: z.record(z.string(), z.string()).optional(),
    fetch: z.custom<typeof fetch>((v) => typeof v === 'function').optional(),
  })
  .strict();

/** Where a message goes: continue a task (`taskId`, e.g. an input-required one) or a conversation (`contextId`). */
export interface A2ASendOptions {
  taskId?: string;
  contextId?: string;
  signal?: AbortSignal;
}

/** What `send` returns: the answer text and the task (absent when the agent answered with a bare message). */
export interface A2ASendResult {
  text: string;
  task: Task | undefined;
  message: Message | undefined;
}

/**
 * Calls a remote A2A agent with the official `@a2a-js/sdk` client (JSON-RPC binding): reads the
 * agent card once, then sends and streams messages and gets and cancels tasks.
 *
 * @example
 * const remote = new A2AClient({ url: 'https://agents.example.com/helper', auth: { bearerToken: token } });
 * const { text, task } = await remote.send('Summarise this week');
 * if (task?.status?.state === TaskState.TASK_STATE_INPUT_REQUIRED) await remote.send('approve', { taskId: task.id });
 */
export class A2AClient {
  readonly url: string;
  private readonly headers: Record<string, string>;
  private sdk: Promise<Client> | undefined;
  private readonly fetchFn: typeof fetch | undefined;

  constructor(options: A2AClientOptions) {
    const parsed = A2AClientOptionsSchema.safeParse(options);
    if (!parsed.success) {
      const issues = fromZodIssues(parsed.error.issues);
      throw new AfkConfigError('invalid_config', `Invalid A2AClient options:\n${formatIssues(issues)}`, {
        issues,
      });
    }
    this.url = String(options.url);
    this.headers = { ...(options.headers ?? {}) };
    this.fetchFn = options.fetch;
    if (options.auth?.bearerToken) this.headers.authorization = `Bearer ${options.auth.bearerToken}`;
    if (options.auth?.apiKey) this.headers['x-api-key'] = options.auth.apiKey;
  }

  /** The official SDK client (created on first use from the agent card). */
  client(): Promise<Client> {
    if (!this.sdk) {
      const headers = this.headers;
      const base = this.fetchFn ?? ((input, init) => fetch(input, init));
      const fetchImpl: typeof fetch = (input, init) => {
        const h = new Headers(input instanceof Request ? input.headers : undefined);
        new Headers(init?.headers).forEach((v, k) => {
          h.set(k, v);
        });
        for (const [k, v] of Object.entries(headers)) h.set(k, v);
        return base(input, { ...init, headers: h });
      };
      const factory = new ClientFactory(
        ClientFactoryOptions.createFrom(ClientFactoryOptions.default, {
          transports: [new JsonRpcTransportFactory({ fetchImpl })],
          cardResolver: new DefaultAgentCardResolver({ fetchImpl }),
        }),
      );
      this.sdk = factory.createFromUrl(this.url).catch((e: unknown) => {
        this.sdk = undefined;
        throw e;
      });
    }
    return this.sdk;
  }

  /** Sends a message and waits for the task to settle (completed, failed, input-required...). */
  async send(input: string | Message, opts: A2ASendOptions = {}): Promise<A2ASendResult> {
    const c = await this.client();
    const r = await c.sendMessage(
      this.request(input, opts),
      opts.signal ? { signal: opts.signal } : undefined,
    );
    if ('status' in r) return { text: taskText(r), task: r, message: undefined };
    return { text: partsText(r.parts), task: undefined, message: r };
  }

  /** Sends a message and yields the task's events as they happen (task, status and artifact updates). */
  async *stream(
    input: string | Message,
    opts: A2ASendOptions = {},
  ): AsyncGenerator<StreamResponse, void, undefined> {
    const c = await this.client();
    yield* c.sendMessageStream(this.request(input, opts), opts.signal ? { signal: opts.signal } : undefined);
  }

  async getTask(id: string, opts: { historyLength?: number; signal?: AbortSignal } = {}): Promise<Task> {
    const c = await this.client();
    return c.getTask(
      { tenant: '', id, ...(opts.historyLength === undefined ? {} : { historyLength: opts.historyLength }) },
      opts.signal ? { signal: opts.signal } : undefined,
    );
  }

  async cancelTask(id: string, opts: { signal?: AbortSignal } = {}): Promise<Task> {
    const c = await this.client();
    return c.cancelTask({ tenant: '', id, metadata: {} }, opts.signal ? { signal: opts.signal } : undefined);
  }

  private request(input: string | Message, opts: A2ASendOptions) {
    const ids = {
      ...(opts.taskId ? { taskId: opts.taskId } : {}),
      ...(opts.contextId ? { contextId: opts.contextId } : {}),
    };
    const msg = typeof input === 'string' ? message('user', [textPart(input)], ids) : { ...input, ...ids };
    return { tenant: '', message: msg, configuration: undefined, metadata: {} };
  }
}
