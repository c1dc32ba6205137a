// The precompute CLI's core: batches written as they complete, resume after an interruption,
// retry of a failed batch, validation of dims and norms, and an asset that verifies.
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EmbedderSpec } from '../src/core/models.ts';
import { TAXONOMY_FORMAT, type Taxonomy } from '../src/core/taxonomy.ts';
import { HashingEmbedder } from '../src/core/testing/standIns.ts';
import { loadShippedAsset, precompute } from './precompute.ts';

const DIMS = 16;
const SPEC: EmbedderSpec = {
  role: 'embedder', id: 'stand-in/hashing', revision: 'main', displayName: 'hashing stand-in', isTestModel: true, dims: DIMS,
  pooling: 'cls', normalize: true, maxLength: 512, dtype: { webgpuF16: 'fp32', webgpu: 'fp32', wasm: 'fp32', node: 'fp32' }, approxBytes: {},
};
const taxonomy: Taxonomy = {
  format: TAXONOMY_FORMAT, escoVersion: '9.9.9', language: 'en', contentHash: 'd'.repeat(64), skillGroups: [],
  skills: Array.from({ length: 45 }, (_, i) => ({ uri: `u:s${i}`, label: `skill ${i}`, altLabels: [], description: `text ${i}`, skillType: '', reuseLevel: '', groups: [] })),
  occupations: Array.from({ length: 12 }, (_, i) => ({ uri: `u:o${i}`, label: `job ${i}`, altLabels: [], description: '', iscoCode: '1', isIscoGroup: false, parent: -1, essentialSkills: [], optionalSkills: [] })),
};
const dirs = () => ({ outDir: mkdtempSync(join(tmpdir(), 'emb-')), workDir: mkdtempSync(join(tmpdir(), 'work-')) });

/** Fails on chosen call numbers, like a flaky runtime or a killed process. */
class FailingEmbedder extends HashingEmbedder {
  constructor(private readonly failOn: Set<number>) {
    super(DIMS);
  }
  override async embed(texts: string[]): Promise<Float32Array> {
    if (this.failOn.has(this.calls + 1)) {
      this.calls++;
      throw new Error('simulated failure');
    }
    return super.embed(texts);
  }
}

describe('precompute', () => {
  it('writes a manifest and matrices that verify, with self-check vectors', async () => {
    const d = dirs();
    const r = await precompute({ spec: SPEC, embedder: new HashingEmbedder(DIMS), taxonomy, dtype: 'fp32', batchSize: 10, log: () => {}, ...d });
    expect(readdirSync(r.dir).sort()).toEqual(['manifest.json', 'occupation.bin', 'skill.bin']);
    const { manifest, matrices } = await loadShippedAsset(r.dir, { skill: 45, occupation: 12 });
    expect(manifest.hash).toBe(r.hash);
    expect(matrices.skill.rows).toBe(45);
    expect(manifest.selfCheck.vectors).toHaveLength(manifest.selfCheck.texts.length);
    expect(existsSync(join(d.workDir, r.hash))).toBe(false);
  });

  it('retries a failed batch', async () => {
    const lines: string[] = [];
    const embedder = new FailingEmbedder(new Set([2]));
    await precompute({ spec: SPEC, embedder, taxonomy, dtype: 'fp32', batchSize: 10, log: (l) => lines.push(l), ...dirs() });
    expect(lines.some((l) => l.includes('retry 1'))).toBe(true);
  });

  it('resumes from the last completed batch after an interruption', async () => {
    const d = dirs();
    const first = new FailingEmbedder(new Set([4, 5, 6]));
    await expect(precompute({ spec: SPEC, embedder: first, taxonomy, dtype: 'fp32', batchSize: 10, log: () => {}, ...d })).rejects.toThrow('simulated failure');
    expect(existsSync(join(d.outDir))).toBe(true);
    const second = new HashingEmbedder(DIMS);
    const lines: string[] = [];
    const r = await precompute({ spec: SPEC, embedder: second, taxonomy, dtype: 'fp32', batchSize: 10, log: (l) => lines.push(l), ...d });
    expect(lines[0]).toMatch(/^resuming: 30\/57/);
    // 27 remaining texts in 4 batches (skills 30-39, 40-44; occupations 0-9, 10-11), plus the self-check.
    expect(second.calls).toBe(5);
    expect(second.texts).toBe(27 + 3);
    const fresh = await precompute({ spec: SPEC, embedder: new HashingEmbedder(DIMS), taxonomy, dtype: 'fp32', batchSize: 10, log: () => {}, ...dirs() });
    const a = await loadShippedAsset(r.dir, { skill: 45, occupation: 12 });
    const b = await loadShippedAsset(fresh.dir, { skill: 45, occupation: 12 });
    expect(a.manifest.matrices.skill.sha256).toBe(b.manifest.matrices.skill.sha256);
  });

  it('refuses vectors of the wrong size or norm', async () => {
    const wrongDims = { dims: DIMS, embed: async (t: string[]) => new HashingEmbedder(DIMS + 1).embed(t) };
    await expect(precompute({ spec: SPEC, embedder: wrongDims, taxonomy, dtype: 'fp32', retries: 0, log: () => {}, ...dirs() })).rejects.toThrow(/17 dims per text, expected 16/);
    const unnormalised = { dims: DIMS, embed: async (t: string[]) => new Float32Array(t.length * DIMS).fill(1) };
    await expect(precompute({ spec: SPEC, embedder: unnormalised, taxonomy, dtype: 'fp32', retries: 0, log: () => {}, ...dirs() })).rejects.toThrow(/norm/);
  });
});
