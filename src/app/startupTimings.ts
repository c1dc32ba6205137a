// Start-up phase timings for the model panel: what the page measured (taxonomy fetch and parse, the
// label index) beside what the engine worker reports in EngineStatus.timings, as one line, so a slow
// start-up says where its time went. The page's figures live here, not in the app store, because
// nothing but the panel (and the bench, which reads the panel) needs them.
import { create } from 'zustand';

/** Milliseconds the page spent on its own start-up work (src/app/bootstrap.ts). */
export interface PageTimings {
  /** Taxonomy asset fetched and parsed on the page. */
  taxonomy?: number;
  /** The English label (lexical) index built on the page, or restored from IndexedDB (labelsStored). */
  labels?: number;
  labelsStored?: boolean;
}

export const usePageTimings = create<PageTimings>(() => ({}));

function ms(v: number): string {
  return v < 1000 ? `${Math.round(v)} ms` : `${(v / 1000).toFixed(1)} s`;
}

/**
 * "Start-up: taxonomy 320 ms · labels 150 ms · model 900 ms · ..." from the page's and the worker's
 * timings (EngineStatus.timings: taxonomy, gpuProbe, runtime, model, cache, selfCheck, ready), in start-up order;
 * phases not measured (yet) are left out, and null comes back when there is nothing to show.
 */
export function formatStartupTimings(page: PageTimings, worker: Readonly<Record<string, number>> | undefined): string | null {
  const w = worker ?? {};
  const parts: [string, number | undefined][] = [
    ['taxonomy', page.taxonomy],
    [page.labelsStored ? 'labels (stored)' : 'labels', page.labels],
    ['worker taxonomy', w.taxonomy],
    ['GPU probe', w.gpuProbe],
    ['runtime', w.runtime],
    ['model', w.model],
    ['cache', w.cache],
    ['self-check', w.selfCheck],
    ['engine ready after', w.ready],
  ];
  const shown = parts.filter((p): p is [string, number] => typeof p[1] === 'number' && Number.isFinite(p[1])).map(([name, v]) => `${name} ${ms(v)}`);
  return shown.length ? `Start-up: ${shown.join(' · ')}` : null;
}
