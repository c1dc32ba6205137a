// `npm run extract -- --input ads.csv --id-column id --text-column description --output out.jsonl
//   [--model bge-small-en|minilm|bge-m3|test|none] [--format jsonl|csv] [--kind skill,occupation]
//   [--resume] [--shard k/n] [--ranked] [--threshold-skill x] [--threshold-occupation y] ...`
// (`--help` lists every option.) Batch extraction over a CSV, JSONL or text input with the same
// pipeline, models and thresholds as the app. Input and output are streamed (memory stays bounded
// whatever the file size); progress is committed to <output>.checkpoint.json every few documents so
// a killed run continues with --resume, with no duplicates and no gaps; skipped rows are reported on
// stderr and in <output>.skipped.jsonl; aggregates go to <output>.summary.json. --shard k/n
// processes a deterministic share of the documents (by a hash of the id), so shards' outputs
// concatenate into the lines of one run. The runner itself is src/core/batch (shared with the
// browser batch view).
import { createHash } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { formatTopTable } from '../src/core/batch/aggregate.ts';
import type { OutputFormat, OutputMode } from '../src/core/batch/rows.ts';
import { runBatch, type BatchOutcome, type BatchProgress } from '../src/core/batch/runner.ts';
import { parseShard, type Shard } from '../src/core/batch/shard.ts';
import type { SkippedRow } from '../src/core/batch/types.ts';
import { canonicalJson } from '../src/core/hash.ts';
import type { Dtype } from '../src/core/models.ts';
import type { ExtractOptions } from '../src/core/pipeline.ts';
import type { ConceptKind } from '../src/core/taxonomy.ts';
import type { ThresholdSettings } from '../src/core/thresholds.ts';
import { appConfig, OFFLINE_DEFAULT_PRESET } from '../src/core/appConfig.ts';
import { buildAnalyser, defaultQueryDtype, labelMatching, loadTaxonomyAndLexical } from './extract/context.ts';
import { FileCheckpointStore, writeJsonAtomic } from './extract/fileStore.ts';
import { mergeSummaries, summaryOf } from './extract/summary.ts';
import { openInput } from './extract/input.ts';

export const USAGE = `usage: npm run extract -- --input FILE --output FILE [options]

input
  --input FILE|DIR          .csv/.tsv, .jsonl/.ndjson, .txt (one document per line) or a folder of .txt files
  --input-format F          csv | jsonl | txt (default: from the file name)
  --text-column NAME        CSV column / JSONL field with the text (JSONL default "text")
  --id-column NAME          CSV column / JSONL field with the document id (default: the row/line number)
  --delimiter C             CSV delimiter (default: detected; tab for .tsv)
output
  --output FILE             results; also FILE.skipped.jsonl, FILE.summary.json, FILE.checkpoint.json
  --format jsonl|csv        default: from the output name (.csv -> csv), else jsonl
  --ranked                  every candidate ranked (JSONL: one line per document) instead of shown rows
  --kind skill,occupation   kinds to output (default both)
model
  --model NAME              a preset (default: the app's offline default, ${OFFLINE_DEFAULT_PRESET}) | none (label matching only)
  --local DIR               models in hub layout in DIR (default .generated/models when provisioned there)
  --host URL                hub-layout model host (default https://huggingface.co/)
  --dtype fp32|fp16|q8      query embedder dtype (default q8 where the Node dtype is fp32)
  --rerank on|off           use the preset's reranker when it has one (default on)
  --all-sections            also analyse company blurb, benefits, legal and how-to-apply sections
  --language auto|CODE      the documents' language: auto (default) detects it per document, as the app
                            does, and matches ESCO labels of that language (public/taxonomy/labels-*.json)
                            beside English; a code (de, fr, en, ...) fixes it for every document
thresholds (default: the model's defaults, as in the app)
  --threshold-skill X  --threshold-occupation Y  --max-skills N  --max-occupations N  --include-isco-groups
runs
  --resume                  continue a killed or stopped run from its checkpoint
  --force                   start afresh even if an unfinished run's checkpoint exists
  --shard k/n               process shard k of n (1-based; by a hash of the document id)
  --commit-every N          documents per checkpoint commit (default 50; also every 2 s)
  --limit N                 stop after N documents in this session (a sample; continue later with --resume)
  --quiet                   no progress lines
  --merge-summaries --output ALL.summary.json A.summary.json B.summary.json ...
                            add up the summaries of a run's shards into one
`;

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface ExtractIO {
  /** Progress and messages (stderr in the CLI). */
  log: (line: string) => void;
  /** Seconds between progress lines; default 2. */
  progressEverySec?: number;
  /** Stops the run after the current document, with a final commit (the CLI aborts it on SIGINT / SIGTERM). */
  signal?: AbortSignal;
}

export interface ExtractRun {
  outcome: BatchOutcome;
  output: string;
  skippedFile: string;
  summaryFile: string;
  format: OutputFormat;
  mode: OutputMode;
}

function num(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (!Number.isFinite(x)) throw new UsageError(`--${name} must be a number (got "${v}")`);
  return x;
}

const fmtInt = (n: number) => Math.round(n).toLocaleString('en');

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 90) return `${s} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

/** Parses the arguments, runs the batch and writes the summary. Throws UsageError / BatchInputError / others. */
export async function runExtract(argv: string[], io: ExtractIO = { log: (l) => console.error(l) }): Promise<ExtractRun> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      input: { type: 'string' },
      'input-format': { type: 'string' },
      'text-column': { type: 'string' },
      'id-column': { type: 'string' },
      delimiter: { type: 'string' },
      output: { type: 'string' },
      format: { type: 'string' },
      ranked: { type: 'boolean', default: false },
      kind: { type: 'string', default: 'skill,occupation' },
      model: { type: 'string', default: OFFLINE_DEFAULT_PRESET },
      local: { type: 'string' },
      host: { type: 'string' },
      dtype: { type: 'string' },
      rerank: { type: 'string', default: 'on' },
      'all-sections': { type: 'boolean', default: false },
      language: { type: 'string', default: 'auto' },
      'threshold-skill': { type: 'string' },
      'threshold-occupation': { type: 'string' },
      'max-skills': { type: 'string' },
      'max-occupations': { type: 'string' },
      'include-isco-groups': { type: 'boolean', default: false },
      resume: { type: 'boolean', default: false },
      force: { type: 'boolean', default: false },
      shard: { type: 'string' },
      'commit-every': { type: 'string' },
      limit: { type: 'string' },
      quiet: { type: 'boolean', default: false },
    },
  });
  const log = io.log;
  if (!values.input) throw new UsageError('--input is required');
  if (!values.output) throw new UsageError('--output is required');
  const output = resolve(values.output);
  if (!existsSync(dirname(output))) throw new UsageError(`--output ${values.output}: the folder ${dirname(output)} does not exist`);
  const format = (values.format ?? (output.toLowerCase().endsWith('.csv') ? 'csv' : 'jsonl')) as OutputFormat;
  if (format !== 'csv' && format !== 'jsonl') throw new UsageError(`--format must be csv or jsonl (got "${values.format}")`);
  const mode: OutputMode = values.ranked ? 'ranked' : 'shown';
  const kinds = values.kind!.split(',').map((k) => k.trim()).filter(Boolean) as ConceptKind[];
  for (const k of kinds) if (k !== 'skill' && k !== 'occupation') throw new UsageError(`--kind takes skill, occupation or both (got "${k}")`);
  if (!kinds.length) throw new UsageError('--kind is empty');
  const inputFormat = values['input-format'] as 'csv' | 'jsonl' | 'txt' | undefined;
  if (inputFormat && !['csv', 'jsonl', 'txt'].includes(inputFormat)) throw new UsageError(`--input-format must be csv, jsonl or txt (got "${inputFormat}")`);
  if (values.rerank !== 'on' && values.rerank !== 'off') throw new UsageError('--rerank takes on or off');
  const language = values.language!.trim().toLowerCase();
  if (language !== 'auto' && !/^[a-z]{2,3}$/.test(language)) throw new UsageError(`--language takes auto or a language code such as de (got "${values.language}")`);
  const dtype = values.dtype as Dtype | undefined;
  if (dtype && !['fp32', 'fp16', 'q8'].includes(dtype)) throw new UsageError('--dtype takes fp32, fp16 or q8');
  let shard: Shard | undefined;
  try {
    shard = values.shard ? parseShard(values.shard) : undefined;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const model = values.model!;
  if (model !== 'none') {
    try {
      defaultQueryDtype(model);
    } catch (e) {
      throw new UsageError(`--model: ${(e as Error).message}`);
    }
  }

  // The input first: a missing file or column fails before any model loads.
  const input = await openInput({ path: values.input, format: inputFormat, idColumn: values['id-column'], textColumn: values['text-column'], delimiter: values.delimiter });

  const { taxonomy } = loadTaxonomyAndLexical();
  const app = appConfig(model);
  const settings: ThresholdSettings = { ...app.thresholds };
  const ts = num('threshold-skill', values['threshold-skill']);
  const to = num('threshold-occupation', values['threshold-occupation']);
  const ms = num('max-skills', values['max-skills']);
  const mo = num('max-occupations', values['max-occupations']);
  if (ts !== undefined) settings.skillThreshold = ts;
  if (to !== undefined) settings.occupationThreshold = to;
  if (ms !== undefined) settings.maxSkills = ms;
  if (mo !== undefined) settings.maxOccupations = mo;
  if (values['include-isco-groups']) settings.includeIscoGroups = true;
  const extractOptions: Partial<ExtractOptions> = {
    ...(values['all-sections'] ? { analyseAllSections: true } : {}),
    // The reranker's shortlist scores first what lies nearest to this run's cuts.
    rerankFocus: { skill: settings.skillThreshold, occupation: settings.occupationThreshold },
  };
  const choice = { model, local: values.local, host: values.host, dtype: dtype ?? defaultQueryDtype(model), rerank: values.rerank === 'on', language };

  const fingerprint = createHash('sha256')
    .update(
      canonicalJson({
        input: { ...input.identity, format: input.format, idColumn: values['id-column'] ?? null, textColumn: values['text-column'] ?? null, delimiter: values.delimiter ?? null },
        model: { model, dtype: choice.dtype ?? null, rerank: choice.rerank },
        language,
        taxonomy: taxonomy.contentHash,
        settings,
        extractOptions,
        kinds,
        shard: shard ?? null,
        mode,
        format,
      }),
    )
    .digest('hex');

  const store = new FileCheckpointStore({ output, format, mode, resume: values.resume!, force: values.force, log });
  const t0 = performance.now();
  const analyser = await buildAnalyser(choice, extractOptions);
  log(`model: ${analyser.describe}; loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  if (language !== 'auto' && language !== 'en') {
    const packs = await labelMatching().index().then((i) => i.packs, () => []);
    if (!packs.some((p) => p.language === language)) log(`--language ${language}: no ESCO label pack for it in public/taxonomy/, so English labels are matched`);
  }
  log(`input: ${input.path} (${input.format}${shard ? `, shard ${shard.index}/${shard.count}` : ''}); output: ${output} (${format}${mode === 'ranked' ? ', ranked' : ''})`);

  let lastLine = 0;
  const every = (io.progressEverySec ?? 2) * 1000;
  const printProgress = (p: BatchProgress, final = false) => {
    if (values.quiet && !final) return;
    const t = performance.now();
    if (!final && t - lastLine < every) return;
    lastLine = t;
    const frac = input.size > 0 ? Math.min(1, input.position() / input.size) : 0;
    const eta = p.sessionDocuments > 0 && frac > 0 && frac < 1 ? (p.sessionMs / frac) * (1 - frac) : 0;
    const pct = input.format === 'txt-dir' ? `${fmtInt(input.position())}/${fmtInt(input.size)} files` : `${(frac * 100).toFixed(0)}% of the input read`;
    log(`${fmtInt(p.documents)} documents, ${fmtInt(p.skipped)} skipped, ${fmtInt(p.rows)} rows · ${fmtInt(p.docsPerMinute)} docs/min · ${pct}${eta ? ` · ETA ${duration(eta)}` : ''}`);
  };
  let skippedShown = 0;
  const onSkipped = (s: SkippedRow) => {
    if (skippedShown++ < 20) log(`skipped line ${s.line}${s.id !== undefined ? ` (id ${s.id})` : ''}: ${s.reason}`);
    else if (skippedShown === 21) log(`(further skipped rows only in ${store.skippedFile})`);
  };

  const limit = num('limit', values.limit);
  const controller = new AbortController();
  io.signal?.addEventListener('abort', () => controller.abort(), { once: true });
  if (io.signal?.aborted) controller.abort();
  let outcome: BatchOutcome;
  try {
    outcome = await runBatch({
      input: input.items(),
      analyse: analyser.analyse,
      taxonomy,
      settings,
      kinds,
      mode,
      shard,
      store,
      fingerprint,
      commitEvery: num('commit-every', values['commit-every']),
      signal: controller.signal,
      onProgress: (p) => {
        if (limit !== undefined && p.sessionDocuments >= limit) controller.abort();
        printProgress(p);
      },
      onSkipped,
    });
  } finally {
    await store.close();
  }
  const p = outcome.progress;
  printProgress(p, true);
  const cp = outcome.checkpoint;
  const summaryFile = `${output}.summary.json`;
  await writeJsonAtomic(summaryFile, summaryOf(outcome.aggregates, cp.documents, cp.skipped, cp.rows, cp.elapsedMs, { model, shard: shard ? `${shard.index}/${shard.count}` : null, settings }));
  // maxRSS is in kilobytes (Node's process.resourceUsage); the figure users need to size a machine.
  const peakMb = process.resourceUsage().maxRSS / 1024;
  log(`${outcome.status === 'done' ? 'done' : `stopped (continue with --resume)`}: ${fmtInt(cp.documents)} documents (${fmtInt(p.sessionDocuments)} in this session at ${fmtInt(p.docsPerMinute)} docs/min), ${fmtInt(cp.skipped)} skipped${cp.skipped ? ` (see ${store.skippedFile})` : ''}, ${fmtInt(cp.rows)} rows in ${output}; peak memory (RSS) ${fmtInt(peakMb)} MB`);
  if (!values.quiet) {
    for (const kind of kinds) {
      const top = outcome.aggregates.top(kind, 10);
      if (top.length) log(`\nmost frequent ${kind}s (share of ${fmtInt(cp.aggregates.documents)} documents)\n${formatTopTable(top)}`);
    }
  }
  return { outcome, output, skippedFile: store.skippedFile, summaryFile, format, mode };
}

async function main() {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return;
  }
  // Ctrl-C or a scheduler's SIGTERM (preemption): finish the current document, commit, exit; a
  // second signal exits at once (the last commit still makes --resume exact).
  const stop = new AbortController();
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      if (stop.signal.aborted) process.exit(130);
      console.error(`\n${sig}: stopping after the current document (again to quit at once)`);
      stop.abort();
    });
  }
  try {
    if (argv.includes('--merge-summaries')) {
      const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { 'merge-summaries': { type: 'boolean' }, output: { type: 'string' } } });
      if (!values.output) throw new UsageError('--merge-summaries needs --output FILE for the merged summary');
      const merged = await mergeSummaries(positionals, values.output);
      console.error(`merged ${positionals.length} summaries: ${fmtInt(merged.documents)} documents, ${fmtInt(merged.skipped)} skipped -> ${values.output}`);
      return;
    }
    const run = await runExtract(argv, { log: (l) => console.error(l), signal: stop.signal });
    if (run.outcome.status !== 'done' && stop.signal.aborted) process.exit(130);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const usage = e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    console.error(`extract: ${msg}${usage ? '\n(npm run extract -- --help lists the options)' : ''}`);
    process.exit(usage ? 2 : 1);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) void main();
