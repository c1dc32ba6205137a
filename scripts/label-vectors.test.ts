// Label vectors on disk: computed from a pack with the preset's passage prefix, written so that a
// reader finds a complete pair, and read back only for the pack they were made from.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { labelVectorsPath } from '../src/core/labelVectors.ts';
import type { LocalizedLabels } from '../src/core/labelPacks.ts';
import type { EmbedderSpec } from '../src/core/models.ts';
import { TAXONOMY_FORMAT, type Taxonomy } from '../src/core/taxonomy.ts';
import { HashingEmbedder } from '../src/core/testing/standIns.ts';
import { dot, getRow } from '../src/core/vectors.ts';
import { computeLabelVectors, readLabelVectors } from './label-vectors.ts';

const DIMS = 32;
const SPEC: EmbedderSpec = {
  role: 'embedder', id: 'stand-in/hashing', revision: 'main', displayName: 'hashing stand-in', isTestModel: true, dims: DIMS, passagePrefix: 'passage: ',
  pooling: 'cls', normalize: true, maxLength: 512, dtype: { webgpuF16: 'fp32', webgpu: 'fp32', wasm: 'fp32', node: 'fp32' }, approxBytes: {},
};
const taxonomy: Taxonomy = {
  format: TAXONOMY_FORMAT, escoVersion: '9.9.9', language: 'en', contentHash: 'd'.repeat(64), skillGroups: [], occupations: [],
  skills: Array.from({ length: 3 }, (_, i) => ({ uri: `u:s${i}`, label: `skill ${i}`, altLabels: [], description: '', skillType: '', reuseLevel: '', groups: [] })),
};
const labels: LocalizedLabels = {
  language: 'de', contentHash: 'a'.repeat(64), occupations: [], skillGroups: [],
  skills: [{ uri: 'u:s0', label: 'Gabelstapler führen', alt: ['Stapler fahren'] }, undefined, { uri: 'u:s2', label: 'Buchhaltung' }],
};

describe('label vectors on disk', () => {
  it('embeds each label behind the passage prefix and reads them back for the same pack', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lv-'));
    const embedder = new HashingEmbedder(DIMS);
    const seen: string[] = [];
    const embed = embedder.embed.bind(embedder);
    vi.spyOn(embedder, 'embed').mockImplementation(async (texts) => (seen.push(...texts), embed(texts)));
    const m = await computeLabelVectors({ spec: SPEC, embedder, modelHash: 'h1', labels, conceptsSha256: 'c', dir, batchSize: 2 });
    expect(seen).toEqual(['passage: Gabelstapler führen', 'passage: Buchhaltung']);
    expect(m).toMatchObject({ language: 'de', modelHash: 'h1', packContentHash: labels.contentHash, rows: 2, owners: [0, 2] });
    const paths = labelVectorsPath('h1', 'de');
    expect(existsSync(join(dir, paths.manifest)) && existsSync(join(dir, paths.matrix))).toBe(true);

    const v = (await readLabelVectors({ modelHash: 'h1', language: 'de', dims: DIMS, taxonomy, packContentHash: labels.contentHash }, dir))!;
    const fresh = await embed(['passage: Buchhaltung']);
    expect(dot(getRow(v.matrix, 1), fresh)).toBeGreaterThan(0.99);
    // made from another pack, or for another model: none (English vectors only), with a warning
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(await readLabelVectors({ modelHash: 'h1', language: 'de', dims: DIMS, taxonomy, packContentHash: 'b'.repeat(64) }, dir)).toBeUndefined();
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/another version of the label pack/));
    expect(await readLabelVectors({ modelHash: 'h2', language: 'de', dims: DIMS, taxonomy, packContentHash: labels.contentHash }, dir)).toBeUndefined();
    // a corrupt matrix is refused, not searched
    const file = join(dir, paths.matrix);
    const bytes = readFileSync(file);
    bytes[bytes.length - 1] ^= 0xff;
    writeFileSync(file, bytes);
    expect(await readLabelVectors({ modelHash: 'h1', language: 'de', dims: DIMS, taxonomy, packContentHash: labels.contentHash }, dir)).toBeUndefined();
    expect(warn).toHaveBeenLastCalledWith(expect.stringMatching(/checksum/));
    warn.mockRestore();
  });
});
