// PWA glue: registers the service worker (prompt mode: an update waits until the user reloads),
// and keeps the browser's install prompt so the app can offer its own "Install app" button.
import { registerSW } from 'virtual:pwa-register';
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
  updateSW = registerSW({
    immediate: true,
    onNeedRefresh: () => setPwa({ needRefresh: true }),
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

/** Activates the waiting service worker and reloads into the new version. */
export function applyUpdate(): void {
  // The plugin reloads only when the page was already controlled when it registered; a tab opened
  // on the very first visit (controlled later, through clientsClaim) would otherwise stay on the
  // old version. Reload on the controller change, or after a grace period whatever happens.
  let reloading = false;
  const reload = () => {
    if (reloading) return;
    reloading = true;
    window.location.reload();
  };
  navigator.serviceWorker?.addEventListener('controllerchange', reload, { once: true });
  setTimeout(reload, 5_000);
  void updateSW?.(true);
}

export function dismissUpdate(): void {
  setPwa({ needRefresh: false });
}

export function dismissOfflineReady(): void {
  setPwa({ offlineReady: false });
}
