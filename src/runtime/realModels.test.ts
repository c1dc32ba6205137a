// Node integration tests on the real small models (bge-small-en-v1.5, all-MiniLM-L6-v2) as
// provisioned by `npm run models:fetch` (npm test provisions them first). They check what a
// pooling or file mix-up would break: related sentences score above unrelated ones, fp32 and int8
// agree, and mean pooling (MiniLM's) is not CLS pooling on the same graph.
import { beforeAll, describe, expect, it } from 'vitest';
import { MODELS_DIR, provisionedModel } from '../../scripts/fetch-models.ts';
import { BGE_SMALL_EN, MINILM, type EmbedderSpec } from '../core/models.ts';
import { configureTransformers, loadEmbedder, type LoadedEmbedder } from './transformersModels.ts';

const PAIRS = {
  anchor: 'We are looking for a Java developer to build backend services.',
  related: 'Software engineer writing server-side code in Java.',
  unrelated: 'Our bakery sells fresh bread and cakes every morning.',
  accountsQuery: "You will look after our customers' accounts and answer their questions.",
  accountsRelated: 'Manage customer accounts and respond to customer enquiries.',
  accountsUnrelated: 'Operate heavy machinery on construction sites.',
};
const TEXTS = Object.values(PAIRS);

function vec(all: Float32Array, i: number, d: number): Float32Array {
  return all.subarray(i * d, (i + 1) * d);
}
function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += a[j] * b[j];
  return s;
}

function requireProvisioned(spec: EmbedderSpec): void {
  if (!provisionedModel(spec.id)) {
    throw new Error(`${spec.id} is not provisioned in ${MODELS_DIR}: run "npm run models:fetch" (npm test does this first)`);
  }
}

async function load(spec: EmbedderSpec, dtype: 'fp32' | 'q8'): Promise<LoadedEmbedder> {
  return loadEmbedder(spec, { backend: 'node', dtype, localModelPath: MODELS_DIR });
}

beforeAll(() => {
  configureTransformers({ localModelPath: MODELS_DIR });
});

describe.each([BGE_SMALL_EN, MINILM])('$id', (spec) => {
  let fp32: Float32Array;
  let q8: Float32Array;
  beforeAll(async () => {
    requireProvisioned(spec);
    for (const dtype of ['fp32', 'q8'] as const) {
      const e = await load(spec, dtype);
      const v = await e.embed(TEXTS);
      await e.dispose();
      if (dtype === 'fp32') fp32 = v;
      else q8 = v;
    }
  });

  it('embeds into unit vectors of the spec dims', () => {
    expect(fp32.length).toBe(TEXTS.length * spec.dims);
    for (let i = 0; i < TEXTS.length; i++) expect(Math.sqrt(dot(vec(fp32, i, spec.dims), vec(fp32, i, spec.dims)))).toBeCloseTo(1, 4);
  });

  it('scores related sentences above unrelated ones', () => {
    const d = spec.dims;
    const c = (a: number, b: number) => dot(vec(fp32, a, d), vec(fp32, b, d));
    expect(c(0, 1)).toBeGreaterThan(c(0, 2) + 0.1);
    expect(c(3, 4)).toBeGreaterThan(c(3, 5) + 0.1);
  });

  it('fp32 and int8 agree (cosine >= 0.98)', () => {
    const d = spec.dims;
    for (let i = 0; i < TEXTS.length; i++) expect(dot(vec(fp32, i, d), vec(q8, i, d))).toBeGreaterThanOrEqual(0.98);
  });
});

describe('pooling is a property of the spec', () => {
  it('mean pooling (MiniLM) differs from CLS pooling on the same graph, and CLS separates worse', async () => {
    requireProvisioned(MINILM);
    const mean = await load(MINILM, 'fp32');
    const cls = await load({ ...MINILM, pooling: 'cls' }, 'fp32');
    const vm = await mean.embed(TEXTS);
    const vc = await cls.embed(TEXTS);
    await mean.dispose();
    await cls.dispose();
    const d = MINILM.dims;
    const cosines = TEXTS.map((_, i) => dot(vec(vm, i, d), vec(vc, i, d)));
    expect(Math.min(...cosines)).toBeLessThan(0.95);
    // The model was trained with mean pooling: its margin between related and unrelated is larger.
    const margin = (v: Float32Array) => dot(vec(v, 0, d), vec(v, 1, d)) - dot(vec(v, 0, d), vec(v, 2, d));
    expect(margin(vm)).toBeGreaterThan(margin(vc));
  });
});
