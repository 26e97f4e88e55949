/** axe-core in a real page: the end-to-end tests run it on every screen they show. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

const AXE = readFileSync(
  resolve(import.meta.dirname, '../../node_modules/axe-core/axe.min.js'),
  'utf8',
);

/** axe-core on the page as it is now: no serious or critical violation. */
export async function checkAccessibility(page: Page, screen: string): Promise<void> {
  // Evaluated, not added as a script tag: a page's Content-Security-Policy (the admin console's)
  // refuses inline scripts, and rightly.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE);
  const { violations, passes } = await page.evaluate(async () => {
    const result = await (
      window as unknown as {
        axe: {
          run(
            c: Document,
            o: object,
          ): Promise<{
            passes: unknown[];
            violations: { id: string; impact: string; nodes: { target: string[] }[] }[];
          }>;
        };
      }
    ).axe.run(document, { resultTypes: ['violations', 'passes'] });
    return {
      passes: result.passes.length,
      violations: result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    };
  });
  // axe looked at the screen (its checks passed somewhere), and found nothing serious.
  expect(passes).toBeGreaterThan(5);
  expect(violations, `axe on the ${screen} screen`).toEqual([]);
}
