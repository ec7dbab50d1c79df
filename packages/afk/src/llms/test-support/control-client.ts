import type { ReceivedRequest, ScriptedReply } from './openai-server.js';

/** A test-server session driven over HTTP (for browser tests, which cannot hold the server object). */
export interface RemoteSession {
  baseURL: string;
  enqueue(...replies: ScriptedReply[]): Promise<void>;
  requests(): Promise<ReceivedRequest[]>;
}

/** Opens a session on the test server at `url` through its `/__control` endpoints. */
export async function remoteSession(url: string): Promise<RemoteSession> {
  const res = await fetch(`${url}/__control/sessions`, { method: 'POST' });
  const { id, baseURL } = (await res.json()) as { id: string; baseURL: string };
  return {
    baseURL,
    async enqueue(...replies) {
      await fetch(`${url}/__control/s/${id}/enqueue`, { method: 'POST', body: JSON.stringify(replies) });
    },
    async requests() {
      return (await (await fetch(`${url}/__control/s/${id}/requests`)).json()) as ReceivedRequest[];
    },
  };
}
