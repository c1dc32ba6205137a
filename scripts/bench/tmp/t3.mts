import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBenchServer } from '../server.ts';
import { launchChromium } from '../chromium.ts';
import { encoderModel, BGE_M3_LAYER } from '../onnxModels.ts';
import type { BenchApi } from '../page/protocol.ts';
const dir = mkdtempSync(join(tmpdir(), 'bench-'));
writeFileSync(join(dir, 'q8.onnx'), encoderModel({ ...BGE_M3_LAYER, layers: 2 }, true));
writeFileSync(join(dir, 'fp32.onnx'), encoderModel({ ...BGE_M3_LAYER, layers: 2 }, false));
const server = await startBenchServer(dir);
const browser = await launchChromium();
const page = await browser.newPage();
await page.goto(server.url);
await page.waitForFunction(() => 'benchApi' in globalThis);
const ort = { module: '/ort/ort.webgpu.min.mjs', wasm: new URL('/ort/ort-wasm-simd-threaded.asyncify.wasm', server.url).href, mjs: new URL('/ort/ort-wasm-simd-threaded.asyncify.mjs', server.url).href };
for (const threads of [2, 1]) {
const r2 = await page.evaluate((req) => (globalThis as unknown as { benchApi: BenchApi }).benchApi.inference(req), { models: [{ name: 'q8', url: '/files/q8.onnx' }, { name: 'fp32', url: '/files/fp32.onnx' }], workloads: [{ name: 'w', batches: [{ lengths: new Array(16).fill(32) }] }], runs: 3, numThreads: threads, ort, vocab: 4096 });
console.log(threads, JSON.stringify(r2.cases.map(c => [c.model, c.sample.median, c.sessionMs])), r2.errors);
}
await browser.close();
await server.close();
