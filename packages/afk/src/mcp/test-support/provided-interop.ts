/** Name under which the browser project's globalSetup provides the interop control URL. */
export const INTEROP_CONTROL_URL = 'afkInteropControlUrl';

declare module 'vitest' {
  export interface ProvidedContext {
    afkInteropControlUrl: string;
  }
}
