// The embedding cache: the active cache (hash, source, size, storage), regeneration with progress,
// rate, ETA and cancel (confirmed first on WASM), export/import of a cache file, and stale caches.
import { useEffect, useRef } from 'react';
import { cancelRegeneration, deleteCache, exportCache, importCache, refreshStaleCaches, requestRegeneration } from '../actions.ts';
import { PRESETS } from '../../core/models.ts';
import { formatBytes, formatDuration } from '../format.ts';
import { useAppStore } from '../store.ts';
import { ConfirmRegeneration } from './ConfirmRegeneration.tsx';

function ActiveCache() {
  const cache = useAppStore((s) => s.status?.cache);
  const storage = useAppStore((s) => s.status?.storage);
  if (!cache) return null;
  return (
    <dl className="kv" data-testid="cache-info">
      {storage && (
        <div className="kv-row">
          <dt>Site storage</dt>
          <dd data-testid="storage-figures">
            {formatBytes(storage.usage)} used of {formatBytes(storage.quota)} ({formatBytes(Math.max(0, storage.quota - storage.usage))} free)
          </dd>
        </div>
      )}
      <div className="kv-row">
        <dt>Cache hash</dt>
        <dd>
          <code>{cache.hash ?? '—'}</code>
        </dd>
      </div>
      <div className="kv-row">
        <dt>State</dt>
        <dd>{cache.state === 'missing' ? 'missing: regenerate needed' : cache.state}</dd>
      </div>
      {cache.source && (
        <div className="kv-row">
          <dt>Source</dt>
          <dd>{cache.source}</dd>
        </div>
      )}
      {cache.bytes !== undefined && (
        <div className="kv-row">
          <dt>Size</dt>
          <dd>{formatBytes(cache.bytes)}</dd>
        </div>
      )}
      {cache.storage && (
        <div className="kv-row">
          <dt>Storage</dt>
          <dd>
            {cache.storage}
            {cache.computedDtype ? `, computed in ${cache.computedDtype}` : ''}
            {cache.createdAt ? `, ${new Date(cache.createdAt).toLocaleString()}` : ''}
          </dd>
        </div>
      )}
      {cache.message && (
        <div className="kv-row">
          <dt>Note</dt>
          <dd>{cache.message}</dd>
        </div>
      )}
    </dl>
  );
}

function Regeneration() {
  const view = useAppStore((s) => s.status?.regeneration);
  const regen = useAppStore((s) => s.regen);
  const modelReady = useAppStore((s) => s.status?.embedder.phase === 'ready');
  const running = view?.state === 'running';
  const elsewhere = view?.state === 'busy-elsewhere';
  return (
    <div className="regeneration">
      <button type="button" onClick={() => void requestRegeneration()} disabled={!modelReady || running || regen.busy}>
        Regenerate embedding cache
      </button>
      {view?.state === 'estimating' && <p className="muted">Measuring the speed on a sample…</p>}
      {running && (
        <div className="regen-progress" data-testid="regen-progress">
          <label htmlFor="regen-bar">
            {view.resumed ? 'Resumed: ' : ''}
            {view.done.toLocaleString()} / {view.total.toLocaleString()} concepts · {view.rate.toFixed(1)} per second · about {formatDuration(view.etaSeconds)} left
          </label>
          <progress id="regen-bar" max={view.total || 1} value={view.done} />
          <button type="button" onClick={cancelRegeneration}>
            Cancel
          </button>
        </div>
      )}
      {elsewhere && view.total > 0 && (
        <div className="regen-progress" data-testid="regen-elsewhere">
          <label htmlFor="regen-elsewhere-bar">
            In another tab: {view.done.toLocaleString()} / {view.total.toLocaleString()} concepts · {view.rate.toFixed(1)} per second · about {formatDuration(view.etaSeconds)} left
          </label>
          <progress id="regen-elsewhere-bar" max={view.total || 1} value={view.done} />
        </div>
      )}
      {view && ['done', 'cancelled', 'failed', 'busy-elsewhere'].includes(view.state) && view.message && (
        <p className={view.state === 'failed' ? 'message error' : 'message'} role="status">
          Regeneration {view.state === 'busy-elsewhere' ? 'is running in another tab' : view.state}: {view.message}
        </p>
      )}
      {regen.error && (
        <p className="message error" role="alert">
          {regen.error}
        </p>
      )}
      <ConfirmRegeneration />
    </div>
  );
}

function Backup() {
  const message = useAppStore((s) => s.cacheMessage);
  const ready = useAppStore((s) => s.status?.cache.state === 'ready');
  const fileInput = useRef<HTMLInputElement>(null);
  return (
    <div className="backup">
      <div className="button-row">
        <button type="button" onClick={() => void exportCache()} disabled={!ready}>
          Export cache
        </button>
        <button type="button" onClick={() => fileInput.current?.click()}>
          Import cache…
        </button>
        <input
          ref={fileInput}
          type="file"
          className="visually-hidden"
          tabIndex={-1}
          aria-label="Embedding cache file to import"
          onChange={(e) => {
            const f = e.target.files?.[0];
            e.target.value = '';
            if (f) void importCache(f);
          }}
        />
      </div>
      {message && (
        <p className={message.kind === 'error' ? 'message error' : 'message'} role={message.kind === 'error' ? 'alert' : 'status'}>
          {message.text}
        </p>
      )}
    </div>
  );
}

function StaleCaches() {
  const stale = useAppStore((s) => s.staleCaches);
  const hash = useAppStore((s) => s.status?.cache.hash ?? null);
  // The list depends on which cache is active; refresh it when that changes.
  useEffect(() => {
    if (hash) void refreshStaleCaches();
  }, [hash]);
  if (stale.length === 0) return <p className="muted">No other caches are stored.</p>;
  return (
    <div className="stale" data-testid="other-caches">
      <h3>Other stored caches (not used by this model)</h3>
      <ul>
        {stale.map((c) => (
          <li key={c.hash}>
            <code>{c.hash}</code> {c.modelId}, ESCO {c.escoVersion}, {c.source}, {formatBytes(c.bytes)}, {new Date(c.storedAt).toLocaleDateString()}{' '}
            <span className={c.usedByPreset ? 'badge' : 'badge badge-stale'}>{c.usedByPreset ? `kept for ${PRESETS[c.usedByPreset]?.label ?? c.usedByPreset}` : 'stale'}</span>{' '}
            <button type="button" onClick={() => void deleteCache(c.hash)} aria-label={`Delete cache ${c.hash}`}>
              Delete
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function CachePanel() {
  return (
    <div className="cache-panel">
      <h3>Embedding cache</h3>
      <ActiveCache />
      <Regeneration />
      <Backup />
      <StaleCaches />
    </div>
  );
}
