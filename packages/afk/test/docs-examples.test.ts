import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, test, vi } from 'vitest';

/**
 * Runs every example of the guides in docs/ (the ```ts blocks between `<!-- example:begin -->`
 * and `<!-- example:end -->`) as written, with only their `afk/*` imports pointed at the sources,
 * and checks that they print what their `// → ...` comments say, in order. So the guides cannot
 * drift from the API.
 */
const docsDir = new URL('../../../docs/', import.meta.url);
const examples = readdirSync(docsDir)
  .filter((f) => f.endsWith('.md'))
  .flatMap((file) => {
    const text = readFileSync(new URL(file, docsDir), 'utf8');
    const blocks = [
      ...text.matchAll(/<!-- example:begin -->\s*```ts\n([\s\S]*?)```\s*<!-- example:end -->/g),
    ];
    return blocks.map((m, i) => ({ name: `docs/${file} example ${i + 1}`, code: m[1] ?? '' }));
  });
const generated: string[] = [];

afterEach(() => {
  for (const f of generated.splice(0)) rmSync(f, { force: true });
  vi.restoreAllMocks();
});

test('the guides have examples', () => {
  expect(examples.length).toBeGreaterThanOrEqual(4);
});

test.each(examples.map((e, i) => [e.name, e.code, i] as const))(
  '%s prints what it says',
  async (_, code, i) => {
    const expected = [...code.matchAll(/\/\/ → (.*)$/gm)].map((m) => m[1]?.trim());
    expect(expected.length).toBeGreaterThan(0);
    const file = fileURLToPath(new URL(`./.docs-example-${i}.tmp.ts`, import.meta.url));
    generated.push(file);
    writeFileSync(
      file,
      code.replace(/from 'afk\/([a-z-]+)'/g, (_m, sub: string) => `from '../src/${sub}/index.ts'`),
    );
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      lines.push(args.map(String).join(' '));
    });
    await import(/* @vite-ignore */ file);
    expect(lines).toEqual(expected);
  },
);
