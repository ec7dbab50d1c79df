import { AfkConfigError } from '../../errors/index.js';
import type { Assertion } from '../models/assertion.js';
import { verdict } from './verdict.js';

type Fs = typeof import('node:fs/promises');
// A variable specifier keeps browser bundlers from trying to resolve node:fs.
const FS_MODULE = 'node:fs/promises';
const loadFs = async (): Promise<Fs> => (await import(/* @vite-ignore */ FS_MODULE)) as Fs;

/** The environment variable that makes every `eventTypes` file assertion rewrite its golden file. */
export const UPDATE_GOLDEN_ENV = 'AFK_UPDATE_GOLDEN';

function updateWanted(flag: boolean | undefined): boolean {
  if (flag !== undefined) return flag;
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const v = env?.[UPDATE_GOLDEN_ENV];
  return v !== undefined && v !== '' && v !== '0' && v !== 'false';
}

function lcs(a: readonly string[], b: readonly string[]): number {
  let prev = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    const cur = new Array<number>(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++)
      cur[j] = a[i - 1] === b[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, cur[j - 1]!);
    prev = cur;
  }
  return prev[b.length]!;
}

async function readGolden(path: string): Promise<string[] | undefined> {
  const fs = await loadFs();
  let text: string;
  try {
    text = await fs.readFile(path, 'utf8');
  } catch (e) {
    if ((e as { code?: unknown }).code === 'ENOENT') return undefined;
    throw e;
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new AfkConfigError('invalid_config', `golden file ${path} is not JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(v) || !v.every((t) => typeof t === 'string')) {
    throw new AfkConfigError(
      'invalid_config',
      `golden file ${path} must hold a JSON array of event type names`,
      {
        issues: [{ path: [], message: 'expected an array of strings' }],
      },
    );
  }
  return v as string[];
}

/**
 * Golden trace: passes when the run's event types (its persisted log, in order) equal the golden
 * list — given inline, or as the path of a JSON file (Node) holding an array of type names.
 * With `update: true`, or the environment variable `AFK_UPDATE_GOLDEN=1`, a golden file is
 * (re)written from this run and the assertion passes; a missing file fails with a hint to do so.
 * The score is the longest common subsequence over the longer list.
 *
 * @example
 * eventTypes('evals/golden/weather.json')   // AFK_UPDATE_GOLDEN=1 npx afk eval ... to record it
 */
export function eventTypes(golden: string[] | string, opts: { update?: boolean } = {}): Assertion {
  const name = `eventTypes(${typeof golden === 'string' ? golden : `${golden.length} types`})`;
  return {
    name,
    evaluate: async (ctx) => {
      const actual = (await ctx.events()).map((e) => e.type as string);
      if (typeof golden === 'string' && updateWanted(opts.update)) {
        const fs = await loadFs();
        const dir = golden.includes('/') ? golden.slice(0, golden.lastIndexOf('/')) : '.';
        await fs.mkdir(dir, { recursive: true });
        await fs.writeFile(golden, `${JSON.stringify(actual, null, 2)}\n`, 'utf8');
        return verdict(name, true, `golden file written (${actual.length} events)`, 1, { updated: true });
      }
      const expected = typeof golden === 'string' ? await readGolden(golden) : golden;
      if (!expected) {
        return verdict(name, false, `no golden file ${golden}: run with ${UPDATE_GOLDEN_ENV}=1 to record it`);
      }
      const same = expected.length === actual.length && expected.every((t, i) => t === actual[i]);
      if (same) return verdict(name, true, `the ${actual.length} event types match`);
      const at = expected.findIndex((t, i) => t !== actual[i]);
      const i = at === -1 ? expected.length : at;
      const score = lcs(expected, actual) / Math.max(expected.length, actual.length, 1);
      return verdict(
        name,
        false,
        `event ${i} is ${actual[i] ?? '(none)'} where the golden trace has ${expected[i] ?? '(none)'} (${actual.length} events vs ${expected.length})`,
        score,
      );
    },
  };
}
