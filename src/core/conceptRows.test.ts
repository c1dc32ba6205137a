// Concept search over several rows per concept, and two results of the same queries joined.
import { describe, expect, it } from 'vitest';
import { conceptTopK, mergeConceptHits, withRows } from './conceptRows.ts';
import { quantizeMatrix, type TopKResult } from './vectors.ts';

describe('conceptTopK', () => {
  it('searches multi-vector matrices by concept: each concept once, scored by its best row', () => {
    // Rows: concept 0 twice, concept 1 once, concept 2 twice.
    const rows = [
      [1, 0],
      [0.6, 0.8],
      [0.8, 0.6],
      [0, 1],
      [0.96, 0.28],
    ];
    const m = quantizeMatrix(Float32Array.from(rows.flat()), rows.length, 2, 'f16');
    const owners = Int32Array.from([0, 0, 1, 2, 2]);
    const r = conceptTopK(m, owners, Float32Array.from([1, 0]), 1, 3);
    expect([...r.indices]).toEqual([0, 2, 1]);
    expect(r.scores[0]).toBeCloseTo(1, 3);
    expect(r.scores[1]).toBeCloseTo(0.96, 2);
    expect(r.scores[2]).toBeCloseTo(0.8, 2);
  });
});

describe('mergeConceptHits', () => {
  const hits = (k: number, perQuery: [number, number][][]): TopKResult => {
    const indices = new Int32Array(perQuery.length * k).fill(-1);
    const scores = new Float32Array(perQuery.length * k).fill(-Infinity);
    perQuery.forEach((list, q) =>
      list.forEach(([c, s], j) => {
        indices[q * k + j] = c;
        scores[q * k + j] = s;
      }),
    );
    return { k, queries: perQuery.length, indices, scores };
  };
  const listOf = (r: TopKResult, q: number) =>
    Array.from(r.indices.subarray(q * r.k, (q + 1) * r.k))
      .map((c, j) => [c, Number(r.scores[q * r.k + j].toFixed(2))])
      .filter(([c]) => c >= 0);

  it('keeps each concept once with its better score, best first, per query', () => {
    const english = hits(3, [
      [[1, 0.9], [2, 0.8], [3, 0.7]],
      [[5, 0.6]],
    ]);
    const language = hits(3, [
      [[4, 0.95], [2, 0.85], [1, 0.5]],
      [[6, 0.7], [5, 0.65]],
    ]);
    const merged = mergeConceptHits(english, language, 3);
    expect(listOf(merged, 0)).toEqual([[4, 0.95], [1, 0.9], [2, 0.85]]);
    expect(listOf(merged, 1)).toEqual([[6, 0.7], [5, 0.65]]);
  });

  it('keeps the English concept first on a tie', () => {
    const merged = mergeConceptHits(hits(2, [[[1, 0.9]]]), hits(2, [[[2, 0.9]]]), 2);
    expect(listOf(merged, 0)).toEqual([[1, 0.9], [2, 0.9]]);
  });
});

describe('withRows', () => {
  it("adds the rows' concepts to a search's hits, and is the hits alone without rows", () => {
    const english = quantizeMatrix(Float32Array.from([1, 0, 0, 1]), 2, 2, 'f16');
    const rows = { matrix: quantizeMatrix(Float32Array.from([0.6, 0.8, 0.8, 0.6]), 2, 2, 'f16'), owners: Int32Array.from([5, 1]) };
    const query = Float32Array.from([0.8, 0.6]);
    const hits = conceptTopK(english, undefined, query, 1, 3);
    expect(withRows(hits, undefined, query, 3)).toBe(hits);
    const joined = withRows(hits, rows, query, 3);
    // concept 1 reads 0.6 in English and 1.0 through its row; 5 only through its row
    expect([...joined.indices]).toEqual([1, 5, 0]);
    expect(joined.scores[0]).toBeCloseTo(1, 2);
    expect(joined.scores[1]).toBeCloseTo(0.96, 2);
    expect(joined.scores[2]).toBeCloseTo(0.8, 2);
  });
});
