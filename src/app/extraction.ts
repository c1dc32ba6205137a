// Runs extraction as the text changes: the lexical matcher synchronously on the main thread on
// every change (instant results, no model), and the engine's full extraction once the model is
// dense-ready, debounced while typing and at once on paste. A request counter drops responses
// that arrive after a newer request was made. For text in another language the lexical stage uses
// the mentions of that language plus English (languages.ts) on both sides: here, and in the worker,
// which gets them with the request; the dense request waits for the language to be settled. A title
// no label names is read by the worker's model for the dense request (titleWithModel).
// The worker reads no label packs, so the skills' label coverage (labelWords.ts: how much of a
// skill's label its passage says, in the text's language or English) is added here, to the worker's
// result, with the matcher's label words, before the store gets it; the CLI and the service have the
// pipeline add it (ExtractionContext.labelWords).
// While the reranker refines a result the worker sends partial results: each replaces the shown one
// (the request stays pending until the final one). refineCurrentText() asks for a refinement the
// automatic setting did not run on this device (the "Refine with the reranker" button).
import type { EngineStatus, ExtractRequest } from '../../workers/engineApi.ts';
import type { LabelWordIndex } from '../core/labelWords.ts';
import { extractLexical, setLabelCoverage } from '../core/pipeline.ts';
import { EngineRestartedError, errorText } from './engineClient.ts';
import { engine } from './engineService.ts';
import type { TitleReading } from '../core/pipeline.ts';
import { modelTitleOccupation, type TitleModel } from '../core/titleModel.ts';
import { activePresetId, IS_E2E } from './config.ts';
import { activeLabelPack, activeLabelWords, activeMentions, activeTitleMatcher, activeTitleOccupation, analyseCurrentText } from './languages.ts';
import { useAppStore, type AppState } from './store.ts';

export const TYPING_DEBOUNCE_MS = 300;

let timer: ReturnType<typeof setTimeout> | undefined;
let requestId = 0;

/** What a dense result depends on besides the text: a change re-runs extraction. */
function denseKey(status: EngineStatus | null): string {
  if (!status?.denseReady) return '';
  // Not the reranker: the user's switch re-runs on its own (settings), and the automatic setting's
  // decision only re-runs a result it left unrefined (needsRefinement).
  return [status.cache.hash, status.backend].join('|');
}

/**
 * The shown result of the current text was finished without the reranker, which is on now (the
 * automatic setting decided after the extraction gave up waiting for it): refine it.
 */
function needsRefinement(s: AppState): boolean {
  const r = s.dense && s.dense.text === s.text ? s.dense.result : null;
  return Boolean(r && !s.densePending && s.status?.denseReady && s.status.reranker.enabled && s.status.reranker.phase !== 'failed' && r.stage === 'embedding' && (r.refinement?.total ?? 0) > 0);
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
  const titleOccupation = activeTitleOccupation(s);
  const result = extractLexical(s.text, { taxonomy: data, lexical, ...(mentions ? { mentions } : {}), ...(titleOccupation ? { titleOccupation } : {}) }, { analyseAllSections: s.settings.analyseAllSections });
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

/** Runs the reranker over the current text's shortlist, even where the automatic setting left it off. */
export function refineCurrentText(): void {
  const s = useAppStore.getState();
  if (!s.status?.denseReady || !s.text.trim() || !engine()) return;
  clearTimeout(timer);
  useAppStore.setState({ densePending: true });
  void runDense(true);
}

async function runDense(refine = false): Promise<void> {
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
    const labelPack = activeLabelPack(useAppStore.getState());
    const titleOccupation = await titleWithModel(client, text);
    if (id !== requestId) return;
    const { analyseAllSections, thresholds } = useAppStore.getState().settings;
    const request: ExtractRequest = {
      analyseAllSections,
      // The reranker scores first what lies nearest to the cuts the user has set.
      rerankFocus: { skill: thresholds.skillThreshold, occupation: thresholds.occupationThreshold },
      ...(refine ? { refine } : {}),
      ...(mentions ? { mentions: mentions(text) } : {}),
      ...(titleOccupation !== undefined ? { titleOccupation } : {}),
      ...(labelPack ? { labelPack } : {}),
    };
    // Partials come over their own message port, so one can arrive after the final result: once
    // that is in, or a later partial was shown, a stale one is dropped.
    let settled = false;
    let shownDone = -1;
    let labelWords: readonly LabelWordIndex[] = [];
    const perf = IS_E2E && window.__perf && useAppStore.getState().text === text ? window.__perf : undefined;
    if (perf) perf.requestAt = performance.now();
    const extracted = client.extract(text, request, (partial, done) => {
      if (settled || id !== requestId || done <= shownDone) return;
      shownDone = done;
      setLabelCoverage(partial.candidates, text, labelWords);
      useAppStore.setState({ dense: { text, result: partial } });
    }).finally(() => {
      settled = true;
    });
    // built once per language, while the worker extracts
    labelWords = activeLabelWords(useAppStore.getState());
    const result = await extracted;
    if (perf) Object.assign(perf, { resultAt: performance.now(), workerTimings: result.timings });
    if (id !== requestId) return;
    setLabelCoverage(result.candidates, text, labelWords);
    useAppStore.setState({ dense: { text, result }, densePending: false, denseError: null });
  } catch (e) {
    if (id !== requestId) return;
    // After a restart the new worker's dense-ready status schedules the request again.
    const restarting = e instanceof EngineRestartedError;
    useAppStore.setState({ densePending: false, denseError: restarting ? null : `Semantic matching failed: ${errorText(e)}` });
  }
}

/**
 * The occupation the text's title names for the dense request: the label path's (languages.ts), or
 * where no label names it, the title ranking fused with the worker's model (src/core/titleModel.ts
 * modelTitleOccupation; the worker embeds the title), or the shortlist the whole ad decides among.
 * Undefined while the title's matcher is not ready.
 */
async function titleWithModel(client: NonNullable<ReturnType<typeof engine>>, text: string): Promise<TitleReading | undefined> {
  const s = useAppStore.getState();
  const matcher = activeTitleMatcher(s);
  if (!matcher) return undefined;
  const labels = activeTitleOccupation(s)!(text);
  if (labels) return labels;
  const model: TitleModel = { presetId: activePresetId(s.settings.presetId), nearest: (texts, k) => client.nearestOccupations(texts, k) };
  // a model call that fails (the worker restarting) leaves the title to the labels
  return modelTitleOccupation(matcher, text, model).catch(() => null);
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
    } else if (denseKey(s.status) !== denseKey(prev.status) || s.settings.rerankerEnabled !== prev.settings.rerankerEnabled) {
      scheduleDense(true);
    } else if (needsRefinement(s) && !needsRefinement(prev)) {
      scheduleDense(true);
    }
  });
  return () => {
    unsubscribe();
    clearTimeout(timer);
  };
}
