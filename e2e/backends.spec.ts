// The engine worker on both backends with the generated TEST models: WebGPU (SwiftShader adapter,
// --enable-unsafe-webgpu, forced with ?backend=webgpu) and the WASM fallback (no flag) give the same
// vectors and results. Without the override a software adapter is refused: the models run on WASM.
// A reranker that cannot load leaves extraction running without it. (A model host outage is covered
// through the UI in app.spec.ts.)
import { chromium, expect, test, type Browser, type Page, type Worker } from '@playwright/test';
import type { EngineStatus } from '../workers/engineApi.ts';
import { CHROMIUM_ARGS, chromiumPath } from '../scripts/browser.ts';

const TEXTS = ['Experience with Java programming and SQL databases', 'Wir suchen eine Pflegefachkraft', 'project management and teamwork'];
const AD = 'We are hiring a software developer.\n- Experience with Java programming\n- SQL databases';

type EngineGlobal = {
  __engine: {
    status(): Promise<EngineStatus>;
    embed(t: string[]): Promise<Float32Array>;
    extract(t: string): Promise<{ stage: string; candidates: { kind: string; index: number; retrieval: number }[] }>;
    setRerankerEnabled(on: boolean): Promise<void>;
  };
};

async function engineWorker(page: Page, path = '/'): Promise<Worker> {
  await page.goto(path);
  const has = () => page.workers().find((w) => w.url().includes('engine'));
  await expect.poll(() => Boolean(has()), { timeout: 30_000 }).toBe(true);
  return has()!;
}

async function waitReady(worker: Worker, timeout = 90_000): Promise<EngineStatus> {
  let status: EngineStatus | undefined;
  await expect
    .poll(async () => {
      // status() is undefined until the app has called init.
      status = await worker.evaluate(() => (self as unknown as EngineGlobal).__engine.status());
      // The self-check runs after "ready" is reported: its verdict is part of what these tests read.
      const checked = status?.denseReady && status.selfCheck !== undefined;
      return Boolean(status && status.taxonomy === 'ready' && (checked || status.embedder.phase === 'failed'));
    }, { timeout })
    .toBe(true);
  return status!;
}

const embed = (worker: Worker) => worker.evaluate(async (texts) => Array.from(await (self as unknown as EngineGlobal).__engine.embed(texts)), TEXTS);
const topSkills = (worker: Worker) =>
  worker.evaluate(async (text) => {
    const r = await (self as unknown as EngineGlobal).__engine.extract(text);
    return r.candidates.filter((c) => c.kind === 'skill').sort((a, b) => b.retrieval - a.retrieval).slice(0, 5).map((c) => c.index);
  }, AD);

function cosines(a: number[], b: number[], dims: number): number[] {
  return TEXTS.map((_, i) => {
    let d = 0, x = 0, y = 0;
    for (let j = i * dims; j < (i + 1) * dims; j++) {
      d += a[j] * b[j];
      x += a[j] * a[j];
      y += b[j] * b[j];
    }
    return d / Math.sqrt(x * y);
  });
}

async function launch(webgpu: boolean): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: webgpu ? [...CHROMIUM_ARGS, '--enable-unsafe-webgpu'] : CHROMIUM_ARGS });
}

test('WebGPU and the WASM fallback give the same vectors and results', async ({ baseURL }) => {
  test.setTimeout(240_000);
  const results: Record<string, { status: EngineStatus; vectors: number[]; top: number[] }> = {};
  for (const webgpu of [true, false]) {
    const browser = await launch(webgpu);
    try {
      const page = await (await browser.newContext({ baseURL })).newPage();
      // SwiftShader is refused unless WebGPU is forced (the test after this one).
      const worker = await engineWorker(page, webgpu ? '/?backend=webgpu' : '/');
      const status = await waitReady(worker);
      results[webgpu ? 'webgpu' : 'wasm'] = { status, vectors: await embed(worker), top: await topSkills(worker) };
    } finally {
      await browser.close();
    }
  }
  const { webgpu, wasm } = results;
  expect(webgpu.status.backend).toBe('webgpu');
  expect(webgpu.status.dtype).toBe('fp32');
  expect(webgpu.status.fallbackReason).toBeUndefined();
  expect(webgpu.status.selfCheck?.ok).toBe(true);
  expect(wasm.status.backend).toBe('wasm');
  expect(wasm.status.dtype).toBe('q8');
  expect(wasm.status.fallbackReason).toMatch(/no WebGPU adapter/);
  expect(wasm.status.crossOriginIsolated).toBe(true);
  expect(wasm.status.embedder.isTestModel).toBe(true);
  const dims = webgpu.vectors.length / TEXTS.length;
  expect(dims).toBe(256);
  for (const c of cosines(webgpu.vectors, wasm.vectors, dims)) expect(c).toBeGreaterThanOrEqual(0.99);
  expect(wasm.top.slice(0, 3)).toEqual(webgpu.top.slice(0, 3));
});

test('a software WebGPU adapter (SwiftShader) is not used for the models unless forced: the model panel says WASM and why', async ({ baseURL }) => {
  test.setTimeout(180_000);
  const browser = await launch(true);
  try {
    const page = await (await browser.newContext({ baseURL })).newPage();
    const worker = await engineWorker(page);
    const status = await waitReady(worker);
    expect(status.backend).toBe('wasm');
    expect(status.dtype).toBe('q8');
    expect(status.selfCheck?.ok).toBe(true);
    const backend = page.getByTestId('backend');
    await expect(backend).toContainText('WASM');
    await expect(backend).not.toContainText('WebGPU failed');
    await expect(backend).toContainText(/WebGPU not used: the WebGPU adapter is a software \(fallback\) adapter such as SwiftShader/);
    await expect(backend).toContainText('?backend=webgpu');
  } finally {
    await browser.close();
  }
});

test('concept search on the WGSL kernel (?search=gpu, SwiftShader) gives the CPU kernel results within its tolerance', async ({ baseURL }) => {
  test.setTimeout(180_000);
  const browser = await launch(true);
  try {
    const runs: Record<string, { status: EngineStatus; candidates: { kind: string; index: number; retrieval: number }[] }> = {};
    for (const [name, path] of [['cpu', '/'], ['gpu', '/?search=gpu']] as const) {
      const page = await (await browser.newContext({ baseURL })).newPage();
      await page.goto(path);
      const has = () => page.workers().find((w) => w.url().includes('engine'));
      await expect.poll(() => Boolean(has()), { timeout: 30_000 }).toBe(true);
      const worker = has()!;
      await waitReady(worker);
      // The GPU search starts after the cache is ready (matrix upload, shader compilation).
      await expect.poll(() => worker.evaluate(() => (self as unknown as EngineGlobal).__engine.status().then((s) => s.search.kernel)), { timeout: 30_000 }).toBe(name === 'gpu' ? 'wgsl' : 'wasm-simd');
      const result = await worker.evaluate(async (text) => (self as unknown as EngineGlobal).__engine.extract(text), AD);
      runs[name] = { status: await worker.evaluate(() => (self as unknown as EngineGlobal).__engine.status()), candidates: result.candidates };
      await page.close();
    }
    expect(runs.cpu.status.search.reason).toMatch(/fallback \(software\) adapter/);
    expect(runs.gpu.status.search.reason).toMatch(/forced on this adapter \(a fallback adapter\)/);
    const byKey = (r: (typeof runs)['cpu']) => new Map(r.candidates.filter((c) => c.retrieval > 0).map((c) => [`${c.kind}:${c.index}`, c.retrieval]));
    const cpu = byKey(runs.cpu);
    const gpu = byKey(runs.gpu);
    expect(cpu.size).toBeGreaterThan(5);
    // e2e/webgpuSearch.spec.ts: top-k scores of the two kernels agree within 2e-5; a candidate retrieved
    // by only one of them must be a near tie at the top-k edge, which this short ad does not have.
    expect([...gpu.keys()].sort()).toEqual([...cpu.keys()].sort());
    for (const [key, v] of cpu) expect(Math.abs(gpu.get(key)! - v)).toBeLessThan(2e-5);
  } finally {
    await browser.close();
  }
});

test('a reranker that cannot load leaves extraction running without it, and the status says why', async ({ page, context }) => {
  await context.route('**/token-overlap-reranker/**', (route) => route.fulfill({ status: 404, body: 'gone' }));
  const worker = await engineWorker(page);
  await waitReady(worker);
  const result = await worker.evaluate(async (text) => {
    const engine = (self as unknown as EngineGlobal).__engine;
    await engine.setRerankerEnabled(true);
    return engine.extract(text);
  }, AD);
  expect(result.stage).toBe('embedding');
  expect(result.candidates.length).toBeGreaterThan(0);
  const status = await worker.evaluate(() => (self as unknown as EngineGlobal).__engine.status());
  expect(status.reranker.phase).toBe('failed');
  expect(status.reranker.error).toMatch(/reranker unavailable, extraction continues without it: model download failed: .*404/);
  expect(status.denseReady).toBe(true);
});
