// Label matching in the text's language plus English, and occupation ranking of a title.
// The English matcher (lexical.ts) is reused unchanged for both: a second LexicalIndex is built over
// the label pack of the language (labels joined by URI, so match indices are taxonomy rows), with the
// language's word key (stemmer or light normaliser, wordKeys.ts), its function words, and gendered
// labels expanded into both forms and the ads' short forms (genderForms.ts). So the guarantees hold
// as in English: word boundaries, diacritic/case folding, longest match, exact offsets into the text.
// Mixed text ("Erfahrung mit Java und Kubernetes") is matched by both indexes; overlapping mentions
// are resolved longest-first across the two, the text's language winning a tie.
import { buildLexicalIndex, DEFAULT_STOP_LABELS, findMentions, foldWord, type LexicalIndex, type LexicalMatch } from './lexical.ts';
import { STORED_MIN_ZIPF } from './wordFrequency.ts';
import { genderEndingAt, labelVariants } from './genderForms.ts';
import { languageConcepts, languageNamesIn } from './languageNames.ts';
import { textLabelWords, type LabelWordIndex } from './labelWords.ts';
import type { LocalizedLabels, PackEntry } from './labelPacks.ts';
import type { OccupationConcept, SkillConcept, Taxonomy } from './taxonomy.ts';
import { TitleSearch, type TitleHit } from './titleSearch.ts';
import { STOPWORDS, wordKeyFor, type KeyMode } from './wordKeys.ts';

export interface MultilingualMatch extends LexicalMatch {
  /** Language of the label that matched. */
  language: string;
}

export interface LanguageMatcher {
  taxonomy: Taxonomy;
  /** The pack's language, or the taxonomy's (English) when no pack is loaded. */
  language: string;
  labels?: LocalizedLabels;
  english: LexicalIndex;
  native?: LexicalIndex;
  /** Occupation title search over English and the pack's occupation labels (built lazily). */
  titles: () => TitleSearch;
  lexicalInTitles: boolean;
  /** Skill rows that are languages (languageNames.ts): their names are adjectives too. */
  languageRows: ReadonlySet<number>;
  /** ExtractionContext.labelWords of text in the matcher's language (labelWords.ts textLabelWords; built on first use). */
  labelWords: () => readonly LabelWordIndex[];
}

export interface LanguageMatcherOptions {
  /** Word key of the pack's language (default 'stem': measured best on the MELO titles). */
  keyMode?: KeyMode;
  /** An English index already built (the worker has one): spares a second build. */
  englishIndex?: LexicalIndex;
  /** English labels in the title search too (default true). */
  englishTitles?: boolean;
  /** Compound heads in the title search (default true). */
  compounds?: boolean;
  /** Add label-matcher mentions to the title ranking (default true). */
  lexical?: boolean;
  fuzzy?: number;
  /** Weight of the character n-gram title index (TitleSearchOptions.gramWeight). */
  gramWeight?: number;
}

/** Labels of one pack entry as the matcher indexes them: preferred first, variants as alternatives. */
function packLabels(e: PackEntry): { label: string; altLabels: string[] } {
  const alts = new Set<string>();
  for (const v of labelVariants(e.label)) if (v !== e.label) alts.add(v);
  for (const a of [...(e.alt ?? []), ...(e.hidden ?? [])]) for (const v of labelVariants(a)) alts.add(v);
  alts.delete(e.label);
  return { label: e.label, altLabels: [...alts] };
}

/** Languages whose skill labels end in the verb ("Wundversorgung durchführen") / start with it ("effectuer des soins"). */
const VERB_LAST = new Set(['de', 'nl']);
// The verb, then an article or contraction: longest first and ending at a space or an apostrophe, so
// "une pompe" loses "une", not "un" ("e pompe").
const VERB_FIRST: Readonly<Record<string, RegExp>> = {
  fr: /^\p{Ll}+(?:er|ir|re)\s+(?:(?:de la|de l['’]|les|le|la|l['’]|des|du|d['’]|une|un|aux|au)(?:\s+|(?<=['’])))?/u,
  es: /^\p{Ll}+(?:ar|er|ir)\s+(?:(?:los|las|el|la|una|un|del|de)\s+)?/u,
  it: /^\p{Ll}+(?:are|ere|ire)\s+(?:(?:della|del|di|gli|il|lo|la|le|i|una|un)\s+)?/u,
  pt: /^\p{Ll}+(?:ar|er|ir)\s+(?:(?:os|as|o|a|uma|um|do|da|de)\s+)?/u,
};

/** Prepositions that tie a verb to its object ("procéder à l'analyse") and are no stopword of the language. */
const LEADING_PREPOSITIONS: Readonly<Record<string, readonly string[]>> = { fr: ['à'], es: ['a'], it: ['a'], pt: ['a'] };

/**
 * ESCO skill labels in most languages are verb phrases ("Wundversorgung durchführen", "effectuer
 * des soins des plaies"); ads name the object ("Erfahrung in der Wundversorgung"). The object is
 * derived as an extra label, like the English matcher's "Head (qualifier)" heads, when it has at
 * least 4 letters; callers keep it only where it is unique to one concept. A preposition that ties
 * a leading verb to its object goes ("procéder à l'analyse" -> "analyse"); one before a trailing
 * verb stays, since it carries part of the verb's sense ("über Sicherheitsstandards informieren"
 * names no "Sicherheitsstandards" alone). A remainder that ends in a function word is no object
 * but a misread label ("toezicht houden op het schoonmaken", "Büroausstattung aufstellen und
 * einrichten": the verb is not last), and knowledge concepts are noun phrases with no verb to drop
 * (Dutch "goede productiepraktijken" ends in "-en" like an infinitive): callers pass only skills.
 */
export function skillObject(label: string, language: string): string | undefined {
  let obj: string | undefined;
  if (VERB_LAST.has(language)) {
    const m = /^(.*\S)\s+\p{Ll}+(?:en|ern|eln)$/u.exec(label);
    obj = m?.[1];
  } else {
    const re = VERB_FIRST[language];
    const m = re?.exec(label);
    if (m && m[0].length < label.length) obj = label.slice(m[0].length);
  }
  if (!obj) return undefined;
  const stop = new Set(STOPWORDS[language] ?? []);
  const words = obj.split(/\s+/);
  if (words.length > 1 && LEADING_PREPOSITIONS[language]?.includes(words[0].toLowerCase())) words.shift();
  if (stop.has(words[words.length - 1].toLowerCase())) return undefined;
  obj = words.join(' ').replace(/^(?:l|d)['’]/iu, '');
  return obj.replace(/[^\p{L}]/gu, '').length >= 4 ? obj : undefined;
}

/**
 * Written forms of a language's name beyond the name itself. German joins the name to the word for
 * knowledge ("gute Deutschkenntnisse", "Englischkenntnisse"), the form most German ads use.
 */
function languageNameForms(name: string, language: string): string[] {
  return language === 'de' ? [`${name}kenntnisse`] : [];
}

/** The taxonomy with the pack's labels in place of the English ones (empty where the pack has none). */
export function localizedTaxonomy(taxonomy: Taxonomy, labels: LocalizedLabels): Taxonomy {
  // skill objects, kept only where one concept derives them and no concept has them as a label
  const own = new Set<string>();
  for (const e of [...labels.skills, ...labels.occupations]) if (e) for (const l of [e.label, ...(e.alt ?? [])]) own.add(l.toLowerCase());
  const derivedBy = new Map<string, number>();
  const objectOf = (e: PackEntry | undefined, i: number) => (e && taxonomy.skills[i]?.skillType !== 'knowledge' ? skillObject(e.label, labels.language) : undefined);
  labels.skills.forEach((e, i) => {
    const o = objectOf(e, i)?.toLowerCase();
    if (o && !own.has(o)) derivedBy.set(o, (derivedBy.get(o) ?? 0) + 1);
  });
  const languageNames = languageNamesIn(taxonomy, labels.language);
  const skills: SkillConcept[] = taxonomy.skills.map((c, i) => {
    const e = labels.skills[i];
    const name = languageNames.get(i);
    // CLDR's name is an alternative label: one sense of a word, weak where the word is common
    // (Spanish "finés" folds to "fines", purposes)
    if (!e) return { ...c, description: '', label: '', altLabels: name ? [name, ...languageNameForms(name, labels.language)] : [] };
    const l = packLabels(e);
    const o = objectOf(e, i);
    if (o && derivedBy.get(o.toLowerCase()) === 1) l.altLabels.push(o);
    if (name) for (const f of [name, ...languageNameForms(name, labels.language)]) if (f.toLowerCase() !== l.label.toLowerCase() && !l.altLabels.includes(f)) l.altLabels.push(f);
    return { ...c, description: '', ...l };
  });
  const occupations: OccupationConcept[] = taxonomy.occupations.map((c, i) => {
    const e = labels.occupations[i];
    return { ...c, description: '', ...(e ? packLabels(e) : { label: '', altLabels: [] }) };
  });
  // the language's own word frequencies (none: no weak-evidence rule for it), never English's
  const { wordFrequency: _english, ...rest } = taxonomy;
  return { ...rest, language: labels.language, skills, occupations, ...(labels.wordFrequency ? { wordFrequency: labels.wordFrequency } : {}) };
}

export async function buildLanguageMatcher(taxonomy: Taxonomy, labels: LocalizedLabels | undefined, options: LanguageMatcherOptions = {}): Promise<LanguageMatcher> {
  const mode = options.keyMode ?? 'stem';
  const english = options.englishIndex ?? buildLexicalIndex(taxonomy);
  let native: LexicalIndex | undefined;
  const nativeKey = labels ? await wordKeyFor(labels.language, mode) : undefined;
  const englishKey = await wordKeyFor(taxonomy.language, mode);
  if (labels) {
    // concepts English names with an everyday word it never matches (DEFAULT_STOP_LABELS: "energy", "history")
    const stop = new Set(DEFAULT_STOP_LABELS);
    const everydayNamed = new Set<string>();
    taxonomy.skills.forEach((c, i) => stop.has(c.label.toLowerCase()) && everydayNamed.add(`skill:${i}`));
    taxonomy.occupations.forEach((c, i) => stop.has(c.label.toLowerCase()) && everydayNamed.add(`occupation:${i}`));
    native = buildLexicalIndex(localizedTaxonomy(taxonomy, labels), {
      ...(nativeKey ? { wordKey: nativeKey } : { foldPlurals: false }),
      stopLabels: [],
      extraStopwords: STOPWORDS[labels.language] ?? [],
      // without descriptions in the language there is no common-word signal: these guards are off
      genericMinCount: 0,
      properNameMinCount: 0,
      ...(taxonomy.wordFrequency ? { headWordFrequency: taxonomy.wordFrequency.zipf } : {}),
      weakOneWordConcepts: (kind, index) => everydayNamed.has(`${kind}:${index}`),
    });
  }
  let titles: TitleSearch | undefined;
  let labelWords: readonly LabelWordIndex[] | undefined;
  return {
    taxonomy,
    language: labels?.language ?? taxonomy.language,
    labels,
    english,
    native,
    lexicalInTitles: options.lexical ?? true,
    languageRows: new Set(languageConcepts(taxonomy).keys()),
    labelWords: () => (labelWords ??= textLabelWords(taxonomy, englishKey, labels, nativeKey)),
    titles: () =>
      (titles ??= new TitleSearch(taxonomy, {
        english: options.englishTitles ?? true,
        englishWordKey: englishKey,
        languages: labels ? [{ labels, wordKey: nativeKey }] : [],
        ...(options.compounds === false ? { compoundLanguages: [] } : {}),
        ...(options.fuzzy !== undefined ? { fuzzy: options.fuzzy } : {}),
        ...(options.gramWeight !== undefined ? { gramWeight: options.gramWeight } : {}),
      })),
  };
}

/**
 * Label mentions in the text's language and in English, sorted by start. Spans never overlap: the
 * longer one wins, and of two equal spans the text's language; one span may name several concepts.
 */
export function findMentionsIn(matcher: LanguageMatcher, text: string): MultilingualMatch[] {
  const groups = new Map<string, MultilingualMatch[]>();
  const collect = (ms: LexicalMatch[], language: string, native: boolean): void => {
    for (const m of ms) {
      const key = `${m.start}:${m.end}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = []));
      // one match per concept and span; the native label is listed (and shown) first
      if (!g.some((x) => x.kind === m.kind && x.index === m.index)) {
        if (native) g.unshift({ ...m, language });
        else g.push({ ...m, language });
      }
    }
  };
  if (matcher.native) {
    let native = findMentions(matcher.native, text);
    // German writes nouns with a capital: a capitalised one-word label ("Arbeit") needs a capital in
    // the text, or a verb its stem equals ("arbeiten") would match it; a language's name is an
    // adjective too ("in englischer Sprache"): weak, not dropped
    if (CAPITALISED_NOUNS.has(matcher.language))
      native = native.flatMap((m) => {
        if (!isCapitalisedWord(m.label) || isCapitalisedWord(text.slice(m.start, m.end))) return [m];
        return m.kind === 'skill' && matcher.languageRows.has(m.index) ? [{ ...m, weak: true }] : [];
      });
    // a language's name found as a shorter word of its stem is another word (Spanish "fin" for "finés")
    native = native.filter((m) => !(m.kind === 'skill' && matcher.languageRows.has(m.index) && foldWord(text.slice(m.start, m.end)).length < foldWord(m.label).length - 1));
    native = native.map((m) => (!m.weak && stemOnlyOneWord(m, text) ? { ...m, weak: true } : m));
    collect(native, matcher.language, true);
  }
  collect(englishMentions(matcher, text), matcher.taxonomy.language, false);
  const spans = [...groups.values()];
  const isNative = (g: MultilingualMatch[]) => (g[0].language === matcher.language ? 0 : 1);
  spans.sort((a, b) => b[0].end - b[0].start - (a[0].end - a[0].start) || isNative(a) - isNative(b) || a[0].start - b[0].start);
  const kept: MultilingualMatch[][] = [];
  for (const g of spans) {
    const { start, end } = g[0];
    if (kept.some((k) => k[0].start < end && start < k[0].end)) continue;
    kept.push(g);
  }
  kept.sort((a, b) => a[0].start - b[0].start);
  // "Krankenpfleger/in", "Entwickler:in", "infirmier/ère": the span takes in the glued feminine ending
  for (const g of kept) {
    const end = g[0].end + genderEndingAt(text, g[0].end);
    if (end !== g[0].end && !kept.some((k) => k !== g && k[0].start < end && k[0].start >= g[0].end)) for (const m of g) m.end = end;
  }
  return kept.flat();
}

/**
 * English label mentions in the text. In text of another language an English label made of words
 * that are everyday words there too ("transformer" in French, "Roma" in Italian, "net" in Dutch) is a
 * false friend more often than not: weak evidence, like a common one-word label.
 */
function englishMentions(matcher: LanguageMatcher, text: string): LexicalMatch[] {
  const ms = findMentions(matcher.english, text);
  const zipf = matcher.language !== matcher.taxonomy.language ? matcher.labels?.wordFrequency?.zipf : undefined;
  if (!zipf) return ms;
  return ms.map((m) => {
    if (m.weak) return m;
    const words = text.slice(m.start, m.end).match(/[\p{L}\p{N}]+/gu) ?? [];
    return words.length && words.every((w) => (zipf[foldWord(w)] ?? 0) >= STORED_MIN_ZIPF) ? { ...m, weak: true } : m;
  });
}

/**
 * A one-word label found only through the language's stem, not as the label's word or that word
 * with an ending ("Datenbanken" of "Datenbank"), but as another word of its root ("France" for
 * "Français", "Ökosystems" for "Ökosysteme"): the stemmer joins words that name different things (a
 * country and its language, a noun and a verb), so it is weak evidence, shown where the model
 * retrieves the concept for its passage. Several words found by their stems are evidence as they
 * are: the stems of a phrase seldom all agree by chance.
 */
function stemOnlyOneWord(m: LexicalMatch, text: string): boolean {
  if (/[\s-]/.test(m.label.trim())) return false;
  const found = foldWord(text.slice(m.start, m.end));
  const label = foldWord(m.label);
  return !found.startsWith(label) && !label.startsWith(found);
}

const CAPITALISED_NOUNS = new Set(['de', 'lb']);
const isCapitalisedWord = (s: string): boolean => !/\s/.test(s.trim()) && /^\p{Lu}/u.test(s);

/** Weight of a label mention in the title ranking, per share of the title's letters it covers. */
const LEXICAL_WEIGHT = 0.6;

/**
 * Occupations (ISCO groups included) ranked for a job title: the title search's scores, plus a
 * bonus for occupations the label matcher finds in the title (in proportion to the share of the
 * title they cover), so an exact label inside a longer title ("Koch/Köchin im Gastgewerbe") counts.
 */
export function rankTitle(matcher: LanguageMatcher, title: string, options: { limit?: number } = {}): TitleHit[] {
  const limit = options.limit ?? 20;
  const hits = matcher.titles().search(title, { limit: Math.max(limit, 50) });
  if (!matcher.lexicalInTitles) return hits.slice(0, limit);
  const letters = (s: string) => (s.match(/[\p{L}\p{N}]/gu) ?? []).length;
  const total = Math.max(1, letters(title));
  const byIndex = new Map(hits.map((h) => [h.index, h]));
  for (const m of findMentionsIn(matcher, title)) {
    if (m.kind !== 'occupation') continue;
    const bonus = LEXICAL_WEIGHT * (letters(title.slice(m.start, m.end)) / total) * (m.iscoGroup ? matcher.titles().iscoGroupWeight : 1);
    const h = byIndex.get(m.index);
    if (h) h.score += bonus;
    else byIndex.set(m.index, { index: m.index, score: bonus, label: m.label, language: m.language, iscoGroup: m.iscoGroup, exact: false });
  }
  return [...byIndex.values()].sort((a, b) => b.score - a.score || a.index - b.index).slice(0, limit);
}
