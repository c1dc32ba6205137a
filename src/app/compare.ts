// Actions of the "CV against job ad" view: each pane's text runs through the same two stages as the
// single-text view (label matching at once on the main thread, the engine's full extraction once the
// model is dense-ready, debounced while typing), independently per pane, so editing the CV never
// discards the ad's results. A per-pane request counter drops responses for a text already replaced.
import type { EngineStatus } from '../../workers/engineApi.ts';
import { extractLexical } from '../core/pipeline.ts';
import type { ComparePane, PaneId } from './compareState.ts';
import { EngineRestartedError, errorText } from './engineClient.ts';
import { engine } from './engineService.ts';
import { TYPING_DEBOUNCE_MS } from './extraction.ts';
import { useAppStore, type AppState, type TextSource } from './store.ts';

const PANES: readonly PaneId[] = ['ad', 'cv'];
const timers: Partial<Record<PaneId, ReturnType<typeof setTimeout>>> = {};
const requests: Record<PaneId, number> = { ad: 0, cv: 0 };

function patchPane(id: PaneId, patch: Partial<ComparePane>): void {
  useAppStore.setState((s) => ({ compare: { ...s.compare, [id]: { ...s.compare[id], ...patch } } }));
}

/** Sets a pane's text; `fileName` when it was read from a file. Clears that pane's file error. */
export function setPaneText(id: PaneId, text: string, source: TextSource, fileName: string | null = null): void {
  patchPane(id, { text, fileName, fileError: null });
  runLexical(id);
  scheduleDense(id, source !== 'typing');
}

export function setPaneFileError(id: PaneId, message: string): void {
  patchPane(id, { fileError: message });
}

function runLexical(id: PaneId): void {
  const s = useAppStore.getState();
  const { text } = s.compare[id];
  const { data, lexical } = s.taxonomy;
  if (!text.trim() || !data || !lexical) {
    patchPane(id, { lexical: null });
    return;
  }
  const result = extractLexical(text, { taxonomy: data, lexical }, { analyseAllSections: s.settings.analyseAllSections });
  patchPane(id, { lexical: { text, result } });
}

function scheduleDense(id: PaneId, immediate: boolean): void {
  clearTimeout(timers[id]);
  const s = useAppStore.getState();
  const pane = s.compare[id];
  if (!s.status?.denseReady || !pane.text.trim() || !engine()) {
    requests[id]++;
    if (pane.pending) patchPane(id, { pending: false });
    return;
  }
  if (!pane.pending) patchPane(id, { pending: true });
  timers[id] = setTimeout(() => void runDense(id), immediate ? 0 : TYPING_DEBOUNCE_MS);
}

async function runDense(id: PaneId): Promise<void> {
  const client = engine();
  if (!client) return;
  const request = ++requests[id];
  const { text } = useAppStore.getState().compare[id];
  const { analyseAllSections, thresholds } = useAppStore.getState().settings;
  try {
    // Without a progress callback: a pane shows the finished (refined) result only.
    const result = await client.extract(text, { analyseAllSections, rerankFocus: { skill: thresholds.skillThreshold, occupation: thresholds.occupationThreshold } });
    if (request !== requests[id]) return;
    patchPane(id, { dense: { text, result }, pending: false, error: null });
  } catch (e) {
    if (request !== requests[id]) return;
    // After a restart the new worker's dense-ready status schedules the request again.
    patchPane(id, { pending: false, error: e instanceof EngineRestartedError ? null : `Semantic matching failed: ${errorText(e)}` });
  }
}

/** What a dense result depends on besides the text; unlike extraction.ts, the reranker's state too (a pane has no partial results to refine). */
function denseKey(status: EngineStatus | null): string {
  return status?.denseReady ? [status.cache.hash, status.backend, status.reranker.enabled].join('|') : '';
}

/** Re-runs both panes when the model, the taxonomy or the section setting changes; returns the unsubscribe function. */
export function startCompare(): () => void {
  const unsubscribe = useAppStore.subscribe((s: AppState, prev: AppState) => {
    const taxonomyReady = s.taxonomy.phase === 'ready' && prev.taxonomy.phase !== 'ready';
    const sectionsChanged = s.settings.analyseAllSections !== prev.settings.analyseAllSections;
    if (taxonomyReady || sectionsChanged) PANES.forEach((id) => runLexical(id));
    if (taxonomyReady || sectionsChanged || denseKey(s.status) !== denseKey(prev.status)) PANES.forEach((id) => scheduleDense(id, true));
  });
  return () => {
    unsubscribe();
    PANES.forEach((id) => clearTimeout(timers[id]));
  };
}
