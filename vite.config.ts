import { defineConfig } from 'vitest/config';

// The root config is the test runner's; the extension and the kiosk get build configs of their
// own beside their code (extension/vite.config.ts, kiosk/vite.config.ts) so that each front
// end's bundle holds only its own code.
export default defineConfig({
  test: {
    include: [
      'shared/**/*.test.ts',
      'server/**/*.test.ts',
      'extension/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    environment: 'node',
    testTimeout: 30_000,
  },
});
