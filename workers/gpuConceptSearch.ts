// The engine's concept search on the GPU: the WGSL kernel (src/runtime/webgpuSearch.ts) over the
// active cache's matrices, where chooseGpuSearch says a GPU helps (a hardware adapter, int8 storage).
// Any failure (no device, upload refused, a lost device, a rejected search) leaves search on the
// CPU kernel, with the reason for the model panel; a search in flight falls back for that call too.
import type { GpuProbe } from '../src/core/device.ts';
import { chooseGpuSearch } from '../src/core/gpuSearch.ts';
import type { ConceptSearch } from '../src/core/pipeline.ts';
import type { ConceptKind } from '../src/core/taxonomy.ts';
import { encodeMatrix, topK, type ConceptMatrix, type MatrixStorage } from '../src/core/vectors.ts';
import { createGpuSearch, requestSearchDevice, type GpuSearch } from '../src/runtime/webgpuSearch.ts';

/** 'auto': on a hardware adapter only. 'always': on any adapter, SwiftShader included (tests, diagnosis). */
export type GpuSearchMode = 'auto' | 'always' | 'off';

export interface GpuConceptSearch {
  /** The search to give the pipeline, or null when search stays on the CPU. */
  search: ConceptSearch | null;
  /** Why it runs where it runs. */
  reason: string;
  destroy(): void;
}

const CPU_ONLY = (reason: string): GpuConceptSearch => ({ search: null, reason, destroy: () => {} });

export async function startGpuConceptSearch(
  matrices: Record<ConceptKind, ConceptMatrix>,
  storage: MatrixStorage,
  mode: GpuSearchMode,
  onFailure: (reason: string) => void,
  /** The engine's adapter probe: where it already rules the GPU out, no device is requested. */
  known?: GpuProbe,
): Promise<GpuConceptSearch> {
  const forceWasm = mode === 'off';
  if (forceWasm || (known && mode === 'auto')) {
    const choice = chooseGpuSearch(known ?? { adapter: false, hasShaderF16: false, isFallbackAdapter: false }, storage, forceWasm);
    if (!choice.use) return CPU_ONLY(choice.reason);
  }
  const { probe, device } = await requestSearchDevice();
  const choice = chooseGpuSearch(probe, storage);
  const forced = mode === 'always' && probe.adapter && storage === 'int8';
  if (!device || !(choice.use || forced)) {
    device?.destroy();
    return CPU_ONLY(choice.reason);
  }
  const searches: GpuSearch[] = [];
  try {
    const skill = await createGpuSearch(device, encodeMatrix(matrices.skill), matrices.skill.rows, matrices.skill.dims, { label: 'skills' });
    searches.push(skill);
    const occupation = await createGpuSearch(device, encodeMatrix(matrices.occupation), matrices.occupation.rows, matrices.occupation.dims, { label: 'occupations' });
    searches.push(occupation);
    let failed: string | null = null;
    const fail = (why: string): void => {
      if (failed) return;
      failed = why;
      onFailure(`WebGPU search failed (${why}): search runs on the CPU kernel`);
    };
    void device.lost.then((info) => fail(`device lost: ${info.message || info.reason}`));
    const byKind: Record<ConceptKind, GpuSearch> = { skill, occupation };
    const search: ConceptSearch = async (kind, queries, count, k) => {
      if (!failed) {
        try {
          return await byKind[kind].topK(queries, count, k);
        } catch (e) {
          fail(e instanceof Error ? e.message : String(e));
        }
      }
      return topK(matrices[kind], queries, count, k);
    };
    const reason = choice.use ? choice.reason : `forced on this adapter (${probe.isFallbackAdapter ? 'a fallback adapter' : 'a hardware adapter'}): search runs on the WGSL kernel`;
    return {
      search,
      reason,
      destroy: () => {
        for (const s of searches) s.destroy();
        device.destroy();
      },
    };
  } catch (e) {
    for (const s of searches) s.destroy();
    device.destroy();
    return CPU_ONLY(`WebGPU search could not start (${e instanceof Error ? e.message : String(e)}): search runs on the CPU kernel`);
  }
}
