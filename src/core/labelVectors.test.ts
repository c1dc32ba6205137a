// Label vectors in a text's language: which packs get them, the texts embedded, the checks a
// fetched file must pass, and how their hits join the English ones.
import { describe, expect, it } from 'vitest';
import { buildLabelVectorsManifest, decodeLabelVectors, LabelVectorsError, labelVectorTexts, mergeConceptHits, packWantsVectors } from './labelVectors.ts';
import type { PackEntry } from './labelPacks.ts';
import { encodeMatrix, getRow, quantizeMatrix, type TopKResult } from './vectors.ts';

const entry = (label: string, alt?: string[], hidden?: string[]): PackEntry => ({ uri: `u:${label}`, label, ...(alt ? { alt } : {}), ...(hidden ? { hidden } : {}) });

describe('which packs get vectors and what is embedded', () => {
  it('gives vectors only to a pack that labels at least half of the skills', () => {
    expect(packWantsVectors({ skills: [entry('a'), entry('b'), undefined, undefined] })).toBe(true);
    expect(packWantsVectors({ skills: [entry('a'), undefined, undefined, undefined] })).toBe(false);
    expect(packWantsVectors({ skills: [] })).toBe(false);
  });

  it('embeds each labelled skill\'s preferred label, as the English vectors do, owned by the skill row', () => {
    const texts = labelVectorTexts({
      skills: [entry('Gabelstapler führen ', ['Stapler fahren'], ['Gabelstaplr']), undefined, entry('Buchhaltung'), entry(' ')],
    });
    expect(texts).toEqual([
      { owner: 0, text: 'Gabelstapler führen' },
      { owner: 2, text: 'Buchhaltung' },
    ]);
  });
});

describe('decodeLabelVectors', () => {
  const dims = 4;
  const rows = [
    [1, 0, 0, 0],
    [0, 1, 0, 0],
    [0, 0, 0.6, 0.8],
  ];
  const bytes = encodeMatrix(quantizeMatrix(Float32Array.from(rows.flat()), rows.length, dims, 'int8'));
  const expectFor = { modelHash: 'm1', language: 'de', packContentHash: 'p1', dims, skills: 10 };
  const manifest = (over: Record<string, unknown> = {}) =>
    buildLabelVectorsManifest({ language: 'de', modelHash: 'm1', packContentHash: 'p1', conceptsSha256: 'c', storage: 'int8', dims, owners: [3, 3, 7], matrix: bytes }).then((m) => ({ ...m, ...over }));

  it('decodes a file that matches the model, the pack, the dims and the taxonomy', async () => {
    const v = await decodeLabelVectors(await manifest(), bytes, expectFor);
    expect(v.language).toBe('de');
    expect(Array.from(v.owners)).toEqual([3, 3, 7]);
    expect(v.matrix.rows).toBe(3);
    const third = getRow(v.matrix, 2);
    expect(third[2]).toBeCloseTo(0.6, 1);
    expect(third[3]).toBeCloseTo(0.8, 1);
  });

  it.each([
    ['another model', { modelHash: 'm2' }, /model hash m2/],
    ['another version of the pack', { packContentHash: 'p0' }, /another version of the label pack/],
    ['another language', { language: 'nl' }, /for "nl"/],
    ['other dims', { dims: 8 }, /8 dims/],
    ['a row owned by no skill', { owners: [3, 3, 10] }, /no skill of this taxonomy/],
    ['owners that do not match the rows', { owners: [3, 3] }, /owners do not match/],
    ['a wrong checksum', { sha256: '0'.repeat(64) }, /checksum/],
    ['a wrong format', { format: 99 }, /not a label vectors manifest/],
  ])('refuses %s', async (_, over, message) => {
    await expect(decodeLabelVectors(await manifest(over), bytes, expectFor)).rejects.toThrow(message);
    await expect(decodeLabelVectors(await manifest(over), bytes, expectFor)).rejects.toBeInstanceOf(LabelVectorsError);
  });

  it('refuses a truncated matrix', async () => {
    await expect(decodeLabelVectors(await manifest(), bytes.subarray(0, bytes.length - 1), expectFor)).rejects.toThrow(/truncated or corrupt/);
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
