// Stored batch jobs with their state and actions: open, resume (a job interrupted by a reload or
// paused), pause and cancel (the running one), delete.
import type { BatchJob } from '../../../db/batchStore.ts';
import { cancelJob, deleteJob, pauseJob, runJob, selectJob } from '../../batch.ts';
import { useAppStore } from '../../store.ts';

function stateOf(job: BatchJob, live: { jobId: string; state: string } | undefined): string {
  if (live?.jobId === job.id) return live.state;
  // A job stored as running that this worker does not run was interrupted (reload, crash).
  if (job.state === 'running' || job.state === 'queued') return 'interrupted';
  return job.state;
}

export function BatchJobList() {
  const jobs = useAppStore((s) => s.batch.jobs);
  const selected = useAppStore((s) => s.batch.selectedJobId);
  const live = useAppStore((s) => s.status?.batch);
  const busy = live && ['running', 'waiting'].includes(live.state);
  if (!jobs.length) return <p className="muted">No batch jobs stored yet.</p>;
  return (
    <ul className="batch-jobs" data-testid="batch-jobs" aria-label="Batch jobs">
      {jobs.map((job) => {
        const state = stateOf(job, live);
        const running = state === 'running' || state === 'waiting';
        const resumable = ['interrupted', 'paused', 'failed'].includes(state);
        return (
          <li key={job.id} className={job.id === selected ? 'batch-job selected' : 'batch-job'} data-testid="batch-job" data-state={state}>
            <button type="button" className="link-button" aria-pressed={job.id === selected} onClick={() => selectJob(job.id)}>
              {job.name}
            </button>{' '}
            <span className="muted">
              {new Date(job.createdAt).toLocaleString()} · {job.presetId} · {(job.checkpoint?.documents ?? 0).toLocaleString()} documents ·{' '}
            </span>
            <span className={`batch-state state-${state}`}>{state}</span>
            <span className="button-row inline">
              {running && (
                <>
                  <button type="button" onClick={() => void pauseJob()}>
                    Pause
                  </button>
                  <button type="button" onClick={() => void cancelJob()}>
                    Cancel
                  </button>
                </>
              )}
              {resumable && (
                <button type="button" disabled={Boolean(busy)} onClick={() => void runJob(job.id)}>
                  Resume
                </button>
              )}
              {!running && (
                <button type="button" onClick={() => void deleteJob(job.id)} aria-label={`Delete ${job.name}`}>
                  Delete
                </button>
              )}
            </span>
            {job.message && state === 'failed' && <p className="message error">{job.message}</p>}
          </li>
        );
      })}
    </ul>
  );
}
