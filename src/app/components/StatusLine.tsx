// One line under the input saying what matching runs now (lexical only, model loading, semantic
// ready), plus engine problems with a Retry button and the crash-restart notice. Lexical results
// keep working whatever this says.
import { retryModels } from '../actions.ts';
import { STARTUP_NOTICE } from '../config.ts';
import { useAppStore } from '../store.ts';

function loadPercent(files: { loaded: number; total: number }[]): number | null {
  const total = files.reduce((a, f) => a + f.total, 0);
  if (!total) return null;
  return Math.round((100 * files.reduce((a, f) => a + Math.min(f.loaded, f.total), 0)) / total);
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function StatusLine() {
  const status = useAppStore((s) => s.status);
  const taxonomy = useAppStore((s) => s.taxonomy);
  const engine = useAppStore((s) => s.engine);
  const denseError = useAppStore((s) => s.denseError);

  let summary: string;
  if (taxonomy.phase === 'loading') summary = 'Loading the ESCO taxonomy…';
  else if (taxonomy.phase === 'failed') summary = 'The ESCO taxonomy could not be loaded.';
  else if (status?.denseReady) {
    const rr = status.reranker.enabled ? (status.reranker.phase === 'failed' ? ', reranker failed' : ' + reranker') : '';
    const test = status.embedder.isTestModel ? ' with a TEST MODEL' : '';
    summary = `Semantic matching ready${test} (${status.backend === 'webgpu' ? 'WebGPU' : 'WASM'}, ${status.dtype ?? '?'}${rr}).`;
  } else if (status?.embedder.phase === 'loading') {
    const pct = loadPercent(status.files);
    summary = `Label matching ready; loading the model${pct === null ? '' : ` (${pct}%)`} for semantic matching…`;
  } else if (status?.cache.state === 'loading') summary = 'Label matching ready; loading the embedding cache…';
  else summary = 'Label matching ready.';

  const problems: string[] = [];
  if (taxonomy.error) problems.push(`Taxonomy: ${taxonomy.error}`);
  if (engine.error) problems.push(engine.error);
  if (status?.error) problems.push(status.error);
  if (status?.embedder.phase === 'failed') {
    const reason = status.embedder.error ?? 'unknown reason';
    problems.push(/^model download failed/i.test(reason) ? capitalise(reason) : `Model download failed: ${reason}`);
  }
  else if (status?.embedder.error) problems.push(status.embedder.error);
  if (status?.reranker.enabled && status.reranker.error) problems.push(status.reranker.error);
  if (status?.cache.state === 'missing') problems.push(`Semantic matching needs an embedding cache: ${status.cache.message ?? 'none was found for this model'} (Model and cache panel).`);
  if (status?.cache.state === 'failed') problems.push(`Embedding cache failed: ${status.cache.message ?? 'unknown reason'}`);
  if (denseError) problems.push(denseError);
  const canRetry = Boolean(status && (status.embedder.phase === 'failed' || status.reranker.phase === 'failed' || status.cache.state === 'failed'));

  return (
    <div className="status-line">
      <p className="muted" role="status" data-testid="engine-summary">
        {summary}
      </p>
      {STARTUP_NOTICE && (
        <p className="message warn" role="status" data-testid="startup-notice">
          {STARTUP_NOTICE}
        </p>
      )}
      {engine.restarts > 0 && (
        <p className="message warn" role="status">
          Engine restarted after a crash{engine.restarts > 1 ? ` (${engine.restarts} times)` : ''}.
        </p>
      )}
      {problems.length > 0 && (
        <div className="message error" role="alert">
          <ul>
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
          <p className="hint">Label (lexical) matching keeps working meanwhile.</p>
          {canRetry && (
            <button type="button" onClick={retryModels}>
              Retry
            </button>
          )}
        </div>
      )}
    </div>
  );
}
