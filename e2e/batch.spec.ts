// End-to-end checks of the batch view with the generated test models: 1,000 generated documents in
// a CSV (BOM, a quoted multi-line cell, bad rows) run in the engine worker, a reload in the middle
// resumes from the stored checkpoint with no duplicates and no gaps (checked on the downloaded
// JSONL), skipped rows are reported with line numbers, a threshold move re-cuts the stored
// candidates without any worker call, and both downloads parse back. A JSONL file with bad lines
// and a non-text file are reported per row / per file.
import { expect, test, type Download, type Page } from '@playwright/test';
import Papa from 'papaparse';
import { readFileSync, writeFileSync } from 'node:fs';
import { CSV_COLUMNS } from '../src/core/batch/rows.ts';
import { ENGINE_TIMEOUT, engineCalls, screenshot, waitDenseReady } from './appHelpers.ts';

const N = 1000;
// Labels the generated test models find (lexically); every document names SQL, so every document
// has at least one row above the default thresholds and the JSONL must hold all N ids.
const EXTRA = ['Python (computer programming)', 'project management', 'PostgreSQL', 'JavaScript', 'English', 'database'];

function adText(i: number): string {
  return `Software developer wanted (ad ${i}). You will write SQL queries, use ${EXTRA[i % EXTRA.length]} and ${EXTRA[(i * 7 + 3) % EXTRA.length]} every day, and work in a small team on our products.`;
}

/** The CSV and the line each bad row starts on. */
function makeCsv(): { csv: string; badLines: Record<string, number> } {
  const lines = ['\ufeffid,title,description'];
  const badLines: Record<string, number> = {};
  let line = 1;
  const push = (s: string) => {
    lines.push(s);
    line += 1 + (s.match(/\n/g)?.length ?? 0);
  };
  for (let i = 0; i < N; i++) {
    // A quoted cell with line breaks and doubled quotes: one record over three physical lines.
    if (i === 0) push(`ad-0,"Dev ""senior""","${adText(0)}\nAlso: SQL, ""quoted"" words\nand a third line."`);
    else push(`ad-${i},Developer ${i},"${adText(i)}"`);
    if (i === 10) {
      badLines.empty = line + 1;
      push('ad-empty,Empty,"   "');
    }
    if (i === 20) {
      badLines.duplicate = line + 1;
      push(`ad-5,Again,"${adText(5)}"`);
    }
    if (i === 30) {
      badLines.short = line + 1;
      push('ad-short,Only a title');
    }
  }
  return { csv: `${lines.join('\r\n')}\r\n`, badLines };
}

async function documentsDone(page: Page): Promise<number> {
  const t = (await page.getByTestId('batch-documents').textContent()) ?? '0';
  return Number(t.replace(/\D/g, '')) || 0;
}

async function download(page: Page, name: RegExp): Promise<string> {
  const [dl]: [Download, void] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name }).click()]);
  return readFileSync((await dl.path())!, 'utf8');
}

async function openBatchView(page: Page): Promise<void> {
  await page.goto('/#batch');
  await expect(page.getByRole('heading', { name: 'Batch: many documents' })).toBeVisible();
  await waitDenseReady(page);
}

test('1,000 CSV documents: a reload mid-way resumes with no duplicates or gaps, bad rows are reported, sliders re-cut without the worker', async ({ page }, testInfo) => {
  test.setTimeout(420_000);
  const { csv, badLines } = makeCsv();
  const file = testInfo.outputPath('ads.csv');
  writeFileSync(file, csv);

  await openBatchView(page);
  await page.getByLabel('Batch input files').setInputFiles(file);
  const draft = page.getByTestId('batch-draft');
  await expect(draft.getByTestId('batch-preview')).toContainText('ad-0');
  // The BOM is not part of the first column name; the multi-line cell is one preview row.
  await expect(draft.getByTestId('batch-preview').locator('thead th').first()).toHaveText('id');
  await draft.getByLabel('Text column').selectOption('description');
  await draft.getByLabel('Id column').selectOption('id');
  await screenshot(page, 'batch-01-preview');
  await draft.getByRole('button', { name: 'Start batch' }).click();

  const progress = page.getByTestId('batch-progress');
  await expect(progress).toHaveAttribute('data-state', 'running', { timeout: ENGINE_TIMEOUT });
  await expect.poll(() => documentsDone(page), { timeout: 180_000 }).toBeGreaterThanOrEqual(250);
  await expect(progress).toContainText('documents/min');
  await screenshot(page, 'batch-02-running');
  const before = await documentsDone(page);
  expect(before).toBeLessThan(N);

  // Reload in the middle: the job is listed as interrupted and resumes from its checkpoint.
  await page.reload();
  await waitDenseReady(page);
  const job = page.getByTestId('batch-job').first();
  await expect(job).toHaveAttribute('data-state', 'interrupted');
  const stored = await documentsDone(page);
  expect(stored).toBeGreaterThan(0);
  await job.getByRole('button', { name: 'Resume' }).click();
  await expect(progress).toHaveAttribute('data-state', 'done', { timeout: 300_000 });
  await expect(page.getByTestId('batch-documents')).toHaveText(N.toLocaleString('en'));
  await expect(page.getByTestId('batch-skipped-count')).toHaveText('3');
  await screenshot(page, 'batch-03-done');

  // Skipped rows with their line numbers and reasons.
  const skipped = page.getByTestId('batch-skipped');
  await expect(skipped.locator('li[data-code="empty-text"]')).toContainText(`line ${badLines.empty} (id ad-empty)`);
  await expect(skipped.locator('li[data-code="duplicate-id"]')).toContainText(`line ${badLines.duplicate} (id ad-5)`);
  await expect(skipped.locator('li[data-code="missing-column"]')).toContainText(`line ${badLines.short} (id ad-short)`);

  // Aggregates: SQL is in every document.
  const sqlBar = page.getByTestId('batch-top-skill').locator('svg g', { has: page.locator('text.chart-label', { hasText: /^SQL$/ }) });
  await expect(sqlBar.locator('text.chart-value')).toHaveText('100.0%');

  // The JSONL: every id once per concept, all N documents, nothing else.
  const jsonl = await download(page, /^Download JSONL$/);
  const rows = jsonl.trim().split('\n').map((l) => JSON.parse(l) as { id: string; kind: string; uri: string; evidence: { start: number; end: number; text: string }[] });
  const keys = rows.map((r) => `${r.id} ${r.kind} ${r.uri}`);
  expect(new Set(keys).size).toBe(keys.length);
  const ids = new Set(rows.map((r) => r.id));
  expect(ids.size).toBe(N);
  for (let i = 0; i < N; i++) expect(ids.has(`ad-${i}`)).toBe(true);
  const sql0 = rows.find((r) => r.id === 'ad-0' && r.evidence.some((e) => e.text === 'SQL'));
  expect(sql0).toBeDefined();

  // The CSV parses back into the same rows.
  const csvOut = await download(page, /^Download CSV$/);
  const parsed = Papa.parse<string[]>(csvOut.replace(/^\ufeff/, ''), { skipEmptyLines: true });
  expect(parsed.errors).toEqual([]);
  expect(parsed.data[0]).toEqual([...CSV_COLUMNS]);
  expect(parsed.data.length - 1).toBe(rows.length);
  expect(new Set(parsed.data.slice(1).map((r) => r[0])).size).toBe(N);

  // Results table: paged, filterable.
  const table = page.getByTestId('batch-table');
  await expect(table.getByTestId('batch-row').first()).toBeVisible();
  expect(await table.getByTestId('batch-row').count()).toBeLessThanOrEqual(150);
  await page.getByLabel('Filter batch results').fill('postgres');
  await expect(table.getByTestId('batch-row').first()).toContainText('PostgreSQL');
  await page.getByLabel('Filter batch results').fill('');

  // A threshold move re-cuts the stored candidates: fewer rows, and no worker call.
  const calls = (await engineCalls(page)).length;
  await page.getByRole('slider', { name: 'Skill threshold' }).fill('0.99');
  await page.getByRole('slider', { name: 'Occupation threshold' }).fill('0.99');
  await expect.poll(async () => (await download(page, /^Download JSONL$/)).split('\n').filter(Boolean).length, { timeout: 30_000 }).toBeLessThan(rows.length);
  expect((await engineCalls(page)).length).toBe(calls);
  await screenshot(page, 'batch-04-recut');
});

/** Runs a JSONL file (fields `id` and `text`) in the batch view to the end. */
async function runJsonl(page: Page, file: string): Promise<void> {
  await openBatchView(page);
  await page.getByLabel('Batch input files').setInputFiles(file);
  const draft = page.getByTestId('batch-draft');
  await draft.getByLabel('Text field').selectOption('text');
  await draft.getByLabel('Id field').selectOption('id');
  await draft.getByRole('button', { name: 'Start batch' }).click();
  await expect(page.getByTestId('batch-progress')).toHaveAttribute('data-state', 'done', { timeout: ENGINE_TIMEOUT });
}

test('JSONL with bad lines is processed with the bad lines reported; a non-text file is refused with the reason', async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  const file = testInfo.outputPath('ads.jsonl');
  writeFileSync(
    file,
    [
      JSON.stringify({ id: 'j1', text: adText(1) }),
      '{"id": "j2", "text": "unterminated',
      JSON.stringify({ id: 'j3', body: 'no text field' }),
      JSON.stringify({ id: 'j1', text: adText(2) }),
      JSON.stringify({ id: 'j4', text: '' }),
      JSON.stringify({ id: 'j5', text: adText(3) }),
    ].join('\n'),
  );
  await runJsonl(page, file);
  await expect(page.getByTestId('batch-documents')).toHaveText('2');
  const skipped = page.getByTestId('batch-skipped');
  await expect(skipped.locator('li[data-code="invalid-json"]')).toContainText('line 2');
  await expect(skipped.locator('li[data-code="missing-column"]')).toContainText('line 3 (id j3)');
  await expect(skipped.locator('li[data-code="duplicate-id"]')).toContainText('line 4 (id j1)');
  await expect(skipped.locator('li[data-code="empty-text"]')).toContainText('line 5 (id j4)');

  const binary = testInfo.outputPath('table.csv');
  writeFileSync(binary, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x08, 0x00]));
  await page.getByLabel('Batch input files').setInputFiles(binary);
  await expect(page.getByTestId('batch-draft').getByRole('alert')).toContainText('not text');
  await expect(page.getByTestId('batch-draft').getByRole('button', { name: 'Start batch' })).toBeDisabled();
});

// A German ad in a batch is read as the single view reads it (workers/documentLanguages.ts): with
// its German labels ("Wundversorgung" is "carry out wound care" only in German); the English ad
// beside it keeps the English labels.
test('each batch document is read in its own language, as a pasted text is', async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  const file = testInfo.outputPath('mixed.jsonl');
  const german = 'Pflegefachkraft (m/w/d)\nWir suchen eine Pflegefachkraft mit Erfahrung in der Altenpflege, Wundversorgung und Dokumentation. Führerschein Klasse B erforderlich.';
  writeFileSync(file, [JSON.stringify({ id: 'de', text: german }), JSON.stringify({ id: 'en', text: adText(1) })].join('\n'));
  await runJsonl(page, file);
  const rows = (await download(page, /^Download JSONL$/)).trim().split('\n').map((l) => JSON.parse(l) as { id: string; kind: string; label: string; evidence: { text: string }[] });
  const wound = rows.find((r) => r.id === 'de' && r.label === 'carry out wound care');
  expect(wound?.evidence.map((e) => e.text)).toContain('Wundversorgung');
  expect(rows.some((r) => r.id === 'en' && r.label === 'SQL')).toBe(true);
});

test('a file too large for the browser storage runs from the open file; after a reload it resumes once that file is opened again', async ({ page }, testInfo) => {
  test.setTimeout(300_000);
  // The storage quota, as a 2 GB file meets it (scripts/bench-batch-browser.ts --big-gb 2 runs the
  // real thing): every write of an input file into IndexedDB fails with QuotaExceededError.
  await page.addInitScript(() => {
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
      if (this.name === 'files') throw new DOMException('', 'QuotaExceededError');
      return put.apply(this, args);
    };
  });
  const n = 3000;
  const file = testInfo.outputPath('big.csv');
  writeFileSync(file, `id,description\n${Array.from({ length: n }, (_, i) => `ad-${i},"${adText(i)}"`).join('\n')}\n`);
  await openBatchView(page);
  await page.getByLabel('Batch input files').setInputFiles(file);
  const draft = page.getByTestId('batch-draft');
  await draft.getByLabel('Text column').selectOption('description');
  await draft.getByLabel('Id column').selectOption('id');
  await draft.getByRole('button', { name: 'Start batch' }).click();
  await expect(page.getByText(/big\.csv \(.+\) is too large for this browser's storage, so no copy is kept/)).toBeVisible();
  const progress = page.getByTestId('batch-progress');
  await expect(progress).toHaveAttribute('data-state', 'running', { timeout: ENGINE_TIMEOUT });
  await expect.poll(() => documentsDone(page), { timeout: 120_000 }).toBeGreaterThanOrEqual(50);
  // Paused, then reloaded: the page that held the open file is gone.
  await page.getByTestId('batch-job').first().getByRole('button', { name: 'Pause' }).click();
  await expect(progress).toHaveAttribute('data-state', 'paused', { timeout: 30_000 });
  expect(await documentsDone(page)).toBeLessThan(n);
  await page.reload();
  await waitDenseReady(page);
  const job = page.getByTestId('batch-job').first();
  await expect(job).toHaveAttribute('data-state', 'paused');
  await expect(job.getByRole('button', { name: 'Resume', exact: true })).toHaveCount(0);
  // Another file is refused, with what the job expects; nothing runs.
  const other = testInfo.outputPath('other.csv');
  writeFileSync(other, 'id,description\nx,"SQL"\n');
  await job.getByLabel('Input file of big.csv').setInputFiles(other);
  await expect(page.getByText(/Not resumed: other\.csv \(\d+ bytes\) is not the job's input file big\.csv/)).toBeVisible();
  await expect(job).toHaveAttribute('data-state', 'paused');
  // The same file: it resumes from the checkpoint and ends with every document once.
  await job.getByLabel('Input file of big.csv').setInputFiles(file);
  await expect(progress).toHaveAttribute('data-state', 'done', { timeout: 240_000 });
  await expect(page.getByTestId('batch-documents')).toHaveText(n.toLocaleString('en'));
  const jsonl = await download(page, /^Download JSONL$/);
  const ids = jsonl.trim().split('\n').map((l) => (JSON.parse(l) as { id: string; kind: string; uri: string }));
  expect(new Set(ids.map((r) => r.id)).size).toBe(n);
  expect(new Set(ids.map((r) => `${r.id} ${r.kind} ${r.uri}`)).size).toBe(ids.length);
});
