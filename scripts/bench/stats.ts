// Timing statistics and markdown tables for the benchmark suite. Pure (no Node or DOM APIs), so the
// in-browser bench page uses the same `timeRuns` as Node and both report the same kind of figure:
// the median of several runs after warm-up, with min and max.

export interface Sample {
  /** Every run in ms, in the order measured. */
  runs: number[];
  median: number;
  min: number;
  max: number;
}

export function summarize(runs: number[]): Sample {
  if (runs.length === 0) return { runs, median: NaN, min: NaN, max: NaN };
  const sorted = [...runs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  // Even counts take the mean of the middle two: with 4 runs the lower middle alone would favour luck.
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { runs, median, min: sorted[0], max: sorted[sorted.length - 1] };
}

export interface TimeOptions {
  runs: number;
  /** Untimed calls first (JIT, first touch of memory, ORT's first-run allocations). Default 1. */
  warmup?: number;
  /** Stop adding runs once this much time went into timed runs (the slow JS paths); at least `minRuns` run. */
  budgetMs?: number;
  minRuns?: number;
}

/** Times `fn` `runs` times after warm-up (wall clock through performance.now, awaited). */
export async function timeRuns(fn: () => unknown, o: TimeOptions): Promise<Sample> {
  for (let i = 0; i < (o.warmup ?? 1); i++) await fn();
  const runs: number[] = [];
  let spent = 0;
  for (let i = 0; i < o.runs; i++) {
    const t = performance.now();
    await fn();
    const ms = performance.now() - t;
    runs.push(ms);
    spent += ms;
    if (o.budgetMs !== undefined && spent > o.budgetMs && runs.length >= (o.minRuns ?? 3)) break;
  }
  return summarize(runs);
}

// ---------------------------------------------------------------------------------------------
// formatting

/** Milliseconds with precision that suits the size: 0.123, 12.3, 1234. */
export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  if (ms < 1) return ms.toFixed(3);
  if (ms < 100) return ms.toFixed(1);
  return Math.round(ms).toLocaleString('en-US');
}

/** "median (min–max)" in ms. */
export function fmtSample(s: Sample): string {
  if (!s.runs.length) return 'n/a';
  return `${fmtMs(s.median)} (${fmtMs(s.min)}–${fmtMs(s.max)})`;
}

/** 1234567 -> "1.23 M", with a unit suffix. */
export function fmtRate(x: number, unit: string): string {
  if (!Number.isFinite(x)) return 'n/a';
  const steps: [number, string][] = [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [v, p] of steps) if (Math.abs(x) >= v) return `${(x / v).toFixed(x / v >= 100 ? 0 : x / v >= 10 ? 1 : 2)} ${p}${unit}`;
  return `${x.toFixed(x >= 10 ? 0 : 2)} ${unit}`;
}

export function fmtRatio(x: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  return x >= 10 ? `${x.toFixed(0)}x` : x >= 1 ? `${x.toFixed(1)}x` : `${x.toFixed(2)}x`;
}

export function fmtBytes(b: number): string {
  if (!Number.isFinite(b)) return 'n/a';
  if (b >= 1024 ** 3) return `${(b / 1024 ** 3).toFixed(2)} GiB`;
  if (b >= 1024 ** 2) return `${(b / 1024 ** 2).toFixed(1)} MiB`;
  if (b >= 1024) return `${(b / 1024).toFixed(0)} KiB`;
  return `${b} B`;
}

export function fmtSeconds(s: number): string {
  if (!Number.isFinite(s)) return 'n/a';
  if (s < 1) return `${(s * 1000).toFixed(0)} ms`;
  if (s < 120) return `${s.toFixed(1)} s`;
  if (s < 7200) return `${(s / 60).toFixed(1)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

export interface Table {
  title: string;
  /** One short paragraph under the title: what was measured and how. */
  note?: string;
  head: string[];
  /** Text columns (left-aligned) from the start; the rest are figures, right-aligned. Default 1. */
  textColumns?: number;
  rows: string[][];
  /** Lines after the table (n/a reasons, derived estimates). */
  footer?: string[];
}

export function markdownTable(t: Table): string {
  const esc = (c: string) => c.replace(/\|/g, '\\|');
  const lines = [`### ${t.title}`, ''];
  if (t.note) lines.push(t.note, '');
  lines.push(`| ${t.head.map(esc).join(' | ')} |`, `| ${t.head.map((_, i) => (i < (t.textColumns ?? 1) ? '---' : '---:')).join(' | ')} |`);
  for (const r of t.rows) lines.push(`| ${r.map(esc).join(' | ')} |`);
  if (t.footer?.length) lines.push('', ...t.footer);
  return `${lines.join('\n')}\n`;
}
