/**
 * Resolves once `pred()` holds, re-checking whenever `subscribe` calls its wake function;
 * rejects after `timeoutMs` (bounded: a broken test fails instead of hanging).
 */
export async function waitFor(
  pred: () => boolean,
  subscribe: (wake: () => void) => void,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`waitFor: condition not met within ${timeoutMs} ms`);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, left);
      subscribe(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
