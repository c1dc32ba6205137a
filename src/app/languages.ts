// The text's language on the main thread: detects it (the ELD detector is imported lazily, so its
// ~1.6 MB database is fetched only once a text is there), fetches the label-pack index and the pack
// of the language only for non-English text (English users download nothing more), builds the
// language's matcher once per language in the background (English results stay meanwhile), and
// keeps store.language up to date. extraction.ts reads the ready matcher for the lexical stage and
// hands its mentions to the worker; the occupation search box ranks titles with it. Detection, the
// plan, the packs and the matchers are src/core/languageMatching.ts, which the extract CLI and the
// HTTP service use too; this file fetches the packs and mirrors each step into the store.
import { LABEL_PACK_INDEX_PATH, labelPackAssetPath, type LabelPackIndex } from '../core/labelPacks.ts';
import { chooseLanguage, LabelMatching, labelWordsOfText, mentionsOf, titleOccupationOf } from '../core/languageMatching.ts';
import type { LabelWordIndex } from '../core/labelWords.ts';
import type { TitleMatch } from '../core/pipeline.ts';
import type { LexicalMatch } from '../core/lexical.ts';
import { rankTitle, type LanguageMatcher } from '../core/multilingualLexical.ts';
import type { TitleHit } from '../core/titleSearch.ts';
import { assetUrl } from './config.ts';
import { errorText } from './engineClient.ts';
import { availableFromIndex, ENGLISH, languageName, resolvePlan } from './languagePlan.ts';
import { INITIAL_LANGUAGE, useAppStore, type AppState, type LanguageState } from './store.ts';

const get = useAppStore.getState;

function setLanguage(patch: Partial<LanguageState> | ((l: LanguageState) => Partial<LanguageState>)): void {
  useAppStore.setState((s) => ({ language: { ...s.language, ...(typeof patch === 'function' ? patch(s.language) : patch) } }));
}

function setPack(language: string, phase: 'loading' | 'ready' | 'failed', error?: string): void {
  setLanguage((l) => ({ packs: { ...l.packs, [language]: error ? { phase, error } : { phase } } }));
}

async function fetchJson(path: string): Promise<unknown> {
  const url = assetUrl(path);
  const res = await fetch(url);
  if (!res.ok) throw new Error(`HTTP ${res.status} for ${url}`);
  return res.json();
}

/**
 * The session's packs and matchers (src/core/languageMatching.ts, shared with the CLI and the HTTP
 * service): fetched here, each state change mirrored into store.language.
 */
function newMatching(): LabelMatching {
  return new LabelMatching(
    () => {
      const { data, lexical } = get().taxonomy;
      return data ? { taxonomy: data, ...(lexical ? { englishIndex: lexical } : {}) } : undefined;
    },
    {
      index: () => fetchJson(LABEL_PACK_INDEX_PATH),
      // the content hash in the URL keys the service worker's CacheFirst entry to this version of the pack
      pack: (language, entry) => fetchJson(`${labelPackAssetPath(language)}?v=${encodeURIComponent(entry.contentHash.slice(0, 16))}`),
    },
    {
      labelsLoading: (language) => setPack(language, 'loading'),
      labelsLoaded: (language, labels) => {
        if (get().language.displayLanguage === language) setLanguage({ labels });
      },
      labelsFailed: (language, e) =>
        setPack(language, 'failed', `${languageName(language)} labels could not be loaded (${errorText(e)}); English labels are matched and shown instead.`),
      matcherReady: (language) => {
        setPack(language, 'ready');
        if (get().language.matchLanguage === language) setLanguage({ active: language });
      },
      // one macrotask first, so the English results and the "loading" state paint before the build
      beforeBuild: () => new Promise((r) => setTimeout(r, 0)),
    },
  );
}

let matching = newMatching();

const loadIndex = (): Promise<LabelPackIndex> => matching.index();

let lastKey = '';
let lastAnalysis: Promise<void> = Promise.resolve();

function analysisKey(s: AppState): string {
  return [s.taxonomy.phase, s.language.override, s.language.displayOverride, s.text].join('\u0000');
}

/**
 * Detects and plans the language of the store's current text (once per text and choice), and
 * resolves when the matcher that text needs is ready or has failed. runDense awaits it so the worker
 * gets the text's mentions in the first request instead of English ones followed by a second request.
 */
export function analyseCurrentText(): Promise<void> {
  const s = get();
  const key = analysisKey(s);
  if (key === lastKey) return lastAnalysis;
  lastKey = key;
  lastAnalysis = analyse(s, key).catch((e: unknown) => {
    console.warn(`language analysis failed: ${errorText(e)}`);
  });
  return lastAnalysis;
}

async function analyse(s: AppState, key: string): Promise<void> {
  const { text } = s;
  const { override, displayOverride } = s.language;
  if (!text.trim() || !s.taxonomy.data) {
    setLanguage({ detected: null, matchLanguage: null, displayLanguage: ENGLISH, notices: [], active: null, labels: null });
    return;
  }
  const plan = await matching.plan(text, { language: override, displayLanguage: displayOverride });
  if (plan.packs) setLanguage({ available: availableFromIndex(plan.packs) });
  if (key !== lastKey) return;
  const notices: string[] = [];
  if (plan.error !== undefined) notices.push(`The language could not be detected (${errorText(plan.error)}); English labels are matched. Choose the text's language above.`);
  if (plan.indexError !== undefined) notices.push(`The list of label languages could not be loaded (${errorText(plan.indexError)}); English labels are matched and shown.`);
  const detected = plan.detected ?? { language: '', reliable: false };
  const resolved = resolvePlan(plan, displayOverride, get().language.available ?? []);
  const { matchLanguage, displayLanguage } = resolved;
  setLanguage({
    detected,
    matchLanguage,
    displayLanguage,
    notices: [...notices, ...resolved.notices],
    active: matchLanguage && matching.readyMatcher(matchLanguage) ? matchLanguage : null,
    labels: null,
  });
  const waits: Promise<unknown>[] = [];
  if (displayLanguage !== ENGLISH) waits.push(matching.labels(displayLanguage).then((labels) => get().language.displayLanguage === displayLanguage && setLanguage({ labels })));
  if (matchLanguage) waits.push(matching.matcher(matchLanguage));
  // English text: the English matcher ranks its title's occupations
  else waits.push(matching.englishMatcher());
  // failures are already in store.language.packs; the caller only waits
  await Promise.allSettled(waits);
}

/** The text's language and its pack when its labels are matched (ExtractRequest.labelPack), once its matcher is ready. */
export function activeLabelPack(s: AppState): { language: string; contentHash: string } | undefined {
  const labels = s.language.active ? matching.readyMatcher(s.language.active)?.labels : undefined;
  return labels ? { language: labels.language, contentHash: labels.contentHash } : undefined;
}

/** The occupation the text's title names (with the matcher of its language, or English), once that matcher is ready. */
export function activeTitleOccupation(s: AppState): ((text: string) => TitleMatch | null) | undefined {
  const m = activeTitleMatcher(s);
  return m ? titleOccupationOf(m) : undefined;
}

/** The matcher that ranks the text's title (its language's, or English for English text), once ready. */
export function activeTitleMatcher(s: AppState): LanguageMatcher | undefined {
  return s.language.active ? matching.readyMatcher(s.language.active) : s.language.matchLanguage ? undefined : matching.readyEnglishMatcher();
}

/**
 * The label words the text is read with (labelWords.ts: its language's skill labels and English's,
 * none for a language without skill labels), once its matcher is ready; the first call per language
 * builds them (about 0.2 s for English), so extraction.ts asks while the worker is busy.
 */
export function activeLabelWords(s: AppState): readonly LabelWordIndex[] {
  return labelWordsOfText(activeTitleMatcher(s), chooseLanguage(s.language.detected, s.language.override));
}

/** The label mentions of the text's language plus English, when that language's matcher is ready. */
export function activeMentions(s: AppState): ((text: string) => LexicalMatch[]) | undefined {
  const m = s.language.active ? matching.readyMatcher(s.language.active) : undefined;
  return m ? mentionsOf(m) : undefined;
}

/**
 * Occupations for a title typed in the search box (or an ad's title line), ranked over English and
 * the labels of the text's language when they are loaded. The first call builds the title index.
 */
export async function searchOccupations(query: string, limit = 10): Promise<TitleHit[]> {
  if (!query.trim()) return [];
  const active = get().language.active;
  const matcher: LanguageMatcher = (active && matching.readyMatcher(active)) || (await matching.englishMatcher());
  return rankTitle(matcher, query, { limit });
}

/** Subscribes to the text and language choices; returns the unsubscribe function. */
export function startLanguages(): () => void {
  return useAppStore.subscribe((s, prev) => {
    if (s.text !== prev.text || s.taxonomy.phase !== prev.taxonomy.phase || s.language.override !== prev.language.override || s.language.displayOverride !== prev.language.displayOverride) {
      void analyseCurrentText();
    }
  });
}

export function setTextLanguage(override: string): void {
  setLanguage({ override });
}

export function setDisplayLanguage(displayOverride: string): void {
  setLanguage({ displayOverride });
}

/** For tests: forget loaded packs and matchers. */
export function resetLanguagesForTest(): void {
  matching = newMatching();
  lastKey = '';
  useAppStore.setState({ language: INITIAL_LANGUAGE });
}

/** Fetches the list of label languages (13 KB) for the language pickers, when the user opens one. */
export function loadLanguageList(): void {
  if (get().language.available) return;
  loadIndex().then(
    (i) => setLanguage({ available: availableFromIndex(i.packs) }),
    (e: unknown) => setLanguage((l) => ({ notices: [...l.notices.filter((n) => !n.startsWith('The list of label languages')), `The list of label languages could not be loaded (${errorText(e)}).`] })),
  );
}
