// Aggregates of a batch job under the current sliders: the most frequent skills and occupations,
// with the share of documents mentioning each, as a plain-SVG bar chart and a table. With the
// job's own thresholds they come from the checkpoint; after a slider move they are counted again
// on the main thread from the stored candidates (no model runs).
import { useEffect, useState } from 'react';
import type { Aggregator, ConceptFrequency } from '../../../core/batch/aggregate.ts';
import type { ConceptKind } from '../../../core/taxonomy.ts';
import type { BatchJob } from '../../batchJobsStore.ts';
import { aggregatesFor } from '../../batch.ts';
import { useAppStore } from '../../store.ts';

const TOP = 15;

function BarChart({ rows, title }: { rows: ConceptFrequency[]; title: string }) {
  const barH = 18;
  const labelW = 220;
  const chartW = 260;
  const height = rows.length * (barH + 4) + 4;
  const max = Math.max(0.0001, ...rows.map((r) => r.share));
  return (
    <svg className="batch-chart" role="img" aria-label={title} width={labelW + chartW + 60} height={height} viewBox={`0 0 ${labelW + chartW + 60} ${height}`}>
      {rows.map((r, i) => {
        const y = 4 + i * (barH + 4);
        const w = (r.share / max) * chartW;
        return (
          <g key={r.uri}>
            <title>{`${r.label}: ${r.documents} documents (${(r.share * 100).toFixed(1)}%)`}</title>
            <text x={labelW - 6} y={y + barH * 0.72} textAnchor="end" className="chart-label">
              {r.label.length > 34 ? `${r.label.slice(0, 33)}…` : r.label}
            </text>
            <rect x={labelW} y={y} width={Math.max(1, w)} height={barH} className="chart-bar" />
            <text x={labelW + w + 4} y={y + barH * 0.72} className="chart-value">
              {(r.share * 100).toFixed(1)}%
            </text>
          </g>
        );
      })}
    </svg>
  );
}

function KindAggregates({ agg, kind }: { agg: Aggregator; kind: ConceptKind }) {
  const rows = agg.top(kind, TOP);
  const name = kind === 'skill' ? 'skills' : 'occupations';
  return (
    <div className="batch-aggregate" data-testid={`batch-top-${kind}`}>
      <h3>Most frequent {name}</h3>
      <p className="muted">
        {(agg.shareWithAny(kind) * 100).toFixed(1)}% of {agg.documentCount.toLocaleString('en')} documents mention at least one.
      </p>
      {rows.length ? <BarChart rows={rows} title={`Share of documents mentioning each of the ${rows.length} most frequent ${name}`} /> : <p className="muted">None above the threshold.</p>}
    </div>
  );
}

export function BatchAggregates({ job }: { job: BatchJob }) {
  const settings = useAppStore((s) => s.settings.thresholds);
  const taxonomy = useAppStore((s) => s.taxonomy.data);
  const [agg, setAgg] = useState<Aggregator | null>(null);
  const [busy, setBusy] = useState(false);
  const committed = job.checkpoint?.documents ?? 0;

  useEffect(() => {
    let stale = false;
    setBusy(true);
    // Debounced: a slider drag recounts once it rests.
    const t = setTimeout(() => {
      aggregatesFor(job, settings, taxonomy, () => stale).then(
        (a) => {
          if (stale || !a) return;
          setAgg(a);
          setBusy(false);
        },
        () => !stale && setBusy(false),
      );
    }, 250);
    return () => {
      stale = true;
      clearTimeout(t);
    };
  }, [job, settings, taxonomy, committed]);

  return (
    <section className="panel batch-aggregates" aria-labelledby="batch-agg-heading" aria-busy={busy}>
      <h2 id="batch-agg-heading">Across documents</h2>
      {agg ? (
        <div className="batch-aggregate-grid">
          <KindAggregates agg={agg} kind="skill" />
          <KindAggregates agg={agg} kind="occupation" />
        </div>
      ) : (
        <p className="muted">Counting…</p>
      )}
    </section>
  );
}
