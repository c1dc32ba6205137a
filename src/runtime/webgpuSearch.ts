// Exact top-k search of an int8 concept matrix on WebGPU with the WGSL kernel (src/core/kernels/
// searchKernel.wgsl). The matrix is uploaded once in the kernel's transposed layout, split into row
// chunks where one binding cannot hold it (src/core/gpuSearch.ts planGpuSearch); each search rotates
// the queries by R on the CPU, scores them on the GPU in passes of up to 64 queries, reads the scores
// back and selects the top k on the CPU with topK's tie rule. Use it only where chooseGpuSearch says so
// (a hardware adapter): on SwiftShader it is correct but slower than the CPU kernel. Results match
// vectors.ts topK on the same bytes up to the f32-vs-int16 query rounding (e2e/webgpuSearch.spec.ts).
import shaderSource from '../core/kernels/searchKernel.wgsl?raw';
import { QUERY_BLOCK, WORKGROUP_SIZE, checkInt8Bytes, emptyTopK, packInt8Chunk, packRotatedQueries, planGpuSearch, selectTopKInto, type GpuSearchLimits, type GpuSearchPlan } from '../core/gpuSearch.ts';
import type { GpuProbe } from '../core/device.ts';
import type { MatrixStorage } from '../core/embeddingManifest.ts';
import type { TopKResult } from '../core/vectors.ts';

// GPUBufferUsage / GPUMapMode values (WebGPU spec); TypeScript's DOM lib declares the types only.
const USAGE = { MAP_READ: 0x1, COPY_SRC: 0x4, COPY_DST: 0x8, UNIFORM: 0x40, STORAGE: 0x80 } as const;
const MAP_MODE_READ = 0x1; // GPUMapMode.READ

export interface GpuSearch {
  readonly rows: number;
  readonly dims: number;
  /** How the matrix was split (chunks, queries per submission), for logs and tests. */
  readonly plan: GpuSearchPlan;
  /** Like vectors.ts topK on the same matrix (see the tolerance in e2e/webgpuSearch.spec.ts). */
  topK(queries: Float32Array, queryCount: number, k: number): Promise<TopKResult>;
  /** Every score, queries x rows row-major, like vectors.ts scoreAll: for tests and histograms. */
  scoreAll(queries: Float32Array, queryCount: number): Promise<Float32Array>;
  /** Frees the GPU buffers; later calls throw. */
  destroy(): void;
}

export interface GpuSearchOptions {
  /** The matrix's storage (default int8); f16 is refused: the WGSL kernel reads int8 only. */
  storage?: MatrixStorage;
  /** Lower limits than the device's, so tests exercise the split into several chunks and passes. */
  limits?: Partial<GpuSearchLimits>;
  label?: string;
}

interface Chunk {
  start: number;
  rows: number;
  rowStride: number;
  params: GPUBuffer;
  out: GPUBuffer;
  bindGroup: GPUBindGroup;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function uploadBuffer(device: GPUDevice, data: Uint32Array | Float32Array, usage: number, label: string): GPUBuffer {
  const buffer = device.createBuffer({ label, size: Math.max(4, data.byteLength), usage, mappedAtCreation: true });
  const dst = data instanceof Uint32Array ? new Uint32Array(buffer.getMappedRange()) : new Float32Array(buffer.getMappedRange());
  dst.set(data);
  buffer.unmap();
  return buffer;
}

async function popErrors(device: GPUDevice, what: string): Promise<void> {
  // Scopes pop innermost first: out-of-memory was pushed last.
  const oom = await device.popErrorScope();
  const validation = await device.popErrorScope();
  const e = oom ?? validation;
  if (e) throw new Error(`WebGPU search: ${what} failed: ${e.message}`);
}

function pushErrors(device: GPUDevice): void {
  device.pushErrorScope('validation');
  device.pushErrorScope('out-of-memory');
}

/**
 * Uploads an encoded int8 matrix (vectors.ts encodeMatrix layout: rows x (f32 scale, dims x int8 of
 * R(row))) and compiles the kernel. Rejects with the reason when the shader does not compile or the
 * buffers do not fit the device.
 */
export async function createGpuSearch(device: GPUDevice, encodedInt8Bytes: Uint8Array, rows: number, dims: number, options: GpuSearchOptions = {}): Promise<GpuSearch> {
  checkInt8Bytes(encodedInt8Bytes, rows, dims, options.storage);
  if (!LITTLE_ENDIAN) throw new Error('WebGPU search needs a little-endian host (the kernel reads the int8 words little-endian)');
  const l = device.limits;
  const limits: GpuSearchLimits = {
    maxStorageBufferBindingSize: Math.min(l.maxStorageBufferBindingSize, options.limits?.maxStorageBufferBindingSize ?? Infinity),
    maxBufferSize: Math.min(l.maxBufferSize, options.limits?.maxBufferSize ?? Infinity),
    maxComputeWorkgroupsPerDimension: Math.min(l.maxComputeWorkgroupsPerDimension, options.limits?.maxComputeWorkgroupsPerDimension ?? Infinity),
  };
  const plan = planGpuSearch(rows, dims, limits);
  const label = options.label ?? 'int8 search';
  const { words, passQueries } = plan;

  const owned: GPUBuffer[] = [];
  const own = (b: GPUBuffer) => (owned.push(b), b);
  let pipeline: GPUComputePipeline;
  let queryBuffer: GPUBuffer;
  let readback: GPUBuffer;
  let chunks: Chunk[];
  pushErrors(device);
  try {
    const module = device.createShaderModule({ label, code: shaderSource });
    const errors = (await module.getCompilationInfo()).messages.filter((m) => m.type === 'error');
    if (errors.length) throw new Error(`WebGPU search: the WGSL kernel does not compile here: ${errors.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`).join('; ')}`);
    pipeline = await device.createComputePipelineAsync({ label, layout: 'auto', compute: { module, entryPoint: 'main' } });
    const layout = pipeline.getBindGroupLayout(0);
    queryBuffer = own(device.createBuffer({ label: `${label} queries`, size: passQueries * words * 16, usage: USAGE.STORAGE | USAGE.COPY_DST }));
    readback = own(device.createBuffer({ label: `${label} readback`, size: Math.max(4, passQueries * rows * 4), usage: USAGE.MAP_READ | USAGE.COPY_DST }));
    chunks = plan.chunks.map((c, i) => {
      const packed = packInt8Chunk(encodedInt8Bytes, dims, c);
      const matrix = own(uploadBuffer(device, packed.words, USAGE.STORAGE, `${label} words ${i}`));
      const scales = own(uploadBuffer(device, packed.scales, USAGE.STORAGE, `${label} scales ${i}`));
      const params = own(device.createBuffer({ label: `${label} params ${i}`, size: 16, usage: USAGE.UNIFORM | USAGE.COPY_DST }));
      const out = own(device.createBuffer({ label: `${label} scores ${i}`, size: passQueries * c.rows * 4, usage: USAGE.STORAGE | USAGE.COPY_SRC }));
      const bindGroup = device.createBindGroup({
        label: `${label} bind group ${i}`,
        layout,
        entries: [params, matrix, scales, queryBuffer, out].map((buffer, binding) => ({ binding, resource: { buffer } })),
      });
      return { ...c, params, out, bindGroup };
    });
  } catch (e) {
    await popErrors(device, 'setup').catch(() => {});
    for (const b of owned) b.destroy();
    throw e;
  }
  try {
    await popErrors(device, `uploading ${rows} x ${dims} int8 (${chunks.length} chunk${chunks.length === 1 ? '' : 's'})`);
  } catch (e) {
    for (const b of owned) b.destroy();
    throw e;
  }

  const queryScratch = new Float32Array(passQueries * words * 4);
  const rotateScratch = new Float64Array(dims);
  const paramScratch = new Uint32Array(4);
  let destroyed = false;
  let queue: Promise<unknown> = Promise.resolve();
  /** One search at a time: the query and readback buffers are shared by all passes. */
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => {});
    return run;
  };

  /** Scores queries q0 .. q0+count-1 and hands the mapped scores (count x rows) to `use` before unmapping. */
  async function pass(queries: Float32Array, q0: number, count: number, use: (scores: Float32Array) => void): Promise<void> {
    if (destroyed) throw new Error('WebGPU search: used after destroy()');
    packRotatedQueries(queries, dims, q0, count, queryScratch, rotateScratch);
    pushErrors(device);
    try {
      device.queue.writeBuffer(queryBuffer, 0, queryScratch, 0, count * words * 4);
      const encoder = device.createCommandEncoder({ label });
      const compute = encoder.beginComputePass({ label });
      compute.setPipeline(pipeline);
      for (const c of chunks) {
        paramScratch.set([c.rows, c.rowStride, words, count]);
        device.queue.writeBuffer(c.params, 0, paramScratch);
        compute.setBindGroup(0, c.bindGroup);
        compute.dispatchWorkgroups(c.rowStride / WORKGROUP_SIZE, Math.ceil(count / QUERY_BLOCK));
      }
      compute.end();
      if (chunks.length === 1) encoder.copyBufferToBuffer(chunks[0].out, 0, readback, 0, count * rows * 4);
      else {
        // The readback is query-major over all rows; each chunk's scores are query-major over its rows.
        for (const c of chunks) for (let j = 0; j < count; j++) encoder.copyBufferToBuffer(c.out, j * c.rows * 4, readback, (j * rows + c.start) * 4, c.rows * 4);
      }
      device.queue.submit([encoder.finish()]);
    } catch (e) {
      await popErrors(device, 'a search pass').catch(() => {});
      throw e;
    }
    await popErrors(device, 'a search pass');
    await readback.mapAsync(MAP_MODE_READ, 0, count * rows * 4);
    try {
      use(new Float32Array(readback.getMappedRange(0, count * rows * 4)));
    } finally {
      readback.unmap();
    }
  }

  function checkQueries(queries: Float32Array, queryCount: number): void {
    if (!Number.isInteger(queryCount) || queryCount < 0) throw new Error(`queryCount must be a non-negative integer, got ${queryCount}`);
    if (queries.length !== queryCount * dims) throw new Error(`queries: expected ${queryCount} x ${dims} = ${queryCount * dims} values, got ${queries.length}`);
  }

  return {
    rows,
    dims,
    plan,
    topK: (queries, queryCount, k) =>
      exclusive(async () => {
        checkQueries(queries, queryCount);
        if (!Number.isInteger(k) || k < 0) throw new Error(`k must be a non-negative integer, got ${k}`);
        const result = emptyTopK(queryCount, k);
        if (k === 0 || rows === 0) return result;
        for (let q0 = 0; q0 < queryCount; q0 += passQueries) {
          const count = Math.min(passQueries, queryCount - q0);
          await pass(queries, q0, count, (scores) => selectTopKInto(scores, rows, count, result, q0));
        }
        return result;
      }),
    scoreAll: (queries, queryCount) =>
      exclusive(async () => {
        checkQueries(queries, queryCount);
        const all = new Float32Array(queryCount * rows);
        if (rows === 0) return all;
        for (let q0 = 0; q0 < queryCount; q0 += passQueries) {
          const count = Math.min(passQueries, queryCount - q0);
          await pass(queries, q0, count, (scores) => all.set(scores, q0 * rows));
        }
        return all;
      }),
    destroy() {
      destroyed = true;
      for (const b of owned) b.destroy();
    },
  };
}

/** An adapter and device for the search, with the probe chooseGpuSearch needs (the fields of workers/modelSession.ts probeGpu). */
export async function requestSearchDevice(): Promise<{ probe: GpuProbe; device: GPUDevice | null }> {
  const gpu = (globalThis.navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) return { probe: { adapter: false, hasShaderF16: false, isFallbackAdapter: false, error: 'this browser has no WebGPU' }, device: null };
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return { probe: { adapter: false, hasShaderF16: false, isFallbackAdapter: false, error: 'requestAdapter() returned no adapter' }, device: null };
    const probe: GpuProbe = { adapter: true, hasShaderF16: adapter.features.has('shader-f16'), isFallbackAdapter: Boolean(adapter.info?.isFallbackAdapter) };
    // The adapter's own limits, not the defaults: a real GPU usually binds far more than 128 MiB.
    const { maxStorageBufferBindingSize, maxBufferSize, maxComputeWorkgroupsPerDimension } = adapter.limits;
    const device = await adapter.requestDevice({ requiredLimits: { maxStorageBufferBindingSize, maxBufferSize, maxComputeWorkgroupsPerDimension } });
    return { probe, device };
  } catch (e) {
    return { probe: { adapter: false, hasShaderF16: false, isFallbackAdapter: false, error: e instanceof Error ? e.message : String(e) }, device: null };
  }
}
