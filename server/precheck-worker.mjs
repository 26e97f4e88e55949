// Entry of a precheck thread. Plain JavaScript so that it starts the same way under `npm start`,
// vitest and the benchmarks; tsx compiles the TypeScript it loads. Messages sent before the import
// ends wait in the thread's port.
import { tsImport } from 'tsx/esm/api';

await tsImport('./precheck-thread.ts', import.meta.url);
