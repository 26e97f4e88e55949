/** Builds the extension into dist/extension, ready for chrome://extensions > Load unpacked. */
import { crx } from '@crxjs/vite-plugin';
import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import { manifest } from './manifest.ts';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [crx({ manifest })],
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  // zustand's hooks import React: Preact's compat layer stands in for it.
  resolve: { alias: { react: 'preact/compat', 'react-dom': 'preact/compat' } },
  build: {
    outDir: resolve(import.meta.dirname, '../dist/extension'),
    emptyOutDir: true,
    target: 'chrome116',
    rollupOptions: {
      input: {
        options: resolve(import.meta.dirname, 'options.html'),
        sidepanel: resolve(import.meta.dirname, 'sidepanel.html'),
      },
    },
  },
});
