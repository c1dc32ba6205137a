// Rows of the input that were not analysed, with their line numbers and why (missing column, empty
// text, invalid JSON, duplicate id, not a text file): the valid rows were processed regardless.
import { useEffect, useState } from 'react';
import type { SkippedRow } from '../../../core/batch/types.ts';
import type { BatchJob } from '../../batchJobsStore.ts';
import { loadSkipped } from '../../batch.ts';

const SHOWN = 200;

export function BatchSkipped({ job }: { job: BatchJob }) {
  const [rows, setRows] = useState<SkippedRow[]>([]);
  const count = job.checkpoint?.skipped ?? 0;
  useEffect(() => {
    let stale = false;
    void loadSkipped(job).then((r) => !stale && setRows(r));
    return () => {
      stale = true;
    };
  }, [job, count]);
  if (!count) return null;
  return (
    <section className="panel batch-skipped" aria-labelledby="batch-skipped-heading">
      <h2 id="batch-skipped-heading">Skipped rows ({count.toLocaleString('en')})</h2>
      <ul data-testid="batch-skipped">
        {rows.slice(0, SHOWN).map((r) => (
          <li key={`${r.line}-${r.code}-${r.id ?? ''}`} data-code={r.code}>
            line {r.line}
            {r.id !== undefined && <> (id {r.id})</>}: {r.reason}
          </li>
        ))}
      </ul>
      {count > SHOWN && <p className="muted">… and {(count - SHOWN).toLocaleString('en')} more (download the skipped rows for all).</p>}
    </section>
  );
}
