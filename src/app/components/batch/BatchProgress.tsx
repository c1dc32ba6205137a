// Progress of the selected job: a bar (input bytes read of the file size, or done), documents
// analysed, rows skipped, documents/min and ETA while it runs; downloads of its results.
import type { BatchJob } from '../../batchJobsStore.ts';
import { downloadJob, downloadSkipped } from '../../batch.ts';
import { useAppStore } from '../../store.ts';

function duration(s: number): string {
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

export function BatchProgress({ job }: { job: BatchJob }) {
  const liveAny = useAppStore((s) => s.status?.batch);
  const live = liveAny?.jobId === job.id ? liveAny : undefined;
  const cp = job.checkpoint;
  const done = live ? live.state === 'done' : job.state === 'done';
  const documents = live?.documents ?? cp?.documents ?? 0;
  const skipped = live?.skipped ?? cp?.skipped ?? 0;
  const fraction = done ? 1 : live && live.totalBytes ? live.bytesRead / live.totalBytes : 0;
  const running = live?.state === 'running';
  return (
    <section className="panel batch-progress" aria-labelledby="batch-progress-heading" data-testid="batch-progress" data-state={live?.state ?? job.state}>
      <h2 id="batch-progress-heading">{job.name}</h2>
      <progress max={1} value={fraction} aria-label="Batch progress" />
      <p aria-live="polite">
        <span data-testid="batch-documents">{documents.toLocaleString('en')}</span> documents analysed, <span data-testid="batch-skipped-count">{skipped.toLocaleString('en')}</span> rows
        skipped
        {running && live && (
          <>
            {' '}
            · <span data-testid="batch-rate">{Math.round(live.docsPerMinute).toLocaleString('en')}</span> documents/min
            {live.etaSeconds !== null && <> · about {duration(live.etaSeconds)} left</>}
            {live.resumedDocuments > 0 && <> · resumed after {live.resumedDocuments.toLocaleString('en')} documents</>}
          </>
        )}
        {live?.state === 'waiting' && <> · {live.message ?? 'waiting for the model'}</>}
        {done && <> · done</>}
      </p>
      {(live ? live.state === 'failed' : job.state === 'failed') && (
        <p className="message error" role="alert" data-testid="batch-failure">
          The batch stopped: {(live ? live.message : job.message) || 'no reason was given'}. What was analysed is kept; Resume continues from there.
        </p>
      )}
      <div className="button-row">
        <button type="button" onClick={() => void downloadJob(job, 'csv')} disabled={!documents}>
          Download CSV
        </button>
        <button type="button" onClick={() => void downloadJob(job, 'jsonl')} disabled={!documents}>
          Download JSONL
        </button>
        <button type="button" onClick={() => void downloadSkipped(job)} disabled={!skipped}>
          Download skipped rows
        </button>
        <span className="muted">with the current thresholds</span>
      </div>
    </section>
  );
}
