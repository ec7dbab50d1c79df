import { defineConfig, devices } from '@playwright/test';

/**
 * End-to-end tests of the built devtools app (`vite preview`) in Debian's Chromium: no browser
 * is ever downloaded (`scripts/ensure-chromium.mjs` installs /usr/bin/chromium where missing).
 * IndexedDB needs an http origin, hence a real server rather than file:// pages.
 */
const port = Number(process.env.E2E_PORT ?? 4173);
const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  retries: 0,
  workers: 2,
  fullyParallel: true,
  forbidOnly: process.env.CI !== undefined,
  reporter: 'list',
  use: {
    ...devices['Desktop Chrome'],
    baseURL,
    trace: 'off',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  projects: [{ name: 'chromium' }],
  webServer: {
    // The production build (run `npm run build` first; `npm run test:e2e` does).
    command: `npx vite preview --host 127.0.0.1 --port ${port} --strictPort`,
    cwd: '../apps/devtools',
    url: baseURL,
    // Never reuse: a server left running may serve an older build.
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
