// Which view the app shows (single text, CV against job ad, batch, printable skill gap), kept in the
// URL hash so a reload stays on the compare or batch view.
import { refreshJobs } from './batch.ts';
import type { AppView } from './batchState.ts';
import { useAppStore } from './store.ts';

export function setView(view: AppView): void {
  useAppStore.setState({ view });
  history.replaceState(null, '', view === 'single' ? location.pathname + location.search : `#${view}`);
  // The batch view lists the stored jobs (a resumed job is one click away).
  if (view === 'batch') void refreshJobs();
  globalThis.scrollTo?.(0, 0);
}
