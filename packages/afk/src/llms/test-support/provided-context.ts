/** Name under which the browser project's globalSetup provides the test server's URL. */
export const OPENAI_SERVER_URL = 'afkOpenAIServerUrl';

declare module 'vitest' {
  export interface ProvidedContext {
    afkOpenAIServerUrl: string;
  }
}
