/**
 * Builds the admin console into dist/admin, served by the endpoint under /admin/. It is a plain
 * page over the REST API (no service worker: it is for the owner at a desk, online).
 */
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/admin/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: resolve(import.meta.dirname, '../dist/admin'),
    emptyOutDir: true,
    target: 'es2022',
  },
});
