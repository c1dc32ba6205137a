// The results table of a batch job: one row per (document, concept) with kind, ESCO URI, label,
// score and evidence (offsets and text, rendered as text only). Filterable by text and kind, and
// paged: each page reads only the documents it shows from IndexedDB and re-cuts them with the
// current sliders, so a job of 100,000 rows never renders or loads at once.
import { useEffect, useState } from 'react';
import type { BatchJob } from '../../batchJobsStore.ts';
import { loadRowPage, type RowFilter, type RowPage } from '../../batch.ts';
import { useAppStore } from '../../store.ts';

const PAGE_ROWS = 100;

export function BatchResults({ job }: { job: BatchJob }) {
  const settings = useAppStore((s) => s.settings.thresholds);
  const taxonomy = useAppStore((s) => s.taxonomy.data);
  const [filter, setFilter] = useState<RowFilter>({ text: '', kind: 'all', all: false });
  // Start documents of the pages before this one (for "Previous") and of this one.
  const [starts, setStarts] = useState<number[]>([0]);
  const [page, setPage] = useState<RowPage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const from = starts[starts.length - 1];
  const committed = job.checkpoint?.documents ?? 0;

  // A full page does not change when a running job commits more documents: only the last page reloads.
  const growing = !page || page.end ? committed : -1;

  useEffect(() => setStarts([0]), [job.id, filter]);
  useEffect(() => {
    let stale = false;
    loadRowPage(job, from, filter, settings, taxonomy, PAGE_ROWS).then(
      (p) => !stale && (setPage(p), setError(null)),
      (e: unknown) => !stale && setError(String(e)),
    );
    return () => {
      stale = true;
    };
    // `growing`: a running job's new documents appear on the last page; `job.id`, not `job`: the
    // job record is re-read at every commit, and a full page must not be re-read with it.
  }, [job.id, from, filter, settings, taxonomy, growing]);

  return (
    <section className="panel batch-results" aria-labelledby="batch-results-heading">
      <h2 id="batch-results-heading">Results</h2>
      <div className="button-row">
        <label className="inline-field">
          Filter
          <input type="search" value={filter.text} placeholder="label, URI, id or evidence" aria-label="Filter batch results" onChange={(e) => setFilter({ ...filter, text: e.target.value })} />
        </label>
        <label className="inline-field">
          Kind
          <select aria-label="Kind" value={filter.kind} onChange={(e) => setFilter({ ...filter, kind: e.target.value as RowFilter['kind'] })}>
            <option value="all">skills and occupations</option>
            <option value="skill">skills</option>
            <option value="occupation">occupations</option>
          </select>
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={filter.all} onChange={(e) => setFilter({ ...filter, all: e.target.checked })} /> also candidates below the thresholds
        </label>
      </div>
      {error && <p className="message error">{error}</p>}
      <div className="batch-table-wrap">
        <table className="batch-table" data-testid="batch-table">
          <thead>
            <tr>
              <th scope="col">Document</th>
              <th scope="col">Kind</th>
              <th scope="col">Label</th>
              <th scope="col">ESCO URI</th>
              <th scope="col">Score</th>
              <th scope="col">Evidence</th>
            </tr>
          </thead>
          <tbody>
            {page?.rows.map((r) => (
              <tr key={`${r.id}\u0000${r.kind}\u0000${r.uri}`} className={r.shown ? undefined : 'below'} data-testid="batch-row">
                <td>{r.id}</td>
                <td>{r.kind}</td>
                <td>{r.label}</td>
                <td>
                  <a href={r.uri} target="_blank" rel="noopener noreferrer">
                    {r.uri.replace('http://data.europa.eu/esco/', '')}
                  </a>
                </td>
                <td className="num">{r.score.toFixed(3)}</td>
                <td className="evidence">
                  {r.evidence.slice(0, 3).map((e) => (
                    <span key={`${e.start}-${e.end}`} className="evidence-span" title={`${e.signal} ${e.score}`}>
                      <code>
                        {e.start}–{e.end}
                      </code>{' '}
                      {e.text.length > 80 ? `${e.text.slice(0, 80)}…` : e.text}
                    </span>
                  ))}
                  {r.evidence.length > 3 && <span className="muted"> +{r.evidence.length - 3}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="button-row">
        <button type="button" disabled={starts.length < 2} onClick={() => setStarts(starts.slice(0, -1))}>
          Previous
        </button>
        <button type="button" disabled={!page || page.end} onClick={() => page && setStarts([...starts, page.nextDoc])}>
          Next
        </button>
        <span className="muted" data-testid="batch-page-info">
          {page ? `${page.rows.length} rows from documents ${page.fromDoc + 1}–${page.nextDoc} of ${committed.toLocaleString('en')}` : 'loading…'}
        </span>
      </div>
    </section>
  );
}
