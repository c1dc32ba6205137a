// The extraction pipeline: text -> segments -> per-segment candidates (lexical label mentions,
// dense retrieval against the concept matrices, optional cross-encoder rerank) -> one aggregated
// candidate per concept with every evidence span. Written against the small Embedder/Reranker
// interfaces so the worker, the Node CLIs and tests run the same code with real or stand-in models.
import { conceptText } from './conceptText.ts';
import { findMentions, type LexicalIndex } from './lexical.ts';
import type { Embedder, Reranker } from './models.ts';
import { segmentText, type Segment, type SegmentOptions } from './segment.ts';
import type { ConceptKind, Taxonomy } from './taxonomy.ts';
import { topK, type ConceptMatrix } from './vectors.ts';

export type Signal = 'lexical' | 'embedding' | 'reranker' | 'document';

export interface Evidence {
  start: number;
  end: number;
  segmentIndex: number;
  signal: 'lexical' | 'embedding';
  /** Cosine for embedding evidence; the lexical score for a label mention. */
  score: number;
  /** Reranker probability for this segment and concept, when it was reranked. */
  rerank?: number;
  /** The ESCO label that matched (lexical evidence). */
  label?: string;
}

export interface Candidate {
  kind: ConceptKind;
  index: number;
  /** Best retrieval cosine over all segments (0 when only found lexically). */
  retrieval: number;
  /** Reranker probability against the segment that retrieved it best; 0 for retrieved candidates it did not rescore. */
  rerank?: number;
  /** Lexical score: LEXICAL_SCORE.preferred / .alt when a label was found in the text, else 0. */
  lexical: number;
  /** Whole-document cosine (occupations only). */
  document?: number;
  signals: Signal[];
  evidence: Evidence[];
  /** Offset of the earliest evidence span, for "order of appearance" sorting. */
  firstOffset: number;
}

export interface ExtractOptions {
  segment: SegmentOptions;
  /** Retrieval candidates kept per segment and kind. */
  topK: number;
  /** How many of those the reranker rescores per segment and kind (0 disables reranking); each distinct concept once. */
  rerankTopK: number;
  /** Occupations ranked against the whole document (job ads are usually about one occupation). */
  documentTopK: number;
  /** Chunk length for the whole-document embedding. */
  documentChunkChars: number;
  maxDocumentChunks: number;
}

export const DEFAULT_EXTRACT_OPTIONS: ExtractOptions = {
  segment: {},
  topK: 10,
  rerankTopK: 5,
  documentTopK: 10,
  documentChunkChars: 2000,
  maxDocumentChunks: 8,
};

/** Scores given to label mentions, so lexical hits sit on the same 0..1 scale as model scores. */
export const LEXICAL_SCORE = { preferred: 1, alt: 0.95, iscoGroup: 0.85 } as const;

export interface ExtractionContext {
  taxonomy: Taxonomy;
  lexical: LexicalIndex;
  /** Concept matrices (row i = concept i of that kind); without them only lexical matching runs. */
  matrices?: Record<ConceptKind, ConceptMatrix>;
  embedder?: Embedder;
  reranker?: Reranker;
}

export type ExtractionStage = 'lexical' | 'embedding' | 'reranked';

export interface ExtractionResult {
  textLength: number;
  segments: Segment[];
  notices: string[];
  candidates: Candidate[];
  stage: ExtractionStage;
  timings: Record<string, number>;
}

const now = () => globalThis.performance.now();
const key = (kind: ConceptKind, index: number) => (kind === 'skill' ? index : -1 - index);

class CandidateMap {
  private readonly map = new Map<number, Candidate>();

  get(kind: ConceptKind, index: number, firstOffset: number): Candidate {
    const k = key(kind, index);
    let c = this.map.get(k);
    if (!c) {
      c = { kind, index, retrieval: 0, lexical: 0, signals: [], evidence: [], firstOffset };
      this.map.set(k, c);
    }
    c.firstOffset = Math.min(c.firstOffset, firstOffset);
    return c;
  }

  values(): Candidate[] {
    return [...this.map.values()];
  }
}

function addSignal(c: Candidate, s: Signal) {
  if (!c.signals.includes(s)) c.signals.push(s);
}

function segmentOf(segments: Segment[], offset: number): number {
  let lo = 0;
  let hi = segments.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (segments[mid].end <= offset) lo = mid + 1;
    else if (segments[mid].start > offset) hi = mid - 1;
    else return segments[mid].index;
  }
  return -1;
}

function addLexical(ctx: ExtractionContext, text: string, segments: Segment[], map: CandidateMap) {
  for (const m of findMentions(ctx.lexical, text)) {
    const isGroup = m.kind === 'occupation' && ctx.taxonomy.occupations[m.index]?.isIscoGroup;
    const score = isGroup ? LEXICAL_SCORE.iscoGroup : m.preferred ? LEXICAL_SCORE.preferred : LEXICAL_SCORE.alt;
    const c = map.get(m.kind, m.index, m.start);
    c.lexical = Math.max(c.lexical, score);
    addSignal(c, 'lexical');
    c.evidence.push({ start: m.start, end: m.end, segmentIndex: segmentOf(segments, m.start), signal: 'lexical', score, label: m.label });
  }
}

/** Splits the text into at most `max` chunks of about `chunkChars`, at segment boundaries. */
function documentChunks(segments: Segment[], chunkChars: number, max: number): string[] {
  const chunks: string[] = [];
  let current = '';
  for (const s of segments) {
    if (current && current.length + s.text.length + 1 > chunkChars) {
      chunks.push(current);
      if (chunks.length === max) return chunks;
      current = '';
    }
    current = current ? `${current}\n${s.text}` : s.text;
  }
  if (current) chunks.push(current);
  return chunks;
}

function meanOfRows(rows: Float32Array, from: number, count: number, dims: number, weights: number[]): Float32Array {
  const out = new Float32Array(dims);
  for (let r = 0; r < count; r++) {
    const base = (from + r) * dims;
    for (let d = 0; d < dims; d++) out[d] += rows[base + d] * weights[r];
  }
  let norm = 0;
  for (let d = 0; d < dims; d++) norm += out[d] * out[d];
  norm = Math.sqrt(norm) || 1;
  for (let d = 0; d < dims; d++) out[d] /= norm;
  return out;
}

const KINDS: ConceptKind[] = ['skill', 'occupation'];

/** Lexical matching only: synchronous and instant, usable before any model has loaded. */
export function extractLexical(text: string, ctx: ExtractionContext, options: Partial<ExtractOptions> = {}): ExtractionResult {
  const { result, map } = lexicalStage(text, ctx, options);
  result.candidates = map.values();
  return result;
}

/** Segments and label mentions; the map is where the dense and rerank stages add to the same entries. */
function lexicalStage(text: string, ctx: ExtractionContext, options: Partial<ExtractOptions>): { result: ExtractionResult; map: CandidateMap } {
  const t0 = now();
  const seg = segmentText(text, options.segment ?? DEFAULT_EXTRACT_OPTIONS.segment);
  const analysed = seg.segments.length ? text.slice(0, seg.segments[seg.segments.length - 1].end) : '';
  const map = new CandidateMap();
  addLexical(ctx, analysed, seg.segments, map);
  const result: ExtractionResult = { textLength: text.length, segments: seg.segments, notices: seg.notices, candidates: [], stage: 'lexical', timings: { lexicalMs: now() - t0 } };
  return { result, map };
}

/**
 * Full extraction. Runs dense retrieval when both an embedder and matrices are present, and the
 * reranker when one is given and rerankTopK > 0; otherwise degrades to lexical matching.
 */
export async function extract(text: string, ctx: ExtractionContext, options: Partial<ExtractOptions> = {}): Promise<ExtractionResult> {
  const opts = { ...DEFAULT_EXTRACT_OPTIONS, ...options };
  const { result, map } = lexicalStage(text, ctx, opts);
  result.candidates = map.values();
  const { embedder, matrices, reranker } = ctx;
  if (!embedder || !matrices || result.segments.length === 0) return result;
  const segments = result.segments;

  let t = now();
  const docChunks = opts.documentTopK > 0 ? documentChunks(segments, opts.documentChunkChars, opts.maxDocumentChunks) : [];
  // One embed call for segments and document chunks: the embedder batches them together.
  const vectors = await embedder.embed([...segments.map((s) => s.text), ...docChunks]);
  const dims = embedder.dims;
  result.timings.embedMs = now() - t;

  t = now();
  const segmentVectors = vectors.subarray(0, segments.length * dims);
  const hits: Record<ConceptKind, ReturnType<typeof topK>> = {
    skill: topK(matrices.skill, segmentVectors, segments.length, opts.topK),
    occupation: topK(matrices.occupation, segmentVectors, segments.length, opts.topK),
  };
  for (const kind of KINDS) {
    const { indices, scores, k } = hits[kind];
    for (let s = 0; s < segments.length; s++) {
      for (let j = 0; j < k; j++) {
        const index = indices[s * k + j];
        if (index < 0) break;
        const c = map.get(kind, index, segments[s].start);
        c.retrieval = Math.max(c.retrieval, scores[s * k + j]);
        addSignal(c, 'embedding');
        c.evidence.push({ start: segments[s].start, end: segments[s].end, segmentIndex: s, signal: 'embedding', score: scores[s * k + j] });
      }
    }
  }
  if (docChunks.length > 0) {
    const weights = docChunks.map((c) => c.length);
    const docVector = meanOfRows(vectors, segments.length, docChunks.length, dims, weights);
    const doc = topK(matrices.occupation, docVector, 1, opts.documentTopK);
    for (let j = 0; j < doc.k && doc.indices[j] >= 0; j++) {
      const c = map.get('occupation', doc.indices[j], segments[0].start);
      c.document = doc.scores[j];
      addSignal(c, 'document');
    }
  }
  result.timings.searchMs = now() - t;
  result.stage = 'embedding';

  if (reranker && opts.rerankTopK > 0) {
    t = now();
    for (const kind of KINDS) {
      const { indices, scores, k } = hits[kind];
      const concepts = kind === 'skill' ? ctx.taxonomy.skills : ctx.taxonomy.occupations;
      // Each candidate from a segment's reranked top-k is scored once, against the segment where
      // retrieval found it strongest: a cross-encoder pass is the most expensive step, and the same
      // concept recurs across segments (measured: 1,060 pairs for a 500-word ad when scored per segment).
      const best = new Map<number, { segment: number; score: number }>();
      for (let s = 0; s < segments.length; s++) {
        for (let j = 0; j < Math.min(k, opts.rerankTopK) && indices[s * k + j] >= 0; j++) best.set(indices[s * k + j], { segment: -1, score: -Infinity });
      }
      for (let i = 0; i < indices.length; i++) {
        const b = best.get(indices[i]);
        if (b && scores[i] > b.score) {
          b.score = scores[i];
          b.segment = Math.floor(i / k);
        }
      }
      const bySegment = new Map<number, number[]>();
      for (const [index, { segment }] of best) bySegment.set(segment, [...(bySegment.get(segment) ?? []), index]);
      for (const [s, top] of [...bySegment].sort((a, b) => a[0] - b[0])) {
        const probs = await reranker.rerank(segments[s].text, top.map((i) => conceptText(concepts[i])));
        top.forEach((index, j) => {
          const c = map.get(kind, index, segments[s].start);
          c.rerank = probs[j];
          addSignal(c, 'reranker');
          const ev = c.evidence.find((e) => e.signal === 'embedding' && e.segmentIndex === s);
          if (ev) ev.rerank = probs[j];
        });
      }
    }
    // Retrieved but never in a segment's reranked top-k: the reranker did not confirm them. A score of
    // 0 keeps cosines (another scale) out of the 'auto' cut; the 'retrieval' basis still shows them.
    for (const c of map.values()) if (c.rerank === undefined && c.signals.includes('embedding')) c.rerank = 0;
    result.timings.rerankMs = now() - t;
    result.stage = 'reranked';
  }
  result.candidates = map.values();
  return result;
}
