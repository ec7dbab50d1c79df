import type { TestProject } from 'vitest/node';
import { startOpenAITestServer } from './openai-server.js';
import './provided-context.js';

/**
 * Vitest globalSetup of the browser project: browser tests cannot start Node servers, so the
 * OpenAI test server starts here and its URL is provided to them (`inject('afkOpenAIServerUrl')`).
 * Browser tests script it over HTTP through its `/__control` endpoints.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startOpenAITestServer();
  project.provide('afkOpenAIServerUrl', server.url);
  return () => server.close();
}
