// `npm run eval -- [--model none|test|bge-small-en|minilm|bge-m3] [--kind skill|occupation|ads|all]
//   [--data a.csv,b.csv] [--generic file.csv] [--baseline upstream|none] [--concepts <variant>] [--occupation-concepts <variant>]
//   [--granularity pieces|pieces+sentences|sentences] [--fusion max|confirm|dense] [--occupation-fusion ...] [--instruction on|off]
//   [--sections on|off] [--title on|off] [--spans on|off (default: on where the preset has a span tagger, as in the app)] [--body-discount 0.05] [--threshold t] [--query-dtype fp32|q8] [--int8-query i16|i7]
//   [--report [EVAL.md]]`
// `npm run eval -- --kind spans [--model bge-small-en,multilingual-e5-small] [--query-dtype q8] [--data dev.json] [--limit n]`:
//   span-F1 of the presets' span taggers (npm run train:tagger) on SkillSpan dev per source and on
//   Kompetencer Danish, inference cost of ~500 words, and Decorte gold-mention linking (scripts/eval/spans.ts).
// `npm run eval -- --kind inference [--model bge-small-en,none] [--data skillspan.json] [--limit n] [--markdown file.md]`: occupations
//   inferred from each SkillSpan posting's body (skills, direct matches, both) against its title line's
//   top occupation, with the app's shipped concept texts and thresholds (scripts/eval/inference.ts);
//   --model takes a comma list here, --markdown writes the EVAL.md section. Only run when asked.
// `npm run eval -- --kind crosslang [--model multilingual-e5-small] [--languages de,fr,nl] [--limit 400]`: a language's
//   ESCO skill labels ranked against the English skill vectors (scripts/eval/crossLanguage.ts).
// `npm run eval -- --kind inlang [--model multilingual-e5-small] [--languages de,fr] [--limit n]`: skill labels in the
//   text's language as extra concept rows, measured on ESCO's parallel skill descriptions (scripts/eval/inLanguage.ts).
// Measures extraction quality in Node on the labelled validation data in ../shared/eval:
// - skills (decorte/*.csv, or --data / a generic text,uri file with --kind skill): MRR, RP@1/5/10,
//   P/R/F1 at the default threshold and the F1-best threshold;
// - occupations (melo/*.csv, text,uri; --kind occupation): MRR, accuracy@1/@5 of the gold concept,
//   ISCO groups included in the ranking;
// - whole postings (skillspan/dev.json; --kind ads): skills shown at the default threshold, the
//   precision proxy (shown skills whose evidence overlaps a tagged span), the recall proxy (tagged
//   spans covered by some shown skill's evidence), shown skills per 100 words, and the share of
//   entries on a tagged span per score band (down to 0.04 under the cut).
// With a real model every table also prints the upstream ESCO skill extractor's algorithm on the same
// model (--baseline upstream, the default): description-only concept vectors, sentence segments,
// top-1 per sentence above 0.6 / 0.55 ("upstream top-1"), and the same vectors ranked without the
// cut ("upstream ranked", the fair reading for RP@k and MRR). --report runs the whole suite
// (baseline, pipeline, ablations, calibration) and writes EVAL.md. --model none evaluates the
// lexical matcher alone.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { reliabilityBands, type EvalMetrics, type OccupationMetrics } from '../src/core/evaluation.ts';
import { appConfig, OFFLINE_DEFAULT_PRESET } from '../src/core/appConfig.ts';
import { findPreset, type Dtype } from '../src/core/models.ts';
import type { Candidate, ExtractOptions } from '../src/core/pipeline.ts';
import type { Fusion } from '../src/core/thresholds.ts';
import { prepareAssets } from './prepare-assets.ts';
import { loadTaxonomyAsset } from './precompute.ts';
import { defaultDecorteFiles, defaultMeloFiles, EvalEnv, loadDecorte, loadGeneric, loadPostings, SKILLS_CSV, SKILLSPAN_DEV, type DataFile, type EvalConfig } from './eval/harness.ts';
import { formatAdTable, formatBands, formatMetricsTable, formatOccupationTable } from './eval/tables.ts';

export { formatMetricsTable };

type Kind = 'skill' | 'occupation' | 'ads' | 'inference';

async function main() {
  const { values } = parseArgs({
    options: {
      model: { type: 'string', default: OFFLINE_DEFAULT_PRESET },
      kind: { type: 'string' },
      data: { type: 'string' },
      generic: { type: 'string' },
      threshold: { type: 'string' },
      baseline: { type: 'string', default: 'upstream' },
      concepts: { type: 'string' },
      'occupation-concepts': { type: 'string' },
      granularity: { type: 'string' },
      fusion: { type: 'string' },
      'occupation-fusion': { type: 'string' },
      instruction: { type: 'string' },
      sections: { type: 'string' },
      title: { type: 'string' },
      'body-discount': { type: 'string' },
      'query-dtype': { type: 'string' },
      'int8-query': { type: 'string' },
      spans: { type: 'string' },
      'document-fit': { type: 'string' },
      'label-coverage': { type: 'string' },
      'support-lift': { type: 'string' },
      'occupation-profile': { type: 'string' },
      languages: { type: 'string' },
      'skills-labels': { type: 'string', default: SKILLS_CSV },
      limit: { type: 'string' },
      report: { type: 'boolean', default: false },
      out: { type: 'string' },
      presets: { type: 'string' },
      markdown: { type: 'string' },
    },
  });
  refuseIgnoredFlags(values);
  await prepareAssets();
  const taxonomy = loadTaxonomyAsset();
  if (values.report) {
    const { writeReport } = await import('./eval/report.ts');
    await writeReport(new EvalEnv(taxonomy), { out: values.out ?? 'EVAL.md', presets: (values.presets ?? 'bge-small-en,minilm').split(',') });
    return;
  }

  if (values.kind === 'inference') {
    const { inferenceSection } = await import('./eval/inference.ts');
    const presets = values.model!.split(',').map((m) => (m === 'none' ? 'none' : findPreset(m).id));
    const file = values.data ? resolve(values.data) : SKILLSPAN_DEV;
    if (!existsSync(file)) throw new Error(`${file}: no such file`);
    const postings = loadPostings(file).slice(0, values.limit ? Number(values.limit) : Infinity);
    const env = new EvalEnv(taxonomy);
    const md = await inferenceSection(env, postings, presets);
    env.saveCaches();
    console.log(md);
    if (values.markdown) {
      writeFileSync(resolve(values.markdown), md);
      console.error(`wrote ${values.markdown}`);
    }
    return;
  }

  if (values.kind === 'crosslang') {
    const { crossLanguageSection } = await import('./eval/crossLanguage.ts');
    const env = new EvalEnv(taxonomy);
    console.log(await crossLanguageSection(env, findPreset(values.model!).id, (values.languages ?? 'de,fr,nl').split(','), values.limit ? Number(values.limit) : 400));
    env.saveCaches();
    return;
  }

  if (values.kind === 'inlang') {
    const { inLanguageSection } = await import('./eval/inLanguage.ts');
    const env = new EvalEnv(taxonomy);
    console.log(await inLanguageSection(env, findPreset(values.model!).id, (values.languages ?? 'de,fr').split(','), values.limit ? Number(values.limit) : Infinity));
    env.saveCaches();
    return;
  }

  if (values.kind === 'spans') {
    // Span tagger (scripts/train-tagger.ts): span-F1 on SkillSpan dev (or --data) and Kompetencer
    // Danish, inference cost, gold-mention linking on the Decorte files (scripts/eval/spans.ts).
    const { spansSection } = await import('./eval/spans.ts');
    const presets = values.model!.split(',').map((m) => findPreset(m).id);
    const env = new EvalEnv(taxonomy);
    console.log(await spansSection(env, presets, { dtype: values['query-dtype'] as Dtype | undefined, data: values.data ? resolve(values.data) : undefined, limit: values.limit ? Number(values.limit) : undefined }));
    env.saveCaches();
    return;
  }

  const explicit = Boolean(values.data || values.generic);
  const kinds: Kind[] = values.kind && values.kind !== 'all' ? [values.kind as Kind] : explicit ? ['skill'] : ['skill', 'occupation', 'ads'];
  for (const k of kinds) if (!['skill', 'occupation', 'ads'].includes(k)) throw new Error(`--kind must be skill, occupation, ads, inference, spans or all (got ${k})`);
  const limit = values.limit ? Number(values.limit) : Infinity;

  const skillFiles: DataFile[] = [];
  const occupationFiles: DataFile[] = [];
  if (kinds.includes('skill')) {
    const files = values.data ? values.data.split(',').map((f) => resolve(f)) : explicit ? [] : defaultDecorteFiles();
    for (const f of files) if (!existsSync(f)) throw new Error(`${f}: no such file`);
    skillFiles.push(...loadDecorte(files, values['skills-labels']));
    if (values.generic) skillFiles.push(loadGeneric(values.generic));
  }
  if (kinds.includes('occupation')) {
    const files = values.generic ? [resolve(values.generic)] : values.data ? values.data.split(',').map((f) => resolve(f)) : defaultMeloFiles(values.model === 'none' || findPreset(values.model!).languages !== 'multilingual');
    for (const f of files) if (!existsSync(f)) throw new Error(`${f}: no such file`);
    occupationFiles.push(...files.map(loadGeneric));
  }
  if (skillFiles.length + occupationFiles.length === 0 && !kinds.includes('ads')) {
    throw new Error('no evaluation data: ../shared/eval does not exist. Pass --data <decorte.csv,...> or --generic <text,uri csv>.');
  }

  const env = new EvalEnv(taxonomy);
  const presetId = values.model === 'none' ? 'none' : findPreset(values.model!).id;
  const extractOpts: Partial<ExtractOptions> = {};
  if (values.granularity === 'sentences') extractOpts.segment = { splitEnumerations: false };
  else if (values.granularity) extractOpts.queryGranularity = values.granularity as ExtractOptions['queryGranularity'];
  if (values.sections) extractOpts.analyseAllSections = values.sections === 'off';
  if (values.title) extractOpts.titleLine = values.title === 'on';
  if (values['int8-query']) extractOpts.int8Query = values['int8-query'] as ExtractOptions['int8Query'];
  if (values.spans && !['on', 'off'].includes(values.spans)) throw new Error(`--spans must be on or off (got ${values.spans})`);
  const pipeline: EvalConfig = {
    name: 'pipeline',
    system: 'pipeline',
    presetId,
    concepts: values.concepts,
    occupationConcepts: values['occupation-concepts'],
    queryDtype: values['query-dtype'] as Dtype | undefined,
    queryInstruction: values.instruction ? values.instruction === 'on' : undefined,
    ...(values.spans ? { spans: values.spans === 'on' } : {}),
    extract: extractOpts,
    settings: {
      ...(values.fusion ? { fusion: values.fusion as Fusion } : {}),
      ...(values['occupation-fusion'] ? { occupationFusion: values['occupation-fusion'] as Fusion } : {}),
      ...(values['body-discount'] ? { occupationBodyDiscount: Number(values['body-discount']) } : {}),
      ...(values.threshold ? { skillThreshold: Number(values.threshold) } : {}),
      ...(values['document-fit'] ? { documentFitWeight: Number(values['document-fit']) } : {}),
      ...(values['label-coverage'] ? { labelCoverageWeight: Number(values['label-coverage']) } : {}),
      ...(values['support-lift'] ? { supportedMentionLift: Number(values['support-lift']) } : {}),
      ...(values['occupation-profile'] ? { occupationProfileWeight: Number(values['occupation-profile']) } : {}),
    },
  };
  const configs: EvalConfig[] = [pipeline];
  if (presetId !== 'none' && values.baseline === 'upstream') {
    configs.push({ name: 'upstream top-1', system: 'upstream', presetId, queryDtype: pipeline.queryDtype });
    configs.push({ name: 'upstream ranked', system: 'upstream-ranked', presetId, queryDtype: pipeline.queryDtype });
  }
  const s = env.settingsFor(pipeline);
  const app = appConfig(presetId);
  console.log(`model: ${values.model}; pipeline: concepts ${pipeline.concepts ?? app.conceptText.skill}/${pipeline.occupationConcepts ?? pipeline.concepts ?? app.conceptText.occupation}, skill threshold ${s.skillThreshold}, occupation threshold ${s.occupationThreshold}, fusion ${s.fusion ?? 'max'}, cut on ${s.scoreBasis} score`);

  if (skillFiles.length) {
    const rows: { name: string; m: EvalMetrics }[] = [];
    for (const f of skillFiles) {
      if (f.unmapped.length) console.log(`${f.name}: ${f.unmapped.length} labels not found in the skills file (e.g. "${f.unmapped[0]}")`);
      const items = f.items.slice(0, limit);
      for (const c of configs) {
        const t0 = performance.now();
        rows.push({ name: c === pipeline ? f.name : `${f.name} · ${c.name}`, m: await env.evalSkills(c, items) });
        console.log(`${f.name} (${c.name}): ${items.length} sentences in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      }
    }
    console.log(`\nskills\n${formatMetricsTable(rows)}`);
    // Reliability: the share right per score band of what the app shows, all files pooled.
    const items = skillFiles.flatMap((f) => f.items.slice(0, limit));
    if (items.length) {
      const bands = reliabilityBands(items, await env.skillPredictions(pipeline, items), s.skillThreshold, [0.9, 0.95, 0.99], s.maxSkills);
      console.log(`\nreliability of the shown skills (pipeline, all files pooled)\n${formatBands(bands, 'shown', 'right')}`);
    }
  }
  if (occupationFiles.length) {
    const rows: { name: string; m: OccupationMetrics }[] = [];
    for (const f of occupationFiles) {
      const items = f.items.slice(0, limit);
      for (const c of configs) rows.push({ name: c === pipeline ? f.name : `${f.name} · ${c.name}`, m: (await env.evalOccupations(c, items)).m });
    }
    console.log(`\noccupations\n${formatOccupationTable(rows)}`);
  }
  if (kinds.includes('ads')) {
    // --data names the postings file for --kind ads: SkillSpan's JSON lines, or CoNLL sentences
    // (Kompetencer Danish, a cross-language check) grouped ten to a posting.
    const file = values.data ? resolve(values.data) : SKILLSPAN_DEV;
    if (!existsSync(file)) throw new Error(`${file}: no such file`);
    const postings = (file.endsWith('.conll') ? (await import('./eval/spans.ts')).conllPostings(readFileSync(file, 'utf8')) : loadPostings(file)).slice(0, limit);
    if (!postings.length) throw new Error(`${file}: no postings (expected SkillSpan JSON lines: idx, tokens, tags_skill, tags_knowledge, source)`);
    const rows = [];
    let pipelineCandidates: Candidate[][] = [];
    // "upstream ranked" is a reading for ranking metrics, not an output a user would see: not run here.
    for (const c of configs.filter((x) => x.system !== 'upstream-ranked')) {
      const r = await env.evalAds(c, postings);
      if (c === pipeline) pipelineCandidates = r.candidates;
      rows.push({ name: `${basename(file)} · ${c.name}`, ...r });
    }
    console.log(`\nwhole postings (skills at the default threshold)\n${formatAdTable(rows)}`);
    // The same results by score band, down to a little under the cut: whether one cut means the same
    // in another language's postings (Kompetencer) as in English ones.
    const cut = env.settingsFor(pipeline).skillThreshold;
    const bands = env.adReliability(pipeline, postings, pipelineCandidates, cut - 0.04, [cut - 0.02, cut, Math.max(cut + 0.01, 0.97), 0.99]);
    console.log(`\nreliability of the shown entries by score band (pipeline; the cut is ${cut}; on a span = evidence overlaps a tagged span)\n${formatBands(bands, 'entries', 'on a span')}`);
  }
  env.saveCaches();
}

/**
 * Flags that only one mode reads: given to another mode they would be silently ignored, so they are
 * refused with the mode that reads them.
 */
export function refuseIgnoredFlags(values: Record<string, unknown>): void {
  const kind = typeof values.kind === 'string' ? values.kind : undefined;
  const onlyFor: [flag: string, applies: boolean, where: string][] = [
    ['out', values.report === true, '--report'],
    ['presets', values.report === true, '--report'],
    ['markdown', kind === 'inference', '--kind inference'],
    ['languages', kind === 'crosslang' || kind === 'inlang', '--kind crosslang or inlang'],
    ['generic', !kind || kind === 'skill' || kind === 'occupation', '--kind skill or occupation'],
    ['data', kind !== 'all', 'one --kind at a time'],
  ];
  for (const [flag, applies, where] of onlyFor) {
    if (values[flag] !== undefined && !applies) throw new Error(`--${flag} is only read with ${where}; it would be ignored here`);
  }
  if (values.report === true) {
    const other = Object.keys(values).filter((k) => values[k] !== undefined && !['report', 'out', 'presets', 'model', 'baseline', 'skills-labels'].includes(k));
    if (other.length) throw new Error(`--report runs the whole suite with the app's configuration; it does not take ${other.map((k) => `--${k}`).join(', ')}`);
  }
}

const isMain = process.argv[1] && resolve(process.argv[1]).endsWith('eval.ts');
if (isMain) {
  main().catch((e) => {
    console.error(`eval failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
