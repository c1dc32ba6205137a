// Runs extraction as the text changes: the lexical matcher synchronously on the main thread on
// every change (instant results, no model), and the engine's full extraction once the model is
// dense-ready, debounced while typing and at once on paste. A request counter drops responses
// that arrive after a newer request was made. For text in another language the lexical stage uses
// the mentions of that language plus English (languages.ts) on both sides: here, and in the worker,
// which gets them with the request; the dense request waits for the language to be settled.
import type { EngineStatus, ExtractRequest } from '../../workers/engineApi.ts';
import { extractLexical } from '../core/pipeline.ts';
import { IS_E2E } from './config.ts';
import { EngineRestartedError, errorText } from './engineClient.ts';
import { engine } from './engineService.ts';
import { activeMentions, analyseCurrentText } from './languages.ts';
import { useAppStore, type AppState } from './store.ts';

export const TYPING_DEBOUNCE_MS = 300;

let timer: ReturnType<typeof setTimeout> | undefined;
let requestId = 0;

/** What a dense result depends on besides the text: a change re-runs extraction. */
function denseKey(status: EngineStatus | null): string {
  if (!status?.denseReady) return '';
  // Not the reranker's load phase: the first extraction loads it, and must not be re-run for that.
  return [status.cache.hash, status.backend, status.reranker.enabled].join('|');
}

function runLexical(s: AppState): void {
  if (!s.text.trim()) {
    requestId++;
    clearTimeout(timer);
    useAppStore.setState({ lexical: null, dense: null, densePending: false, denseError: null });
    return;
  }
  const { data, lexical } = s.taxonomy;
  if (!data || !lexical) return;
  const mentions = activeMentions(s);
  const result = extractLexical(s.text, { taxonomy: data, lexical, ...(mentions ? { mentions } : {}) }, { analyseAllSections: s.settings.analyseAllSections });
  useAppStore.setState({ lexical: { text: s.text, result } });
}

function scheduleDense(immediate: boolean): void {
  clearTimeout(timer);
  const s = useAppStore.getState();
  if (!s.status?.denseReady || !s.text.trim() || !engine()) {
    if (s.densePending) useAppStore.setState({ densePending: false });
    return;
  }
  if (!s.densePending) useAppStore.setState({ densePending: true });
  timer = setTimeout(() => void runDense(), immediate ? 0 : TYPING_DEBOUNCE_MS);
}

async function runDense(): Promise<void> {
  const client = engine();
  if (!client) return;
  const id = ++requestId;
  const text = useAppStore.getState().text;
  try {
    // The text's language and its matcher first (a no-op after the first text of a language), so
    // the worker gets the mentions in that language instead of a second request once they are ready.
    await analyseCurrentText();
    if (id !== requestId) return;
    const mentions = activeMentions(useAppStore.getState());
    const { analyseAllSections } = useAppStore.getState().settings;
    const request: ExtractRequest = { analyseAllSections, ...(mentions ? { mentions: mentions(text) } : {}) };
    const result = await client.extract(text, request);
    if (id !== requestId) return;
    useAppStore.setState({ dense: { text, result }, densePending: false, denseError: null });
  } catch (e) {
    if (id !== requestId) return;
    // After a restart the new worker's dense-ready status schedules the request again.
    const restarting = e instanceof EngineRestartedError;
    useAppStore.setState({ densePending: false, denseError: restarting ? null : `Semantic matching failed: ${errorText(e)}` });
  }
}

/** Subscribes to the store; returns the unsubscribe function. */
export function startExtraction(): () => void {
  const unsubscribe = useAppStore.subscribe((s, prev) => {
    const textChanged = s.text !== prev.text;
    if (textChanged && IS_E2E) window.__perf = { inputAt: performance.now() };
    // a language matcher that became ready (or another language chosen) re-runs both stages
    const languageChanged = s.language.active !== prev.language.active;
    const sectionsChanged = s.settings.analyseAllSections !== prev.settings.analyseAllSections;
    if (textChanged || languageChanged || sectionsChanged || (s.taxonomy.phase === 'ready' && prev.taxonomy.phase !== 'ready')) {
      runLexical(s);
      // while typing, a language change waits for the debounce like the text does
      scheduleDense(s.textSource !== 'typing');
    } else if (denseKey(s.status) !== denseKey(prev.status)) {
      scheduleDense(true);
    }
  });
  return () => {
    unsubscribe();
    clearTimeout(timer);
  };
}
