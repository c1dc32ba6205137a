// The engine's concept search, in one place: the active cache's matrices shared with helper
// workers (every core, browserSearchPool.ts) and, where a hardware GPU helps, the WGSL kernel
// (gpuConceptSearch.ts). The engine hands it each new cache and reads the search and its status.
import type { GpuProbe } from '../src/core/device.ts';
import type { ConceptSearch } from '../src/core/pipeline.ts';
import type { ConceptKind } from '../src/core/taxonomy.ts';
import { matrixKernel, type ConceptMatrix, type MatrixStorage } from '../src/core/vectors.ts';
import { browserSearchPool } from './browserSearchPool.ts';
import type { EngineStatus } from './engineApi.ts';
import { startGpuConceptSearch, type GpuConceptSearch, type GpuSearchMode } from './gpuConceptSearch.ts';

type Matrices = Record<ConceptKind, ConceptMatrix>;

export class ConceptSearchBackends {
  private readonly pool = browserSearchPool();
  private gpu?: GpuConceptSearch;
  private matrices?: Matrices;
  readonly view: EngineStatus['search'];

  /** `onChange`: the view changed (the GPU search started or failed). */
  constructor(private readonly onChange: () => void) {
    this.view = { kernel: null, reason: '', threads: 1 + (this.pool?.size ?? 0), helperShares: 0, fallbacks: 0 };
  }

  /**
   * The matrices to search from now on (shared copies when there are helpers), replacing the
   * previous ones; starts the GPU search over them where `mode` and the adapter allow.
   */
  use(matrices: Matrices | undefined, storage: MatrixStorage, mode: GpuSearchMode, probe?: GpuProbe): Matrices | undefined {
    const pool = this.pool;
    if (pool && this.matrices) for (const m of Object.values(this.matrices)) pool.release(m);
    this.gpu?.destroy();
    this.gpu = undefined;
    this.matrices = matrices && pool ? { skill: pool.adopt(matrices.skill), occupation: pool.adopt(matrices.occupation) } : matrices;
    if (this.matrices) void this.startGpu(this.matrices, storage, mode, probe);
    return this.matrices;
  }

  /** The search for the pipeline's context: the GPU one when it runs, else none (topK here). */
  search(): ConceptSearch | undefined {
    return this.gpu?.search ?? undefined;
  }

  /** The view with the helpers' counters brought up to date. */
  current(): EngineStatus['search'] {
    if (this.pool) Object.assign(this.view, { helperShares: this.pool.helperShares, fallbacks: this.pool.fallbacks });
    return this.view;
  }

  get hasHelpers(): boolean {
    return Boolean(this.pool);
  }

  private async startGpu(matrices: Matrices, storage: MatrixStorage, mode: GpuSearchMode, probe?: GpuProbe): Promise<void> {
    const cpu = matrixKernel(matrices.skill);
    this.view.kernel = cpu;
    const gpu = await startGpuConceptSearch(matrices, storage, mode, (reason) => {
      Object.assign(this.view, { kernel: cpu, reason });
      this.onChange();
    }, probe);
    if (this.matrices !== matrices) return gpu.destroy();
    this.gpu = gpu;
    Object.assign(this.view, { kernel: gpu.search ? 'wgsl' : cpu, reason: gpu.reason });
    this.onChange();
  }
}
