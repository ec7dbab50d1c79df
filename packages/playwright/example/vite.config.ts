import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // Pre-bundled up front: a dependency found mid-test would make Vite reload the page.
  optimizeDeps: { include: ['openai', 'zod', 'yaml', 'dexie', '@cfworker/json-schema'] },
  server: { host: '127.0.0.1' },
});
