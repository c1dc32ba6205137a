// Token counts of the work bge-m3 would do in the app, measured on real text with the project's own
// code: the 500-word ad goes through src/core/pipeline.ts's extract() with a recording embedder and
// reranker (so the texts embedded, segments plus whole-document chunks, and every (segment, concept)
// pair sent to the reranker, its shortlist batch by batch, are exactly what the pipeline produces;
// the pairs of the scheme before the shortlist, every segment's top 5, are rebuilt from the same
// retrieval for comparison), and every concept text of the
// taxonomy asset (conceptText) is measured for the cache regeneration. Token counts come from the BERT
// WordPiece tokenizer of the generated test model (.generated/models/esco-test/...) by default;
// bge-m3's XLM-R SentencePiece tokenizer gives similar counts on English text (not identical). The
// real-model section counts with the real model's own tokenizer instead.
import { AutoTokenizer, type PreTrainedTokenizer } from '@huggingface/transformers';
import { conceptText } from '../../src/core/conceptText.ts';
import { buildLexicalIndex } from '../../src/core/lexical.ts';
import { TEST_EMBEDDER } from '../../src/core/models.ts';
import { DEFAULT_EXTRACT_OPTIONS, extract, rerankPassage, type ExtractionResult } from '../../src/core/pipeline.ts';
import { conceptsOf, type ConceptKind, type Taxonomy } from '../../src/core/taxonomy.ts';
import { quantizeMatrix } from '../../src/core/vectors.ts';
import { configureTransformers } from '../../src/runtime/transformersModels.ts';
import { generateTestModels } from '../generate-test-models.ts';
import { loadTaxonomyAsset, TEST_MODELS_DIR } from '../precompute.ts';
import { adOfWords, wordCount } from './ads.ts';

export interface TextWorkloads {
  adWords: number;
  segments: number;
  documentChunks: number;
  /** One per text the pipeline embeds for the ad (segments, then document chunks). */
  embedLengths: number[];
  /**
   * The scheme before the shortlist (every segment's top 5 per kind, each concept once against its
   * best segment): one entry per reranker call (one segment and kind), the pair lengths of its passages.
   */
  rerankCalls: number[][];
  /** The pipeline's shortlist as it refines it: per progress batch, per reranker call, the pair lengths. */
  shortlistBatches: number[][][];
  /** The shortlist's cap and batch size the pipeline ran with. */
  shortlistLimit: number;
  shortlistBatch: number;
  /** One per concept (skills then occupation-kind concepts). */
  conceptLengths: number[];
  tokenizer: string;
  tokenizeMs: number;
}

const tokenizers = new Map<string, Promise<PreTrainedTokenizer>>();

/**
 * A tokenizer from the local model folder (.generated/models, hub layout): the generated test
 * model's, or a provisioned real model's (e.g. Xenova/bge-small-en-v1.5, the same folder).
 */
function tokenizer(id: string): Promise<PreTrainedTokenizer> {
  let t = tokenizers.get(id);
  if (!t) {
    t = (async () => {
      generateTestModels(TEST_MODELS_DIR);
      configureTransformers({ localModelPath: TEST_MODELS_DIR });
      return AutoTokenizer.from_pretrained(id);
    })();
    tokenizers.set(id, t);
  }
  return t;
}

/** Deterministic pseudo-random unit rows (the search result only decides which concept texts get reranked). */
function randomRows(rows: number, dims: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(rows * dims);
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32 - 0.5;
  }
  for (let r = 0; r < rows; r++) {
    let n = 0;
    for (let d = 0; d < dims; d++) n += out[r * dims + d] ** 2;
    n = Math.sqrt(n);
    for (let d = 0; d < dims; d++) out[r * dims + d] /= n;
  }
  return out;
}

/** Segments' top hits per kind: how many of each segment's candidates the scheme before the shortlist reranked. */
const PER_SEGMENT_TOP = 5;

/**
 * The (segment, concept) pairs of the scheme before the shortlist, from the retrieval evidence: the
 * concepts in any segment's top PER_SEGMENT_TOP, each against the segment that retrieved it best,
 * one call per segment and kind.
 */
function perSegmentTopCalls(text: string, result: ExtractionResult, taxonomy: Taxonomy, len: (q: string, p: string) => number): number[][] {
  const calls: number[][] = [];
  for (const kind of ['skill', 'occupation'] as ConceptKind[]) {
    const spans = new Map<string, { index: number; score: number }[]>();
    for (const c of result.candidates) {
      if (c.kind !== kind) continue;
      for (const e of c.evidence) if (e.signal === 'embedding') spans.set(`${e.start}:${e.end}`, [...(spans.get(`${e.start}:${e.end}`) ?? []), { index: c.index, score: e.score }]);
    }
    const chosen = new Set<number>();
    for (const hits of spans.values()) for (const h of [...hits].sort((a, b) => b.score - a.score).slice(0, PER_SEGMENT_TOP)) chosen.add(h.index);
    const best = new Map<number, { span: string; score: number }>();
    for (const [span, hits] of spans) for (const h of hits) if (chosen.has(h.index) && h.score > (best.get(h.index)?.score ?? -Infinity)) best.set(h.index, { span, score: h.score });
    const bySpan = new Map<string, number[]>();
    for (const [index, { span }] of best) bySpan.set(span, [...(bySpan.get(span) ?? []), index]);
    for (const [span, indices] of bySpan) {
      const [start, end] = span.split(':').map(Number);
      calls.push(indices.map((i) => len(text.slice(start, end), rerankPassage(kind === 'skill' ? taxonomy.skills[i] : taxonomy.occupations[i]))));
    }
  }
  return calls;
}

/** `tokenizerId`: whose tokenizer counts the tokens (default the test model's BERT WordPiece). */
export async function measureTextWorkloads(words = 500, taxonomy: Taxonomy = loadTaxonomyAsset(), tokenizerId: string = TEST_EMBEDDER.id): Promise<TextWorkloads> {
  const tok = await tokenizer(tokenizerId);
  const t0 = performance.now();
  const len = (text: string, pair?: string): number => tok.encode(text, pair === undefined ? {} : { text_pair: pair }).length;
  const ad = adOfWords(words);
  const dims = 8;
  const embedded: string[][] = [];
  // A new batch starts at each progress report (the first comes before any pair is scored).
  const shortlistBatches: number[][][] = [[]];
  const result = await extract(ad, {
    taxonomy,
    lexical: buildLexicalIndex(taxonomy),
    matrices: {
      skill: quantizeMatrix(randomRows(taxonomy.skills.length, dims, 1), taxonomy.skills.length, dims, 'f16'),
      occupation: quantizeMatrix(randomRows(taxonomy.occupations.length, dims, 2), taxonomy.occupations.length, dims, 'f16'),
    },
    embedder: {
      dims,
      embed: async (texts) => {
        embedded.push(texts);
        return randomRows(texts.length, dims, 3);
      },
    },
    reranker: {
      rerank: async (query, passages) => {
        shortlistBatches[shortlistBatches.length - 1].push(passages.map((p) => len(query, p)));
        return new Float32Array(passages.length);
      },
    },
  }, {}, (_, done) => {
    if (done > 0) shortlistBatches.push([]);
  });
  const texts = embedded.flat();
  const segments = result.segments.length;
  const conceptLengths = [...conceptsOf(taxonomy, 'skill'), ...conceptsOf(taxonomy, 'occupation')].map((c) => len(conceptText(c)));
  return {
    adWords: wordCount(ad),
    segments,
    documentChunks: texts.length - segments,
    embedLengths: texts.map((t) => len(t)),
    rerankCalls: perSegmentTopCalls(ad, result, taxonomy, len),
    shortlistBatches: shortlistBatches.filter((b) => b.length),
    shortlistLimit: DEFAULT_EXTRACT_OPTIONS.rerankLimit,
    shortlistBatch: DEFAULT_EXTRACT_OPTIONS.rerankBatch,
    conceptLengths,
    tokenizer: tokenizerId === TEST_EMBEDDER.id ? `BERT WordPiece (${TEST_EMBEDDER.id})` : `${tokenizerId}'s tokenizer`,
    tokenizeMs: performance.now() - t0,
  };
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round((p / 100) * (sorted.length - 1))))];
}
