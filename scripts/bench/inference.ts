// Section 2, inference efficiency, browser against native: one ONNX file per dtype (fp32, and q8 in
// the form onnxruntime's dynamic quantisation gives bge-m3's model_quantized.onnx) with bge-m3's layer
// shape and LAYERS layers, run in onnxruntime-node and in onnxruntime-web (WASM, threads as the app
// sets them) in a Chromium worker, on the same batches:
//   segments:  the 500-word ad's segments (as src/core/segment.ts cuts them), sorted, batches of 16;
//   concepts:  one batch of 16 taxonomy concept texts at the median concept length.
// From the per-layer time it estimates bge-m3 (24 layers) on this CPU for a 500-word ad (embedding,
// and the reranker on the pairs the pipeline sends it: its shortlist, whole and first batch, beside
// the scheme before it, every segment's top 5) and for regenerating the taxonomy cache, by
// padded tokens: each app batch is costed at the measured throughput of the workload whose sequence
// length is nearer (attention cost grows with length; the weight MatMuls, ~95% of the work at these
// lengths, do not). The embedding lookup and final pooling are left out (a few % of one layer).
// The runners (runNodeModels, runBrowserModels) and workloads are shared with realModel.ts, which
// checks this per-layer method on the real bge-small-en graph and recalibrates the estimates.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext, SectionResult } from './context.ts';
import { BGE_M3_LAYER, encoderModel, linearMacsPerToken } from './onnxModels.ts';
import { loadOrtNode } from './ortNode.ts';
import type { InferenceResponse } from './page/protocol.ts';
import { fmtMs, fmtRate, fmtRatio, fmtSample, fmtSeconds, summarize, timeRuns, type Sample, type Table } from './stats.ts';
import { measureTextWorkloads, percentile, type TextWorkloads } from './textWorkloads.ts';
import { batchesOf, encodeBatch, feedArrays, paddedTokens, realTokens, type Batch } from './workloads.ts';

/** Synthetic layers per encoder file: times are scaled per layer (realModel.ts checks that scaling on a real graph). */
export const LAYERS = 2;
export const BGE_M3_LAYERS = 24;
/** The app's browser batch size (src/runtime/transformersModels.ts: 16 in the browser, 32 in Node). */
export const APP_BATCH = 16;
export const MODELS = ['fp32', 'q8'] as const;
export type ModelName = (typeof MODELS)[number];

export interface Workload {
  name: string;
  label: string;
  batches: Batch[];
}

/** The two measured workloads ('segments', 'concepts') from token counts; `maxLength` truncates as the tokenizer would. */
export function workloadsFrom(w: TextWorkloads, maxLength = Infinity): Workload[] {
  const cap = (n: number) => Math.min(n, maxLength);
  const segmentLengths = w.embedLengths.slice(0, w.segments).map(cap);
  const sorted = w.conceptLengths.map(cap).sort((a, b) => a - b);
  const mid = Math.max(0, Math.floor(sorted.length / 2) - APP_BATCH / 2);
  return [
    { name: 'segments', label: `500-word ad: ${w.segments} segments, batches of ${APP_BATCH}`, batches: batchesOf(segmentLengths, APP_BATCH) },
    { name: 'concepts', label: `16 concept texts at the median length`, batches: [{ lengths: sorted.slice(mid, mid + APP_BATCH) }] },
  ];
}

export function seqOf(b: Batch): number {
  return Math.max(0, ...b.lengths);
}

/** Mean padded sequence length of a workload (which measured throughput an app batch borrows). */
function meanSeq(w: Workload): number {
  return paddedTokens(w.batches) / w.batches.reduce((s, b) => s + b.lengths.length, 0);
}

/** One ONNX graph to time: the bytes (or a file path) for Node, its path on the bench server for Chromium. */
export interface TimedModel {
  name: string;
  source: Uint8Array | string;
  /** e.g. /files/encoder-q8.onnx (scripts/bench/server.ts). */
  path: string;
  /** Vocabulary size: synthetic token ids stay below it. */
  vocab: number;
}

export interface WorkloadBatches {
  name: string;
  batches: Batch[];
}

/** Each model on each workload in onnxruntime-node (default intra-op threads): `${model}/${workload}` -> sample. */
export async function runNodeModels(ctx: BenchContext, models: TimedModel[], workloads: WorkloadBatches[], runs: number, tag: string): Promise<Map<string, Sample>> {
  const ort = await loadOrtNode();
  const out = new Map<string, Sample>();
  for (const m of models) {
    // A path or the bytes; the two overloads of create() take one each.
    const session = typeof m.source === 'string' ? await ort.InferenceSession.create(m.source) : await ort.InferenceSession.create(m.source);
    try {
      for (const w of workloads) {
        const feeds = w.batches.map((b) => {
          const f: Record<string, InstanceType<typeof ort.Tensor>> = {};
          for (const [name, a] of Object.entries(feedArrays(session.inputNames, encodeBatch(b, m.vocab)))) f[name] = new ort.Tensor('int64', a.data, a.dims);
          return f;
        });
        const sample = await timeRuns(
          async () => {
            for (const f of feeds) await session.run(f);
          },
          { runs, warmup: 1 },
        );
        out.set(`${m.name}/${w.name}`, sample);
        ctx.log(`${tag} (node): ${m.name} ${w.name}: median ${sample.median.toFixed(0)} ms`);
      }
    } finally {
      await session.release();
    }
  }
  return out;
}

/** The same in onnxruntime-web WASM in a Chromium worker, with as many threads as the app gives it. */
export async function runBrowserModels(ctx: BenchContext, models: TimedModel[], workloads: WorkloadBatches[], runs: number, tag: string): Promise<InferenceResponse> {
  const bench = await ctx.page();
  const threads = await bench.page.evaluate(() => (globalThis.crossOriginIsolated ? Math.max(1, Math.min(8, navigator.hardwareConcurrency)) : 1));
  const r = await bench.call('inference', {
    models: models.map((m) => ({ name: m.name, url: new URL(m.path, bench.url).href, vocab: m.vocab })),
    workloads: workloads.map((w) => ({ name: w.name, batches: w.batches })),
    runs,
    numThreads: threads,
    ort: bench.ort,
  });
  for (const c of r.cases) ctx.log(`${tag} (chromium): ${c.model} ${c.workload}: median ${c.sample.median.toFixed(0)} ms`);
  for (const e of r.errors) ctx.log(`${tag} (chromium): ${e}`);
  return r;
}

export async function runInference(ctx: BenchContext): Promise<SectionResult> {
  const runs = Math.max(3, ctx.runs - 2);
  const texts = await measureTextWorkloads(500);
  const workloads = workloadsFrom(texts);
  const models: TimedModel[] = MODELS.map((m) => {
    const bytes = encoderModel({ ...BGE_M3_LAYER, layers: LAYERS }, m === 'q8');
    writeFileSync(join(ctx.filesDir, `encoder-${m}.onnx`), bytes);
    return { name: m, source: bytes, path: `/files/encoder-${m}.onnx`, vocab: BGE_M3_LAYER.vocab };
  });
  const node = await runNodeModels(ctx, models, workloads, runs, 'inference');
  let browser: InferenceResponse | null = null;
  let browserError = '';
  try {
    browser = await runBrowserModels(ctx, models, workloads, runs, 'inference');
  } catch (e) {
    browserError = e instanceof Error ? e.message : String(e);
    ctx.log(`inference (chromium) failed: ${browserError}`);
  }
  const web = new Map<string, Sample>();
  for (const c of browser?.cases ?? []) web.set(`${c.model}/${c.workload}`, c.sample);
  const none = summarize([]);

  // ---- throughput table
  const macsPerToken = linearMacsPerToken(BGE_M3_LAYER);
  const rows: string[][] = [];
  const facts: Record<string, number> = {};
  for (const w of workloads) {
    const real = realTokens(w.batches);
    const padded = paddedTokens(w.batches);
    for (const m of MODELS) {
      const n = node.get(`${m}/${w.name}`) ?? none;
      const b = web.get(`${m}/${w.name}`) ?? none;
      rows.push([
        w.label,
        m,
        `${real} / ${padded}`,
        fmtSample(n),
        fmtRate(real / (n.median / 1000), 'tok/s'),
        fmtSample(b),
        fmtRate(real / (b.median / 1000), 'tok/s'),
        fmtRatio(b.median / n.median),
        fmtRate((padded * macsPerToken * LAYERS) / (b.median / 1000), 'MAC/s'),
        `${fmtMs(n.median / LAYERS)} / ${fmtMs(b.median / LAYERS)}`,
        `${fmtMs((n.median / LAYERS) * BGE_M3_LAYERS)} / ${fmtMs((b.median / LAYERS) * BGE_M3_LAYERS)}`,
      ]);
      facts[`inference.${m}.${w.name}.node.ms`] = n.median;
      facts[`inference.${m}.${w.name}.browser.ms`] = b.median;
    }
  }
  const shapes = workloads.map((w) => `${w.name}: ${w.batches.map((b) => `${b.lengths.length}x${seqOf(b)}`).join(', ')}`).join('; ');
  const throughput: Table = {
    title: `2a. Encoder inference, Chromium (onnxruntime-web WASM) vs Node (onnxruntime-node), ${LAYERS} bge-m3-shaped layers`,
    note:
      `Random-weight encoder with bge-m3's layer (hidden 1024, 16 heads, FFN 4096, erf GELU, layer norm), ${LAYERS} layers, same ONNX file in both runtimes ` +
      `(scripts/bench/onnxModels.ts; q8 = DynamicQuantizeLinear + MatMulInteger, int8 weights, as quantize_dynamic writes model_quantized.onnx). ` +
      `Chromium: worker, ${browser ? `${browser.numThreads} WASM threads, crossOriginIsolated ${browser.crossOriginIsolated}` : 'n/a'}; Node: default intra-op threads (one per core). ` +
      `Batches (rows x padded length) — ${shapes}. ms = median (min–max) of ${runs} runs of the whole workload after a warm-up; tok/s counts real (unpadded) tokens.`,
    textColumns: 2,
    head: [
      'Workload',
      'dtype',
      'tokens real / padded',
      'Node ms',
      'Node tok/s',
      'Chromium ms',
      'Chromium tok/s',
      'Chromium ÷ Node time',
      'Chromium MAC/s (weight MatMuls)',
      'ms per layer Node / Chromium',
      'x24 layers (bge-m3) Node / Chromium ms',
    ],
    rows,
    footer: [
      'On a busy machine multi-threaded onnxruntime-node suffers most (its intra-op threads spin-wait for each other), which can even invert the ratio: compare ratios from runs without the busy-machine warning.',
      ...(browser ? browser.errors.map((e) => `Chromium: ${e}`) : [`Chromium: n/a: ${browserError}`]),
    ],
  };

  // ---- bge-m3 estimates
  /** ms per padded token per layer, per runtime/dtype/workload. */
  const perTokenLayer = (runtime: 'node' | 'browser', m: ModelName, w: Workload): number => {
    const s = (runtime === 'node' ? node : web).get(`${m}/${w.name}`);
    return s ? s.median / paddedTokens(w.batches) / LAYERS : NaN;
  };
  /** `via`, when given, receives the part of the estimate each measured workload supplied (for the recalibration). */
  const estimateMs = (batches: Batch[], runtime: 'node' | 'browser', m: ModelName, via?: Record<string, number>): number => {
    let ms = 0;
    for (const b of batches) {
      const seq = seqOf(b);
      // The measured workload nearest in sequence length supplies the cost per padded token.
      const w = workloads.reduce((best, x) => (Math.abs(meanSeq(x) - seq) < Math.abs(meanSeq(best) - seq) ? x : best));
      const part = b.lengths.length * seq * perTokenLayer(runtime, m, w) * BGE_M3_LAYERS;
      ms += part;
      if (via) via[w.name] = (via[w.name] ?? 0) + part;
    }
    return ms;
  };
  // The app embeds segments and document chunks in one call, sorted by length, batches of 16.
  const embedBatches = batchesOf(texts.embedLengths, APP_BATCH);
  // Each reranker call is one segment and kind with its passages (one batch each).
  const rerankBatches: Batch[] = texts.rerankCalls.map((lengths) => ({ lengths }));
  const shortlistBatches: Batch[] = texts.shortlistBatches.flat().map((lengths) => ({ lengths }));
  const firstBatch: Batch[] = (texts.shortlistBatches[0] ?? []).map((lengths) => ({ lengths }));
  const pairsOf = (bs: Batch[]) => bs.reduce((n, b) => n + b.lengths.length, 0);
  const conceptBatches = batchesOf(texts.conceptLengths, APP_BATCH);
  const work: { label: string; batches: Batch[]; key: string }[] = [
    { label: `500-word ad: embed ${texts.segments} segments + ${texts.documentChunks} document chunks`, batches: embedBatches, key: 'adEmbed' },
    { label: `500-word ad: rerank every segment's top 5 (before the shortlist): ${pairsOf(rerankBatches)} (segment, concept) pairs in ${rerankBatches.length} calls`, batches: rerankBatches, key: 'adRerank' },
    {
      label: `500-word ad: rerank the shortlist (cap ${texts.shortlistLimit}): ${pairsOf(shortlistBatches)} pairs in ${shortlistBatches.length} calls, ${texts.shortlistBatches.length} batches`,
      batches: shortlistBatches,
      key: 'adRerankShortlist',
    },
    { label: `500-word ad: first refined results (the shortlist's first batch, ${pairsOf(firstBatch)} pairs)`, batches: firstBatch, key: 'adRerankFirst' },
    { label: `regenerate taxonomy cache: ${texts.conceptLengths.length.toLocaleString('en-US')} concept texts`, batches: conceptBatches, key: 'regen' },
  ];
  const estRows: string[][] = [];
  for (const x of work) {
    const cells = [x.label, `${realTokens(x.batches).toLocaleString('en-US')} / ${paddedTokens(x.batches).toLocaleString('en-US')}`];
    for (const [runtime, m] of [
      ['browser', 'q8'],
      ['browser', 'fp32'],
      ['node', 'q8'],
      ['node', 'fp32'],
    ] as const) {
      const via: Record<string, number> = {};
      const ms = estimateMs(x.batches, runtime, m, via);
      facts[`estimate.${x.key}.${runtime}.${m}.ms`] = ms;
      // Which workload's per-token cost each part came from: realModel.ts recalibrates each part with
      // the factor measured on the same kind of batches.
      for (const [w, part] of Object.entries(via)) facts[`estimate.${x.key}.${runtime}.${m}.via.${w}.ms`] = part;
      cells.push(fmtSeconds(ms / 1000));
    }
    estRows.push(cells);
  }
  for (const [label, key] of [
    ["500-word ad: embed + rerank every segment's top 5", 'adRerank'],
    ['500-word ad: embed + rerank the shortlist', 'adRerankShortlist'],
  ] as const) {
    const adTotal = (r: 'node' | 'browser', m: ModelName) => facts[`estimate.adEmbed.${r}.${m}.ms`] + facts[`estimate.${key}.${r}.${m}.ms`];
    estRows.push([label, '', fmtSeconds(adTotal('browser', 'q8') / 1000), fmtSeconds(adTotal('browser', 'fp32') / 1000), fmtSeconds(adTotal('node', 'q8') / 1000), fmtSeconds(adTotal('node', 'fp32') / 1000)]);
  }
  const sortedConcepts = [...texts.conceptLengths].sort((a, b) => a - b);
  const segLengths = texts.embedLengths.slice(0, texts.segments).sort((a, b) => a - b);
  const estimates: Table = {
    title: '2b. Estimated bge-m3 (24 layers) time on this CPU',
    note:
      `Measured ms per padded token per layer (table 2a) x 24 layers x the padded tokens of the app's batches (embedder: sorted by length, batches of ${APP_BATCH}; reranker: one batch per call). ` +
      `Reranker rows: the pairs of src/core/rerankShortlist.ts's shortlist as the pipeline scores them (concepts retrieved near the cut first, labels found verbatim and the long tail skipped, each concept once; ` +
      `batches of ${texts.shortlistBatch}, partial results after each), its first batch (when the first refined results show), and the scheme before it for comparison. ` +
      `Targets on WASM q8: the shortlist within 30 s (the automatic setting's budget), the first refined results within 5 s. ` +
      `The app runs bge-m3 as WASM q8 when there is no WebGPU with shader-f16 (the case on this machine). Token counts: ${texts.tokenizer}. ` +
      'Table 2e (section realmodel) shows these recalibrated against the real 12-layer bge-small-en graph.',
    head: ['Work', 'tokens real / padded', 'Chromium WASM q8', 'Chromium WASM fp32', 'Node q8', 'Node fp32'],
    rows: estRows,
    footer: [
      `Token lengths: ad segments p10/p50/p90/max ${[10, 50, 90, 100].map((p) => percentile(segLengths, p)).join(' / ')}; ` +
        `document chunks ${texts.embedLengths.slice(texts.segments).join(', ')}; ` +
        `concept texts p10/p50/p90/max ${[10, 50, 90, 100].map((p) => percentile(sortedConcepts, p)).join(' / ')} (mean ${(texts.conceptLengths.reduce((a, b) => a + b, 0) / texts.conceptLengths.length).toFixed(1)}).`,
      `Padding: the ad's embed call computes ${paddedTokens(embedBatches).toLocaleString('en-US')} padded tokens for ${realTokens(embedBatches).toLocaleString('en-US')} real ones ` +
        `(${embedBatches.length} batches of sizes ${embedBatches.map((b) => b.lengths.length).join(', ')}).`,
    ],
  };
  facts['estimate.adEmbed.padded'] = paddedTokens(embedBatches);
  // The same texts with the document chunks batched apart from the segments: what that change would save.
  const splitBatches = [...batchesOf(texts.embedLengths.slice(0, texts.segments), APP_BATCH), ...batchesOf(texts.embedLengths.slice(texts.segments), APP_BATCH)];
  facts['estimate.adEmbed.paddedSplit'] = paddedTokens(splitBatches);
  facts['estimate.adEmbed.splitBrowserQ8.ms'] = estimateMs(splitBatches, 'browser', 'q8');
  facts['estimate.adRerank.pairs'] = pairsOf(rerankBatches);
  facts['estimate.adRerankShortlist.pairs'] = pairsOf(shortlistBatches);
  facts['estimate.adRerankFirst.pairs'] = pairsOf(firstBatch);
  facts['estimate.regen.concepts'] = texts.conceptLengths.length;
  facts['estimate.adEmbed.real'] = realTokens(embedBatches);
  facts['estimate.adEmbed.chunkBatchPadded'] = embedBatches.length ? paddedTokens(embedBatches.slice(-1)) : 0;
  facts['estimate.adRerank.real'] = realTokens(rerankBatches);
  facts['estimate.segments'] = texts.segments;
  return { tables: [throughput, estimates], facts };
}
