/** Awaits a promise that must reject and returns the rejection (fails the test if it resolves). */
export async function rejection<E = Error & { code: string; issues: unknown[] }>(
  p: Promise<unknown>,
): Promise<E> {
  try {
    await p;
  } catch (e) {
    return e as E;
  }
  throw new Error('expected the promise to reject, but it resolved');
}
