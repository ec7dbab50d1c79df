import { defineConfig } from '@playwright/test';

/**
 * The example app's Playwright suite (`npm test -w @afk/playwright`): a Vite dev server on the
 * example page and Debian's Chromium (never downloaded). Project `example` is the suite; project
 * `failing` holds tests that fail on purpose and is only run by `tests/attachments.spec.ts`, as a
 * child process against the same server (`AFK_EXAMPLE_URL`), to check what a failure attaches.
 */
const external = process.env.AFK_EXAMPLE_URL;
const port = Number(process.env.AFK_EXAMPLE_PORT ?? 4183);
const baseURL = external ?? `http://127.0.0.1:${port}`;
// Workers and the child run inherit it.
process.env.AFK_EXAMPLE_URL_SELF = baseURL;

export default defineConfig({
  timeout: 30_000,
  expect: { timeout: 10_000 },
  retries: 0,
  workers: 2,
  fullyParallel: true,
  forbidOnly: process.env.CI !== undefined,
  reporter: 'list',
  outputDir: '../test-results',
  use: {
    baseURL,
    trace: 'off',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    },
  },
  projects: [
    { name: 'example', testDir: './tests' },
    { name: 'failing', testDir: './failing' },
  ],
  ...(external
    ? {}
    : {
        webServer: {
          // Absolute: npx runs from the package's root, not from `cwd`.
          command: `npx vite --config ${import.meta.dirname}/vite.config.ts --port ${port} --strictPort`,
          url: baseURL,
          reuseExistingServer: false,
          timeout: 60_000,
          stdout: 'ignore',
          stderr: 'pipe',
        },
      }),
});
