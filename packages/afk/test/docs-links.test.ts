import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

/** Every relative link of the guides (docs/*.md) and of the package README points at a file that exists. */
const docsDir = new URL('../../../docs/', import.meta.url);
const pages = [
  ...readdirSync(docsDir)
    .filter((f) => f.endsWith('.md'))
    .map((f) => new URL(f, docsDir)),
  new URL('../README.md', import.meta.url),
];

test.each(pages.map((p) => [fileURLToPath(p), p] as const))('links of %s resolve', (_, page) => {
  const text = readFileSync(page, 'utf8');
  const targets = [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1] ?? '')
    .filter((t) => !/^[a-z]+:/i.test(t) && !t.startsWith('#'));
  const missing = targets.filter((t) => !existsSync(fileURLToPath(new URL(t.split('#')[0] ?? '', page))));
  expect(missing).toEqual([]);
});
