import { AfkError, type AfkErrorCode, type AfkErrorOptions } from 'afk/errors';

/**
 * What the `afk` fixture throws: the page never called `exposeAfk` (`not_found`), its handle
 * speaks another version (`unsupported`), bad arguments (`invalid_argument`), or an error
 * thrown inside the page, rethrown with the page's own `code` and message.
 *
 * @example
 * try { await afk.waitForRun() } catch (e) { if (e instanceof AfkPageError && e.code === 'not_found') ... }
 */
export class AfkPageError extends AfkError {
  override name = 'AfkPageError';
  /** The page's URL when it happened. */
  readonly url: string;
  constructor(code: AfkErrorCode, message: string, url: string, options: AfkErrorOptions = {}) {
    super(code, message, options);
    this.url = url;
  }
}
