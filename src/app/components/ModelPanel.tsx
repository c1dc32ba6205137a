// The model and cache panel: which models run where (backend, dtype, threads, isolation), their
// load state and per-file downloads, model settings, and the embedding cache controls.
import type { EngineStatus, LoadPhase } from '../../../workers/engineApi.ts';
import { retryWebGpu } from '../engineService.ts';
import { formatBytes } from '../format.ts';
import { labelVectorsText, languageName } from '../languagePlan.ts';
import { useAppStore } from '../store.ts';
import { formatStartupTimings, usePageTimings } from '../startupTimings.ts';
import { CachePanel } from './CachePanel.tsx';
import { ModelSettings } from './ModelSettings.tsx';
import { PresetPicker } from './PresetPicker.tsx';

const PHASE_TEXT: Record<LoadPhase, string> = { idle: 'not loaded', loading: 'loading…', ready: 'ready', failed: 'failed' };

function ModelRow({ role, name, id, isTest, phase, extra }: { role: string; name: string; id: string; isTest: boolean; phase: LoadPhase; extra?: string }) {
  return (
    <div className="kv-row">
      <dt>{role}</dt>
      <dd>
        {isTest && <span className="badge badge-test">TEST MODEL</span>} {name} <code className="muted">{id}</code>{' '}
        <span className={`phase phase-${phase}`}>{extra ?? PHASE_TEXT[phase]}</span>
      </dd>
    </div>
  );
}

/** The reranker row's state: off, loading, its measured time per candidate once timed. */
function rerankerState(r: EngineStatus['reranker']): string | undefined {
  if (!r.available) return '';
  const timed = r.timing ? `, ${r.timing.perPairMs < 10 ? r.timing.perPairMs.toFixed(1) : Math.round(r.timing.perPairMs)} ms a candidate (measured)` : '';
  if (r.phase === 'ready') return `${r.enabled ? 'ready' : r.automatic ? 'ready, too slow here to run automatically' : 'loaded, off'}${timed}`;
  if (r.phase === 'idle') return r.enabled ? 'loads on first use' : 'off';
  return undefined;
}

function FileProgress() {
  const all = useAppStore((s) => s.status?.files);
  // Entries without a file name are whole-model totals, which the per-file bars already show.
  const files = (all ?? []).filter((f) => f.file);
  if (files.length === 0) return null;
  const done = files.every((f) => f.done);
  const list = (
    <ul>
      {files.map((f) => {
        const id = `file-${f.model}-${f.file}`.replace(/[^a-zA-Z0-9_-]/g, '-');
        const pct = f.total ? Math.round((100 * Math.min(f.loaded, f.total)) / f.total) : f.done ? 100 : 0;
        return (
          <li key={`${f.model}/${f.file}`}>
            <label htmlFor={id}>
              <code>
                {f.model}/{f.file}
              </code>{' '}
              {f.done ? 'done' : `${pct}%`}
              {f.total ? <span className="muted"> of {formatBytes(f.total)}</span> : null}
            </label>
            <progress id={id} max={f.total || 1} value={f.done ? f.total || 1 : f.loaded} />
          </li>
        );
      })}
    </ul>
  );
  // Once everything is downloaded the bars are history: keep them, folded away.
  return done ? (
    <details className="file-progress">
      <summary>Downloads: {files.length} files, all done</summary>
      {list}
    </details>
  ) : (
    <div className="file-progress">
      <h3>Downloads</h3>
      {list}
    </div>
  );
}

/** Where start-up spent its time (page and worker phases), once anything was measured. */
function StartupTimings({ worker }: { worker: EngineStatus['timings'] | undefined }) {
  const page = usePageTimings();
  const line = formatStartupTimings(page, worker);
  return line ? (
    <p className="muted" data-testid="startup-timings">
      {line}
    </p>
  ) : null;
}

export function ModelPanel() {
  const status = useAppStore((s) => s.status);
  return (
    <section className="panel model-panel" aria-labelledby="model-heading" data-testid="model-panel">
      <h2 id="model-heading">Model and cache</h2>
      <PresetPicker />
      {!status ? (
        <p className="muted">Starting the engine…</p>
      ) : (
        <>
          <dl className="kv">
            <ModelRow role="Embedder" name={status.embedder.displayName} id={status.embedder.id} isTest={status.embedder.isTestModel} phase={status.embedder.phase} />
            <ModelRow
              role="Reranker"
              name={status.reranker.displayName}
              id={status.reranker.id}
              isTest={status.reranker.isTestModel}
              phase={status.reranker.phase}
              extra={rerankerState(status.reranker)}
            />
            <div className="kv-row">
              <dt>Backend</dt>
              <dd data-testid="backend">
                {status.backend === 'webgpu' ? 'WebGPU' : status.backend === 'wasm' ? 'WASM' : '—'}
                {status.fallbackReason && <span className="muted"> (WebGPU not used: {status.fallbackReason})</span>}
                {status.backend === 'wasm' && /WebGPU failed/.test(status.fallbackReason ?? '') && (
                  <button type="button" onClick={retryWebGpu}>
                    Try WebGPU again
                  </button>
                )}
              </dd>
            </div>
            <div className="kv-row">
              <dt>dtype</dt>
              <dd data-testid="dtype">{status.dtype ?? '—'}</dd>
            </div>
            <div className="kv-row">
              <dt>Vector search</dt>
              <dd data-testid="search-kernel" data-kernel={status.search.kernel ?? ''}>
                {status.search.kernel === 'wgsl' ? 'WebGPU (WGSL kernel)' : status.search.kernel === 'js' ? 'JavaScript' : 'WASM SIMD'}
                {status.search.reason && <span className="muted"> ({status.search.reason})</span>}
              </dd>
            </div>
            <div className="kv-row">
              <dt>Threads</dt>
              <dd data-testid="threads" data-search-helper-shares={status.search.helperShares}>
                {status.threads} for the model; {status.search.threads} for vector search
                {status.search.threads > 1 && <span className="muted"> (rows split with {status.search.threads - 1} helper worker{status.search.threads > 2 ? 's' : ''})</span>}
              </dd>
            </div>
            <div className="kv-row">
              <dt>Cross-origin isolated</dt>
              <dd>{status.crossOriginIsolated ? 'yes (multi-threaded WASM possible)' : 'no (single-threaded WASM)'}</dd>
            </div>
            {status.selfCheck && (
              <div className="kv-row">
                <dt>Self-check</dt>
                <dd data-testid="self-check">
                  {status.selfCheck.ok ? 'passed' : 'FAILED'} (min cosine {Math.min(...status.selfCheck.cosines).toFixed(3)})
                </dd>
              </div>
            )}
            {status.tagger && (
              <div className="kv-row">
                <dt>Skill phrases</dt>
                <dd data-testid="span-tagger">{status.tagger.phase === 'ready' ? 'tagged by the span tagger, each matched on its own' : status.tagger.message}</dd>
              </div>
            )}
            {status.labelVectors && (
              <div className="kv-row">
                <dt>Skill labels in {languageName(status.labelVectors.language)}</dt>
                <dd data-testid="label-vectors">{labelVectorsText(status.labelVectors)}</dd>
              </div>
            )}
            <div className="kv-row">
              <dt>ESCO version</dt>
              <dd>{status.escoVersion ?? '—'}</dd>
            </div>
          </dl>
          <StartupTimings worker={status.timings} />
          <FileProgress />
        </>
      )}
      <ModelSettings />
      <CachePanel />
    </section>
  );
}
