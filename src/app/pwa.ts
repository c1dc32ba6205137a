// PWA glue: registers the service worker (prompt mode: an update waits until the user reloads),
// and keeps the browser's install prompt so the app can offer its own "Install app" button. On a
// first visit, once the service worker takes control, the on-demand files the page fetched before
// (pdf.js, language detection) are stored for offline use (src/app/onDemandAssets.ts).
import { registerSW } from 'virtual:pwa-register';
import { keepForOffline, usedOnDemandAssets } from './onDemandAssets.ts';
import { useAppStore } from './store.ts';

/** Chromium's install prompt event; not in TypeScript's DOM library. */
interface BeforeInstallPromptEvent extends Event {
  prompt(): Promise<void>;
  readonly userChoice: Promise<{ outcome: 'accepted' | 'dismissed'; platform: string }>;
}

let installEvent: BeforeInstallPromptEvent | null = null;
let updateSW: ((reloadPage?: boolean) => Promise<void>) | null = null;

function setPwa(patch: Partial<ReturnType<typeof useAppStore.getState>['pwa']>): void {
  useAppStore.setState((s) => ({ pwa: { ...s.pwa, ...patch } }));
}

export function startPwa(): void {
  window.addEventListener('beforeinstallprompt', (e) => {
    // Keep the event: the app shows its own button instead of the browser's mini-infobar.
    e.preventDefault();
    installEvent = e as BeforeInstallPromptEvent;
    setPwa({ canInstall: true });
  });
  window.addEventListener('appinstalled', () => {
    installEvent = null;
    setPwa({ canInstall: false });
  });
  if (!('serviceWorker' in navigator)) return;
  if (!navigator.serviceWorker.controller) {
    navigator.serviceWorker.addEventListener('controllerchange', () => void keepForOffline(usedOnDemandAssets()), { once: true });
  }
  updateSW = registerSW({
    immediate: true,
    onNeedRefresh: () => setPwa({ needRefresh: true }),
    // The plugin would call location.reload() itself, once per listener it added, beside ours.
    onNeedReload: reloadOnce,
    onOfflineReady: () => setPwa({ offlineReady: true }),
    onRegisteredSW: () => setPwa({ registered: true }),
    onRegisterError: (e: unknown) => console.warn('service worker registration failed', e),
  });
}

export async function installApp(): Promise<void> {
  const e = installEvent;
  if (!e) return;
  installEvent = null;
  setPwa({ canInstall: false });
  await e.prompt();
  await e.userChoice;
}

let reloadRequested = false;

/**
 * One reload for an update, then another every 10 s while this document is still here: in 2 of about
 * 25 e2e runs the old page stayed in place after the Reload click (the new worker active, the page
 * not replaced within 60 s), with the plugin's reload and ours both called on the controller change.
 */
function reloadOnce(): void {
  if (reloadRequested) return;
  reloadRequested = true;
  window.location.reload();
  setInterval(() => window.location.reload(), 10_000);
}

/** Activates the waiting service worker and reloads into the new version. */
export function applyUpdate(): void {
  // The plugin reloads only when the page was already controlled when it registered; a tab opened
  // on the very first visit (controlled later, through clientsClaim) would otherwise stay on the
  // old version. Reload on the controller change, or after a grace period whatever happens.
  navigator.serviceWorker?.addEventListener('controllerchange', reloadOnce, { once: true });
  setTimeout(reloadOnce, 5_000);
  void updateSW?.(true);
}

export function dismissUpdate(): void {
  setPwa({ needRefresh: false });
}

export function dismissOfflineReady(): void {
  setPwa({ offlineReady: false });
}
