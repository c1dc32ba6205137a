// Model settings, persisted: reranker on/off (with its cost), WASM-only mode, and the model host
// (for self-hosted models). Host and backend changes restart the engine with the new config.
import { useState } from 'react';
import { setForceWasm, setModelHost, setRerankerEnabled } from '../actions.ts';
import { defaultModelHost, parseModelHost, queryOverrides } from '../config.ts';
import { useAppStore } from '../store.ts';

export function ModelSettings() {
  const settings = useAppStore((s) => s.settings);
  const backend = useAppStore((s) => s.status?.backend ?? null);
  // An explicit choice shows at once; the automatic one is resolved by the engine (it knows the backend).
  const rerankerOn = useAppStore((s) => s.settings.rerankerEnabled ?? s.status?.reranker.enabled ?? false);
  const [hostDraft, setHostDraft] = useState(settings.modelHost ?? defaultModelHost());
  const [hostError, setHostError] = useState<string | null>(null);
  const forcedByUrl = queryOverrides().forceWasm;
  const rerankerAvailable = useAppStore((s) => s.status?.reranker.available ?? true);

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
          <span className="hint"> (automatic: on with WebGPU, off on WASM)</span>
        ) : (
          <button type="button" onClick={() => setRerankerEnabled(null)}>
            Automatic
          </button>
        )}
      </div>
      <p className="hint">
        The reranker improves precision but downloads a second model of about the same size and scores every candidate separately
        {backend === 'wasm' ? ': on WASM (this device) it can take several seconds per text.' : ', which costs noticeable time on WASM.'}
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
