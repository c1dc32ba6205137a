// One line under the input saying what matching runs now (lexical only, model loading, semantic
// ready), the reranker's progress while it refines the results ("Refining with the reranker: 12/40")
// or, where the automatic setting left it off on this device, a button offering it with its measured
// cost, plus engine problems with a Retry button and the crash-restart notice. Lexical results keep
// working whatever this says.
import { refinementMs } from '../../core/rerankShortlist.ts';
import { retryModels } from '../actions.ts';
import { STARTUP_NOTICE } from '../config.ts';
import { refineCurrentText } from '../extraction.ts';
import { formatDuration } from '../format.ts';
import { useAppStore } from '../store.ts';

function loadPercent(files: { loaded: number; total: number }[]): number | null {
  const total = files.reduce((a, f) => a + f.total, 0);
  if (!total) return null;
  return Math.round((100 * files.reduce((a, f) => a + Math.min(f.loaded, f.total), 0)) / total);
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * The reranker's progress on the shown result, or the offer to run it where the automatic setting did
 * not. Its slot keeps one button's height whenever the preset has a reranker, so neither moves the
 * panels below when it comes and goes.
 */
function Refinement() {
  const status = useAppStore((s) => s.status);
  const text = useAppStore((s) => s.text);
  const densePending = useAppStore((s) => s.densePending);
  const automatic = useAppStore((s) => s.settings.rerankerEnabled === null);
  const current = useAppStore((s) => (s.dense && s.dense.text === s.text ? s.dense.result : null));
  if (!status?.reranker.available) return null;
  const r = text.trim() && status.denseReady ? current?.refinement : undefined;
  // At done 0 the automatic setting may still be deciding: progress shows once the reranker is on or has scored a batch.
  const refining = r && current?.partial && densePending && (r.done > 0 || status.reranker.enabled) ? r : undefined;
  const timing = status.reranker.timing;
  const offer =
    r && !refining && !densePending && automatic && !status.reranker.enabled && timing && current?.stage === 'embedding' && r.total > 0
      ? { total: r.total, seconds: Math.max(1, refinementMs(r.total, timing) / 1000), perPairMs: timing.perPairMs }
      : undefined;
  return (
    <div className="refinement-slot" style={{ minHeight: '2.6em', display: 'flex', alignItems: 'center' }}>
      {refining && (
        <p className="muted refining" role="status" data-testid="refining" style={{ margin: 0 }}>
          Refining with the reranker: {refining.done}/{refining.total}{' '}
          <progress max={refining.total || 1} value={refining.done} aria-label="Reranker progress" style={{ width: '8em', display: 'inline-block', verticalAlign: 'middle' }} />
        </p>
      )}
      {offer && (
        <p className="muted refine-offer" data-testid="refine-offer" style={{ margin: 0 }}>
          <button
            type="button"
            onClick={refineCurrentText}
            title={`The automatic setting runs the reranker when refining a text takes under ${formatDuration(status.reranker.budgetMs / 1000)} on this device (measured ${Math.round(offer.perPairMs)} ms a candidate).`}
          >
            Refine with the reranker (about {formatDuration(offer.seconds)})
          </button>{' '}
          <span className="hint">{offer.total} candidates</span>
        </p>
      )}
    </div>
  );
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
      <Refinement />
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
