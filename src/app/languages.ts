// The text's language on the main thread: detects it (the ELD detector is imported lazily, so its
// ~1.6 MB database is fetched only once a text is there), fetches the label-pack index and the pack
// of the language only for non-English text (English users download nothing more), builds the
// language's matcher once per language in the background (English results stay meanwhile), and
// keeps store.language up to date. extraction.ts reads the ready matcher for the lexical stage and
// hands its mentions to the worker; the occupation search box ranks titles with it.
import { attachLabelPack, LABEL_PACK_INDEX_PATH, labelPackAssetPath, validateLabelPack, type LabelPackIndex, type LocalizedLabels } from '../core/labelPacks.ts';
import type { LexicalMatch } from '../core/lexical.ts';
import { buildLanguageMatcher, findMentionsIn, rankTitle, type LanguageMatcher } from '../core/multilingualLexical.ts';
import type { TitleHit } from '../core/titleSearch.ts';
import { assetUrl } from './config.ts';
import { errorText } from './engineClient.ts';
import { availableFromIndex, chooseLanguage, ENGLISH, enoughToDetect, languageName, resolvePlan } from './languagePlan.ts';
import { INITIAL_LANGUAGE, useAppStore, type AppState, type LanguageState } from './store.ts';

type Detector = typeof import('../core/languageDetect.ts');

let detector: Promise<Detector> | undefined;
const loadDetector = (): Promise<Detector> => (detector ??= import('../core/languageDetect.ts'));

let index: Promise<LabelPackIndex> | undefined;
const labelsByLanguage = new Map<string, Promise<LocalizedLabels>>();
const matchers = new Map<string, Promise<LanguageMatcher>>();
const readyMatchers = new Map<string, LanguageMatcher>();
let englishMatcher: Promise<LanguageMatcher> | undefined;

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

function loadIndex(): Promise<LabelPackIndex> {
  index ??= fetchJson(LABEL_PACK_INDEX_PATH).then((v) => {
    const i = v as Partial<LabelPackIndex> | null;
    if (!i || !Array.isArray(i.packs)) throw new Error('the label-pack index is not valid JSON of the expected shape');
    return i as LabelPackIndex;
  });
  // a failed index is retried on the next text (it may have been a network blip)
  index.catch(() => (index = undefined));
  return index;
}

/** The pack of a language attached to the taxonomy; a stale or broken pack rejects (LabelPackError). */
function loadLabels(language: string): Promise<LocalizedLabels> {
  let p = labelsByLanguage.get(language);
  if (!p) {
    const taxonomy = get().taxonomy.data;
    if (!taxonomy) return Promise.reject(new Error('the taxonomy is not loaded'));
    setPack(language, 'loading');
    // the content hash in the URL keys the service worker's CacheFirst entry to this version of the pack
    p = loadIndex()
      .then((i) => {
        const entry = i.packs.find((x) => x.language === language);
        if (!entry) throw new Error(`no label pack for "${language}"`);
        return fetchJson(`${labelPackAssetPath(language)}?v=${encodeURIComponent(entry.contentHash.slice(0, 16))}`);
      })
      .then((json) => attachLabelPack(taxonomy, validateLabelPack(json, taxonomy)));
    labelsByLanguage.set(language, p);
    p.then(
      (labels) => {
        if (get().language.displayLanguage === language) setLanguage({ labels });
      },
      (e: unknown) => {
        labelsByLanguage.delete(language);
        setPack(language, 'failed', `${languageName(language)} labels could not be loaded (${errorText(e)}); English labels are matched and shown instead.`);
      },
    );
  }
  return p;
}

/** The matcher of a language (its labels plus English), built once; the first build takes a second or more. */
function loadMatcher(language: string): Promise<LanguageMatcher> {
  let p = matchers.get(language);
  if (!p) {
    p = loadLabels(language).then(async (labels) => {
      const { taxonomy } = get();
      if (!taxonomy.data || !taxonomy.lexical) throw new Error('the taxonomy is not loaded');
      // one macrotask first, so the English results and the "loading" state paint before the build
      await new Promise((r) => setTimeout(r, 0));
      return buildLanguageMatcher(taxonomy.data, labels, { englishIndex: taxonomy.lexical });
    });
    matchers.set(language, p);
    p.then(
      (m) => {
        readyMatchers.set(language, m);
        setPack(language, 'ready');
        if (get().language.matchLanguage === language) setLanguage({ active: language });
      },
      () => matchers.delete(language),
    );
  }
  return p;
}

/** The English-only matcher, for the title search when the text is English. */
function loadEnglishMatcher(): Promise<LanguageMatcher> {
  const { taxonomy } = get();
  if (!taxonomy.data || !taxonomy.lexical) return Promise.reject(new Error('the taxonomy is not loaded yet'));
  return (englishMatcher ??= buildLanguageMatcher(taxonomy.data, undefined, { englishIndex: taxonomy.lexical }));
}

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
  let detected: { language: string; reliable: boolean };
  const notices: string[] = [];
  let detect: Detector | undefined;
  try {
    detect = await loadDetector();
    const d = detect.detectLanguage(text);
    detected = { language: d.language, reliable: d.reliable && enoughToDetect(text) };
  } catch (e) {
    detected = { language: '', reliable: false };
    notices.push(`The language could not be detected (${errorText(e)}); English labels are matched. Choose the text's language above.`);
  }
  if (key !== lastKey) return;
  const language = chooseLanguage(detected, override);
  const needIndex = language !== ENGLISH || (displayOverride !== '' && displayOverride !== ENGLISH);
  let packs: LabelPackIndex['packs'] = [];
  if (needIndex) {
    try {
      packs = (await loadIndex()).packs;
      setLanguage({ available: availableFromIndex(packs) });
    } catch (e) {
      notices.push(`The list of label languages could not be loaded (${errorText(e)}); English labels are matched and shown.`);
    }
  }
  if (key !== lastKey) return;
  const plan = detect ? detect.planLanguage(language, packs) : { matchLanguage: null, displayLanguage: ENGLISH };
  const resolved = resolvePlan(plan, displayOverride, get().language.available ?? []);
  const { matchLanguage, displayLanguage } = resolved;
  setLanguage({
    detected,
    matchLanguage,
    displayLanguage,
    notices: [...notices, ...resolved.notices],
    active: matchLanguage && readyMatchers.has(matchLanguage) ? matchLanguage : null,
    labels: null,
  });
  const waits: Promise<unknown>[] = [];
  if (displayLanguage !== ENGLISH) waits.push(loadLabels(displayLanguage).then((labels) => get().language.displayLanguage === displayLanguage && setLanguage({ labels })));
  if (matchLanguage) waits.push(loadMatcher(matchLanguage));
  // failures are already in store.language.packs; the caller only waits
  await Promise.allSettled(waits);
}

/** The label mentions of the text's language plus English, when that language's matcher is ready. */
export function activeMentions(s: AppState): ((text: string) => LexicalMatch[]) | undefined {
  const m = s.language.active ? readyMatchers.get(s.language.active) : undefined;
  return m ? (text: string) => findMentionsIn(m, text) : undefined;
}

/**
 * Occupations for a title typed in the search box (or an ad's title line), ranked over English and
 * the labels of the text's language when they are loaded. The first call builds the title index.
 */
export async function searchOccupations(query: string, limit = 10): Promise<TitleHit[]> {
  if (!query.trim()) return [];
  const active = get().language.active;
  const matcher = active && readyMatchers.has(active) ? readyMatchers.get(active)! : await loadEnglishMatcher();
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
  index = undefined;
  labelsByLanguage.clear();
  matchers.clear();
  readyMatchers.clear();
  englishMatcher = undefined;
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
