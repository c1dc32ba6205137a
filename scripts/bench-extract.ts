// `npm run bench:extract -- [--docs 30] [--rss-docs 100] [--model bge-small-en] [--dtype q8|fp32] [--no-model]`
// Benchmarks of the batch CLI (scripts/extract.ts) in Node, printed as a markdown table:
// - documents/min for 500-word job ads with the real small model (bge-small-en), CLI end to end
//   (parse, extract, threshold, write, checkpoint), model loading excluded;
// - peak memory (RSS) for a 10,000-document CSV of 500-word ads: the whole file with label matching
//   only (--model none; beside the same CLI on the small CSV as a baseline: streaming keeps the
//   difference to V8's garbage headroom, and a 30,000-document file peaks no higher), and the first --rss-docs documents of it with the model (memory is flat
//   once the model is loaded and the first commits are written; the whole file would take hours on
//   a small machine).
// The ads are built at run time from the SkillSpan postings in ../shared/eval/skillspan/dev.json
// (sentences concatenated to 500 words), or from ESCO descriptions when that file is absent; they
// are written to a temporary folder and deleted afterwards, never into the repository.
// Exported as benchExtract() for `npm run bench`.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Papa from 'papaparse';
import { parseSkillSpan } from '../src/core/evaluation.ts';
import { ROOT } from './build-taxonomy.ts';
import { defaultQueryDtype } from './extract/context.ts';
import { loadTaxonomyAsset } from './precompute.ts';

export const SKILLSPAN_DEV = join(ROOT, '..', 'shared', 'eval', 'skillspan', 'dev.json');

export interface BenchExtractOptions {
  /** 500-word ads for the throughput run (default 30). */
  docs?: number;
  /** Documents of the 10,000-document CSV analysed with the model for its memory figure (default 100). */
  rssDocs?: number;
  model?: string;
  dtype?: string;
  /** Only the label-matching memory run (no model). */
  noModel?: boolean;
  log?: (line: string) => void;
}

export interface BenchExtractRow {
  measurement: string;
  model: string;
  documents: number;
  docsPerMinute: number;
  peakRssMb: number;
  seconds: number;
}

/** Sentences to build ads from: SkillSpan postings (one sentence a line) or ESCO descriptions. */
export function sentences(): { source: string; sentences: string[] } {
  if (existsSync(SKILLSPAN_DEV)) {
    const postings = parseSkillSpan(readFileSync(SKILLSPAN_DEV, 'utf8'));
    return { source: `SkillSpan dev postings (${postings.length})`, sentences: postings.flatMap((p) => p.text.split('\n')).filter((s) => s.split(' ').length >= 3) };
  }
  const tax = loadTaxonomyAsset();
  return { source: 'ESCO skill descriptions', sentences: tax.skills.map((s) => s.description).filter((d) => d.length > 40) };
}

/** Ad number i: consecutive sentences from a different start, cut to exactly `words` words. */
function makeAd(pool: string[], i: number, words = 500): string {
  const out: string[] = [];
  let n = 0;
  for (let j = (i * 37) % pool.length; n < words; j = (j + 1) % pool.length) {
    const w = pool[j].split(/\s+/).filter(Boolean);
    const take = w.slice(0, words - n);
    out.push(take.join(' '));
    n += take.length;
  }
  return out.join('\n');
}

export async function writeCsv(file: string, pool: string[], count: number): Promise<void> {
  const ws = createWriteStream(file);
  const write = (s: string) => (ws.write(s) ? Promise.resolve() : new Promise<void>((r) => ws.once('drain', () => r())));
  await write('id,description\n');
  for (let i = 0; i < count; i++) await write(`${Papa.unparse([[`ad-${i}`, makeAd(pool, i)]], { newline: '\n' })}\n`);
  await new Promise<void>((r, j) => ws.end((e?: Error | null) => (e ? j(e) : r())));
}

/** Runs the CLI as a child process and reads its final line (documents, docs/min, peak RSS). */
function runCli(args: string[]): Promise<{ documents: number; docsPerMinute: number; peakRssMb: number; seconds: number }> {
  return new Promise((res, rej) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'extract.ts'), ...args, '--quiet'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => {
      const m = /\(([\d,]+) in this session at ([\d,]+) docs\/min\).*peak memory \(RSS\) ([\d,]+) MB/.exec(err);
      if (code !== 0 || !m) return rej(new Error(`extract exited with ${code}: ${err.slice(-2000)}`));
      const n = (s: string) => Number(s.replace(/,/g, ''));
      res({ documents: n(m[1]), docsPerMinute: n(m[2]), peakRssMb: n(m[3]), seconds: (performance.now() - t0) / 1000 });
    });
  });
}

export function formatBenchTable(rows: readonly BenchExtractRow[]): string {
  const lines = ['| measurement | model | documents | docs/min | peak RSS | wall time |', '|---|---|---:|---:|---:|---:|'];
  for (const r of rows) lines.push(`| ${r.measurement} | ${r.model} | ${r.documents.toLocaleString('en')} | ${r.docsPerMinute.toLocaleString('en')} | ${r.peakRssMb.toLocaleString('en')} MB | ${r.seconds.toFixed(0)} s |`);
  return lines.join('\n');
}

export async function benchExtract(o: BenchExtractOptions = {}): Promise<{ rows: BenchExtractRow[]; markdown: string; source: string }> {
  const log = o.log ?? ((l: string) => console.error(l));
  const docs = o.docs ?? 30;
  const rssDocs = o.rssDocs ?? 100;
  const model = o.model ?? 'bge-small-en';
  const dtypeArgs = o.dtype ? ['--dtype', o.dtype] : [];
  const modelName = `${model} (${o.dtype ?? defaultQueryDtype(model)} queries)`;
  const dir = mkdtempSync(join(tmpdir(), 'esco-bench-extract-'));
  const rows: BenchExtractRow[] = [];
  try {
    const { source, sentences: pool } = sentences();
    const small = join(dir, 'ads-500w.csv');
    const big = join(dir, 'ads-10k.csv');
    await writeCsv(small, pool, docs);
    await writeCsv(big, pool, 10_000);
    const mb = statSync(big).size / 1e6;
    log(`ads from ${source}; 10,000-document CSV: ${mb.toFixed(1)} MB`);
    const base = (input: string, out: string) => ['--input', input, '--id-column', 'id', '--text-column', 'description', '--output', join(dir, out)];
    if (!o.noModel) {
      log(`throughput: ${docs} ads of 500 words with ${model} ...`);
      const r = await runCli([...base(small, 'small.jsonl'), '--model', model, ...dtypeArgs]);
      rows.push({ measurement: '500-word ads, Node CLI', model: modelName, ...r });
    }
    log('memory: baseline, the small CSV with label matching only ...');
    rows.push({ measurement: `${docs}-document CSV (baseline), Node CLI`, model: 'none (labels only)', ...(await runCli([...base(small, 'small-none.jsonl'), '--model', 'none'])) });
    log('memory: 10,000-document CSV, label matching only ...');
    rows.push({ measurement: `10,000-document CSV (${mb.toFixed(0)} MB), Node CLI`, model: 'none (labels only)', ...(await runCli([...base(big, 'big-none.jsonl'), '--model', 'none'])) });
    if (!o.noModel) {
      log(`memory: the first ${rssDocs} documents of the 10,000-document CSV with ${model} ...`);
      const r = await runCli([...base(big, 'big-model.jsonl'), '--model', model, ...dtypeArgs, '--limit', String(rssDocs)]);
      rows.push({ measurement: `10,000-document CSV, Node CLI, first ${rssDocs} documents`, model: modelName, ...r });
    }
    return { rows, markdown: formatBenchTable(rows), source };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      docs: { type: 'string' },
      'rss-docs': { type: 'string' },
      model: { type: 'string' },
      dtype: { type: 'string' },
      'no-model': { type: 'boolean', default: false },
    },
  });
  const { markdown } = await benchExtract({
    docs: values.docs ? Number(values.docs) : undefined,
    rssDocs: values['rss-docs'] ? Number(values['rss-docs']) : undefined,
    model: values.model,
    dtype: values.dtype,
    noModel: values['no-model'],
  });
  console.log(markdown);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(`bench:extract failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
