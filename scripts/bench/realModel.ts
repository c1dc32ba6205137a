// Section 'realmodel': the real bge-small-en-v1.5 graphs (Xenova's export: BERT, 12 layers, hidden
// 384; model.onnx fp32 and model_quantized.onnx q8, provisioned offline in .generated/models) in
// onnxruntime-node and in onnxruntime-web (WASM, threads as the app sets them) in a Chromium worker,
// on the same batches: the 500-word ad's segments and 16 concept texts at the median length, token
// counts from the model's own tokenizer. Then the check of section 2's method on a model we can run
// whole: a random-weight encoder with bge-small's layer shape and section 2's few layers, scaled per
// layer to 12, against the real graph on the same batches. real ÷ estimate is the calibration factor
// per runtime, dtype and workload (what the per-layer scaling leaves out: embeddings, the exporter's
// graph, per-channel quantisation, ORT's fusions on it); the bge-m3 estimates of table 2b are shown
// again multiplied by it, each part by the factor of the workload that supplied its per-token cost.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BGE_SMALL_EN } from '../../src/core/models.ts';
import { MODELS_DIR, provisionedModel } from '../fetch-models.ts';
import { loadTaxonomyAsset } from '../precompute.ts';
import type { BenchContext, SectionResult } from './context.ts';
import { LAYERS, MODELS, runBrowserModels, runNodeModels, seqOf, workloadsFrom, type ModelName, type TimedModel, type Workload } from './inference.ts';
import { encoderModel, linearMacsPerToken, type EncoderShape } from './onnxModels.ts';
import type { InferenceResponse } from './page/protocol.ts';
import { fmtMs, fmtRate, fmtRatio, fmtSample, fmtSeconds, summarize, type Sample, type Table } from './stats.ts';
import { measureTextWorkloads } from './textWorkloads.ts';
import { paddedTokens, realTokens } from './workloads.ts';

const SPEC = BGE_SMALL_EN;
const ONNX_FILE: Record<ModelName, string> = { fp32: 'onnx/model.onnx', q8: 'onnx/model_quantized.onnx' };
const RUNTIMES = ['node', 'browser'] as const;
type Runtime = (typeof RUNTIMES)[number];

/** Rows of table 2b (inference.ts `work` keys), in its order. */
const ESTIMATE_ROWS: { key: string; label: string }[] = [
  { key: 'adEmbed', label: '500-word ad: embed segments + document chunks' },
  { key: 'adRerank', label: "500-word ad: rerank every segment's top 5 (before the shortlist)" },
  { key: 'adRerankShortlist', label: '500-word ad: rerank the shortlist' },
  { key: 'adRerankFirst', label: "500-word ad: first refined results (the shortlist's first batch)" },
  { key: 'regen', label: 'regenerate taxonomy cache (all concept texts)' },
];
const ESTIMATE_COLUMNS: { runtime: Runtime; m: ModelName; head: string }[] = [
  { runtime: 'browser', m: 'q8', head: 'Chromium WASM q8' },
  { runtime: 'browser', m: 'fp32', head: 'Chromium WASM fp32' },
  { runtime: 'node', m: 'q8', head: 'Node q8' },
  { runtime: 'node', m: 'fp32', head: 'Node fp32' },
];

class NotAvailable extends Error {}

/** The real model's shape, from its config.json (so the synthetic twin matches what was provisioned). */
function realShape(dir: string): EncoderShape {
  const file = join(dir, 'config.json');
  if (!existsSync(file)) throw new NotAvailable(`${file} missing`);
  const c = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const num = (k: string): number => {
    const v = c[k];
    if (typeof v !== 'number') throw new NotAvailable(`${file}: no numeric ${k}`);
    return v;
  };
  return { layers: num('num_hidden_layers'), hidden: num('hidden_size'), heads: num('num_attention_heads'), ffn: num('intermediate_size'), vocab: num('vocab_size') };
}

function naTable(title: string, reason: string): Table {
  return { title: `${title}: n/a`, head: ['Section', 'Result'], rows: [['realmodel', `n/a: ${reason}`]] };
}

export async function runRealModel(ctx: BenchContext, earlier: Readonly<Record<string, number>>): Promise<SectionResult> {
  const title = '2c. Real bge-small-en-v1.5, Chromium (onnxruntime-web WASM) vs Node (onnxruntime-node)';
  if (!provisionedModel(SPEC.id)) {
    return { tables: [naTable(title, `${SPEC.id} is not provisioned in ${MODELS_DIR} (npm run models:fetch -- bge-small-en)`)], facts: {} };
  }
  const dir = join(MODELS_DIR, SPEC.id);
  let shape: EncoderShape;
  try {
    shape = realShape(dir);
  } catch (e) {
    if (e instanceof NotAvailable) return { tables: [naTable(title, e.message)], facts: {} };
    throw e;
  }
  const runs = Math.max(3, ctx.runs - 2);
  const texts = await measureTextWorkloads(500, loadTaxonomyAsset(), SPEC.id);
  const workloads = workloadsFrom(texts, SPEC.maxLength);

  // The real graphs (Node reads the file, Chromium fetches it from the bench server's /models/ route)
  // and their synthetic twins: bge-small's layer, section 2's layer count, a small vocabulary.
  const synthShape: EncoderShape = { ...shape, layers: LAYERS, vocab: 4096 };
  const models: TimedModel[] = [];
  for (const m of MODELS) {
    models.push({ name: `real-${m}`, source: join(dir, ONNX_FILE[m]), path: `/models/${SPEC.id}/${ONNX_FILE[m]}`, vocab: shape.vocab });
    const bytes = encoderModel(synthShape, m === 'q8');
    const file = `small-encoder-${m}.onnx`;
    writeFileSync(join(ctx.filesDir, file), bytes);
    models.push({ name: `synthetic-${m}`, source: bytes, path: `/files/${file}`, vocab: synthShape.vocab });
  }
  const node = await runNodeModels(ctx, models, workloads, runs, 'realmodel');
  let browser: InferenceResponse | null = null;
  let browserError = '';
  try {
    browser = await runBrowserModels(ctx, models, workloads, runs, 'realmodel');
  } catch (e) {
    browserError = e instanceof Error ? e.message.split('\n')[0] : String(e);
    ctx.log(`realmodel (chromium) failed: ${browserError}`);
  }
  const web = new Map<string, Sample>();
  const sessionMs = new Map<string, number>();
  const inputs = new Map<string, string[]>();
  for (const c of browser?.cases ?? []) {
    web.set(`${c.model}/${c.workload}`, c.sample);
    sessionMs.set(c.model, c.sessionMs);
    inputs.set(c.model, c.inputs);
  }
  const none = summarize([]);
  const sample = (runtime: Runtime, model: string, w: Workload): Sample => (runtime === 'node' ? node : web).get(`${model}/${w.name}`) ?? none;
  const facts: Record<string, number> = {};
  const shapes = workloads.map((w) => `${w.name}: ${w.batches.map((b) => `${b.lengths.length}x${seqOf(b)}`).join(', ')}`).join('; ');
  const browserFooter = browser ? browser.errors.map((e) => `Chromium: ${e}`) : [`Chromium: n/a: ${browserError}`];
  const threads = browser ? `${browser.numThreads} WASM threads, crossOriginIsolated ${browser.crossOriginIsolated}` : 'n/a';

  // ---- 2c: the real graph in both runtimes
  const macs = linearMacsPerToken(shape) * shape.layers;
  const realRows: string[][] = [];
  for (const w of workloads) {
    const real = realTokens(w.batches);
    const padded = paddedTokens(w.batches);
    for (const m of MODELS) {
      const n = sample('node', `real-${m}`, w);
      const b = sample('browser', `real-${m}`, w);
      realRows.push([
        w.label,
        m,
        `${real} / ${padded}`,
        fmtSample(n),
        fmtRate(real / (n.median / 1000), 'tok/s'),
        fmtSample(b),
        fmtRate(real / (b.median / 1000), 'tok/s'),
        fmtRatio(b.median / n.median),
        fmtRate((padded * macs) / (b.median / 1000), 'MAC/s'),
      ]);
      facts[`realmodel.${m}.${w.name}.node.ms`] = n.median;
      facts[`realmodel.${m}.${w.name}.browser.ms`] = b.median;
      facts[`realmodel.${m}.${w.name}.realTokens`] = real;
    }
  }
  const realInputs = inputs.get('real-q8') ?? inputs.get('real-fp32');
  const realTable: Table = {
    title,
    note:
      `${SPEC.id} as provisioned (${ONNX_FILE.fp32} fp32, ${ONNX_FILE.q8} q8: Xenova's quantize_dynamic export, per-channel int8 weights), ` +
      `${shape.layers} layers, hidden ${shape.hidden}, ${shape.heads} heads, FFN ${shape.ffn}; the same file in both runtimes, fed ${realInputs?.join(', ') ?? 'input_ids, attention_mask, token_type_ids'} ` +
      `(token_type_ids zeros, synthetic token ids: the work does not depend on their values). Token counts from the model's own tokenizer, truncated at ${SPEC.maxLength}. ` +
      `Chromium: worker, ${threads}; Node: default intra-op threads (one per core). Batches (rows x padded length) — ${shapes}. ` +
      `ms = median (min–max) of ${runs} runs of the whole workload after a warm-up; tok/s counts real (unpadded) tokens.`,
    textColumns: 2,
    head: ['Workload', 'dtype', 'tokens real / padded', 'Node ms', 'Node tok/s', 'Chromium ms', 'Chromium tok/s', 'Chromium ÷ Node time', 'Chromium MAC/s (weight MatMuls)'],
    rows: realRows,
    footer: [
      `Chromium fetch + session creation: ${MODELS.map((m) => `${m} ${fmtMs(sessionMs.get(`real-${m}`) ?? NaN)} ms`).join(', ')} (bench server on localhost, no Cache API).`,
      ...browserFooter,
    ],
  };

  // ---- 2d: section 2's per-layer method against the real graph
  const factor = (runtime: Runtime, m: ModelName, w: Workload): number => {
    const real = sample(runtime, `real-${m}`, w).median;
    const estimate = (sample(runtime, `synthetic-${m}`, w).median / LAYERS) * shape.layers;
    return real / estimate;
  };
  const calRows: string[][] = [];
  for (const w of workloads) {
    for (const m of MODELS) {
      const cells = [w.label, m];
      for (const runtime of RUNTIMES) {
        const synth = sample(runtime, `synthetic-${m}`, w);
        const f = factor(runtime, m, w);
        facts[`calibration.${runtime}.${m}.${w.name}`] = f;
        cells.push(fmtMs(sample(runtime, `real-${m}`, w).median), `${fmtMs(synth.median)} -> ${fmtMs((synth.median / LAYERS) * shape.layers)}`, Number.isFinite(f) ? f.toFixed(2) : 'n/a');
      }
      calRows.push(cells);
    }
  }
  const calTable: Table = {
    title: `2d. Calibration of section 2's method: ${LAYERS} synthetic bge-small-shaped layers x ${shape.layers / LAYERS} against the real ${shape.layers}-layer graph`,
    note:
      `Section 2 estimates bge-m3 from a random-weight encoder of ${LAYERS} layers (scripts/bench/onnxModels.ts), scaled per layer. Here the same generator builds ${LAYERS} layers of bge-small's shape ` +
      `(hidden ${shape.hidden}, ${shape.heads} heads, FFN ${shape.ffn}), timed on the same batches as table 2c in the same runtimes, and scaled to ${shape.layers} layers; ` +
      `factor = real graph ÷ that estimate. It carries what the per-layer scaling leaves out (embedding lookup and layer norm, the exporter's unfused graph as ORT optimises it, per-channel quantisation scales), ` +
      `measured, not modelled: above 1 the real graph costs more than the synthetic layers predict, below 1 less (ORT's fusions find more in the exporter's graph than in the synthetic one, or the synthetic embedding and mask work, spread over ${LAYERS} layers instead of ${shape.layers}, inflates the estimate). ` +
      `ms = median of ${runs} runs.`,
    textColumns: 2,
    head: ['Workload', 'dtype', 'Node real ms', `Node synthetic ${LAYERS} layers -> x${shape.layers / LAYERS} ms`, 'Node factor', 'Chromium real ms', `Chromium synthetic ${LAYERS} layers -> x${shape.layers / LAYERS} ms`, 'Chromium factor'],
    rows: calRows,
    footer: browserFooter,
  };

  // ---- 2e: table 2b recalibrated
  const recal: Table = {
    title: '2e. Estimated bge-m3 (24 layers) time on this CPU, as in table 2b and recalibrated',
    note:
      `Each cell: table 2b's estimate -> recalibrated. Table 2b costs every app batch at the per-token cost of the measured workload nearest in length (segments or concepts); ` +
      `the recalibrated figure multiplies each such part by the factor of table 2d for the same runtime, dtype and workload. ` +
      `This assumes bge-m3's export differs from the synthetic layers as bge-small's does (same exporter family, same ORT kernels and fusions); ` +
      `at bge-m3's width the weight MatMuls weigh more against the per-layer extras, so the factor is, if anything, nearer 1 there.`,
    head: ['Work', ...ESTIMATE_COLUMNS.map((c) => c.head)],
    rows: [],
  };
  const have = ESTIMATE_COLUMNS.some((c) => Number.isFinite(earlier[`estimate.adEmbed.${c.runtime}.${c.m}.ms`]));
  if (!have) {
    recal.rows.push(['n/a: the bge-m3 estimates come from the inference section: run it in the same invocation (--only inference,realmodel)', '', '', '', '']);
  } else {
    const recalibrated = (key: string, runtime: Runtime, m: ModelName): number => {
      let ms = 0;
      let parts = 0;
      for (const w of workloads) {
        const part = earlier[`estimate.${key}.${runtime}.${m}.via.${w.name}.ms`];
        if (part === undefined) continue;
        ms += part * factor(runtime, m, w);
        parts++;
      }
      return parts ? ms : NaN;
    };
    const cell = (before: number, after: number) => `${fmtSeconds(before / 1000)} -> ${fmtSeconds(after / 1000)}`;
    const totals = new Map<string, [number, number]>();
    const shortlistTotals = new Map<string, [number, number]>();
    for (const r of ESTIMATE_ROWS) {
      const cells = [r.label];
      for (const c of ESTIMATE_COLUMNS) {
        const before = earlier[`estimate.${r.key}.${c.runtime}.${c.m}.ms`] ?? NaN;
        const after = recalibrated(r.key, c.runtime, c.m);
        facts[`estimate.${r.key}.${c.runtime}.${c.m}.recalibrated.ms`] = after;
        // Embedding plus one reranker scheme each: the one before the shortlist, and the shortlist.
        for (const [sums, keys] of [
          [totals, ['adEmbed', 'adRerank']],
          [shortlistTotals, ['adEmbed', 'adRerankShortlist']],
        ] as const) {
          if (!(keys as readonly string[]).includes(r.key)) continue;
          const t = sums.get(c.head) ?? [0, 0];
          sums.set(c.head, [t[0] + before, t[1] + after]);
        }
        cells.push(cell(before, after));
      }
      recal.rows.push(cells);
    }
    recal.rows.push(["500-word ad: embed + rerank every segment's top 5", ...ESTIMATE_COLUMNS.map((c) => cell(...(totals.get(c.head) ?? [NaN, NaN])))]);
    recal.rows.push(['500-word ad: embed + rerank the shortlist', ...ESTIMATE_COLUMNS.map((c) => cell(...(shortlistTotals.get(c.head) ?? [NaN, NaN])))]);
  }
  return { tables: [realTable, calTable, recal], facts };
}
