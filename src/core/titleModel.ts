// The ad's title read by the embedding model: when no ESCO label names the title's occupation (the
// label path of occupationRanking.ts titleOccupation: an exact label, label words), the title and its
// leading phrases (titlePhrases.ts) are embedded as queries against the preset's occupation matrix,
// the model's nearest occupations are fused with the title search (rankTitleOccupations), and the
// best one becomes the title's occupation when the fused ranking clearly supports it (modelSupports:
// the model and the title search both rank it near the top and it leads the runner-up by a margin,
// calibrated on MELO validation, `npm run eval:titles`: its "shown" columns). "Doctor/a" names its
// occupation in words no ESCO label of the language holds. Label words that leave a word of the label
// out ("Mobile Engineer", "mobile equipment engineer") stand only where the model agrees. A title
// whose words name a family ("Bezorger", "Administrator*in") gets no occupation here but a shortlist
// the whole ad decides among (titleShortlist, pipeline.ts TitleShortlist). A preset whose model does
// not read the title's language is not asked.
// One function for the app's worker, the CLI and the eval: they own the embedder and pass it as a
// TitleModel (titleModelOf). Pure TypeScript, no DOM.
import { findAdTitle, type AdTitle } from './adTitle.ts';
import { stripGenderMarkers } from './genderForms.ts';
import { presetReads, type Embedder } from './models.ts';
import type { LanguageMatcher } from './multilingualLexical.ts';
import { partialLabelWords, rankTitleOccupations, titleModelWeight, titleOccupation, type ModelHit, type TitleOccupation, type TitleOccupationResult, type TitleRankingOptions } from './occupationRanking.ts';
import { titlePhrases } from './titlePhrases.ts';
import { topK, type ConceptMatrix, type TopKResult } from './vectors.ts';

/** The preset's embedding model as the title ranking reads it. */
export interface TitleModel {
  /** The preset (its fusion weight, titleModelWeight). */
  presetId: string;
  /** The model's nearest occupations of each text embedded as a query: `depth` hits each, best first, rows of taxonomy.occupations. */
  nearest(texts: string[], depth: number): Promise<ModelHit[][]>;
}

/** Model hits read per text (the fusion rescales over them: rankTitleOccupations' default depth). */
export const TITLE_MODEL_DEPTH = 50;
/** A phrase's cosine counts this much less than the whole title's (the title says more than its phrase). */
export const PHRASE_COSINE_DISCOUNT = 0.01;

/**
 * A TitleModel over a query embedder (the preset's query prefix applied: models.ts queryEmbedder) and
 * the occupation matrix, searched by `search` where the caller has one (the worker's WGSL kernel),
 * else by topK here. One row per occupation (as the app ships the matrix).
 */
export function titleModelOf(
  presetId: string,
  embedder: Embedder,
  matrix: ConceptMatrix,
  search?: (queries: Float32Array, count: number, k: number) => Promise<TopKResult>,
): TitleModel {
  return {
    presetId,
    async nearest(texts, depth) {
      if (texts.length === 0) return [];
      const vectors = await embedder.embed(texts);
      const top = search ? await search(vectors, texts.length, depth) : topK(matrix, vectors, texts.length, depth);
      return modelHitsOf(top);
    },
  };
}

/** A top-k result as each query's hits, best first. */
export function modelHitsOf(top: TopKResult): ModelHit[][] {
  return Array.from({ length: top.queries }, (_, q) => {
    const hits: ModelHit[] = [];
    for (let j = 0; j < top.k; j++) {
      const index = top.indices[q * top.k + j];
      if (index >= 0) hits.push({ index, score: top.scores[q * top.k + j] });
    }
    return hits;
  });
}

/**
 * What the model reads of a title: the title text (gender markers removed) first, then its phrases
 * (the AdTitle's, or for a typed title its own in the matcher's language). Each text once.
 */
export function titleModelTexts(title: string | AdTitle, language?: string): string[] {
  const whole = typeof title === 'string' ? { text: title, start: 0, end: title.length } : title;
  const phrases = typeof title !== 'string' && 'parts' in title ? title.phrases ?? [] : titlePhrases(whole, language);
  const texts = [whole.text, ...phrases.map((p) => p.text)].map((t) => stripGenderMarkers(t)).filter((t) => /\p{L}/u.test(t));
  return [...new Set(texts)];
}

/** Each occupation's best cosine over the title (first) and its phrases (PHRASE_COSINE_DISCOUNT lower), best first. */
export function mergeModelHits(perText: readonly (readonly ModelHit[])[]): ModelHit[] {
  const best = new Map<number, number>();
  perText.forEach((hits, t) => {
    for (const h of hits) {
      const s = h.score - (t > 0 ? PHRASE_COSINE_DISCOUNT : 0);
      if (!(best.get(h.index)! >= s)) best.set(h.index, s);
    }
  });
  return [...best].map(([index, score]) => ({ index, score })).sort((a, b) => b.score - a.score || a.index - b.index);
}

/**
 * The bar of a model-based title occupation, calibrated on MELO validation (`npm run eval:titles`,
 * the "shown" columns): the fused best is among the first `rank + 1` of both the title search and the
 * model, and leads the runner-up by at least `margin` of the best fused score possible (1 + the
 * model's weight: a share, so it means the same at any preset's weight). multilingual-e5-small, titles
 * no label names: the best of the fused ranking is right for 0.19 of them; at this bar 0.43 of the
 * 106 of 674 it accepts (the 'label words' path: 0.30), the share of titles shown an occupation rising
 * from 0.68 to 0.73.
 */
export const TITLE_MODEL_BAR: TitleModelBar = { rank: 1, margin: 0.17 };
export interface TitleModelBar {
  /** Highest 0-based rank in either ranker. */
  rank: number;
  /** Lead over the runner-up, as a share of the best fused score possible (1 + model weight). */
  margin: number;
}

/** Whether the fused ranking's best clearly names the title's occupation (TITLE_MODEL_BAR); `modelWeight`: the fusion's. */
export function modelSupports(ranking: readonly TitleOccupation[], modelWeight: number, bar: TitleModelBar = TITLE_MODEL_BAR): boolean {
  const [best, next] = ranking;
  if (!best || best.modelRank === undefined || best.lexicalRank === undefined) return false;
  if (Math.max(best.modelRank, best.lexicalRank) > bar.rank) return false;
  return best.score - (next?.score ?? 0) >= bar.margin * (1 + modelWeight);
}

export interface ModelTitleOptions {
  /** The bar (default TITLE_MODEL_BAR). */
  bar?: TitleModelBar;
  /** Fusion options over the preset's (rankTitleOccupations). */
  ranking?: TitleRankingOptions;
}

export type ModelTitleResult = TitleOccupationResult | (Omit<TitleOccupationResult, 'reason'> & { reason: 'model' });

/**
 * The occupation a title names, the model helping where the labels do not: the label path first
 * (titleOccupation without the model: an exact label or label words win as they are), then the
 * ranking fused with the model's hits (already computed for the title's texts, titleModelTexts
 * order): its best when both rankers put it first ('both rankers agree') or modelSupports it
 * ('model'); else null. Sync, for callers that embedded the title ahead.
 */
export function titleOccupationWithHits(
  matcher: LanguageMatcher,
  title: string | AdTitle,
  presetId: string,
  hits: readonly (readonly ModelHit[])[] | undefined,
  options: ModelTitleOptions = {},
): ModelTitleResult | null {
  return fusedTitle(matcher, title, titleOccupation(matcher, title, options.ranking), presetId, hits, options).result;
}

/**
 * titleOccupationWithHits given the label path's answer (`labels`), and the fused ranking it read
 * (empty where the label path decided or there are no hits).
 */
function fusedTitle(
  matcher: LanguageMatcher,
  title: string | AdTitle,
  labels: TitleOccupationResult | null,
  presetId: string,
  hits: readonly (readonly ModelHit[])[] | undefined,
  options: ModelTitleOptions,
): { result: ModelTitleResult | null; ranking: TitleOccupation[] } {
  if (!hits?.length || !modelAsked(labels, presetId, matcher.language)) return { result: labels, ranking: [] };
  const merged = mergeModelHits(hits);
  if (labels) {
    const rank = merged.findIndex((h) => h.index === labels.best.index);
    if (rank >= 0 && rank < PARTIAL_LABEL_MODEL_RANK) return { result: labels, ranking: [] };
  }
  // deep enough for a shortlist of the title's words (titleShortlist)
  const fusion: TitleRankingOptions = { modelWeight: titleModelWeight(presetId), limit: 100, ...options.ranking, model: merged };
  const ranking = rankTitleOccupations(matcher, title, fusion);
  const best = ranking[0];
  if (!best) return { result: null, ranking };
  if (best.lexicalRank === 0 && best.modelRank === 0) return { result: { best, reason: 'both rankers agree', ranking }, ranking };
  return { result: modelSupports(ranking, fusion.modelWeight!, options.bar) ? { best, reason: 'model', ranking } : null, ranking };
}

/**
 * Whether the model is asked about a title: the label path named no occupation, or named one by only
 * part of its label's words (partialLabelWords), and the preset reads the title's language. An
 * English-only model ranks a German title's occupations worse than the labels alone (MELO aut_de MRR
 * 0.54 -> 0.19 fused with bge-small-en).
 */
function modelAsked(labels: TitleOccupationResult | null, presetId: string, language: string): boolean {
  return (!labels || partialLabelWords(labels)) && presetReads(presetId, language);
}

/**
 * How near the model must put the occupation of a title whose words name only part of its label
 * (occupationRanking.ts partialLabelWords) for the label path's answer to stand; else the fused ranking decides.
 */
export const PARTIAL_LABEL_MODEL_RANK = 10;

/** The most occupations a title's shortlist holds (pipeline.ts TitleShortlist). */
export const TITLE_SHORTLIST_SIZE = 30;
/** A shortlisted occupation's words match the title at least this share as well as the best's (lexicalValue). */
export const TITLE_SHORTLIST_VALUE = 0.8;

/**
 * A title that names no occupation clearly, as a shortlist for the document to decide among
 * (pipeline.ts TitleShortlist): the occupations whose labels the title's words match about as well
 * as the best one's (TITLE_SHORTLIST_VALUE), in the title search's order, at most
 * TITLE_SHORTLIST_SIZE: "Administrator*in" names some fifty "<x> administrator" equally, and the
 * body tells which. The model's ranking does not shortlist: it would read the title and the whole ad
 * with the same preferences (an embedding model's hub occupations), and the two must be independent.
 */
export function titleShortlist(ranking: readonly TitleOccupation[], presetId?: string): TitleMatchLike[] {
  const model = presetId ? `the model ${presetId}` : 'the model';
  const named = ranking.filter((r) => r.lexicalRank !== undefined);
  const best = Math.max(0, ...named.map((r) => r.lexicalValue));
  return named
    .filter((r) => best > 0 && r.lexicalValue >= TITLE_SHORTLIST_VALUE * best)
    .sort((a, b) => a.lexicalRank! - b.lexicalRank! || b.lexicalValue - a.lexicalValue)
    .slice(0, TITLE_SHORTLIST_SIZE)
    .map((r) => ({ index: r.index, start: r.evidence.start, end: r.evidence.end, label: r.label, reason: `one of the occupations its words name, and among those ${model} puts nearest to the whole ad` }));
}

/**
 * The occupation an ad's title names (findAdTitle, in the matcher's language), with the model where
 * the labels do not name it: the TitleReading the pipeline takes (ExtractionContext.titleOccupation).
 * A TitleMatch when one path names it: `reason` says which, 'exact label', 'label words', or (toMatch)
 * one that names the model: "first of the title search and of the model <preset>", "nearest
 * occupation of the model <preset>, supported by the title search". Else, with the model, the
 * shortlist the document decides among (titleShortlist; none when it is empty); null when the text
 * has no title or, without the model, no label names one.
 */
export async function modelTitleOccupation(matcher: LanguageMatcher, text: string, model: TitleModel | undefined, options: ModelTitleOptions = {}): Promise<TitleReadingLike> {
  const title = findAdTitle(text, { language: matcher.language });
  if (!title) return null;
  const labels = titleOccupation(matcher, title, options.ranking);
  if (!model || !modelAsked(labels, model.presetId, matcher.language)) return labels ? toMatch(labels) : null;
  const hits = await model.nearest(titleModelTexts(title, matcher.language), TITLE_MODEL_DEPTH);
  const { result, ranking } = fusedTitle(matcher, title, labels, model.presetId, hits, options);
  if (result) return toMatch(result, model.presetId);
  const shortlist = titleShortlist(ranking, model.presetId);
  return shortlist.length ? { shortlist } : null;
}

/** pipeline.ts TitleReading (structurally, as TitleMatchLike). */
export type TitleReadingLike = TitleMatchLike | { shortlist: TitleMatchLike[] } | null;

/** pipeline.ts TitleMatch (structurally; not imported so that this module stays below the pipeline). */
export interface TitleMatchLike {
  index: number;
  start: number;
  end: number;
  label: string;
  reason: string;
}

/** The TitleMatch of a result: the evidence span, the label shown, and why (a model-based one says so). */
export function toMatch(r: ModelTitleResult, presetId?: string): TitleMatchLike {
  const model = presetId ? `the model ${presetId}` : 'the model';
  const reason = r.reason === 'model' ? `nearest occupation of ${model}, supported by the title search` : r.reason === 'both rankers agree' ? `first of the title search and of ${model}` : r.reason;
  return { index: r.best.index, start: r.best.evidence.start, end: r.best.evidence.end, label: r.best.label, reason };
}
