import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { A2A_PROTOCOL_VERSION, AGENT_CARD_PATH, type AgentCard, TaskState } from '@a2a-js/sdk';
import {
  AgentEvent,
  type AgentExecutor,
  DefaultRequestHandler,
  type ExecutionEventBus,
  InMemoryTaskStore,
  type RequestContext,
} from '@a2a-js/sdk/server';
import { agentCardHandler, jsonRpcHandler, UserBuilder } from '@a2a-js/sdk/server/express';
import { message, partsText, submittedTask, textPart } from '../parts.js';

type ExpressApp = {
  use(...handlers: unknown[]): void;
  listen(port: number, host: string, cb: () => void): Server;
};

/** An agent built only with the official A2A SDK: answers `echo: <text>` (or fails on "fail"). */
class EchoExecutor implements AgentExecutor {
  readonly seen: string[] = [];
  execute = async (ctx: RequestContext, bus: ExecutionEventBus): Promise<void> => {
    const { taskId, contextId } = ctx;
    const text = partsText(ctx.userMessage.parts);
    this.seen.push(text);
    bus.publish(AgentEvent.task(ctx.task ?? submittedTask(taskId, contextId, ctx.userMessage)));
    const failed = text === 'fail';
    bus.publish(
      AgentEvent.statusUpdate({
        taskId,
        contextId,
        status: {
          state: failed ? TaskState.TASK_STATE_FAILED : TaskState.TASK_STATE_COMPLETED,
          message: message('agent', [textPart(failed ? 'it failed' : `echo: ${text}`)], {
            taskId,
            contextId,
          }),
          timestamp: new Date().toISOString(),
        },
        metadata: {},
      }),
    );
    bus.finished();
  };
  cancelTask = async (): Promise<void> => undefined;
}

/** Starts the SDK's own Express server example around `EchoExecutor` on a free loopback port. */
export async function startSdkA2AServer(): Promise<{ url: string; seen: string[]; close(): Promise<void> }> {
  const express = ((await import('express' as string)) as { default: () => ExpressApp }).default;
  const executor = new EchoExecutor();
  const card: AgentCard = {
    name: 'sdk-echo',
    description: 'Echoes',
    supportedInterfaces: [],
    provider: undefined,
    version: '1.0.0',
    capabilities: { streaming: true, pushNotifications: false, extensions: [], extendedAgentCard: false },
    securitySchemes: {},
    securityRequirements: [],
    defaultInputModes: ['text'],
    defaultOutputModes: ['text'],
    skills: [],
    signatures: [],
  };
  const handler = new DefaultRequestHandler(card, new InMemoryTaskStore(), executor);
  const app = express();
  app.use(`/${AGENT_CARD_PATH}`, agentCardHandler({ agentCardProvider: handler }));
  app.use(jsonRpcHandler({ requestHandler: handler, userBuilder: UserBuilder.noAuthentication }));
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  card.supportedInterfaces.push({
    url: `${url}/`,
    protocolBinding: 'JSONRPC',
    tenant: '',
    protocolVersion: A2A_PROTOCOL_VERSION,
  });
  return {
    url,
    seen: executor.seen,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
