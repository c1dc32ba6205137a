// The batch view: input picker, stored jobs, progress of the selected job, its results table,
// aggregates and skipped rows, next to the same threshold sliders as the single-text view (moving
// them re-cuts the stored candidates on the main thread). The job list follows the worker's
// progress (status.batch), refreshed from IndexedDB at most once a second.
import { useEffect, useRef } from 'react';
import { refreshJobs } from '../../batch.ts';
import { useAppStore } from '../../store.ts';
import { StatusLine } from '../StatusLine.tsx';
import { ThresholdPanel } from '../ThresholdPanel.tsx';
import { BatchAggregates } from './BatchAggregates.tsx';
import { BatchInput } from './BatchInput.tsx';
import { BatchJobList } from './BatchJobList.tsx';
import { BatchProgress } from './BatchProgress.tsx';
import { BatchResults } from './BatchResults.tsx';
import { BatchSkipped } from './BatchSkipped.tsx';

export function BatchView() {
  const live = useAppStore((s) => s.status?.batch);
  const job = useAppStore((s) => s.batch.jobs.find((j) => j.id === s.batch.selectedJobId) ?? null);
  const message = useAppStore((s) => s.batch.message);
  const last = useRef(0);

  useEffect(() => {
    void refreshJobs();
  }, []);
  // Throttled: progress arrives several times a second; the stored job changes at each commit.
  const liveKey = live ? `${live.jobId}:${live.state}:${live.documents}:${live.skipped}` : '';
  useEffect(() => {
    if (!liveKey) return;
    const wait = Math.max(0, 1000 - (Date.now() - last.current));
    const final = live && !['running', 'waiting'].includes(live.state);
    const t = setTimeout(
      () => {
        last.current = Date.now();
        void refreshJobs();
      },
      final ? 0 : wait,
    );
    return () => clearTimeout(t);
    // `liveKey` stands for `live`: only its counters and state should trigger a refresh.
  }, [liveKey]);

  return (
    <div className="layout batch-layout">
      <div className="column batch-main">
        <section className="panel batch-panel" aria-labelledby="batch-heading">
          <h2 id="batch-heading">Batch: many documents</h2>
          <p className="muted">
            Analyse a CSV, a JSONL file or many .txt files with the same model and thresholds. Everything stays in this browser; results are stored as they
            come, so a reload resumes where it stopped. While a batch runs, semantic results of the single-text view share the engine with it and arrive
            later (label matches stay instant).
          </p>
          <BatchInput />
          {message && (
            <p className={`message ${message.kind === 'error' ? 'error' : ''}`} role={message.kind === 'error' ? 'alert' : 'status'} data-testid="batch-message">
              {message.text}
            </p>
          )}
          <BatchJobList />
        </section>
        {job && <BatchProgress job={job} />}
        {job && <BatchResults job={job} />}
        {job && <BatchAggregates job={job} />}
        {job && <BatchSkipped job={job} />}
      </div>
      <div className="column batch-side">
        <StatusLine />
        <ThresholdPanel />
      </div>
    </div>
  );
}
