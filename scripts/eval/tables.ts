// Markdown tables for `npm run eval` and EVAL.md.
import type { AdMetrics, EvalMetrics, OccupationMetrics, ReliabilityBand } from '../../src/core/evaluation.ts';

export const pct = (x: number) => (x * 100).toFixed(1).padStart(6);
const num = (x: number, d = 3) => x.toFixed(d);

export function formatMetricsTable(rows: { name: string; m: EvalMetrics }[]): string {
  const head = '| file | sentences | ranked | MRR | RP@1 | RP@5 | RP@10 | P@t | R@t | F1@t | best t | best F1 (P/R) |';
  const sep = '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|';
  const lines = rows.map(({ name, m }) =>
    `| ${name} | ${m.sentences} | ${m.rankedSentences} | ${pct(m.mrr)} | ${pct(m.rp1)} | ${pct(m.rp5)} | ${pct(m.rp10)} | ${pct(m.precision)} | ${pct(m.recall)} | ${pct(m.f1)} | ${m.bestThreshold.toFixed(2)} | ${pct(m.bestF1)} (${pct(m.bestPrecision).trim()}/${pct(m.bestRecall).trim()}) |`,
  );
  return [head, sep, ...lines].join('\n');
}

export function formatOccupationTable(rows: { name: string; m: OccupationMetrics }[]): string {
  const head = '| file | titles | MRR | acc@1 | acc@5 | top-1 above t | t |';
  const sep = '|---|---:|---:|---:|---:|---:|---:|';
  return [head, sep, ...rows.map(({ name, m }) => `| ${name} | ${m.ranked} | ${num(m.mrr)} | ${pct(m.acc1)} | ${pct(m.acc5)} | ${pct(m.answered)} | ${m.threshold.toFixed(2)} |`)].join('\n');
}

export function formatAdTable(rows: { name: string; m: AdMetrics; ms?: number }[]): string {
  const head = '| run | postings | words | shown / posting | shown / 100 words | precision proxy (macro / micro) | recall proxy (macro / micro) | s |';
  const sep = '|---|---:|---:|---:|---:|---|---|---:|';
  return [
    head,
    sep,
    ...rows.map(
      ({ name, m, ms }) =>
        `| ${name} | ${m.postings} | ${m.words} | ${m.shownPerPosting.toFixed(1)} | ${m.per100Words.toFixed(2)} | ${num(m.precisionMacro)} / ${num(m.precisionMicro)} | ${num(m.recallMacro)} / ${num(m.recallMicro)} | ${ms === undefined ? '' : (ms / 1000).toFixed(0)} |`,
    ),
  ].join('\n');
}

/** Score bands as a table: `counted` and `right` name the two count columns. */
export function formatBands(bands: readonly ReliabilityBand[], counted: string, right: string): string {
  const rows = bands.map((b) => `| ${b.from.toFixed(2)}–${Number.isFinite(b.to) ? b.to.toFixed(2) : '1.00'} | ${b.shown} | ${b.right} | ${b.shown ? ((100 * b.right) / b.shown).toFixed(1) : '-'} |`);
  return [`| score | ${counted} | ${right} | share |`, '|---|---:|---:|---:|', ...rows].join('\n');
}
