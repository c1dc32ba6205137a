// Browser batch benchmark (issue 14, part 5): documents/min of the batch view for 500-word ads with
// the real small model (preset bge-small-en, picked in the model panel as a user would), and peak
// memory of page and engine worker while a 10,000-document CSV runs through it. Uses the bench
// harness's private e2e build and model host (scripts/bench/appHarness.ts), so a concurrent
// `npm test` is never disturbed. Prints a markdown table.
//
//   npx tsx scripts/bench-batch-browser.ts [--real-seconds 120] [--memory-docs 10000] [--memory-model test|bge-small-en] [--skip-real] [--skip-memory]
//                                          [--big-gb 2 --big-seconds 90]
//
// --big-gb N also opens an N GB CSV (written to a temporary file first) in the batch view with the
// test models and runs it for --big-seconds: the file is streamed, so memory must not grow with its
// size (the issue's "a 2 GB file"); the run is then cancelled.
// The memory run uses the generated test models by default: with the real model 10,000 ads take
// hours on a small CPU, while the batch path's memory (file stream, parser, runner, IndexedDB
// commits, status updates) does not depend on the model; the model's own memory is in the figure
// of the real-model run. Needs the real model provisioned (`npm run models:fetch -- bge-small-en`).
import { createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from '@playwright/test';
import { adOfWords, wordCount } from './bench/ads.ts';
import { startApp } from './bench/appHarness.ts';
import { AppMemory } from './bench/cdpMemory.ts';
import { launchChromium } from './bench/chromium.ts';

const { values } = parseArgs({
  options: {
    'real-seconds': { type: 'string', default: '120' },
    'memory-docs': { type: 'string', default: '10000' },
    'memory-model': { type: 'string', default: 'test' },
    'skip-real': { type: 'boolean', default: false },
    'skip-memory': { type: 'boolean', default: false },
    'big-gb': { type: 'string', default: '0' },
    'big-seconds': { type: 'string', default: '90' },
  },
});
const log = (line: string) => process.stderr.write(`${line}\n`);
const MB = 1024 * 1024;

const BASE_AD = adOfWords(500);
/** The ad with a per-document line, so no two documents are the same text. */
function csvOf(n: number): string {
  const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
  const rows = ['id,description'];
  for (let i = 0; i < n; i++) rows.push(`ad-${i},${quote(`Vacancy ${i} (reference ${(i * 7919) % 100003}).\n${BASE_AD}`)}`);
  return `${rows.join('\n')}\n`;
}

/** Writes a CSV of at least `bytes` bytes in the csvOf format, streamed (a 2 GB string would not fit). */
async function writeBigCsv(file: string, bytes: number): Promise<number> {
  const out = createWriteStream(file);
  let failure: Error | undefined;
  out.on('error', (e) => (failure = e));
  const write = (s: string) => new Promise<void>((resolve, reject) => (failure ? reject(failure) : out.write(s) ? resolve() : out.once('drain', resolve)));
  const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
  await write('id,description\n');
  let i = 0;
  let written = 0;
  while (written < bytes) {
    const rows: string[] = [];
    for (let j = 0; j < 1000; j++, i++) rows.push(`ad-${i},${quote(`Vacancy ${i} (reference ${(i * 7919) % 100003}).\n${BASE_AD}`)}\n`);
    const chunk = rows.join('');
    written += Buffer.byteLength(chunk);
    await write(chunk);
  }
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  return i;
}

interface Row {
  run: string;
  model: string;
  documents: number;
  docsPerMin: number | null;
  pagePeakMb: number | null;
  workerPeakMb: number | null;
  workerBackingPeakMb: number | null;
  notes: string;
}

async function waitReady(page: Page, timeoutMs: number): Promise<void> {
  await page.getByTestId('engine-summary').filter({ hasText: 'Semantic matching ready' }).waitFor({ timeout: timeoutMs });
}

async function pickPreset(page: Page, presetLabel: RegExp): Promise<void> {
  await page.getByTestId('preset-picker').getByLabel(presetLabel).check();
}

async function docsDone(page: Page): Promise<number> {
  const t = (await page.getByTestId('batch-documents').textContent().catch(() => '0')) ?? '0';
  return Number(t.replace(/\D/g, '')) || 0;
}

async function startBatch(page: Page, file: string): Promise<void> {
  await page.getByRole('button', { name: 'Batch', exact: true }).click();
  await page.getByLabel('Batch input files').setInputFiles(file);
  await page.getByTestId('batch-draft').getByLabel('Text column').selectOption('description');
  await page.getByTestId('batch-draft').getByLabel('Id column').selectOption('id');
  await page.getByTestId('batch-draft').getByRole('button', { name: 'Start batch' }).click();
  await page.getByTestId('batch-progress').and(page.locator('[data-state="running"]')).waitFor({ timeout: 300_000 });
}

async function main(): Promise<void> {
  const app = await startApp(log);
  const browser = await launchChromium();
  const dir = mkdtempSync(join(tmpdir(), 'esco-bench-batch-'));
  const rows: Row[] = [];
  try {
    if (!values['skip-real']) {
      const seconds = Number(values['real-seconds']);
      const file = join(dir, 'real.csv');
      writeFileSync(file, csvOf(2000));
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(app.url);
      await pickPreset(page, /BGE small \(English\)/);
      log('real: waiting for bge-small-en (download, cache, self-check) ...');
      await waitReady(page, 600_000);
      const mem = await AppMemory.attach(context, page);
      await startBatch(page, file);
      await mem.waitForWorker();
      // Measured in the page's own terms (documents committed over time), after a warm-up document.
      await page.waitForFunction(() => Number(document.querySelector('[data-testid="batch-documents"]')?.textContent?.replace(/\D/g, '') ?? 0) >= 1, null, { timeout: 300_000 });
      const d0 = await docsDone(page);
      const t0 = Date.now();
      let peak = { page: 0, worker: 0, backing: 0 };
      while (Date.now() - t0 < seconds * 1000) {
        await new Promise((r) => setTimeout(r, 2000));
        const [p, w] = await Promise.all([mem.page(), mem.workerUsage().catch(() => null)]);
        peak = { page: Math.max(peak.page, p.usedSize), worker: Math.max(peak.worker, w?.usedSize ?? 0), backing: Math.max(peak.backing, w?.backingStorageSize ?? 0) };
      }
      const d1 = await docsDone(page);
      const minutes = (Date.now() - t0) / 60_000;
      const shown = Number(((await page.getByTestId('batch-rate').textContent().catch(() => '')) ?? '').replace(/\D/g, '')) || null;
      await page.getByRole('button', { name: 'Pause' }).click();
      rows.push({
        run: `500-word ads (${wordCount(BASE_AD)} words), ${seconds} s`,
        model: 'bge-small-en (WASM q8)',
        documents: d1 - d0,
        docsPerMin: (d1 - d0) / minutes,
        pagePeakMb: peak.page / MB,
        workerPeakMb: peak.worker / MB,
        workerBackingPeakMb: peak.backing / MB,
        notes: `the view's own documents/min: ${shown ?? 'n/a'}`,
      });
      await mem.detach();
      await context.close();
    }
    if (!values['skip-memory']) {
      const n = Number(values['memory-docs']);
      const model = values['memory-model']!;
      const file = join(dir, 'memory.csv');
      writeFileSync(file, csvOf(n));
      const context = await browser.newContext();
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      page.on('worker', (w) => w.on('console', (m) => m.type() === 'error' && errors.push(`worker: ${m.text()}`)));
      page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
      const cdp = await context.newCDPSession(page);
      await cdp.send('Performance.enable');
      await page.goto(app.url);
      if (model === 'bge-small-en') await pickPreset(page, /BGE small \(English\)/);
      await waitReady(page, 600_000);
      const mem = await AppMemory.attach(context, page);
      await startBatch(page, file);
      await mem.waitForWorker();
      const t0 = Date.now();
      let peak = { page: 0, perfPage: 0, worker: 0, backing: 0 };
      let state: string | null = null;
      for (;;) {
        const [p, w, metrics] = await Promise.all([mem.page(), mem.workerUsage().catch(() => null), cdp.send('Performance.getMetrics')]);
        const jsHeap = metrics.metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
        peak = { page: Math.max(peak.page, p.usedSize), perfPage: Math.max(peak.perfPage, jsHeap), worker: Math.max(peak.worker, w?.usedSize ?? 0), backing: Math.max(peak.backing, w?.backingStorageSize ?? 0) };
        state = await page.getByTestId('batch-progress').getAttribute('data-state');
        if (state === 'done' || state === 'failed') break;
        await new Promise((r) => setTimeout(r, 1000));
      }
      const minutes = (Date.now() - t0) / 60_000;
      const done = await docsDone(page);
      rows.push({
        run: `${n.toLocaleString('en')}-document CSV (${(Buffer.byteLength(csvOf(1)) * n / MB).toFixed(0)} MB), to the end`,
        model: model === 'test' ? 'generated TEST models' : model,
        documents: done,
        docsPerMin: done / minutes,
        pagePeakMb: peak.page / MB,
        workerPeakMb: peak.worker / MB,
        workerBackingPeakMb: peak.backing / MB,
        notes: `ended ${state}, ${await page.getByTestId('batch-skipped-count').textContent().catch(() => '?')} rows skipped${state === 'done' ? '' : `: ${await page.getByTestId('batch-failure').textContent().catch(() => '')} ${errors.slice(-3).join(' | ')}`}; page JSHeapUsedSize peak (Performance.getMetrics) ${(peak.perfPage / MB).toFixed(1)} MB`,
      });
      await mem.detach();
      await context.close();
    }
    const bigGb = Number(values['big-gb']);
    if (bigGb > 0) {
      const file = join(dir, 'big.csv');
      const t = Date.now();
      const docs = await writeBigCsv(file, bigGb * 1024 * MB);
      const size = statSync(file).size;
      log(`big: wrote ${(size / MB).toFixed(0)} MB (${docs.toLocaleString('en')} documents) in ${((Date.now() - t) / 1000).toFixed(0)} s`);
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(app.url);
      await waitReady(page, 600_000);
      const mem = await AppMemory.attach(context, page);
      const t0 = Date.now();
      await startBatch(page, file);
      const startMs = Date.now() - t0;
      await mem.waitForWorker();
      let peak = { page: 0, worker: 0, backing: 0 };
      const samples: number[] = [];
      while (Date.now() - t0 < Number(values['big-seconds']) * 1000) {
        await new Promise((r) => setTimeout(r, 2000));
        const [p, w] = await Promise.all([mem.page(), mem.workerUsage().catch(() => null)]);
        peak = { page: Math.max(peak.page, p.usedSize), worker: Math.max(peak.worker, w?.usedSize ?? 0), backing: Math.max(peak.backing, w?.backingStorageSize ?? 0) };
        samples.push((w?.usedSize ?? 0) + (w?.backingStorageSize ?? 0));
      }
      const done = await docsDone(page);
      const minutes = (Date.now() - t0 - startMs) / 60_000;
      const state = await page.getByTestId('batch-progress').getAttribute('data-state');
      const half = Math.floor(samples.length / 2);
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
      rows.push({
        run: `${(size / MB).toLocaleString('en', { maximumFractionDigits: 0 })} MB CSV (${docs.toLocaleString('en')} documents), first ${values['big-seconds']} s`,
        model: 'generated TEST models',
        documents: done,
        docsPerMin: done / minutes,
        pagePeakMb: peak.page / MB,
        workerPeakMb: peak.worker / MB,
        workerBackingPeakMb: peak.backing / MB,
        notes: `state ${state}; file opened and first rows running after ${(startMs / 1000).toFixed(1)} s; worker heap + buffers, mean of the first / second half of the samples: ${(mean(samples.slice(0, half)) / MB).toFixed(0)} / ${(mean(samples.slice(half)) / MB).toFixed(0)} MB`,
      });
      await page.getByRole('button', { name: 'Cancel' }).click().catch(() => undefined);
      await mem.detach();
      await context.close();
    }
  } finally {
    await browser.close();
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const f = (x: number | null, d = 1) => (x === null ? 'n/a' : x.toFixed(d));
  const out = [
    '| run | model | documents | documents/min | page JS heap peak (MB) | worker JS heap peak (MB) | worker ArrayBuffer/WASM peak (MB) | notes |',
    '|---|---|---:|---:|---:|---:|---:|---|',
    ...rows.map((r) => `| ${r.run} | ${r.model} | ${r.documents} | ${f(r.docsPerMin, 0)} | ${f(r.pagePeakMb)} | ${f(r.workerPeakMb)} | ${f(r.workerBackingPeakMb)} | ${r.notes} |`),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench-batch-browser: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
