// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Import directions of ../shared/ARCHITECTURE.md, as errors. Each entry: the folder, and the
 * import patterns it must never use. A pattern is matched against the import specifier; relative
 * specifiers are caught by their folder names (`../../server/...`).
 */
const app = (name) => [`**/${name}`, `**/${name}/**`];
const forbidden = {
  'shared/rules/**': {
    patterns: [
      ...app('protocol'),
      ...app('storage'),
      ...app('sync'),
      ...app('ui'),
      ...app('extension'),
      ...app('kiosk'),
      ...app('server'),
    ],
    paths: ['dexie', 'preact', 'zustand', 'fake-indexeddb', 'node:crypto', 'crypto'],
    message: 'shared/rules is pure: it imports nothing outside shared/rules but valibot.',
  },
  'shared/protocol/**': {
    patterns: [
      ...app('storage'),
      ...app('sync'),
      ...app('ui'),
      ...app('extension'),
      ...app('kiosk'),
      ...app('server'),
    ],
    paths: ['dexie', 'preact', 'zustand'],
    message: 'shared/protocol may import shared/rules only.',
  },
  'shared/storage/**': {
    patterns: [
      ...app('sync'),
      ...app('ui'),
      ...app('extension'),
      ...app('kiosk'),
      ...app('server'),
    ],
    paths: ['preact', 'zustand'],
    message: 'shared/storage may import shared/rules, shared/protocol and dexie.',
  },
  'shared/sync/**': {
    patterns: [...app('ui'), ...app('extension'), ...app('kiosk'), ...app('server')],
    paths: ['preact', 'zustand'],
    message: 'shared/sync may import shared/rules, shared/protocol and shared/storage.',
  },
  'shared/ui/**': {
    patterns: [...app('extension'), ...app('kiosk'), ...app('server')],
    paths: [],
    message: 'shared/ui may not import an app.',
  },
  'extension/**': {
    patterns: [...app('kiosk'), ...app('server')],
    paths: [],
    message: 'The extension imports shared/* only.',
  },
  'kiosk/**': {
    patterns: [...app('extension'), ...app('server')],
    paths: [],
    message: 'The kiosk imports shared/* only.',
  },
  'admin/**': {
    patterns: [
      ...app('storage'),
      ...app('sync'),
      ...app('extension'),
      ...app('kiosk'),
      ...app('server'),
    ],
    paths: ['dexie', 'fake-indexeddb'],
    message:
      'The admin console talks to the endpoint over HTTP: shared/rules, shared/protocol and shared/ui only.',
  },
  'server/**': {
    patterns: [
      ...app('storage'),
      ...app('sync'),
      ...app('ui'),
      ...app('extension'),
      ...app('kiosk'),
    ],
    paths: ['dexie', 'preact', 'zustand', 'fake-indexeddb'],
    message: 'The server imports shared/rules and shared/protocol only (never Dexie or DOM).',
  },
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'data/**', 'coverage/**', '**/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/ban-ts-comment': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Named exports only.' },
      ],
    },
  },
  ...Object.entries(forbidden).map(([folder, rule]) => ({
    files: [`${folder.replace('/**', '')}/**/*.{ts,tsx}`],
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: rule.paths.map((name) => ({ name, message: rule.message })),
          patterns: [{ group: rule.patterns, message: rule.message }],
        },
      ],
    },
  })),
  {
    // Pure rules: no clock, no network, no DOM.
    files: ['shared/rules/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Pass a clock / as_of into the rules.' },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'fetch', message: 'shared/rules is pure.' },
        { name: 'window', message: 'shared/rules is pure.' },
        { name: 'document', message: 'shared/rules is pure.' },
        { name: 'chrome', message: 'shared/rules is pure.' },
        { name: 'indexedDB', message: 'shared/rules is pure.' },
      ],
    },
  },
  {
    // Tests read arbitrary JSON bodies back from the real server; product code never uses any.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['*.config.{js,ts}', 'eslint.config.js', '**/vite.config.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
