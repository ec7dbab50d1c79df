import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, test, vi } from 'vitest';

/**
 * Runs the quick start of the repository README and of the package's npm README (packages/afk)
 * exactly as written (only their `afk/*` imports are pointed at the sources, so no build is
 * needed), so neither README can drift from the API.
 */
const readmes = {
  'README.md': '../../../README.md',
  'packages/afk/README.md': '../README.md',
};
// One generated module per README: a second import of the same path would be served from the cache.
const generated = (i: number) => fileURLToPath(new URL(`./.readme-quickstart-${i}.tmp.ts`, import.meta.url));

function quickStartCode(file: string): string {
  const readme = readFileSync(fileURLToPath(new URL(file, import.meta.url)), 'utf8');
  const block = readme.match(/<!-- quickstart:begin -->\s*```ts\n([\s\S]*?)```\s*<!-- quickstart:end -->/);
  if (!block?.[1])
    throw new Error(`${file} has no quickstart block between the quickstart:begin/end markers`);
  return block[1].replace(/from 'afk\/([a-z-]+)'/g, (_, sub: string) => `from '../src/${sub}/index.ts'`);
}

afterEach(() => {
  for (const i of Object.keys(readmes).keys()) rmSync(generated(i), { force: true });
  vi.restoreAllMocks();
});

test.each(Object.entries(readmes).map(([name, file], i) => [name, file, generated(i)] as const))(
  'the %s quick start runs as written and prints what its comments say',
  async (_, file, target) => {
    const code = quickStartCode(file);
    expect(code.split('\n').length).toBeLessThanOrEqual(30);
    writeFileSync(target, code);
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      lines.push(args.map(String).join(' '));
    });

    await import(/* @vite-ignore */ target);

    expect(lines).toEqual(['add -> 3', 'completed 1 + 2 = 3']);
  },
);
