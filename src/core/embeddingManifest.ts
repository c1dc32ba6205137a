// The embedding cache manifest: what a shipped asset folder (public/embeddings/<hash>/manifest.json),
// an IndexedDB cache entry and an export file all describe. Validation here is shared by every path
// that accepts a cache, so a wrong or corrupt one is refused the same way everywhere.
import type { Dtype } from './models.ts';
import type { ModelHashInputs } from './modelHash.ts';
import type { ConceptKind } from './taxonomy.ts';

export const MANIFEST_FORMAT = 1;
export type MatrixStorage = 'f16' | 'int8';

export interface MatrixFileInfo {
  file: string;
  rows: number;
  bytes: number;
  sha256: string;
}

export interface EmbeddingManifest {
  format: number;
  hash: string;
  inputs: ModelHashInputs;
  model: { id: string; displayName: string; isTestModel: boolean; computedDtype: Dtype; computedOn: string };
  storage: MatrixStorage;
  dims: number;
  matrices: Record<ConceptKind, MatrixFileInfo>;
  /** Fixed sentences and their fp32 vectors: the runtime self-check compares a loaded model to them. */
  selfCheck: { texts: string[]; vectors: number[][] };
  createdAt: string;
}

/** Sentences embedded into every manifest for the runtime self-check (several languages on purpose). */
export const SELF_CHECK_TEXTS = [
  'Experience with Java programming and SQL databases.',
  'Wir suchen eine Pflegefachkraft mit Erfahrung in der Altenpflege.',
  'Responsable de la gestion des stocks et de la logistique.',
];

export class ManifestError extends Error {
  override name = 'ManifestError';
}

export function validateManifest(value: unknown, expect?: { hash?: string; dims?: number; rows?: Partial<Record<ConceptKind, number>> }): EmbeddingManifest {
  const m = value as Partial<EmbeddingManifest> | null;
  if (!m || typeof m !== 'object' || m.format !== MANIFEST_FORMAT) throw new ManifestError('not an embedding cache manifest (wrong or missing format)');
  if (typeof m.hash !== 'string' || !m.inputs || !m.model || !m.matrices?.skill || !m.matrices?.occupation) {
    throw new ManifestError('embedding cache manifest is incomplete (hash, inputs, model or matrices missing)');
  }
  if (m.storage !== 'f16' && m.storage !== 'int8') throw new ManifestError(`unknown matrix storage "${String(m.storage)}"`);
  if (!Number.isInteger(m.dims) || (m.dims ?? 0) <= 0) throw new ManifestError('manifest dims must be a positive integer');
  if (expect?.hash && m.hash !== expect.hash) {
    throw new ManifestError(`cache is for model hash ${m.hash} (${m.model.id}), but the active model hash is ${expect.hash}`);
  }
  if (expect?.dims !== undefined && m.dims !== expect.dims) throw new ManifestError(`cache has ${m.dims} dims, the model gives ${expect.dims}`);
  for (const kind of ['skill', 'occupation'] as const) {
    const want = expect?.rows?.[kind];
    if (want !== undefined && m.matrices[kind].rows !== want) {
      throw new ManifestError(`cache has ${m.matrices[kind].rows} ${kind} rows, the taxonomy has ${want}`);
    }
  }
  return m as EmbeddingManifest;
}
