// Correctness of the WGSL int8 search kernel (src/core/kernels/searchKernel.wgsl through
// src/runtime/webgpuSearch.ts) on Chromium's SwiftShader WebGPU adapter (--enable-unsafe-webgpu):
// on synthetic int8 matrices it must give the CPU topK's results on the same bytes. Correctness only:
// SwiftShader runs on the CPU, so nothing here is timed (the search benchmark times real GPUs only).
//
// Served by the bench page's Vite dev server (scripts/bench/server.ts, started here on a free port),
// not by the e2e build: that server compiles TypeScript modules and the kernel's ?raw import straight
// from the source, so the check needs no page in the app's production build. The check itself runs in
// a worker (scripts/bench/page/gpuSearch.ts gpuSearchCheck) and returns both top-k lists, the exact
// (f64) scores of the returned rows, and the largest score errors over every (query, row).
//
// Tolerances. Both paths approximate the exact dot product of the stored int8 row with the f32 query
// (the f64 reference): the WGSL kernel accumulates R(q) . x in f32, the CPU path first rounds R(q)
// to int16 (vectors.ts scoreBlock). Measured on SwiftShader, max |score - exact| over every (query,
// row): GPU 5.0e-7 (384 dims) and 6.1e-7 (1024 dims); CPU 7.2e-6 and 4.7e-6; no near-tie swaps.
//  - GPU_TOLERANCE = 2e-6 for every GPU score: f32 summation of ~dims/4 vec4 dot products errs by a
//    random walk of about sqrt(dims/4) * 2^-24 * |score terms| (~1e-6 for unit vectors; the strict
//    worst case, dims/4 * 2^-24, is 1.5e-5 at 1024 dims but needs every rounding to go one way).
//  - SCORE_TOLERANCE = 2e-5 for the top-k scores of both paths: the CPU's int16 query step is
//    max|R(q)| / 32767 (~6e-6 for these vectors), each value off by at most half of it, times
//    sum |x_d| * scale (~l1 norm of the row, ~16 at 384 dims): a worst case of ~5e-5 that random
//    signs cut to the measured 7.2e-6; 2e-5 leaves ~3x margin over the measured figure.
//  - Where the two lists differ at a rank, the two rows' exact scores must lie within
//    TIE_TOLERANCE = 2 x SCORE_TOLERANCE (a near tie that either rounding may flip).
// A wrong kernel is far outside these: scaling every score by 1.0001 already fails (8.6e-5 off), and
// a wrong unpack, layout or row scale errs by 1e-2 and more. Exact ties (repeated rows) must keep the
// lower row first on both paths.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, expect, test } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumPath } from '../scripts/browser.ts';
import type { BenchApi, GpuCheckCaseResult, GpuCheckRequest, GpuCheckResponse } from '../scripts/bench/page/protocol.ts';
import { startBenchServer } from '../scripts/bench/server.ts';

const SCORE_TOLERANCE = 2e-5;
const TIE_TOLERANCE = 2 * SCORE_TOLERANCE;
/** Every WGSL score vs exact: f32 accumulation alone, tighter than the CPU's int16 rounding needs. */
const GPU_TOLERANCE = 2e-6;

const REQUEST: GpuCheckRequest = {
  cases: [
    { name: '3000 x 384', rows: 3000, dims: 384, queryCount: 16, k: 10, seed: 11, duplicates: 40 },
    { name: '2000 x 1024', rows: 2000, dims: 1024, queryCount: 16, k: 10, seed: 12, duplicates: 40 },
    // 64 KiB bindings: ~24 row chunks; 70 queries: two passes (64 + 6).
    { name: '3000 x 384, split', rows: 3000, dims: 384, queryCount: 70, k: 10, seed: 11, duplicates: 40, limits: { maxStorageBufferBindingSize: 64 * 1024 } },
    // dims not a multiple of 4 (a padded last word), k above the row count (missing results).
    { name: '5 x 100, k > rows', rows: 5, dims: 100, queryCount: 3, k: 8, seed: 13, duplicates: 2 },
  ],
};

function checkAgreement(c: GpuCheckCaseResult): { swaps: number; ties: number } {
  const { k, gpu, cpu } = c;
  let swaps = 0;
  let ties = 0;
  for (let i = 0; i < gpu.indices.length; i++) {
    const at = `${c.name}, query ${Math.floor(i / k)}, rank ${i % k}`;
    const g = gpu.indices[i];
    const t = cpu.indices[i];
    if (t < 0 || g < 0) {
      expect(g, `${at}: missing on one side only`).toBe(t);
      expect(gpu.scores[i], `${at}: a missing result scores -Infinity`).toBeNull();
      continue;
    }
    expect(Math.abs(gpu.scores[i]! - gpu.exact[i]!), `${at}: GPU score vs exact`).toBeLessThanOrEqual(SCORE_TOLERANCE);
    expect(Math.abs(cpu.scores[i]! - cpu.exact[i]!), `${at}: CPU score vs exact`).toBeLessThanOrEqual(SCORE_TOLERANCE);
    if (g !== t) {
      expect(Math.abs(gpu.exact[i]! - cpu.exact[i]!), `${at}: rows ${g} (GPU) and ${t} (CPU) differ by more than a near tie`).toBeLessThanOrEqual(TIE_TOLERANCE);
      swaps++;
    }
    if (i % k > 0) {
      // Best first; equal scores keep the lower row first.
      const prev = gpu.scores[i - 1]!;
      expect(gpu.scores[i]!, `${at}: GPU order`).toBeLessThanOrEqual(prev);
      if (gpu.scores[i] === prev) {
        ties++;
        expect(g, `${at}: GPU tie order`).toBeGreaterThan(gpu.indices[i - 1]);
      }
    }
  }
  return { swaps, ties };
}

test('the WGSL search kernel on SwiftShader gives the CPU topK results on the same int8 bytes', async () => {
  test.setTimeout(180_000);
  const dir = mkdtempSync(join(tmpdir(), 'wgsl-check-'));
  const server = await startBenchServer(dir);
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: [...CHROMIUM_ARGS, '--enable-unsafe-webgpu'] });
  try {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.waitForFunction(() => 'benchApi' in globalThis, null, { timeout: 60_000 });
    const r: GpuCheckResponse = await page.evaluate((req) => (globalThis as unknown as { benchApi: BenchApi }).benchApi.gpuSearchCheck(req), REQUEST);
    // This spec checks the software adapter; a hardware one would also do, but then say so.
    console.log(`adapter: ${r.adapter} (fallback: ${r.isFallbackAdapter})`);
    expect(r.cases.map((c) => c.name)).toEqual(REQUEST.cases.map((c) => c.name));
    const split = r.cases.find((c) => c.name.endsWith('split'))!;
    expect(split.chunks).toBeGreaterThan(10);
    expect(split.passes).toBe(2);
    let totalTies = 0;
    for (const c of r.cases) {
      const { swaps, ties } = checkAgreement(c);
      totalTies += ties;
      console.log(
        `${c.name}: ${c.chunks} chunk(s), ${c.passes} pass(es); max |score - exact| GPU ${c.maxGpuError.toExponential(2)}, CPU ${c.maxCpuError.toExponential(2)}; ` +
          `max |GPU - CPU| ${c.maxGpuCpuDiff.toExponential(2)}; near-tie swaps ${swaps}, exact ties ${ties}`,
      );
      expect(c.maxGpuError, `${c.name}: WGSL kernel vs exact, every score`).toBeLessThanOrEqual(GPU_TOLERANCE);
      expect(c.maxCpuError, `${c.name}: CPU topK path vs exact, every score`).toBeLessThanOrEqual(SCORE_TOLERANCE);
      // Bit-identical would mean the GPU result was not computed by the kernel at all.
      expect(c.maxGpuCpuDiff, `${c.name}: GPU and CPU round differently`).toBeGreaterThan(0);
    }
    // The repeated rows made exact ties inside the top 10, so the tie order was really tested.
    expect(totalTies).toBeGreaterThan(0);
    const tiny = r.cases.find((c) => c.name.startsWith('5 x 100'))!;
    expect(tiny.gpu.indices.slice(0, 8).filter((i) => i < 0)).toHaveLength(3);
  } finally {
    await browser.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
