import type { z } from 'zod';

/**
 * True for a zod schema, also from another copy of zod (an app and AFK may resolve different
 * copies, so `instanceof` is not reliable).
 */
export function isZodSchema(v: unknown): v is z.ZodType {
  return (
    typeof v === 'object' && v !== null && typeof (v as z.ZodType).safeParse === 'function' && '_zod' in v
  );
}
