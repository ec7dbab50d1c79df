import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  plugins: [react()],
  build: {
    target: 'es2022',
    rolldownOptions: {
      // The devtools app, plus test pages: window hooks for the crash/resume and two-tab queue e2e
      // tests, a seeder of synthetic runs, and a minimal host app mounting <AfkDevtools /> (panel-host e2e).
      input: {
        main: here('./index.html'),
        crash: here('./test-pages/crash.html'),
        'queue-tabs': here('./test-pages/queue-tabs.html'),
        seed: here('./test-pages/seed.html'),
        host: here('./test-pages/host.html'),
      },
    },
  },
  // `npm run preview` serves the build where the e2e tests expect it (e2e/playwright.config.ts).
  preview: { port: 4173, strictPort: true },
});
