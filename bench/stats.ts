/** Timing helpers for the benchmarks: run a function many times, report median and p95. */
export interface Timing {
  readonly runs: number;
  readonly median_ms: number;
  readonly p95_ms: number;
}

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i] as number;
}

export function summarizeTimes(times: number[]): Timing {
  const sorted = [...times].sort((a, b) => a - b);
  return { runs: sorted.length, median_ms: quantile(sorted, 0.5), p95_ms: quantile(sorted, 0.95) };
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
  const line = `${name.padEnd(52)} median ${fmt(t.median_ms).padStart(10)}   p95 ${fmt(t.p95_ms).padStart(10)}   (${t.runs} runs)`;
  console.log(target ? `${line}   target ${target}` : line);
}
