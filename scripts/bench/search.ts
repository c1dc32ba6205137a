// Section 1, vector search at the real shape (17,597 concepts x 1024 dims, 64 queries, top-10): the
// project's topK (int8 default storage, f16, WASM SIMD kernel and JS fallback) against a naive
// Float32Array loop and against ONNX Runtime MatMul + TopK on the same data, in Node and in a Chromium
// worker. Reports ms (median, min-max), multiply-adds per second and speed-up factors vs the baselines.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext, SectionResult } from './context.ts';
import { clusteredSearchData, transpose } from './datasets.ts';
import { topKModel } from './onnxModels.ts';
import { loadOrtNode } from './ortNode.ts';
import type { SearchResponse } from './page/protocol.ts';
import { nodeSearchPool } from '../../src/runtime/nodeSearchPool.ts';
import { CASE, runSearchCases, type OrtSearchCase, type SearchCaseResult } from './searchCases.ts';
import { fmtRate, fmtRatio, fmtSample, type Table } from './stats.ts';

export const SEARCH_SHAPE = { rows: 17_597, dims: 1024, queryCount: 64, k: 10 } as const;
const ORT_MODEL_FILE = 'matmul-topk.onnx';
/** Ceiling on the timed runs of each slow (JS) case, so the section stays within its share of the run. */
const SLOW_BUDGET_MS = 8_000;

const ORT_NODE_DEFAULT = 'onnxruntime-node MatMul+TopK fp32 (default threads)';
const ORT_NODE_ONE = 'onnxruntime-node MatMul+TopK fp32 (1 thread)';

async function nodeCases(ctx: BenchContext): Promise<{ kernel: string; cases: SearchCaseResult[]; threads: number }> {
  const { rows, dims, queryCount, k } = SEARCH_SHAPE;
  const t = performance.now();
  const data = clusteredSearchData(rows, dims, queryCount);
  ctx.log(`search: data ${rows} x ${dims} built in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const model = topKModel(transpose(data.matrix, rows, dims), rows, dims, k);
  // The same file goes to the browser's onnxruntime-web.
  writeFileSync(join(ctx.filesDir, ORT_MODEL_FILE), model);
  const ort = await loadOrtNode();
  const sessions = [];
  const ortCases: OrtSearchCase[] = [];
  for (const [name, opts] of [
    [ORT_NODE_DEFAULT, {}],
    [ORT_NODE_ONE, { intraOpNumThreads: 1 }],
  ] as const) {
    const session = await ort.InferenceSession.create(model, opts);
    sessions.push(session);
    ortCases.push({
      name,
      run: async () => (await session.run({ q: new ort.Tensor('float32', data.queries, [queryCount, dims]) })).indices.data as BigInt64Array,
    });
  }
  const pool = nodeSearchPool();
  const r = await runSearchCases(data, { k, runs: ctx.runs, slowBudgetMs: SLOW_BUDGET_MS, ort: ortCases, pool, log: (l) => ctx.log(`search (node): ${l}`) });
  pool.close();
  for (const s of sessions) await s.release();
  return { ...r, threads: 0 };
}

async function browserCases(ctx: BenchContext): Promise<SearchResponse> {
  const { rows, dims, queryCount, k } = SEARCH_SHAPE;
  const bench = await ctx.page();
  const threads = await bench.page.evaluate(() => (globalThis.crossOriginIsolated ? Math.max(1, Math.min(8, navigator.hardwareConcurrency)) : 1));
  const r = await bench.call('search', {
    rows,
    dims,
    queryCount,
    k,
    runs: ctx.runs,
    slowBudgetMs: SLOW_BUDGET_MS,
    ortModelUrl: new URL(`/files/${ORT_MODEL_FILE}`, bench.url).href,
    ort: bench.ort,
    numThreads: threads,
  });
  for (const c of r.cases) ctx.log(`search (chromium): ${c.name}: median ${c.sample.median.toFixed(1)} ms`);
  for (const e of r.errors) ctx.log(`search (chromium): ${e}`);
  return r;
}

export async function runSearch(ctx: BenchContext): Promise<SectionResult> {
  const { rows, dims, queryCount, k } = SEARCH_SHAPE;
  const macs = rows * dims * queryCount;
  const node = await nodeCases(ctx);
  let browser: SearchResponse | null = null;
  let browserError = '';
  try {
    browser = await browserCases(ctx);
  } catch (e) {
    browserError = e instanceof Error ? e.message : String(e);
    ctx.log(`search (chromium) failed: ${browserError}`);
  }

  const find = (cases: SearchCaseResult[], name: string) => cases.find((c) => c.name === name);
  const ortNode = find(node.cases, ORT_NODE_DEFAULT)?.sample.median ?? NaN;
  const ortWeb = browser?.cases.find((c) => c.name.startsWith('onnxruntime-web'))?.sample.median ?? NaN;
  const rowsOut: string[][] = [];
  const facts: Record<string, number> = {};
  const addRows = (runtime: string, cases: SearchCaseResult[]) => {
    const naive = find(cases, CASE.naive)?.sample.median ?? NaN;
    for (const c of cases) {
      const ms = c.sample.median;
      const na = c.note?.startsWith('n/a');
      rowsOut.push([
        runtime,
        c.note && !na ? `${c.name} (${c.note})` : c.name,
        na ? c.note! : fmtSample(c.sample),
        fmtRate(macs / (ms / 1000), 'MAC/s'),
        c.name === CASE.naive ? '1x' : fmtRatio(naive / ms),
        fmtRatio(ortNode / ms),
        fmtRatio(ortWeb / ms),
        c.recall === undefined ? '' : `${(100 * c.recall).toFixed(1)}%`,
      ]);
    }
  };
  addRows('Node', node.cases);
  if (browser) addRows('Chromium worker', browser.cases);
  const key = (cases: SearchCaseResult[] | undefined, name: string) => cases?.find((c) => c.name === name)?.sample.median ?? NaN;
  facts['search.node.int8.ms'] = key(node.cases, CASE.int8Wasm);
  facts['search.node.int8Pool.ms'] = key(node.cases, CASE.int8Pool);
  facts['search.node.ortDefault.ms'] = ortNode;
  facts['search.browser.int8Pool.ms'] = key(browser?.cases, CASE.int8Pool);
  facts['search.browser.int8RelaxedPool.ms'] = key(browser?.cases, CASE.int8RelaxedPool);
  facts['search.browser.int8.ms'] = key(browser?.cases, CASE.int8Wasm);
  facts['search.browser.f16.ms'] = key(browser?.cases, CASE.f16Wasm);
  facts['search.browser.int8js.ms'] = key(browser?.cases, CASE.int8Js);
  facts['search.browser.naive.ms'] = key(browser?.cases, CASE.naive);
  facts['search.browser.ortWeb.ms'] = ortWeb;

  const footer = [
    `Kernel in use: Node ${node.kernel}; Chromium ${browser ? `${browser.kernel} (crossOriginIsolated: ${browser.crossOriginIsolated})` : `n/a: ${browserError}`}.`,
    'Speed-up columns: baseline median / this median (>1 = faster than the baseline). "vs naive" compares within the same runtime.',
    'The project kernel runs in the calling thread, or (rows split over all cores) with helper workers scoring shares of the rows in the same shared memory (src/core/searchPool.ts); "default threads" ORT uses every core. Targets (issue 15): the best project row >= 0.5x ORT-node and >= 2x ORT-web in both runtimes. Recall = share of the naive fp32 top-10 that the case returns (int8/f16 storage may swap near-ties).',
  ];
  for (const e of browser?.errors ?? []) footer.push(`Chromium: ${e}`);
  const table: Table = {
    title: `1. Vector search: ${queryCount} queries x ${rows.toLocaleString('en-US')} concepts x ${dims} dims, top-${k}`,
    note: `Synthetic clustered unit vectors (scripts/bench/datasets.ts); one search = all ${queryCount} queries (${fmtRate(macs, 'MAC')}). ms = median (min–max) of up to ${ctx.runs} runs after a warm-up (JS paths: at least 3 runs, stopped after ${SLOW_BUDGET_MS / 1000} s).`,
    textColumns: 2,
    head: ['Runtime', 'Method', 'ms per search', 'multiply-adds/s', 'vs naive', 'vs ORT-node', 'vs ORT-web', 'recall@10'],
    rows: rowsOut,
    footer,
  };
  return { tables: [table], facts };
}
