// Label vectors in a text's language: which packs get them, the texts embedded, the checks a
// fetched file must pass, and how their hits join the English ones.
import { describe, expect, it } from 'vitest';
import { buildLabelVectorsManifest, decodeLabelVectors, LabelVectorsError, labelVectorTexts, packWantsVectors } from './labelVectors.ts';
import type { PackEntry } from './labelPacks.ts';
import { encodeMatrix, getRow, quantizeMatrix } from './vectors.ts';

const entry = (label: string, alt?: string[], hidden?: string[]): PackEntry => ({ uri: `u:${label}`, label, ...(alt ? { alt } : {}), ...(hidden ? { hidden } : {}) });

describe('which packs get vectors and what is embedded', () => {
  it('gives vectors only to a pack that labels at least half of the skills', () => {
    expect(packWantsVectors({ concepts: 4, labelled: 2 })).toBe(true);
    expect(packWantsVectors({ concepts: 4, labelled: 1 })).toBe(false);
    expect(packWantsVectors({ concepts: 0, labelled: 0 })).toBe(false);
    expect(packWantsVectors(undefined)).toBe(false);
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
