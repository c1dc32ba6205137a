// Stored batch jobs with their state and actions: open, resume (a job interrupted by a reload or
// paused; one whose file was too large to store asks for that file again), pause and cancel (the
// running one), delete.
import { useRef } from 'react';
import type { BatchJob } from '../../batchJobsStore.ts';
import { cancelJob, deleteJob, needsFiles, pauseJob, reopenJobFiles, runJob, selectJob } from '../../batch.ts';
import { useAppStore } from '../../store.ts';

/** Resume for a job whose input is not stored: the user opens the same file(s) again. */
function ReopenFilesButton({ job, disabled }: { job: BatchJob; disabled: boolean }) {
  const input = useRef<HTMLInputElement>(null);
  const names = (job.files ?? []).map((f) => f.name).join(', ');
  return (
    <>
      <button type="button" disabled={disabled} onClick={() => input.current?.click()} title={`${names} was too large to keep in this browser's storage`}>
        Open {names} to resume
      </button>
      <input
        ref={input}
        type="file"
        multiple={job.fileCount > 1}
        className="visually-hidden"
        tabIndex={-1}
        aria-label={`Input file of ${job.name}`}
        onChange={(e) => {
          const picked = [...(e.target.files ?? [])];
          e.target.value = '';
          if (picked.length) void reopenJobFiles(job, picked);
        }}
      />
    </>
  );
}

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
              {resumable && needsFiles(job) && <ReopenFilesButton job={job} disabled={Boolean(busy)} />}
              {resumable && !needsFiles(job) && (
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
