// Label matching in the text's language, shared by the page (src/app/languages.ts), the extract CLI
// and the HTTP service (scripts/extract/context.ts): detect the language of a text (or take the
// caller's), decide which labels to match and show (languageDetect.ts planLanguage against the
// label-pack index), load that language's pack once, build its matcher (multilingualLexical.ts) once,
// and hand the pipeline the mentions of that language plus English (ExtractionContext.mentions).
// Pure: where the packs come from is the caller's LabelPackSource (the page fetches them, Node reads
// public/taxonomy/). With the caller's embedding model (forText's titleModel) the title's occupation
// is also looked for with the model where no label names it (titleModel.ts). The ELD detector (about 1.6 MB of n-grams) is imported lazily, on the first text.
import { findAdTitle } from './adTitle.ts';
import { titleOccupation } from './occupationRanking.ts';
import { titleReadingWithin, type TitleMatch, type TitleReading } from './pipeline.ts';
import { attachLabelPack, validateLabelPack, type LabelPackIndex, type LocalizedLabels } from './labelPacks.ts';
import type { LanguagePlan } from './languageDetect.ts';
import type { LexicalIndex, LexicalMatch } from './lexical.ts';
import { buildLanguageMatcher, findMentionsIn, type LanguageMatcher } from './multilingualLexical.ts';
import type { LabelWordIndex } from './labelWords.ts';
import type { Taxonomy } from './taxonomy.ts';
import { modelTitleOccupation, toMatch, type TitleModel } from './titleModel.ts';

export const ENGLISH = 'en';

/**
 * Below this many letters a detection is not trusted, whatever ELD says: while an English ad is typed,
 * "Experien" reads as German and "Experience wit" as Dutch (measured), and acting on that would
 * fetch a label pack and re-run extraction for nothing.
 */
export const MIN_DETECT_LETTERS = 20;

export function enoughToDetect(text: string): boolean {
  let n = 0;
  for (const _ of text.matchAll(/\p{L}/gu)) if (++n >= MIN_DETECT_LETTERS) return true;
  return false;
}

/**
 * The language the text is treated as: the caller's choice, else the detected one when ELD trusts it.
 * An unreliable guess (a few words, a list of tool names) is treated as English: matching English
 * labels is what the app did before, and a wrong language would only add false label matches.
 */
export function chooseLanguage(detected: { language: string; reliable: boolean } | null, override: string): string {
  if (override) return override;
  return detected?.reliable && detected.language ? detected.language : ENGLISH;
}

type Detector = typeof import('./languageDetect.ts');
let detector: Promise<Detector> | undefined;
/** The detector module, imported once (the page's bundler splits it into its own chunk). */
export const loadDetector = (): Promise<Detector> => (detector ??= import('./languageDetect.ts'));

export interface DetectedText {
  /** ELD's answer, `reliable` only with enough letters (MIN_DETECT_LETTERS); null when detection failed. */
  detected: { language: string; reliable: boolean } | null;
  /** Why detection failed (the text is then treated as English unless the caller chose). */
  error?: unknown;
}

/** Detects the language of a text (never throws: a detector that fails to load is reported). */
export async function detectText(text: string): Promise<DetectedText> {
  try {
    const d = (await loadDetector()).detectLanguage(text);
    return { detected: { language: d.language, reliable: d.reliable && enoughToDetect(text) } };
  } catch (error) {
    return { detected: null, error };
  }
}

/** Where label packs come from: the page fetches the assets, Node reads public/taxonomy/. */
export interface LabelPackSource {
  /** The parsed label-pack index (labels-index.json). */
  index(): Promise<unknown>;
  /** The parsed pack of one index entry (labels-<language>.json). */
  pack(language: string, entry: LabelPackIndex['packs'][number]): Promise<unknown>;
}

export interface LabelMatchingHooks {
  /** A language's pack starts loading. */
  labelsLoading?(language: string): void;
  /** A language's pack is loaded and attached to the taxonomy. */
  labelsLoaded?(language: string, labels: LocalizedLabels): void;
  /** A language's pack failed (stale, broken, missing); it is retried on the next request. */
  labelsFailed?(language: string, error: unknown): void;
  /** A language's matcher is built and ready. */
  matcherReady?(language: string, matcher: LanguageMatcher): void;
  /** Awaited before each matcher build (the page yields a macrotask so English results paint first). */
  beforeBuild?(): Promise<void>;
}

export interface TextLanguagePlan extends DetectedText {
  /** The language the text is treated as (the caller's choice, else the detected one, else English). */
  language: string;
  /** Language whose labels are matched beside English; null = English only. */
  matchLanguage: string | null;
  /** Language in which results are shown (per concept English where it has no label). */
  displayLanguage: string;
  /** planLanguage's notice (no pack for the language, partial pack), if any. */
  notice?: string;
  /** The packs listed in the index, when it was needed and loaded (null: not needed). */
  packs: LabelPackIndex['packs'] | null;
  /** Why the index could not be loaded (English is matched and shown then). */
  indexError?: unknown;
}

export interface ForTextOptions extends PlanOptions {
  /**
   * The preset's embedding model for the title (titleModel.ts): where no label names the title's
   * occupation, the model's nearest occupation fused with the title search may (modelTitleOccupation).
   * Absent: the label path only.
   */
  titleModel?: TitleModel;
}

export interface PlanOptions {
  /** The text's language as the caller knows it ('' or absent: detect). */
  language?: string;
  /** A display language the caller asked for (the index is loaded to check it when it is not English). */
  displayLanguage?: string;
}

/** What the pipeline needs for one text: its language plan, the display labels and the mentions. */
export interface TextLabels {
  plan: TextLanguagePlan;
  /** Labels of the display language (undefined: English). */
  labels?: LocalizedLabels;
  /** ExtractionContext.mentions for the text's language plus English; undefined: the English matcher as is. */
  mentions?: (text: string) => LexicalMatch[];
  /** ExtractionContext.titleOccupation: the occupation the text's title names (or a shortlist), with the same matcher. */
  titleOccupation?: (text: string) => TitleReading;
  /** ExtractionContext.labelWords: the text's language's label words (and English's); empty where it has no skill labels. */
  labelWords: readonly LabelWordIndex[];
  /** Messages for the user (no pack, partial pack, a pack that failed, detection that failed). */
  notices: string[];
}

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** "German", "French", ... (English names); the code when unknown. */
export function languageName(code: string): string {
  try {
    return new Intl.DisplayNames(['en'], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** The taxonomy the packs join to, and its English index (needed to build matchers). */
export interface MatchingContext {
  taxonomy: Taxonomy;
  englishIndex?: LexicalIndex;
}

/**
 * Label packs and matchers of one taxonomy, loaded and built once per language (a failed load is
 * retried on the next request). One instance per process (Node) or page session. `context` may be
 * a function: the page creates the instance before its taxonomy has loaded.
 */
export class LabelMatching {
  private indexP: Promise<LabelPackIndex> | undefined;
  private readonly labelsP = new Map<string, Promise<LocalizedLabels>>();
  private readonly matchersP = new Map<string, Promise<LanguageMatcher>>();
  private readonly ready = new Map<string, LanguageMatcher>();
  private englishReady?: LanguageMatcher;
  private englishP: Promise<LanguageMatcher> | undefined;
  private readonly context: () => MatchingContext | undefined;

  constructor(
    context: MatchingContext | (() => MatchingContext | undefined),
    private readonly source: LabelPackSource,
    private readonly hooks: LabelMatchingHooks = {},
  ) {
    this.context = typeof context === 'function' ? context : () => context;
  }

  /** The label-pack index (a failed load is retried on the next call: it may have been a network blip). */
  index(): Promise<LabelPackIndex> {
    if (!this.indexP) {
      const p = this.source.index().then((v) => {
        const i = v as Partial<LabelPackIndex> | null;
        if (!i || !Array.isArray(i.packs)) throw new Error('the label-pack index is not valid JSON of the expected shape');
        return i as LabelPackIndex;
      });
      this.indexP = p;
      p.catch(() => {
        if (this.indexP === p) this.indexP = undefined;
      });
    }
    return this.indexP;
  }

  /** The pack of a language attached to the taxonomy; a stale or broken pack rejects (LabelPackError). */
  labels(language: string): Promise<LocalizedLabels> {
    let p = this.labelsP.get(language);
    if (!p) {
      const taxonomy = this.context()?.taxonomy;
      if (!taxonomy) return Promise.reject(new Error('the taxonomy is not loaded'));
      this.hooks.labelsLoading?.(language);
      p = this.index()
        .then((i) => {
          const entry = i.packs.find((x) => x.language === language);
          if (!entry) throw new Error(`no label pack for "${language}"`);
          return this.source.pack(language, entry);
        })
        .then((json) => attachLabelPack(taxonomy, validateLabelPack(json, taxonomy)));
      this.labelsP.set(language, p);
      p.then(
        (labels) => this.hooks.labelsLoaded?.(language, labels),
        (e: unknown) => {
          this.labelsP.delete(language);
          this.hooks.labelsFailed?.(language, e);
        },
      );
    }
    return p;
  }

  /** The matcher of a language (its labels plus English), built once; the first build takes a second or more. */
  matcher(language: string): Promise<LanguageMatcher> {
    let p = this.matchersP.get(language);
    if (!p) {
      p = this.labels(language).then(async (labels) => {
        const c = this.context();
        if (!c?.englishIndex) throw new Error('the taxonomy is not loaded');
        await this.hooks.beforeBuild?.();
        return buildLanguageMatcher(c.taxonomy, labels, { englishIndex: c.englishIndex });
      });
      this.matchersP.set(language, p);
      p.then(
        (m) => {
          this.ready.set(language, m);
          this.hooks.matcherReady?.(language, m);
        },
        () => this.matchersP.delete(language),
      );
    }
    return p;
  }

  /** The matcher of a language when it is built, else undefined (never waits). */
  readyMatcher(language: string): LanguageMatcher | undefined {
    return this.ready.get(language);
  }

  /** The English-only matcher (for the title search when the text is English). */
  englishMatcher(): Promise<LanguageMatcher> {
    const c = this.context();
    if (!c?.englishIndex) return Promise.reject(new Error('the taxonomy is not loaded yet'));
    return (this.englishP ??= buildLanguageMatcher(c.taxonomy, undefined, { englishIndex: c.englishIndex }).then((m) => (this.englishReady = m)));
  }

  /** The English-only matcher when it is built, else undefined (never waits). */
  readyEnglishMatcher(): LanguageMatcher | undefined {
    return this.englishReady;
  }

  /**
   * Detects the text's language (or takes the caller's) and decides which labels to match and show
   * given the packs that exist. Loads the index only for text that is not English (English users
   * load nothing more). Never throws: failures are in `error` / `indexError`.
   */
  async plan(text: string, options: PlanOptions = {}): Promise<TextLanguagePlan> {
    const d = await detectText(text);
    const language = chooseLanguage(d.detected, options.language ?? '');
    const display = options.displayLanguage ?? '';
    const needIndex = language !== ENGLISH || (display !== '' && display !== ENGLISH);
    let packs: LabelPackIndex['packs'] | null = null;
    let indexError: unknown;
    if (needIndex) {
      try {
        packs = (await this.index()).packs;
      } catch (e) {
        indexError = e;
      }
    }
    let p: LanguagePlan = { matchLanguage: null, displayLanguage: ENGLISH };
    if (!d.error) p = (await loadDetector()).planLanguage(language, packs ?? []);
    return {
      ...d,
      language,
      matchLanguage: p.matchLanguage,
      displayLanguage: p.displayLanguage,
      ...(p.notice ? { notice: p.notice } : {}),
      packs,
      ...(indexError !== undefined ? { indexError } : {}),
    };
  }

  /**
   * Everything extraction needs for one text, waiting for the language's pack and matcher (the CLI
   * and the service; the page shows English results while they load). A pack that fails leaves
   * English matching and a notice.
   */
  async forText(text: string, options: ForTextOptions = {}): Promise<TextLabels> {
    const plan = await this.plan(text, options);
    const notices: string[] = [];
    if (plan.error !== undefined) notices.push(`The language could not be detected (${errorText(plan.error)}); English labels are matched.`);
    if (plan.indexError !== undefined) notices.push(`The list of label languages could not be loaded (${errorText(plan.indexError)}); English labels are matched and shown.`);
    if (plan.notice) notices.push(plan.notice);
    const failedLanguages = new Set<string>();
    const failed = (language: string, e: unknown) => {
      if (failedLanguages.has(language)) return;
      failedLanguages.add(language);
      notices.push(`${languageName(language)} labels could not be loaded (${errorText(e)}); English labels are matched and shown instead.`);
    };
    // both at once, as the page asks for them: the matcher's pack is the display pack's load, not a second one
    const labelsP = plan.displayLanguage !== ENGLISH ? this.labels(plan.displayLanguage) : undefined;
    const matcherP = plan.matchLanguage ? this.matcher(plan.matchLanguage) : undefined;
    let labels: LocalizedLabels | undefined;
    let mentions: TextLabels['mentions'];
    if (labelsP) {
      try {
        labels = await labelsP;
      } catch (e) {
        failed(plan.displayLanguage, e);
      }
    }
    let titleMatcher: LanguageMatcher | undefined;
    if (matcherP) {
      try {
        titleMatcher = await matcherP;
        mentions = mentionsOf(titleMatcher);
      } catch (e) {
        failed(plan.matchLanguage!, e);
      }
    }
    titleMatcher ??= await this.englishMatcher().catch(() => undefined);
    const labelTitles = titleMatcher ? titleOccupationOf(titleMatcher) : undefined;
    let titles: TextLabels['titleOccupation'] = labelTitles;
    if (titleMatcher && options.titleModel) titles = withTitleModel(text, await modelTitleOccupation(titleMatcher, text, options.titleModel), labelTitles!);
    const labelWords = labelWordsOfText(titleMatcher, plan.language);
    return { plan, ...(labels ? { labels } : {}), ...(mentions ? { mentions } : {}), ...(titles ? { titleOccupation: titles } : {}), labelWords, notices };
  }
}

/**
 * ExtractionContext.labelWords of a text in `language` read with `matcher`: the matcher's label words
 * when it is that language's (English's for English text), else none (a language without a pack
 * falls back to the English matcher, whose label words say nothing about its text).
 */
export function labelWordsOfText(matcher: LanguageMatcher | undefined, language: string): readonly LabelWordIndex[] {
  return matcher && matcher.language === language ? matcher.labelWords() : [];
}

/**
 * ExtractionContext.titleOccupation for one text whose title occupation was found ahead (with the
 * model, titleModel.ts modelTitleOccupation): that answer for the text or a prefix of it holding the
 * title (the pipeline may analyse a prefix), the label path's for any other text.
 */
export function withTitleModel(text: string, reading: TitleReading, labels: (text: string) => TitleMatch | null): (text: string) => TitleReading {
  return (t: string) => (text.startsWith(t.trimEnd()) ? titleReadingWithin(reading, t.length) : labels(t));
}

/**
 * ExtractionContext.titleOccupation of a matcher: the occupation the ad's title names (adTitle.ts,
 * then label matching + title search in the text's language and English, occupationRanking.ts), or
 * null when the text has no title or the title names none clearly.
 */
export function titleOccupationOf(matcher: LanguageMatcher): (text: string) => TitleMatch | null {
  let fn = titleFunctions.get(matcher);
  if (!fn) {
    // The page asks twice per text (its label pass, then the worker request) and the pipeline may
    // pass the text without its trailing space: one remembered answer per matcher.
    let last: { key: string; match: TitleMatch | null } | undefined;
    fn = (text: string) => {
      const key = text.trimEnd();
      if (last?.key !== key) {
        const title = findAdTitle(text, { language: matcher.language });
        const r = title ? titleOccupation(matcher, title) : null;
        last = { key, match: r ? toMatch(r) : null };
      }
      return last.match;
    };
    titleFunctions.set(matcher, fn);
  }
  return fn;
}

const titleFunctions = new WeakMap<LanguageMatcher, (text: string) => TitleMatch | null>();

/** ExtractionContext.mentions of a matcher: its language's labels plus English. */
export function mentionsOf(matcher: LanguageMatcher): (text: string) => LexicalMatch[] {
  return (text: string) => findMentionsIn(matcher, text);
}
