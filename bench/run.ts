/**
 * npm run bench: every benchmark, figures printed. `npm run bench -- rules` runs one.
 *
 * Each suite is imported only when it runs: the rules are timed before Vite, Playwright and the
 * database drivers are loaded, so the replay figure is not paid in garbage collection over a heap
 * full of tooling the rules never use.
 *
 * Before the rules and the server suites, a machine check prints how steady the machine is at
 * that moment (bench/stats.ts), so that their figures can be read against it. It runs in a
 * process of its own, so that its heap is not the one the rules are timed in.
 */
import { spawnSync } from 'node:child_process';

/** The machine check, in a process of its own (bench/machine.ts says why). */
function machineCheck(): void {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/machine.ts'], {
    stdio: 'inherit',
  });
  if (run.status !== 0) throw new Error(`the machine check failed (exit ${String(run.status)})`);
}

const suites: Record<string, () => Promise<void>> = {
  rules: async () => (await import('./rules')).benchRules(),
  server: async () => (await import('./server')).benchServer(),
  extension: async () => (await import('./extension')).benchExtension(),
  kiosk: async () => (await import('./kiosk')).benchKiosk(),
};

const wanted = process.argv.slice(2);
for (const [name, run] of Object.entries(suites)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  if (name === 'rules' || name === 'server') machineCheck();
  await run();
}
