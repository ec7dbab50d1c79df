/** Random ids with a readable prefix: `run_3f2a...`. Uses crypto.randomUUID where present. */
export function newId(prefix: string): string {
  const g = globalThis as { crypto?: { randomUUID?: () => string } };
  const raw = g.crypto?.randomUUID
    ? g.crypto.randomUUID().replaceAll('-', '')
    : Math.random().toString(16).slice(2) + Date.now().toString(16);
  return `${prefix}_${raw.slice(0, 20)}`;
}
