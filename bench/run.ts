/** npm run bench: every benchmark, figures printed. `npm run bench -- rules` runs one. */
import { benchRules } from './rules';
import { benchServer } from './server';
import { benchExtension } from './extension';
import { benchKiosk } from './kiosk';

const suites: Record<string, () => void | Promise<void>> = {
  rules: benchRules,
  server: benchServer,
  extension: benchExtension,
  kiosk: benchKiosk,
};

const wanted = process.argv.slice(2);
for (const [name, run] of Object.entries(suites)) {
  if (wanted.length === 0 || wanted.includes(name)) await run();
}
