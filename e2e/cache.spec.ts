// End-to-end checks of the embedding cache controls: regeneration on WASM asks for confirmation
// with a measured estimate (in-page dialog), shows progress and can be cancelled and resumed; the
// active cache can be exported and imported back.
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { ENGINE_TIMEOUT, SHOTS_DIR, waitDenseReady } from './appHelpers.ts';

test('regeneration: confirm on WASM, progress, cancel, resume, done', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto('/');
  await waitDenseReady(page);
  const panel = page.getByTestId('model-panel');
  const regenerate = panel.getByRole('button', { name: 'Regenerate embedding cache' });

  await regenerate.click();
  const dialog = page.getByRole('dialog', { name: 'Regenerate the embedding cache?' });
  await expect(dialog).toBeVisible({ timeout: ENGINE_TIMEOUT });
  await expect(dialog).toContainText(/per second/);
  await page.screenshot({ path: `${SHOTS_DIR}/08-regenerate-confirm.png` });
  await dialog.getByRole('button', { name: 'Not now' }).click();
  await expect(dialog).toBeHidden();

  await regenerate.click();
  await dialog.getByRole('button', { name: 'Regenerate', exact: true }).click();
  const progress = panel.getByTestId('regen-progress');
  await expect(progress).toBeVisible({ timeout: ENGINE_TIMEOUT });
  await expect(progress).toContainText(/concepts · [\d.]+ per second · about .* left/);
  // Let some chunks land, then cancel.
  await expect.poll(async () => Number((await progress.locator('progress').getAttribute('value')) ?? 0), { timeout: ENGINE_TIMEOUT }).toBeGreaterThan(0);
  await panel.scrollIntoViewIfNeeded();
  await panel.screenshot({ path: `${SHOTS_DIR}/09-regenerating.png` });
  await progress.getByRole('button', { name: 'Cancel' }).click();
  await expect(panel.getByText(/Regeneration cancelled/)).toBeVisible({ timeout: ENGINE_TIMEOUT });

  // A new run resumes from the chunks already written.
  await regenerate.click();
  await expect(dialog).toContainText('resuming', { timeout: ENGINE_TIMEOUT });
  await dialog.getByRole('button', { name: 'Regenerate', exact: true }).click();
  await expect(progress.or(panel.getByText(/Regeneration done/))).toBeVisible({ timeout: ENGINE_TIMEOUT });
  if (await progress.isVisible()) await expect(progress).toContainText('Resumed');
  await expect(panel.getByText(/Regeneration done/)).toBeVisible({ timeout: 240_000 });
  await expect(panel.getByTestId('cache-info')).toContainText('regenerated');
  await waitDenseReady(page);
});

test('the active cache exports to a file and imports back', async ({ page }) => {
  await page.goto('/');
  await waitDenseReady(page);
  const panel = page.getByTestId('model-panel');
  const [download] = await Promise.all([page.waitForEvent('download'), panel.getByRole('button', { name: 'Export cache' }).click()]);
  const path = (await download.path())!;
  expect(readFileSync(path).byteLength).toBeGreaterThan(1000);
  await expect(panel.getByText(/^Exported /)).toBeVisible();

  await panel.locator('input[type="file"]').setInputFiles({ name: download.suggestedFilename(), mimeType: 'application/octet-stream', buffer: readFileSync(path) });
  await expect(panel.getByText(/^Imported /)).toBeVisible({ timeout: ENGINE_TIMEOUT });
  await expect(panel.getByTestId('cache-info')).toContainText('imported');

  await panel.locator('input[type="file"]').setInputFiles({ name: 'not-a-cache.bin', mimeType: 'application/octet-stream', buffer: Buffer.from('nonsense') });
  await expect(panel.getByText(/^Import failed: /)).toBeVisible({ timeout: ENGINE_TIMEOUT });
  await waitDenseReady(page);
});

test('the first visit stores the shipped asset in IndexedDB; a reload starts from IndexedDB without fetching it', async ({ page, context }) => {
  test.setTimeout(180_000);
  const embeddingRequests: string[] = [];
  context.on('request', (r) => {
    if (r.url().includes('/embeddings/')) embeddingRequests.push(r.url());
  });
  let t0 = Date.now();
  await page.goto('/');
  await waitDenseReady(page);
  const coldMs = Date.now() - t0;
  const info = page.getByTestId('model-panel').getByTestId('cache-info');
  await expect(info).toContainText('shipped');
  expect(embeddingRequests.some((u) => /\/embeddings\/[0-9a-f]{16}\/skill\.bin$/.test(u))).toBe(true);
  expect(embeddingRequests.some((u) => u.endsWith('/manifest.json'))).toBe(true);

  embeddingRequests.length = 0;
  t0 = Date.now();
  await page.reload();
  await waitDenseReady(page);
  const warmMs = Date.now() - t0;
  await expect(info).toContainText('shipped');
  expect(embeddingRequests).toEqual([]);
  console.log(`start-up to dense-ready: first visit (shipped asset) ${coldMs} ms, reload from IndexedDB ${warmMs} ms`);
});

test('a regeneration interrupted by a reload resumes from the chunks already written', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto('/');
  await waitDenseReady(page);
  const panel = page.getByTestId('model-panel');
  const regenerate = panel.getByRole('button', { name: 'Regenerate embedding cache' });
  const dialog = page.getByRole('dialog', { name: 'Regenerate the embedding cache?' });
  const progress = panel.getByTestId('regen-progress');

  await regenerate.click();
  await dialog.getByRole('button', { name: 'Regenerate', exact: true }).click();
  await expect.poll(async () => Number((await progress.locator('progress').getAttribute('value')) ?? 0), { timeout: ENGINE_TIMEOUT }).toBeGreaterThan(1000);
  await page.reload();
  await waitDenseReady(page);
  // The old cache is still the active one: the new cache only switches in when complete.
  await expect(panel.getByTestId('cache-info')).toContainText('shipped');

  await regenerate.click();
  await expect(dialog).toContainText('resuming', { timeout: ENGINE_TIMEOUT });
  await dialog.getByRole('button', { name: 'Regenerate', exact: true }).click();
  await expect(progress.or(panel.getByText(/Regeneration done/))).toBeVisible({ timeout: ENGINE_TIMEOUT });
  if (await progress.isVisible()) {
    await expect(progress).toContainText('Resumed');
    expect(Number(await progress.locator('progress').getAttribute('value'))).toBeGreaterThan(1000);
  }
  await expect(panel.getByText(/Regeneration done/)).toBeVisible({ timeout: 240_000 });
  await expect(panel.getByTestId('cache-info')).toContainText('regenerated');
});
