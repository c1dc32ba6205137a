// The reranker's shortlist (band, cap, order, each concept once, verbatim labels skipped), its
// batches and the automatic policy's cost estimate.
import { describe, expect, it } from 'vitest';
import {
  automaticReranker,
  bandAround,
  batchesOf,
  groupByQuery,
  RERANK_BAND_BELOW,
  RERANK_BUDGET_MS,
  refinementMs,
  rerankShortlist,
  VERBATIM_LEXICAL,
  type RerankCandidate,
} from './rerankShortlist.ts';

const cand = (kind: 'skill' | 'occupation', index: number, retrieval: number, lexical = 0, query = 0): RerankCandidate => ({ kind, index, retrieval, lexical, query });
const band = { skill: bandAround(0.6), occupation: bandAround(0.5) };
const ids = (list: RerankCandidate[]) => list.map((c) => `${c.kind[0]}${c.index}`);

describe('rerank shortlist', () => {
  it('keeps the band: from RERANK_BAND_BELOW under the cut upwards', () => {
    const low = 0.6 - RERANK_BAND_BELOW;
    const s = rerankShortlist([cand('skill', 1, low - 0.01), cand('skill', 2, low + 0.001), cand('skill', 3, 0.95), cand('occupation', 4, 0.36), cand('occupation', 5, 0.34)], band, 40);
    expect(ids(s.items).sort()).toEqual(['o4', 's2', 's3']);
    expect(ids(s.below).sort()).toEqual(['o5', 's1']);
    expect(s.capped).toEqual([]);
  });

  it('skips labels found verbatim (preferred 1, alternative 0.95) but not ISCO-group mentions (0.85)', () => {
    const s = rerankShortlist([cand('skill', 1, 0.6, 1), cand('skill', 2, 0.6, VERBATIM_LEXICAL), cand('occupation', 3, 0.5, 0.85), cand('skill', 4, 0.1, 1)], band, 40);
    expect(ids(s.verbatim).sort()).toEqual(['s1', 's2', 's4']);
    expect(ids(s.items)).toEqual(['o3']);
  });

  it('scores the most uncertain first: nearest to each kind’s cut, ties to the higher cosine', () => {
    const s = rerankShortlist([cand('skill', 1, 0.9), cand('skill', 2, 0.58), cand('occupation', 3, 0.5), cand('occupation', 4, 0.375), cand('occupation', 5, 0.625), cand('skill', 6, 0.7)], band, 40);
    // Distance from the cut: o3 0, s2 0.02, s6 0.1, o5 and o4 0.125 (a tie: the higher cosine first), s1 0.3.
    expect(ids(s.items)).toEqual(['o3', 's2', 's6', 'o5', 'o4', 's1']);
  });

  it('caps the shortlist and keeps the rest, most certain, as capped', () => {
    const many = Array.from({ length: 100 }, (_, i) => cand('skill', i, 0.45 + i * 0.005));
    const s = rerankShortlist(many, band, 40);
    expect(s.items).toHaveLength(40);
    expect(s.capped).toHaveLength(100 - 40 - s.below.length);
    const doubt = (c: RerankCandidate) => Math.abs(c.retrieval - 0.6);
    const worstIn = Math.max(...s.items.map(doubt));
    expect(s.capped.every((c) => doubt(c) >= worstIn - 1e-12)).toBe(true);
    expect(rerankShortlist(many, band, 0).items).toEqual([]);
  });

  it('lists each concept once, with its best query', () => {
    const s = rerankShortlist([cand('skill', 7, 0.55, 0, 3), cand('skill', 7, 0.62, 0, 5), cand('occupation', 7, 0.5, 0, 1), cand('skill', 7, 0.5, 0, 9)], band, 40);
    expect(s.items).toHaveLength(2);
    expect(s.items.find((c) => c.kind === 'skill')).toMatchObject({ retrieval: 0.62, query: 5 });
  });

  it('cuts batches and groups a batch by query in first-seen order', () => {
    expect(batchesOf([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(batchesOf([1, 2], 0)).toEqual([[1], [2]]);
    expect(batchesOf([1, 2, 3, 4, 5, 6, 7], 4, 2)).toEqual([[1, 2], [3, 4, 5, 6], [7]]);
    const groups = groupByQuery([cand('skill', 1, 0.6, 0, 4), cand('skill', 2, 0.6, 0, 1), cand('occupation', 3, 0.5, 0, 4)]);
    expect(groups.map((g) => [g.query, ids(g.items)])).toEqual([
      [4, ['s1', 'o3']],
      [1, ['s2']],
    ]);
  });
});

describe('automatic reranker policy', () => {
  it('is unknown until measured, then on when a full shortlist refines within the budget', () => {
    expect(automaticReranker(undefined, 40)).toBeNull();
    const fast = { perPairMs: 5, pairs: 4 };
    expect(refinementMs(40, fast)).toBe(200);
    expect(automaticReranker(fast, 40)).toBe(true);
    const perPair = RERANK_BUDGET_MS / 40;
    expect(automaticReranker({ perPairMs: perPair, pairs: 4 }, 40)).toBe(true);
    expect(automaticReranker({ perPairMs: perPair * 1.01, pairs: 4 }, 40)).toBe(false);
    // bge-reranker-v2-m3 on WASM q8 with every segment's top-5 (BENCHMARKS.md: ~0.87 s a pair) would not fit.
    expect(automaticReranker({ perPairMs: 870, pairs: 4 }, 756)).toBe(false);
    expect(automaticReranker({ perPairMs: NaN, pairs: 0 }, 40)).toBeNull();
  });
});
