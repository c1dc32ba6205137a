// Model settings, persisted: reranker on/off/automatic (with its cost measured on this device),
// WASM-only mode, and the model host (for self-hosted models). Host and backend changes restart the
// engine with the new config.
import { useState } from 'react';
import type { EngineStatus } from '../../../workers/engineApi.ts';
import { DEFAULT_EXTRACT_OPTIONS } from '../../core/pipeline.ts';
import { RERANK_BUDGET_MS, refinementMs } from '../../core/rerankShortlist.ts';
import { setForceWasm, setModelHost, setRerankerEnabled } from '../actions.ts';
import { defaultModelHost, parseModelHost, queryOverrides } from '../config.ts';
import { formatDuration } from '../format.ts';
import { useAppStore } from '../store.ts';

/** What the automatic setting decided, and on what measurement. */
function automaticHint(reranker: EngineStatus['reranker'] | undefined): string {
  const budget = formatDuration((reranker?.budgetMs ?? RERANK_BUDGET_MS) / 1000);
  const rule = `automatic: on when refining a text (up to ${reranker?.limit ?? DEFAULT_EXTRACT_OPTIONS.rerankLimit} candidates) takes under ${budget} on this device`;
  const t = reranker?.timing;
  if (!t) return reranker?.phase === 'failed' ? ` (${rule}; the reranker could not be loaded to time it)` : ` (${rule}; it is loaded and timed after start-up)`;
  const perPair = t.perPairMs < 10 ? t.perPairMs.toFixed(1) : Math.round(t.perPairMs).toLocaleString('en-US');
  const whole = formatDuration(refinementMs(reranker.limit, t) / 1000);
  return ` (${rule}: measured ${perPair} ms a candidate on ${t.backend.toUpperCase()}, about ${whole} a text, so ${reranker.enabled ? 'on' : 'off; the results offer it'})`;
}

export function ModelSettings() {
  const settings = useAppStore((s) => s.settings);
  const backend = useAppStore((s) => s.status?.backend ?? null);
  // An explicit choice shows at once; the automatic one is resolved by the engine (it knows the backend).
  const rerankerOn = useAppStore((s) => s.settings.rerankerEnabled ?? s.status?.reranker.enabled ?? false);
  const [hostDraft, setHostDraft] = useState(settings.modelHost ?? defaultModelHost());
  const [hostError, setHostError] = useState<string | null>(null);
  const forcedByUrl = queryOverrides().forceWasm;
  const rerankerAvailable = useAppStore((s) => s.status?.reranker.available ?? true);
  const reranker = useAppStore((s) => s.status?.reranker);

  const saveHost = () => {
    const host = parseModelHost(hostDraft);
    if (!host) {
      setHostError('Enter an http(s) URL, such as https://huggingface.co/');
      return;
    }
    setHostError(null);
    setHostDraft(host);
    setModelHost(host === defaultModelHost() ? null : host);
  };

  return (
    <div className="model-settings">
      <h3>Settings</h3>
      <div className="checkbox">
        <input id="reranker-enabled" type="checkbox" checked={rerankerOn && rerankerAvailable} disabled={!rerankerAvailable} onChange={(e) => setRerankerEnabled(e.target.checked)} />
        <label htmlFor="reranker-enabled">Rerank matches with the cross-encoder</label>
        {!rerankerAvailable ? (
          <span className="hint"> (this model preset has no reranker)</span>
        ) : settings.rerankerEnabled === null ? (
          <span className="hint" data-testid="reranker-automatic">
            {automaticHint(reranker)}
          </span>
        ) : (
          <button type="button" onClick={() => setRerankerEnabled(null)}>
            Automatic
          </button>
        )}
      </div>
      <p className="hint">
        The reranker improves precision but downloads a second model of about the same size and scores each uncertain candidate separately
        (at most {reranker?.limit ?? DEFAULT_EXTRACT_OPTIONS.rerankLimit} a text, the most uncertain first; results update as it goes)
        {backend === 'wasm' ? ': on WASM (this device) a candidate can take most of a second.' : ', which costs noticeable time on WASM.'} Automatic mode
        downloads it after start-up to time it; switch it off to avoid that.
      </p>
      <div className="checkbox">
        <input id="force-wasm" type="checkbox" checked={settings.forceWasm || forcedByUrl} disabled={forcedByUrl} onChange={(e) => setForceWasm(e.target.checked)} />
        <label htmlFor="force-wasm">Never use WebGPU (WASM only){forcedByUrl ? ' — set by ?backend=wasm' : ''}</label>
      </div>
      <form
        className="host-form"
        onSubmit={(e) => {
          e.preventDefault();
          saveHost();
        }}
      >
        <label htmlFor="model-host">Model host (Hugging Face URL layout)</label>
        <div className="inline-field">
          <input id="model-host" type="url" value={hostDraft} onChange={(e) => setHostDraft(e.target.value)} spellCheck={false} />
          <button type="submit">Use this host</button>
          <button
            type="button"
            disabled={settings.modelHost === null}
            onClick={() => {
              setHostDraft(defaultModelHost());
              setHostError(null);
              setModelHost(null);
            }}
          >
            Default
          </button>
        </div>
        {hostError && (
          <p className="message error" role="alert">
            {hostError}
          </p>
        )}
      </form>
    </div>
  );
}
