// docs/playwright.md quotes the example app (packages/playwright/example) file by file: every
// fenced block introduced by a file's path must still be that file's text, so the guide cannot
// drift from the example its tests run.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const doc = readFileSync(`${root}docs/playwright.md`, 'utf8');
const QUOTED = [
  'src/agents.ts',
  'src/main.ts',
  'vite.config.ts',
  'tests/recorded-openai.ts',
  'playwright.config.ts',
  'tests/calculator.spec.ts',
  'tests/approval.spec.ts',
  'tests/evaluate.spec.ts',
  'evals/calculator.yaml',
];
const stale = QUOTED.filter(
  (f) => !doc.includes(readFileSync(`${root}packages/playwright/example/${f}`, 'utf8').trimEnd()),
);
if (stale.length) {
  console.error(
    `docs/playwright.md no longer quotes these example files as they are:\n  ${stale.join('\n  ')}`,
  );
  process.exit(1);
}
console.log(`docs/playwright.md: ${QUOTED.length} quoted example files match`);
