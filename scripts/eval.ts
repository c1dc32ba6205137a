// `npm run eval -- [--model none|test|bge-m3] [--rerank] [--data a.csv,b.csv] [--generic file.csv] [--threshold 0.6]`
// Runs the extraction pipeline in Node on labelled sentences and prints MRR, RP@1/5/10 and
// precision / recall / F1 of the thresholded output plus the F1-maximising threshold.
// Reads the Decorte benchmark format (../shared/eval/decorte/*.csv; labels are ESCO v1.1 preferred
// labels, mapped to URIs through the v1.1.1 skills file) and a generic `text,uri` CSV. With
// --model none (or no precomputed asset) it evaluates the lexical matcher alone.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import Papa from 'papaparse';
import { evaluate, parseDecorteCsv, parseGenericCsv, type EvalMetrics, type ParsedEvalFile, type RankedPrediction } from '../src/core/evaluation.ts';
import { buildLexicalIndex } from '../src/core/lexical.ts';
import { findPreset, type Embedder, type Reranker } from '../src/core/models.ts';
import { extract, type ExtractionContext } from '../src/core/pipeline.ts';
import { candidateScore, defaultThresholds } from '../src/core/thresholds.ts';
import { configureTransformers, loadEmbedder, loadReranker } from '../src/runtime/transformersModels.ts';
import { ROOT } from './build-taxonomy.ts';
import { prepareAssets } from './prepare-assets.ts';
import { loadShippedAsset, loadTaxonomyAsset, shippedAssetDir, TEST_MODELS_DIR } from './precompute.ts';

const SHARED = join(ROOT, '..', 'shared');

function uriByPreferredLabel(skillsCsv: string): Map<string, string> {
  const rows = Papa.parse<Record<string, string>>(readFileSync(skillsCsv, 'utf8').replace(/^\uFEFF/, ''), { header: true, skipEmptyLines: 'greedy' }).data;
  const map = new Map<string, string>();
  for (const r of rows) {
    if (!r.preferredLabel || !r.conceptUri) continue;
    map.set(r.preferredLabel.trim(), r.conceptUri.trim());
    if (!map.has(r.preferredLabel.trim().toLowerCase())) map.set(r.preferredLabel.trim().toLowerCase(), r.conceptUri.trim());
  }
  return map;
}

const pct = (x: number) => (x * 100).toFixed(1).padStart(6);

export function formatMetricsTable(rows: { name: string; m: EvalMetrics }[]): string {
  const head = '| file | sentences | ranked | MRR | RP@1 | RP@5 | RP@10 | P@t | R@t | F1@t | best t | best F1 (P/R) |';
  const sep = '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|';
  const lines = rows.map(({ name, m }) =>
    `| ${name} | ${m.sentences} | ${m.rankedSentences} | ${pct(m.mrr)} | ${pct(m.rp1)} | ${pct(m.rp5)} | ${pct(m.rp10)} | ${pct(m.precision)} | ${pct(m.recall)} | ${pct(m.f1)} | ${m.bestThreshold.toFixed(2)} | ${pct(m.bestF1)} (${pct(m.bestPrecision).trim()}/${pct(m.bestRecall).trim()}) |`,
  );
  return [head, sep, ...lines].join('\n');
}

async function main() {
  const { values } = parseArgs({
    options: {
      model: { type: 'string', default: 'none' },
      rerank: { type: 'boolean', default: false },
      data: { type: 'string' },
      generic: { type: 'string' },
      threshold: { type: 'string' },
      'skills-labels': { type: 'string', default: join(SHARED, 'esco', 'v1.1.1', 'en', 'skills_en.csv') },
      host: { type: 'string' },
      local: { type: 'string' },
      limit: { type: 'string' },
    },
  });
  await prepareAssets();
  const files: { name: string; parsed: ParsedEvalFile }[] = [];
  if (values.generic) files.push({ name: basename(values.generic), parsed: parseGenericCsv(readFileSync(values.generic, 'utf8'), values.generic) });
  const decorteDir = join(SHARED, 'eval', 'decorte');
  const decorteFiles = values.data
    ? values.data.split(',').map((f) => resolve(f))
    : existsSync(decorteDir)
      ? readdirSync(decorteDir).filter((f) => f.endsWith('.csv')).sort().map((f) => join(decorteDir, f))
      : [];
  if (decorteFiles.length) {
    const labels = uriByPreferredLabel(values['skills-labels']!);
    for (const f of decorteFiles) files.push({ name: basename(f), parsed: parseDecorteCsv(readFileSync(f, 'utf8'), f, labels) });
  }
  if (files.length === 0) {
    console.error(`no evaluation data: ${decorteDir} does not exist. Pass --data <decorte.csv,...> or --generic <text,uri csv>.`);
    process.exit(1);
  }

  const taxonomy = loadTaxonomyAsset();
  const ctx: ExtractionContext = { taxonomy, lexical: buildLexicalIndex(taxonomy) };
  let presetId = 'none';
  let embedder: Embedder | undefined;
  let reranker: Reranker | undefined;
  if (values.model !== 'none') {
    const preset = findPreset(values.model!);
    presetId = preset.id;
    const dir = await shippedAssetDir(preset.embedder, taxonomy);
    if (!dir) {
      console.error(`no precomputed embeddings for ${preset.embedder.id} on this taxonomy: run "npm run precompute -- --model ${preset.embedder.id}" first`);
      process.exit(1);
    }
    const local = values.local ?? (preset.embedder.isTestModel && !values.host ? TEST_MODELS_DIR : undefined);
    configureTransformers({ modelHost: values.host, localModelPath: local ? resolve(local) : undefined });
    const runtime = { backend: 'node' as const, localModelPath: local ? resolve(local) : undefined, modelHost: values.host };
    embedder = await loadEmbedder(preset.embedder, { ...runtime, dtype: preset.embedder.dtype.node });
    if (values.rerank) reranker = await loadReranker(preset.reranker, { ...runtime, dtype: preset.reranker.dtype.node });
    ctx.matrices = (await loadShippedAsset(dir, { skill: taxonomy.skills.length, occupation: taxonomy.occupations.length })).matrices;
    ctx.embedder = embedder;
    ctx.reranker = reranker;
  }
  const settings = defaultThresholds(presetId === 'none' ? 'bge-m3' : presetId);
  const threshold = values.threshold ? Number(values.threshold) : settings.skillThreshold;
  console.log(`model: ${values.model}${reranker ? ' + reranker' : ''}; threshold ${threshold}; cut on ${settings.scoreBasis} score`);

  const rows: { name: string; m: EvalMetrics }[] = [];
  for (const { name, parsed } of files) {
    const sentences = values.limit ? parsed.sentences.slice(0, Number(values.limit)) : parsed.sentences;
    if (parsed.unmappedLabels.length) console.log(`${name}: ${parsed.unmappedLabels.length} labels not found in the skills file (e.g. "${parsed.unmappedLabels[0]}")`);
    const predictions: RankedPrediction[][] = [];
    const t0 = performance.now();
    for (const s of sentences) {
      const r = await extract(s.text, ctx, { documentTopK: 0 });
      predictions.push(
        r.candidates
          .filter((c) => c.kind === 'skill')
          .map((c) => ({ uri: taxonomy.skills[c.index].uri, score: candidateScore(c, settings.scoreBasis) }))
          .sort((a, b) => b.score - a.score),
      );
    }
    const m = evaluate(sentences, predictions, threshold, settings.maxSkills);
    rows.push({ name, m });
    console.log(`${name}: ${sentences.length} sentences in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  console.log(`\n${formatMetricsTable(rows)}`);
}

main().catch((e) => {
  console.error(`eval failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
