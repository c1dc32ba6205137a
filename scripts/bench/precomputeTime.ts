// Section 'precompute': how long the shipped embedding asset of each real small model takes to
// compute in Node (scripts/precompute.ts through onnxruntime-node), measured on a sample of concept
// texts and extrapolated to the whole taxonomy. The sample takes every n-th concept (skills, then
// occupation-kind concepts), so its length mix is the taxonomy's; it goes through loadEmbedder's
// embed() in calls of 256 texts, as ensureShippedAsset hands them to precompute (each call sorted by
// length and cut into batches of 32 inside). fp32 is what the asset is computed in (spec.dtype.node);
// q8 shows what the int8 graph would save.
import { conceptText } from '../../src/core/conceptText.ts';
import { BGE_SMALL_EN, MINILM, type Dtype, type EmbedderSpec } from '../../src/core/models.ts';
import { configureTransformers, loadEmbedder } from '../../src/runtime/transformersModels.ts';
import { MODELS_DIR, provisionedModel } from '../fetch-models.ts';
import { loadTaxonomyAsset } from '../precompute.ts';
import type { BenchContext, SectionResult } from './context.ts';
import { fmtMs, fmtSample, fmtSeconds, timeRuns, type Table } from './stats.ts';

const SAMPLE = 512;
/** Texts per embed() call: ensureShippedAsset's batchSize for precompute (scripts/prepare-assets.ts). */
const CALL = 256;
const WARMUP_TEXTS = 32;
const SPECS: EmbedderSpec[] = [BGE_SMALL_EN, MINILM];
const DTYPES: Dtype[] = ['fp32', 'q8'];

export async function runPrecomputeTime(ctx: BenchContext): Promise<SectionResult> {
  // The slowest figure of the suite per run (seconds each): at most 3 runs, fewer when --runs says so.
  const runs = Math.max(1, Math.min(3, ctx.runs));
  const taxonomy = loadTaxonomyAsset();
  const all = [...taxonomy.skills, ...taxonomy.occupations].map(conceptText);
  const stride = all.length / SAMPLE;
  const sample = Array.from({ length: Math.min(SAMPLE, all.length) }, (_, i) => all[Math.floor(i * stride)]);
  const sampleChars = sample.reduce((n, t) => n + t.length, 0) / sample.length;
  const allChars = all.reduce((n, t) => n + t.length, 0) / all.length;
  const head = ['Model', 'dtype', `sample of ${sample.length} texts, ms`, 'texts/s', 'model load ms', `all ${all.length.toLocaleString('en-US')} concepts (extrapolated)`];
  const rows: string[][] = [];
  const facts: Record<string, number> = {};
  configureTransformers({ localModelPath: MODELS_DIR });
  for (const spec of SPECS) {
    if (!provisionedModel(spec.id)) {
      rows.push([spec.id, '', `n/a: not provisioned in ${MODELS_DIR} (npm run models:fetch)`, '', '', '']);
      continue;
    }
    for (const dtype of DTYPES) {
      const label = `${dtype}${dtype === spec.dtype.node ? ' (what precompute uses)' : ''}`;
      try {
        const t0 = performance.now();
        const embedder = await loadEmbedder(spec, { backend: 'node', dtype, localModelPath: MODELS_DIR });
        const loadMs = performance.now() - t0;
        try {
          // Untimed: ORT's first-run allocations and the tokenizer's first call.
          await embedder.embed(sample.slice(0, WARMUP_TEXTS));
          const s = await timeRuns(
            async () => {
              for (let i = 0; i < sample.length; i += CALL) await embedder.embed(sample.slice(i, i + CALL));
            },
            { runs, warmup: 0 },
          );
          const rate = sample.length / (s.median / 1000);
          const totalS = all.length / rate;
          rows.push([spec.id, label, fmtSample(s), rate.toFixed(1), fmtMs(loadMs), fmtSeconds(totalS)]);
          const key = spec === BGE_SMALL_EN ? 'bgeSmall' : 'minilm';
          facts[`precompute.${key}.${dtype}.textsPerSecond`] = rate;
          facts[`precompute.${key}.${dtype}.total.ms`] = totalS * 1000;
          ctx.log(`precompute: ${spec.id} ${dtype}: ${rate.toFixed(1)} texts/s -> ${fmtSeconds(totalS)} for ${all.length} concepts`);
        } finally {
          await embedder.dispose();
        }
      } catch (e) {
        const reason = e instanceof Error ? e.message.split('\n')[0] : String(e);
        rows.push([spec.id, label, `n/a: ${reason}`, '', '', '']);
        ctx.log(`precompute: ${spec.id} ${dtype}: n/a: ${reason}`);
      }
    }
  }
  return {
    tables: [
      {
        title: '6. Precomputing the shipped embedding asset in Node (onnxruntime-node), sampled and extrapolated',
        note:
          `Measured on a sample of ${sample.length} concept texts (every ${stride.toFixed(1)}th of the ${all.length.toLocaleString('en-US')}; mean ${sampleChars.toFixed(0)} characters, all concepts ${allChars.toFixed(0)}) ` +
          `through loadEmbedder(..., { backend: 'node' }).embed() in calls of ${CALL} texts (batches of 32 sorted by length inside), default intra-op threads; ` +
          `ms = median (min–max) of ${runs} run(s) after a warm-up call of ${WARMUP_TEXTS} texts. The last column is the sample's rate applied to all concepts (an extrapolation, not a full run; ` +
          'npm run precompute also writes batch files and quantises, a few seconds more).',
        head,
        textColumns: 2,
        rows,
      } satisfies Table,
    ],
    facts,
  };
}
