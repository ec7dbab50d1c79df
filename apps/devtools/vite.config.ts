import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** The port `vite preview` serves the built app on (the e2e tests point here). */
export const PREVIEW_PORT = 4173;

export default defineConfig({
  plugins: [react()],
  build: {
    target: 'es2022',
    rollupOptions: {
      // The devtools app, plus a bare page with window hooks for the crash/resume e2e test.
      input: { main: here('./index.html'), crash: here('./test-pages/crash.html') },
    },
  },
  preview: { port: PREVIEW_PORT, strictPort: true },
});
