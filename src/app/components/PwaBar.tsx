// App-level banners: "Install app" when the browser offers installation, "Update available —
// reload" when a new service worker is waiting (held back while a cache regeneration runs), and a
// one-time "ready to work offline" note.
import { applyUpdate, dismissOfflineReady, dismissUpdate, installApp } from '../pwa.ts';
import { useAppStore } from '../store.ts';

export function PwaBar() {
  const pwa = useAppStore((s) => s.pwa);
  // Reloading for an update stops a regeneration half-way: say so, and offer it only as a choice.
  const regenerating = useAppStore((s) => s.status?.regeneration.state === 'running');
  if (!pwa.canInstall && !pwa.needRefresh && !pwa.offlineReady) return null;
  return (
    <div className="pwa-bar">
      {pwa.needRefresh && regenerating && (
        <p className="banner" role="status" data-testid="update-waits">
          Update available: it will be offered again when the cache regeneration is done.{' '}
          <button type="button" onClick={applyUpdate}>
            Reload now (the regeneration resumes after the reload)
          </button>
        </p>
      )}
      {pwa.needRefresh && !regenerating && (
        <p className="banner" role="status">
          Update available.{' '}
          <button type="button" className="primary" onClick={applyUpdate}>
            Reload
          </button>{' '}
          <button type="button" onClick={dismissUpdate}>
            Later
          </button>
        </p>
      )}
      {pwa.offlineReady && !pwa.needRefresh && (
        <p className="banner" role="status">
          The app is ready to work offline.{' '}
          <button type="button" onClick={dismissOfflineReady}>
            OK
          </button>
        </p>
      )}
      {pwa.canInstall && (
        <button type="button" className="install" onClick={() => void installApp()}>
          Install app
        </button>
      )}
    </div>
  );
}
