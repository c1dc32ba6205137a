// The WGSL search kernel (src/runtime/webgpuSearch.ts) on the bench page, in a worker: the
// correctness check that e2e/webgpuSearch.spec.ts runs on SwiftShader (GPU and CPU topK of the same
// int8 bytes, and every GPU and CPU score against the exact dot product of those bytes), and the
// search benchmark's "WGSL kernel (WebGPU)" row, timed only on a hardware adapter: on a fallback
// adapter the kernel runs on the CPU cores through SwiftShader, which says nothing about GPUs.
import { chooseGpuSearch } from '../../../src/core/gpuSearch.ts';
import { decodeMatrix, encodeMatrix, quantizeMatrix, rotateForInt8, scoreAll, topK } from '../../../src/core/vectors.ts';
import { createGpuSearch, requestSearchDevice } from '../../../src/runtime/webgpuSearch.ts';
import { clusteredSearchData, naiveTopK, recallAgainst, type SearchData } from '../datasets.ts';
import { timeRuns } from '../stats.ts';
import type { GpuCheckCase, GpuCheckCaseResult, GpuCheckRequest, GpuCheckResponse, SearchCase } from './protocol.ts';

export const GPU_CASE_NAME = 'WGSL kernel (WebGPU)';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Exact scores of the int8 bytes for each query (f64: R(q) in f64 times the stored int8 and scale). */
function exactScores(bytes: Uint8Array, rows: number, dims: number, queries: Float32Array, queryCount: number): Float64Array {
  const out = new Float64Array(queryCount * rows);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values = new Int8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const rq = new Float64Array(dims);
  for (let q = 0; q < queryCount; q++) {
    rotateForInt8(queries.subarray(q * dims, (q + 1) * dims), rq);
    for (let r = 0; r < rows; r++) {
      const o = r * (4 + dims);
      let s = 0;
      for (let d = 0; d < dims; d++) s += values[o + 4 + d] * rq[d];
      out[q * rows + r] = s * view.getFloat32(o, true);
    }
  }
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** The case's data: clustered unit vectors, with the rows the queries were made from repeated at the end (exact ties). */
function caseData(c: GpuCheckCase): SearchData {
  const data = clusteredSearchData(c.rows, c.dims, c.queryCount, c.seed);
  const dup = Math.min(c.duplicates, c.rows >> 1);
  for (let i = 0; i < dup; i++) {
    // The row query i was made from (clusteredSearchData), repeated: its copies tie with it exactly.
    const src = ((i % c.queryCount) * 7919) % c.rows;
    if (src < c.rows - dup) data.matrix.copyWithin((c.rows - dup + i) * c.dims, src * c.dims, (src + 1) * c.dims);
  }
  return data;
}

async function checkCase(device: GPUDevice, c: GpuCheckCase): Promise<GpuCheckCaseResult> {
  const data = caseData(c);
  const bytes = encodeMatrix(quantizeMatrix(data.matrix, c.rows, c.dims, 'int8'));
  const cpuMatrix = decodeMatrix(bytes, c.rows, c.dims, 'int8');
  const gpu = await createGpuSearch(device, bytes, c.rows, c.dims, { limits: c.limits, label: c.name });
  try {
    const exact = exactScores(bytes, c.rows, c.dims, data.queries, c.queryCount);
    const gpuAll = await gpu.scoreAll(data.queries, c.queryCount);
    const cpuAll = scoreAll(cpuMatrix, data.queries, c.queryCount);
    const g = await gpu.topK(data.queries, c.queryCount, c.k);
    const t = topK(cpuMatrix, data.queries, c.queryCount, c.k);
    const exactAt = (indices: Int32Array) => Array.from(indices, (r, i) => (r < 0 ? null : exact[Math.floor(i / c.k) * c.rows + r]));
    return {
      name: c.name,
      chunks: gpu.plan.chunks.length,
      passes: Math.ceil(c.queryCount / gpu.plan.passQueries),
      k: c.k,
      gpu: { indices: Array.from(g.indices), scores: Array.from(g.scores, (s) => (Number.isFinite(s) ? s : null)), exact: exactAt(g.indices) },
      cpu: { indices: Array.from(t.indices), scores: Array.from(t.scores, (s) => (Number.isFinite(s) ? s : null)), exact: exactAt(t.indices) },
      maxGpuError: maxAbsDiff(gpuAll, exact),
      maxCpuError: maxAbsDiff(cpuAll, exact),
      maxGpuCpuDiff: maxAbsDiff(gpuAll, cpuAll),
    };
  } finally {
    gpu.destroy();
  }
}

export async function gpuSearchCheck(req: GpuCheckRequest): Promise<GpuCheckResponse> {
  const { probe, device } = await requestSearchDevice();
  if (!device) throw new Error(`no WebGPU device: ${probe.error ?? 'unknown reason'}`);
  try {
    const info = device.adapterInfo;
    const cases: GpuCheckCaseResult[] = [];
    for (const c of req.cases) cases.push(await checkCase(device, c));
    return { isFallbackAdapter: probe.isFallbackAdapter, adapter: [info.vendor, info.architecture, info.description].filter(Boolean).join(' / '), cases };
  } finally {
    device.destroy();
  }
}

const notTimed = (note: string): SearchCase => ({ name: GPU_CASE_NAME, sample: { runs: [], median: NaN, min: NaN, max: NaN }, note });

/**
 * The search benchmark's WGSL row on the bench data: timed (upload excluded; rotation, dispatch,
 * readback and CPU top-k included) only where chooseGpuSearch would use the kernel.
 */
export async function gpuSearchCase(data: SearchData, k: number, runs: number): Promise<SearchCase> {
  const { probe, device } = await requestSearchDevice();
  if (!device) return notTimed(`n/a: no WebGPU (${probe.error ?? 'no device'}; Chromium needs --enable-unsafe-webgpu on Linux)`);
  try {
    if (probe.isFallbackAdapter) return notTimed('n/a: fallback adapter (SwiftShader), correctness only, not timed');
    const choice = chooseGpuSearch(probe, 'int8');
    if (!choice.use) return notTimed(`n/a: ${choice.reason}`);
    const bytes = encodeMatrix(quantizeMatrix(data.matrix, data.rows, data.dims, 'int8'));
    const gpu = await createGpuSearch(device, bytes, data.rows, data.dims);
    try {
      const recall = recallAgainst(naiveTopK(data, k), (await gpu.topK(data.queries, data.queryCount, k)).indices, data.queryCount, k);
      const sample = await timeRuns(() => gpu.topK(data.queries, data.queryCount, k), { runs, warmup: 1 });
      return { name: GPU_CASE_NAME, sample, recall };
    } finally {
      gpu.destroy();
    }
  } catch (e) {
    return notTimed(`n/a: ${message(e)}`);
  } finally {
    device.destroy();
  }
}
