import { fileURLToPath } from 'node:url';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';

/** Chromium flags for this offline machine (see README: Chromium comes from Debian, not a download). */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/**
 * `scripts/test-openai-7.mjs` points this at a separately installed `openai` 7.x so the provider
 * tests also run against that line (the workspace itself installs 6.x, which supports Node 20).
 */
const openaiSdkDir = process.env.AFK_OPENAI_SDK_DIR;
/** `@afk/react`'s browser tests read `afk/*` from source, as its tsconfig paths do (no build first). */
const afkFromSource = {
  find: /^afk\/([a-z0-9-]+)$/,
  replacement: fileURLToPath(new URL('./packages/afk/src/$1/index.ts', import.meta.url)),
};
/** Two-level subpaths (`afk/evals/models`, `afk/memory/postgres`). */
const afkNestedFromSource = {
  find: /^afk\/([a-z0-9-]+)\/([a-z0-9-]+)$/,
  replacement: fileURLToPath(new URL('./packages/afk/src/$1/$2/index.ts', import.meta.url)),
};
/** The one file subpath (`afk/core/approval-edit`). */
const afkApprovalEditFromSource = {
  find: /^afk\/core\/approval-edit$/,
  replacement: fileURLToPath(new URL('./packages/afk/src/core/approval-edit.ts', import.meta.url)),
};

export default defineConfig({
  test: {
    projects: [
      {
        // `afk/*` from source too (a clean checkout runs the unit tests before any build).
        resolve: {
          alias: [
            afkApprovalEditFromSource,
            afkNestedFromSource,
            afkFromSource,
            ...(openaiSdkDir ? [{ find: 'openai', replacement: openaiSdkDir }] : []),
          ],
        },
        test: {
          name: 'node',
          environment: 'node',
          include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
          exclude: ['**/*.browser.test.ts', '**/node_modules/**', '**/dist/**'],
          testTimeout: 20_000,
          pool: 'threads',
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        resolve: { alias: [afkApprovalEditFromSource, afkNestedFromSource, afkFromSource] },
        test: {
          name: 'browser',
          include: ['packages/*/src/**/*.browser.test.{ts,tsx}', 'packages/*/test/**/*.browser.test.ts'],
          // Starts the local OpenAI-wire test server in Node for the browser tests (see its file).
          // ...and the loopback MCP/A2A servers the interop browser tests call (see its file).
          globalSetup: [
            'packages/afk/src/llms/test-support/browser-global-setup.ts',
            'packages/afk/src/mcp/test-support/browser-global-setup.ts',
          ],
          testTimeout: 30_000,
          sequence: { groupOrder: 1 },
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({ launchOptions: { executablePath, args: chromiumArgs } }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
});
