// App-level banners: "Install app" when the browser offers installation, "Update available —
// reload" when a new service worker is waiting, and a one-time "ready to work offline" note.
import { applyUpdate, dismissOfflineReady, dismissUpdate, installApp } from '../pwa.ts';
import { useAppStore } from '../store.ts';

export function PwaBar() {
  const pwa = useAppStore((s) => s.pwa);
  if (!pwa.canInstall && !pwa.needRefresh && !pwa.offlineReady) return null;
  return (
    <div className="pwa-bar">
      {pwa.needRefresh && (
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
