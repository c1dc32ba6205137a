// The reranker's per-document shortlist and what refining it costs. A cross-encoder pass is the
// most expensive step of an extraction (BENCHMARKS.md: minutes for a 500-word ad on WASM when every
// segment's top-k was rescored), so only the candidates whose standing the reranker can change are
// scored, each concept once against the segment that retrieved it best, the most uncertain first,
// at most a fixed number per document. Pure: the pipeline (pipeline.ts) feeds it retrieval results,
// the engine feeds it the measured time per pair.
import type { ConceptKind } from './taxonomy.ts';

/** A retrieved concept the reranker could score: its best retrieval cosine and the query that gave it. */
export interface RerankCandidate {
  kind: ConceptKind;
  index: number;
  /** Best retrieval cosine over the document's queries. */
  retrieval: number;
  /** Lexical score (pipeline.ts LEXICAL_SCORE); 0 when no label was found in the text. */
  lexical: number;
  /** The query (segment) where retrieval found this concept strongest: the pair the reranker scores. */
  query: number;
}

/**
 * The retrieval-cosine band of one kind. `focus` is the cut the shortlist centres on (the threshold,
 * on the cosine scale); `low` the cosine under which a candidate is taken not to pass any useful cut.
 */
export interface RerankBand {
  low: number;
  focus: number;
}

/**
 * How far under the cut a retrieval cosine may lie and still be shortlisted. Provisional: the real
 * bge-reranker-v2-m3 has not been run on the validation data (no weights offline); bge-m3 puts
 * matching pairs at about 0.55-0.75 around its 0.6 cut, so 0.15 under it keeps the near misses a
 * cross-encoder can rescue and drops the long tail of unrelated top-k hits. `npm run eval -- --rerank`
 * is where it gets tuned once the model is available.
 */
export const RERANK_BAND_BELOW = 0.15;

/**
 * A label found in the text scores at least this (LEXICAL_SCORE.alt; preferred labels 1). Under every
 * fusion but 'dense' such a candidate's score stays at or above it whatever the reranker says
 * (thresholds.ts: max(model, lexical), or lexical - 0.05 * (1 - model) >= 0.9 with 'confirm'), so it
 * needs no pass. ISCO-group mentions (0.85) stay eligible.
 */
export const VERBATIM_LEXICAL = 0.95;

/** The band around a cut: from RERANK_BAND_BELOW under it upwards. */
export function bandAround(threshold: number): RerankBand {
  return { low: threshold - RERANK_BAND_BELOW, focus: threshold };
}

export interface Shortlist {
  /** The pairs to score, most uncertain first (|retrieval - focus| ascending), at most `cap`. */
  items: RerankCandidate[];
  /** Retrieved under the band: taken not to pass; the pipeline marks them unconfirmed (rerank 0). */
  below: RerankCandidate[];
  /** In the band but past the cap: left unscored, they keep their cosine. */
  capped: RerankCandidate[];
  /** Found verbatim (lexical >= VERBATIM_LEXICAL): they pass without a pass. */
  verbatim: RerankCandidate[];
}

const keyOf = (c: RerankCandidate) => `${c.kind}:${c.index}`;

/**
 * Builds the shortlist. Every concept appears once (its highest-retrieval entry wins when the input
 * repeats one). Ties in uncertainty go to the higher cosine, then skills, then the lower index, so
 * the order is deterministic.
 */
export function rerankShortlist(candidates: readonly RerankCandidate[], band: Record<ConceptKind, RerankBand>, cap: number): Shortlist {
  const best = new Map<string, RerankCandidate>();
  for (const c of candidates) {
    const k = keyOf(c);
    const seen = best.get(k);
    if (!seen || c.retrieval > seen.retrieval) best.set(k, c);
  }
  const out: Shortlist = { items: [], below: [], capped: [], verbatim: [] };
  const eligible: RerankCandidate[] = [];
  for (const c of best.values()) {
    if (c.lexical >= VERBATIM_LEXICAL) out.verbatim.push(c);
    else if (c.retrieval < band[c.kind].low) out.below.push(c);
    else eligible.push(c);
  }
  const doubt = (c: RerankCandidate) => Math.abs(c.retrieval - band[c.kind].focus);
  eligible.sort((a, b) => doubt(a) - doubt(b) || b.retrieval - a.retrieval || (a.kind === b.kind ? 0 : a.kind === 'skill' ? -1 : 1) || a.index - b.index);
  const n = Math.max(0, Math.floor(cap));
  out.items = eligible.slice(0, n);
  out.capped = eligible.slice(n);
  return out;
}

/**
 * Consecutive slices: the first of `first` items, then of `size` (each at least 1): the batches
 * refinement reports progress after.
 */
export function batchesOf<T>(items: readonly T[], size: number, first = size): T[][] {
  const step = Math.max(1, Math.floor(size));
  const out: T[][] = [];
  for (let i = 0, n = Math.max(1, Math.floor(first)); i < items.length; i += n, n = step) out.push(items.slice(i, i + n));
  return out;
}

/** Within one batch, the pairs grouped by query: one reranker call per query, in first-seen order. */
export function groupByQuery(batch: readonly RerankCandidate[]): { query: number; items: RerankCandidate[] }[] {
  const groups = new Map<number, RerankCandidate[]>();
  for (const c of batch) {
    const g = groups.get(c.query);
    if (g) g.push(c);
    else groups.set(c.query, [c]);
  }
  return [...groups].map(([query, items]) => ({ query, items }));
}

// ---- cost and the automatic policy ----

/** The automatic setting turns the reranker on when refining a full shortlist takes under this on the device. */
export const RERANK_BUDGET_MS = 30_000;

/** The measured cost of the reranker on this device (engine start-up, workers/engine.ts). */
export interface RerankTiming {
  /** Milliseconds per (segment, concept) pair, measured on a small batch of realistic pairs. */
  perPairMs: number;
  /** Pairs the measurement timed. */
  pairs: number;
}

export function refinementMs(pairs: number, timing: RerankTiming): number {
  return pairs * timing.perPairMs;
}

/**
 * The automatic reranker setting: on when a full shortlist (`cap` pairs, the most a document costs)
 * refines within the budget here; unknown (null) until the reranker has been timed.
 */
export function automaticReranker(timing: RerankTiming | undefined, cap: number, budgetMs = RERANK_BUDGET_MS): boolean | null {
  if (!timing || !Number.isFinite(timing.perPairMs)) return null;
  return refinementMs(cap, timing) <= budgetMs;
}
