// Section 7, batch extraction (issue 14): documents/min for 500-word ads with the real small model
// and peak memory over a large CSV, in the Node CLI (scripts/bench-extract.ts) and in the browser
// batch view (scripts/bench-batch-browser.ts, run as its own process: it starts its own app build,
// model host and Chromium). Both print a markdown table; this section carries their rows over.
import { spawn } from 'node:child_process';
import type { BenchContext, SectionResult } from './context.ts';
import { ROOT } from './env.ts';
import type { Table } from './stats.ts';

/** Runs a bench script and returns the header and rows of the first markdown table it prints. */
async function tableOf(ctx: BenchContext, args: string[]): Promise<{ head: string[]; rows: string[][] }> {
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn('npx', ['tsx', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      for (const line of d.toString().split('\n')) if (line.trim() && !line.startsWith('npm warn')) ctx.log(`batch: ${line}`);
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`${args[0]} exited with ${code}`))));
  });
  const lines = out.split('\n').filter((l) => l.startsWith('|'));
  if (lines.length < 3) throw new Error(`${args[0]} printed no table`);
  const cells = (l: string) => l.slice(1, -1).split('|').map((c) => c.trim());
  return { head: cells(lines[0]), rows: lines.slice(2).map(cells) };
}

export async function runBatch(ctx: BenchContext): Promise<SectionResult> {
  const cli = await tableOf(ctx, ['scripts/bench-extract.ts', '--docs', '30', '--rss-docs', '60']);
  const browser = await tableOf(ctx, ['scripts/bench-batch-browser.ts', '--real-seconds', '60', '--memory-docs', '1000']);
  const tables: Table[] = [
    {
      title: '7a. Batch extraction, Node CLI (npm run extract)',
      note:
        '500-word ads built from the SkillSpan dev postings (read at run time), one CSV row each; the CLI streams the input and output and checkpoints as it goes. ' +
        'Peak RSS of the CLI process. The model rows embed with q8 queries against the shipped fp32-computed cache; the 10,000-document rows with the model cover its first documents only (the whole file would take hours on 2 cores).',
      head: cli.head,
      textColumns: 2,
      rows: cli.rows,
    },
    {
      title: '7b. Batch extraction in the browser (batch view, engine worker, IndexedDB)',
      note:
        'The batch view of a private e2e build in Chromium: documents/min with the real bge-small-en (WASM q8) over 60 s of 500-word ads, and peak page / worker memory (CDP heap usage) ' +
        'while 1,000 500-word documents of a CSV run through it with the generated test models (the batch path\'s own memory: file stream, parser, runner, IndexedDB commits). ' +
        'A 10,000-document run (npx tsx scripts/bench-batch-browser.ts --memory-docs 10000) takes about 30 min here and is not part of npm run bench.',
      head: browser.head,
      textColumns: 2,
      rows: browser.rows,
    },
  ];
  return { tables, facts: {} };
}
