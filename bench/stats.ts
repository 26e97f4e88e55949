/** Timing helpers for the benchmarks: run a function many times, report median and p95. */
export interface Timing {
  readonly runs: number;
  readonly median_ms: number;
  readonly p95_ms: number;
  /** The quickest run: what the code costs when nothing else on the machine gets in the way. */
  readonly best_ms: number;
}

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i] as number;
}

export function summarizeTimes(times: number[]): Timing {
  const sorted = [...times].sort((a, b) => a - b);
  return {
    runs: sorted.length,
    median_ms: quantile(sorted, 0.5),
    p95_ms: quantile(sorted, 0.95),
    best_ms: sorted[0] ?? Number.NaN,
  };
}

export function time(runs: number, fn: () => void, warmup = Math.min(20, runs)): Timing {
  for (let i = 0; i < warmup; i += 1) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return summarizeTimes(times);
}

export function fmt(ms: number): string {
  return ms < 1 ? `${(ms * 1000).toFixed(1)} µs` : `${ms.toFixed(2)} ms`;
}

export function report(name: string, t: Timing, target?: string): void {
  const line = `${name.padEnd(52)} median ${fmt(t.median_ms).padStart(10)}   p95 ${fmt(t.p95_ms).padStart(10)}   best ${fmt(t.best_ms).padStart(10)}   (${t.runs} runs)`;
  console.log(target ? `${line}   target ${target}` : line);
}

/**
 * How steady the machine is right now, to read the figures after it by. Two fixed workloads:
 * arithmetic in registers, and keeping 50,000 small objects in a Map and an array (what a replay
 * does most: everything it makes lives until it ends). On a shared host the first stays steady while the second can take twice its best time:
 * other tenants compete for the caches and memory, not for the core. A median far above the
 * best run says every figure printed in these minutes is slowed by the machine, not the code.
 */
export function machineCheck(): void {
  let sink = 0;
  const arithmetic = time(100, () => {
    let x = 1;
    for (let i = 0; i < 2_000_000; i += 1) x = (x * 31 + i) | 0;
    sink ^= x;
  });
  const memory = time(40, () => {
    const byId = new Map<string, { id: string; at: number; points: number }>();
    const list: { id: string; at: number; points: number }[] = [];
    for (let i = 0; i < 50_000; i += 1) {
      const item = { id: `p-${i}`, at: i * 1_000, points: i % 97 };
      byId.set(item.id, item);
      list.push(item);
    }
    for (let i = 0; i < 50_000; i += 7) sink ^= byId.get(`p-${i}`)?.points ?? 0;
    sink ^= list.length;
  });
  const line = (name: string, t: Timing): string =>
    `  ${name.padEnd(50)} median ${fmt(t.median_ms).padStart(10)}   best ${fmt(t.best_ms).padStart(10)}   (median ${(t.median_ms / t.best_ms).toFixed(2)} x best)`;
  console.log(
    '\n# machine: how steady it is now (fixed workloads; 1.00 x best is a quiet machine)',
  );
  console.log(line('arithmetic (2 M multiply-adds)', arithmetic));
  console.log(line('memory (50,000 objects kept in a Map and an array)', memory));
  if (!Number.isInteger(sink)) throw new Error('machine check computed nothing');
}
