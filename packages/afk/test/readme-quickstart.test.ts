import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, test, vi } from 'vitest';

/**
 * Runs the README's quick start exactly as written (only its `afk/*` imports are pointed at the
 * sources, so no build is needed), so the README cannot drift from the API.
 */
const readme = readFileSync(fileURLToPath(new URL('../../../README.md', import.meta.url)), 'utf8');
const generated = fileURLToPath(new URL('./.readme-quickstart.tmp.ts', import.meta.url));

function quickStartCode(): string {
  const block = readme.match(/<!-- quickstart:begin -->\s*```ts\n([\s\S]*?)```\s*<!-- quickstart:end -->/);
  if (!block?.[1])
    throw new Error('README.md has no quickstart block between the quickstart:begin/end markers');
  return block[1].replace(/from 'afk\/([a-z-]+)'/g, (_, sub: string) => `from '../src/${sub}/index.ts'`);
}

afterEach(() => {
  rmSync(generated, { force: true });
  vi.restoreAllMocks();
});

test('the README quick start runs as written and prints what its comments say', async () => {
  const code = quickStartCode();
  expect(code.split('\n').length).toBeLessThanOrEqual(30);
  writeFileSync(generated, code);
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    lines.push(args.map(String).join(' '));
  });

  await import(/* @vite-ignore */ generated);

  expect(lines).toEqual(['add -> 3', 'completed 1 + 2 = 3']);
});
