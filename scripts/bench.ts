// `npm run bench [-- --only search,inference,realmodel,startup,interaction,memory,precompute,batch,api] [--runs 5] [--app-presets test,bge-small-en] [--baseline REV [--revision REV]] [--out BENCHMARKS.md] [--no-write]`
// The project's benchmark suite: measures, prints one markdown table per section and writes them all
// to BENCHMARKS.md (overwritten) with a header saying when, on what machine and with which versions,
// so every change can be compared with the last run. Benchmarks, not timed tests: nothing here fails
// because the machine is slow; a section that cannot run prints "n/a: <reason>" and the rest goes on.
// Every figure is the median of several runs after a warm-up, with min and max.
//   search       1. vector search, project kernel vs naive loop vs ONNX Runtime, Node and Chromium
//   inference    2. bge-m3-shaped encoder, onnxruntime-web (Chromium) vs onnxruntime-node; bge-m3 estimates
//   realmodel    2c-e. the real bge-small-en graphs in both runtimes; calibration of section 2's
//                per-layer method against them; the bge-m3 estimates recalibrated (uses 2's figures)
//   startup      3. app start-up, first and returning visit          (private e2e build: test models,
//                   and the real bge-small-en preset)
//   interaction  4. paste -> results, slider -> results              (same)
//   memory       5. page and engine-worker memory                     (test models)
//   precompute   6. computing the shipped embedding asset in Node, sampled and extrapolated
//   batch        7. batch extraction: Node CLI and the browser batch view (documents/min, peak memory)
//   api          8. the HTTP service (npm run serve:api): /extract under load at concurrency 1, 4, 16
// The sections live in scripts/bench/.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { APP_PRESETS, runAppSections, type AppPreset, type AppSection } from './bench/app.ts';
import { BenchContext, type SectionResult } from './bench/context.ts';
import { gitRevision, machine, packageVersion, ROOT } from './bench/env.ts';
import { runInference } from './bench/inference.ts';
import { runPrecomputeTime } from './bench/precomputeTime.ts';
import { runRealModel } from './bench/realModel.ts';
import { runSearch } from './bench/search.ts';
import { runBatch } from './bench/batch.ts';
import { runApi } from './bench/api.ts';
import { fmtBytes, markdownTable, type Table } from './bench/stats.ts';
import { summaryLines } from './bench/summary.ts';

const SECTIONS = ['search', 'inference', 'realmodel', 'ortweb', 'startup', 'interaction', 'memory', 'precompute', 'batch', 'api'] as const;
type Section = (typeof SECTIONS)[number];
const APP_SECTIONS: readonly AppSection[] = ['startup', 'interaction', 'memory'];

const USAGE = `usage: npm run bench -- [--only ${SECTIONS.join(',')}] [--runs N] [--app-presets ${APP_PRESETS.join(',')}] [--baseline REV [--revision REV]] [--out FILE] [--no-write]
  --only     comma-separated sections (also: app = startup,interaction,memory); default all
  --runs     timed runs per figure after a warm-up (default 5; the slowest figures use fewer, at least 3;
             precompute: at most 3)
  --app-presets  model presets the start-up and interaction sections run the app with
             (default ${APP_PRESETS.join(',')})
  --baseline the start-up section also runs the app of this git revision (built in a temporary
             worktree), its visits alternating with the measured app's: before and after in one run
  --revision the app sections measure this git revision instead of the working tree
  --out      the report file (default BENCHMARKS.md), overwritten
  --no-write print only`;

interface Options {
  sections: Set<Section>;
  runs: number;
  appPresets: AppPreset[];
  out: string;
  write: boolean;
  baseline?: string;
  revision?: string;
}

function parseOptions(argv: string[]): Options {
  const o: Options = { sections: new Set(SECTIONS), runs: 5, appPresets: [...APP_PRESETS], out: join(ROOT, 'BENCHMARKS.md'), write: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value\n${USAGE}`);
      return v;
    };
    if (a === '--only') {
      o.sections = new Set();
      for (const raw of value().split(',')) {
        const s = raw.trim();
        if (s === 'app') APP_SECTIONS.forEach((x) => o.sections.add(x));
        else if ((SECTIONS as readonly string[]).includes(s)) o.sections.add(s as Section);
        else if (s) throw new Error(`unknown section "${s}" (known: ${SECTIONS.join(', ')}, app)`);
      }
    } else if (a === '--runs') {
      o.runs = Number(value());
      if (!Number.isInteger(o.runs) || o.runs < 1) throw new Error('--runs needs a positive integer');
    } else if (a === '--app-presets') {
      const list = value().split(',').map((x) => x.trim()).filter(Boolean);
      for (const p of list) if (!(APP_PRESETS as readonly string[]).includes(p)) throw new Error(`unknown app preset "${p}" (known: ${APP_PRESETS.join(', ')})`);
      if (!list.length) throw new Error('--app-presets needs at least one preset');
      o.appPresets = list as AppPreset[];
    } else if (a === '--baseline') o.baseline = value();
    else if (a === '--revision') o.revision = value();
    else if (a === '--out') o.out = resolve(value());
    else if (a === '--no-write') o.write = false;
    else if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown argument ${a}\n${USAGE}`);
  }
  // Only the start-up section runs a second build: elsewhere the flag would be silently ignored.
  if ((o.baseline || o.revision) && !o.sections.has('startup')) throw new Error('--baseline and --revision compare start-up only: add startup to --only');
  return o;
}

function header(o: Options, chromium: string, totalMs: number, startedAt: Date, command: string, loadAtStart: string): string {
  const m = machine();
  // Other work sharing the CPU makes figures slow and noisy: say so next to them. The run itself keeps
  // up to about all cores busy, so the end-of-run load only counts above cores + 1.
  const start = Number(loadAtStart.split(' ')[0]);
  const end = Number(m.load.split(' ')[0]);
  const busy =
    start > m.cores / 2 || end > m.cores + 1
      ? ['', `> Warning: the machine was busy (1-minute load average ${start.toFixed(1)} at start, ${end.toFixed(1)} at end, on ${m.cores} cores): figures are slower and noisier than on an idle machine.`]
      : [];
  const partial = o.sections.size < SECTIONS.length ? ` (partial run: ${[...o.sections].join(', ')})` : '';
  return [
    '# Benchmarks',
    '',
    `Written by \`npm run bench\` (scripts/bench.ts); do not edit by hand, rerun it. Figures are medians of several runs with (min–max); compare runs only on the same machine and versions.${partial}`,
    '',
    `- Date: ${startedAt.toISOString()}`,
    `- Command: \`${command}\` (${(totalMs / 1000).toFixed(0)} s)`,
    `- Git: ${gitRevision()}`,
    `- Machine: ${m.cpu}, ${m.cores} cores, ${fmtBytes(m.memoryBytes)} memory; SIMD: ${m.simd}; load average (1, 5, 15 min) at start ${loadAtStart}, at end ${m.load}`,
    `- Versions: Node ${process.version}, Chromium ${chromium}, onnxruntime-node ${packageVersion('onnxruntime-node')}, onnxruntime-web ${packageVersion('onnxruntime-web')}, ` +
      `@huggingface/transformers ${packageVersion('@huggingface/transformers')}, vite ${packageVersion('vite')}, playwright ${packageVersion('playwright-core')}`,
    ...busy,
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  const startedAt = new Date();
  const t0 = performance.now();
  const command = ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' ');
  // Machine load now, before our own work adds to it: a busy machine explains slow figures.
  const loadAtStart = machine().load;
  const filesDir = mkdtempSync(join(tmpdir(), 'esco-bench-'));
  const elapsed = () => `${((performance.now() - t0) / 1000).toFixed(0)} s`.padStart(5);
  const ctx = new BenchContext(o.runs, filesDir, (line) => console.log(`[${elapsed()}] ${line}`));
  const results: SectionResult[] = [];
  let chromium = 'not started';
  const section = async (name: string, run: () => Promise<SectionResult>): Promise<void> => {
    ctx.log(`--- ${name}`);
    try {
      const r = await run();
      results.push(r);
      for (const t of r.tables) console.log(`\n${markdownTable(t)}`);
    } catch (e) {
      // A section that breaks reports why; the others still run.
      const reason = e instanceof Error ? (e.stack ?? e.message) : String(e);
      ctx.log(`${name}: n/a: ${reason}`);
      const table: Table = { title: `${name}: n/a`, head: ['Section', 'Result'], rows: [[name, `n/a: ${reason.split('\n')[0]}`]] };
      results.push({ tables: [table], facts: {} });
      console.log(`\n${markdownTable(table)}`);
    }
  };
  try {
    chromium = (await ctx.browser()).version();
    if (o.sections.has('search')) await section('search', () => runSearch(ctx));
    if (o.sections.has('inference')) await section('inference', () => runInference(ctx));
    // After 'inference': it recalibrates that section's bge-m3 estimates (read from its facts).
    if (o.sections.has('realmodel')) await section('realmodel', () => runRealModel(ctx, Object.assign({}, ...results.map((r) => r.facts)) as Record<string, number>));
    const app = new Set(APP_SECTIONS.filter((s) => o.sections.has(s)));
    if (app.size) await section([...app].join(', '), () => runAppSections(ctx, app, o.appPresets, { baseline: o.baseline, revision: o.revision }));
    if (o.sections.has('precompute')) await section('precompute', () => runPrecomputeTime(ctx));
    if (o.sections.has('batch')) await section('batch', () => runBatch(ctx));
    if (o.sections.has('api')) await section('api', () => runApi(ctx));
    if (o.sections.has('ortweb')) await section('ortweb', async () => (await import('./bench/ortWebOptions.ts')).runOrtWebOptions(ctx));
  } finally {
    await ctx.close();
    rmSync(filesDir, { recursive: true, force: true });
  }

  const facts = Object.assign({}, ...results.map((r) => r.facts)) as Record<string, number>;
  const summary = summaryLines(facts);
  const totalMs = performance.now() - t0;
  const head = header(o, chromium, totalMs, startedAt, command, loadAtStart);
  const body = results.flatMap((r) => r.tables.map(markdownTable)).join('\n');
  const report = `${head}\n## Summary\n\n${summary.length ? summary.map((l) => `- ${l}`).join('\n') : '- n/a: not enough figures in this run'}\n\n## Results\n\n${body}`;
  console.log(`\n## Summary\n\n${summary.map((l) => `- ${l}`).join('\n')}\n`);
  console.log(`total run time ${(totalMs / 1000).toFixed(0)} s`);
  if (o.write) {
    writeFileSync(o.out, report);
    console.log(`wrote ${o.out}`);
  }
}

main().catch((e: unknown) => {
  console.error(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exit(1);
});
