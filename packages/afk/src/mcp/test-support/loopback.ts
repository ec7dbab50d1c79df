import { inject } from 'vitest';
import './provided-interop.js';

/**
 * From a browser test: asks the browser project's globalSetup (`browser-global-setup.ts`) for
 * a real AFK MCPServer and A2AServer on loopback that allow this page's origin (CORS).
 */
export async function loopbackServers(): Promise<{ mcpUrl: string; a2aUrl: string; token: string }> {
  const r = await fetch(`${inject('afkInteropControlUrl')}/start`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ origin: location.origin }),
  });
  if (!r.ok) throw new Error(`loopback servers did not start: ${r.status} ${await r.text()}`);
  return r.json() as Promise<{ mcpUrl: string; a2aUrl: string; token: string }>;
}
