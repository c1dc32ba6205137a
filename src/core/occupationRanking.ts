// Occupations named by a job title (an ad's title, adTitle.ts, or a typed title): the hybrid ranking.
// Two rankers, fused by score (default: the lexical score relative to its query's best + the model's
// cosine rescaled over its hits, weighted) or by reciprocal rank (RRF: sum of weight / (k + rank)):
// - label matching + title search (multilingualLexical.ts rankTitle): the ESCO labels of the text's
//   language and English; it is run on the whole title and on each of its parts ("Lagerist – Fachkraft
//   für Lagerlogistik"), an occupation keeping its best rank (the first part's ranks as is, the whole
//   title's one lower, later parts' two lower; exact labels as is) and the span that gave it as evidence;
// - optionally the embedding model: the cosine of the title's embedding with each occupation, which
//   the caller computes (the pipeline already embeds the title line and searches the occupation
//   matrix) and passes as precomputed hits; without them the lexical ranking is the ranking.
// Both fusions use only relative scores, so no calibration between BM25-like scores and a preset's
// cosines is needed.
// A title "names" an occupation (`confident`) when the best one is an exact label of the title or of
// a part, or its label and the title share most words, or both rankers put it first.
import type { AdTitle, TitleSpan } from './adTitle.ts';
import { genderedPair } from './genderForms.ts';
import { foldWord } from './lexical.ts';
import { rankTitle, type LanguageMatcher } from './multilingualLexical.ts';
import type { TitleHit } from './titleSearch.ts';
import { titlePhrases } from './titlePhrases.ts';

/** One occupation's model score for the title: cosine of the title's embedding, row in taxonomy.occupations. */
export interface ModelHit {
  index: number;
  score: number;
}

export interface TitleOccupation {
  /** Row in taxonomy.occupations (ISCO groups included). */
  index: number;
  /** Fused score (higher is better; only comparable within one ranking). */
  score: number;
  /** The lexical score relative to the best of its query, a part's discounted (0..1); 0 when the lexical ranking lacks it. */
  lexicalValue: number;
  /** The best label of the lexical ranking (language and label), or the English label for a model-only hit. */
  label: string;
  language: string;
  iscoGroup: boolean;
  /** The whole title, one of its parts or one of its phrases (titlePhrases.ts) equals one of the occupation's labels. */
  exact: boolean;
  /** Rank (0-based) in the lexical ranking and its score; absent when the lexical ranking lacks it. */
  lexicalRank?: number;
  lexicalScore?: number;
  /** Rank (0-based) among the model hits and the cosine; absent without model scores or outside them. */
  modelRank?: number;
  modelScore?: number;
  /** The span of the ad (or of the title string) whose words named it: the title, one of its parts or phrases. */
  evidence: TitleSpan;
  /**
   * A span of the title (the title, a part or a phrase) and a label of this occupation that share
   * words enough to say the title names it (labelWordsName), the first found; absent when none does.
   */
  named?: { span: TitleSpan; label: string; language: string };
}

export interface TitleRankingOptions {
  /** Occupations returned (default 10). */
  limit?: number;
  /** The model's cosine per occupation for the whole title: hits in any order, or a dense array in taxonomy.occupations order. */
  model?: readonly ModelHit[] | ArrayLike<number>;
  /**
   * How the two rankers are fused (default 'score'): 'score' adds the lexical score relative to the
   * best of its query (0..1, a part's discounted) and the model's cosine rescaled between the last and
   * the first of its hits (0..1) times modelWeight; 'rrf' adds 1/(k + rank) and modelWeight/(k + rank).
   */
  fusion?: 'score' | 'rrf';
  /** RRF constant (default TITLE_RRF_K). */
  rrfK?: number;
  /** Weight of the model beside the lexical ranker (weight 1); default TITLE_SCORE_MODEL_WEIGHT or TITLE_RRF_MODEL_WEIGHT. */
  modelWeight?: number;
  /** Lexical candidates considered per query (default 50); model hits considered (default 50). */
  depth?: number;
  /** Lexical rankings already computed, by query text (an evaluation ranking one title several ways); filled as it goes. */
  lexicalCache?: Map<string, TitleHit[]>;
}

/**
 * Defaults (measured on MELO validation, `npm run eval:titles`, EVAL.md): score fusion; the model's
 * weight depends on how good the model is at titles beside the labels: multilingual-e5-small 0.75
 * (best on de, fr, nl and near it on en), bge-small-en 2 on English titles (its text's only language).
 * RRF (k 2, weight 1.5) measured lower with both.
 */
export const TITLE_FUSION: 'score' | 'rrf' = 'score';
export const TITLE_SCORE_MODEL_WEIGHT = 0.75;
export const TITLE_MODEL_WEIGHTS: Readonly<Record<string, number>> = { 'multilingual-e5-small': 0.75, 'bge-small-en': 2 };
export const TITLE_RRF_K = 2;
export const TITLE_RRF_MODEL_WEIGHT = 1.5;

/** The model weight of score fusion for a preset (TITLE_MODEL_WEIGHTS, else TITLE_SCORE_MODEL_WEIGHT). */
export const titleModelWeight = (presetId: string): number => TITLE_MODEL_WEIGHTS[presetId] ?? TITLE_SCORE_MODEL_WEIGHT;

/** Words after these name what a title is not ("Architects, Except Landscape and Naval"): left out of the query. */
const EXCEPT = /,?\s+(?:except|excluding|other than|ausgenommen|au(?:ß|ss)er|ohne|sauf|hors|behalve|uitgezonderd|excepto|salvo|tranne|eccetto|z wyj(?:ą|a)tkiem|utom|unntatt)\b.*$/iu;

/** Discount of a lexical score by where it came from: the title proper (first part), the whole title, a later part, a phrase. */
const PART_DISCOUNT = [1, 0.9, 0.8, 0.7];
/** Value of an exact label of a phrase: above any inexact hit, below an exact label of the title itself. */
const PHRASE_EXACT = 0.95;

const asSpan = (title: string | AdTitle | TitleSpan): TitleSpan => (typeof title === 'string' ? { text: title, start: 0, end: title.length } : title);

/** The model's hits, best first: from sparse hits or a dense per-occupation array. */
export function modelRanking(model: readonly ModelHit[] | ArrayLike<number>, depth: number): ModelHit[] {
  const hits: ModelHit[] = [];
  const arr = model as ArrayLike<unknown>;
  if (arr.length > 0 && typeof arr[0] === 'number') {
    const dense = model as ArrayLike<number>;
    for (let i = 0; i < dense.length; i++) if (Number.isFinite(dense[i])) hits.push({ index: i, score: dense[i] });
  } else hits.push(...(model as readonly ModelHit[]));
  hits.sort((a, b) => b.score - a.score || a.index - b.index);
  return hits.slice(0, depth);
}

/**
 * Occupations ranked for a title, best first. `title` is an AdTitle (its parts are ranked too, and
 * evidence spans are offsets into the ad) or a plain string (evidence offsets into that string).
 */
export function rankTitleOccupations(matcher: LanguageMatcher, title: string | AdTitle, options: TitleRankingOptions = {}): TitleOccupation[] {
  const limit = options.limit ?? 10;
  const k = options.rrfK ?? TITLE_RRF_K;
  const depth = options.depth ?? 50;
  const whole = asSpan(title);
  const parts = typeof title !== 'string' && 'parts' in title && title.parts.length > 1 ? title.parts : [];
  const out = new Map<number, TitleOccupation>();
  // shorter phrases of a long title (titlePhrases.ts): the AdTitle's, or the typed title's own
  const phrases = typeof title !== 'string' && 'parts' in title ? title.phrases ?? [] : titlePhrases(whole, matcher.language);
  // lexical: the best rank of each occupation over the whole title, its parts and its phrases
  const spans = [
    ...(parts.length ? [{ span: parts[0], offset: 0 }, { span: whole, offset: 1 }, ...parts.slice(1).map((p) => ({ span: p, offset: 2 }))] : [{ span: whole, offset: 0 }]),
    ...phrases.map((p) => ({ span: p, offset: 3, attribute: p.cut === 'attribute' })),
  ];
  for (const { span, offset, ...rest } of spans) {
    // a label equal to a phrase cut before its attribute is not the title's ("Animateur" of
    // "Animateur de groupes d’enfants" is presenter in ESCO): ranked, but as an inexact hit
    const exactCounts = !('attribute' in rest && rest.attribute);
    const query = span.text.replace(EXCEPT, '') || span.text;
    let hits = options.lexicalCache?.get(query);
    if (!hits) {
      hits = rankTitle(matcher, query, { limit: depth });
      options.lexicalCache?.set(query, hits);
    }
    const top = hits[0]?.score || 1;
    hits.forEach((hit: TitleHit, r) => {
      const h = exactCounts || !hit.exact ? hit : { ...hit, exact: false };
      // with parts, the first part is most often the title proper ("Backend Engineer – The Mobile
      // Wallet", "Java Developer – Full-time job"): its ranking counts as is, the whole title's one rank
      // lower, the other parts' two, a phrase's three; an exact label counts as is in any of them, a
      // phrase's a little lower than the title's own (the title said more than the phrase)
      const rank = h.exact ? r : r + offset;
      const named = out.get(h.index)?.named ?? (labelWordsName(query, h.label, offset === 3) ? { span: { text: span.text, start: span.start, end: span.end }, label: h.label, language: h.language } : undefined);
      const value = (h.score / top) * (h.exact ? (offset === 3 ? PHRASE_EXACT : 1) : PART_DISCOUNT[offset]);
      const prev = out.get(h.index);
      if (prev) prev.lexicalRank = Math.min(prev.lexicalRank!, rank);
      // the best value wins (the first span to reach it: the title proper's); an exact label brings
      // its span as the evidence, the words that name the occupation
      if (prev && prev.lexicalValue >= value) {
        if (named) prev.named = named;
        if (h.exact && !prev.exact) Object.assign(prev, { exact: true, label: h.label, language: h.language, evidence: { text: span.text, start: span.start, end: span.end } });
        return;
      }
      const keepEvidence = prev?.exact && !h.exact;
      out.set(h.index, {
        index: h.index, score: 0, lexicalValue: value, label: keepEvidence ? prev.label : h.label, language: keepEvidence ? prev.language : h.language, iscoGroup: h.iscoGroup,
        exact: h.exact || (prev?.exact ?? false), lexicalRank: Math.min(rank, prev?.lexicalRank ?? rank), lexicalScore: h.score,
        evidence: keepEvidence ? prev.evidence : { text: span.text, start: span.start, end: span.end },
        ...(named ? { named } : {}),
      });
    });
  }
  let modelTop = 0;
  let modelFloor = 0;
  if (options.model) {
    const ranked = modelRanking(options.model, depth);
    modelTop = ranked[0]?.score ?? 0;
    modelFloor = ranked[ranked.length - 1]?.score ?? 0;
    ranked.forEach((h, rank) => {
      let o = out.get(h.index);
      if (!o) {
        const c = matcher.taxonomy.occupations[h.index];
        if (!c) return;
        const own = matcher.labels?.occupations[h.index];
        o = { index: h.index, score: 0, lexicalValue: 0, label: own?.label ?? c.label, language: own ? matcher.labels!.language : matcher.taxonomy.language, iscoGroup: c.isIscoGroup, exact: false, evidence: { ...whole } };
        out.set(h.index, o);
      }
      o.modelRank = rank;
      o.modelScore = h.score;
    });
  }
  const rrf = (options.fusion ?? TITLE_FUSION) === 'rrf';
  const wModel = options.modelWeight ?? (rrf ? TITLE_RRF_MODEL_WEIGHT : TITLE_SCORE_MODEL_WEIGHT);
  const span = modelTop - modelFloor || 1;
  for (const o of out.values()) {
    o.score = rrf
      ? (o.lexicalRank !== undefined ? 1 / (k + o.lexicalRank + 1) : 0) + (o.modelRank !== undefined ? wModel / (k + o.modelRank + 1) : 0)
      : o.lexicalValue + (o.modelScore !== undefined ? (wModel * (o.modelScore - modelFloor)) / span : 0);
  }
  return [...out.values()].sort((a, b) => b.score - a.score || (a.lexicalRank ?? 1e9) - (b.lexicalRank ?? 1e9) || a.index - b.index).slice(0, limit);
}

/** Words of a label or title for the overlap test: folded, function words, seniority words and short words left out. */
function contentWords(s: string): string[] {
  return (s.match(/[\p{L}\p{N}]+/gu) ?? []).map(foldWord).filter((w) => w.length >= 3 && !FUNCTION_WORDS.has(w));
}
const FUNCTION_WORDS = new Set([
  'and', 'for', 'the', 'with', 'und', 'der', 'die', 'das', 'des', 'den', 'dem', 'fur', 'von', 'mit', 'les', 'pour', 'aux', 'van', 'het', 'een', 'voor',
  'del', 'los', 'las', 'para', 'con', 'della', 'delle', 'degli', 'per', 'dei',
  // seniority says nothing of the occupation ("Senior Backend Developer" is no "senior product developer")
  'senior', 'junior', 'principal', 'medior', 'mid', 'level', 'experienced', 'erfahrener', 'erfahrene', 'ervaren', 'confirme', 'confirmee', 'debutant',
]);

/** Two words match when equal, or when they share a prefix of at least 5 letters and two thirds of the longer (inflection: "pracownika"/"pracownik"). */
function sameWord(a: string, b: string): boolean {
  if (a === b) return true;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i >= 5 && i >= (2 / 3) * Math.max(a.length, b.length);
}

/** Shares of the title's content words found in the label, and of the label's found in the title (0..1 each); `shared`: the label's words found. */
export function wordOverlap(title: string, label: string): { title: number; label: number; shared: number } {
  const t = contentWords(title);
  const l = contentWords(label);
  if (t.length === 0 || l.length === 0) return { title: 0, label: 0, shared: 0 };
  // one to one: a title word stands for one label word ("Engineer" is not both "engine" and "engineer")
  const used = new Set<number>();
  let shared = 0;
  for (const w of l) {
    const i = t.findIndex((x, j) => !used.has(j) && sameWord(w, x));
    if (i >= 0) {
      used.add(i);
      shared++;
    }
  }
  return { title: used.size / t.length, label: shared / l.length, shared };
}

/** The rule of "label words": title and label share words enough (title share + label share >= 1.5, e.g. all of "bus driver" in "Child Care Bus Driver"). */
export const MIN_WORD_OVERLAP = 1.5;

/**
 * Whether a title (or a part, or a phrase) and a label share words enough to say the title names the
 * label's occupation:
 * - title share + label share >= MIN_WORD_OVERLAP ("bus driver" in "Child Care Bus Driver"), where
 *   one word in common is the whole label (a one-word title names no specialisation of it);
 * - or two or more of the label's words, and at least two thirds of them, are in the title: two words
 *   in common are rarely chance ("pedagogisch medewerker" of "pedagogisch medewerker kinderopvang" in
 *   "Enthousiaste en zorgzame pedagogisch medewerker voor onze peutergroep").
 * A phrase is a part of the title chosen by its words, so it must hold all of the label's words and
 * be half label: "Assistente" of "Assistente del team" is no "assistente sociale".
 */
export function labelWordsName(title: string, label: string, phrase = false): boolean {
  // a gendered pair ("conducteur de grue/conductrice de grue") is read as either of its forms
  return labelForms(label).some((form) => formWordsName(title, form, phrase));
}

/**
 * A 'label words' result whose label has a word the title lacks ("mobile equipment engineer" for
 * "Mobile Engineer", "digital games developer" for "Java Developer Digital Jenkins"): the missing
 * word is often the specialisation, so it is a guess the model should confirm (titleModel.ts).
 */
export function partialLabelWords(r: TitleOccupationResult): boolean {
  if (r.reason !== 'label words') return false;
  return !labelForms(r.best.label).some((form) => wordOverlap(r.best.evidence.text.replace(EXCEPT, ''), form).label === 1);
}

/** A label's forms as a title may name it: each form of a gendered pair ("conducteur de grue/conductrice de grue"), else the label. */
function labelForms(label: string): string[] {
  return genderedPair(label) ?? [label];
}

function formWordsName(title: string, label: string, phrase: boolean): boolean {
  const o = wordOverlap(title.replace(EXCEPT, ''), label);
  if (phrase) return o.label === 1 && o.title >= 0.5;
  // one shared word is the whole label or nothing: "Doctor" is no "tree doctor", "Administrator" no "art administrator"
  if (o.shared < 2 && o.label < 1) return false;
  return o.title + o.label >= MIN_WORD_OVERLAP || (o.shared >= 2 && o.label >= 2 / 3);
}

export interface TitleOccupationResult {
  /** The best occupation, with its evidence span. */
  best: TitleOccupation;
  /** Why it counts as named by the title. */
  reason: 'exact label' | 'label words' | 'both rankers agree';
  /** The ranking it was taken from (best first). */
  ranking: TitleOccupation[];
}

/**
 * The occupation an ad's title names, or null when the title names none with confidence (a name, a
 * department, a title of words no ESCO label shares). The rule to show it for every ad: the best of
 * the ranking, when it is an exact label of the title, of one of its parts or phrases, or one of its
 * labels and the title (or a part or phrase) share words enough (labelWordsName, seniority words left
 * out), or the lexical ranking and the model both rank it first.
 */
export function titleOccupation(matcher: LanguageMatcher, title: string | AdTitle, options: TitleRankingOptions = {}): TitleOccupationResult | null {
  const ranking = rankTitleOccupations(matcher, title, options);
  const best = ranking[0];
  if (!best) return null;
  if (best.exact) return { best, reason: 'exact label', ranking };
  // the span and label that share the words are the evidence shown
  if (best.named) return { best: { ...best, evidence: best.named.span, label: best.named.label, language: best.named.language }, reason: 'label words', ranking };
  if (best.lexicalRank === 0 && best.modelRank === 0) return { best, reason: 'both rankers agree', ranking };
  return null;
}
