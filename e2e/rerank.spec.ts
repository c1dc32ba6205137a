// The reranker on WASM with the generated TEST models: the automatic setting times it after start-up
// and, when a text's shortlist refines within the budget, refines each result progressively
// ("Refining with the reranker: n/N", partial results shown) until the results carry the reranker
// badge; when the measurement says it is too slow here, the results offer it as a button with its
// estimate instead. The test reranker is fast, so the worker's test hook adds a pause per pair to
// make refinement observable (and, before a re-measurement, too slow for the budget).
import { expect, test, type Page, type Worker } from '@playwright/test';
import type { EngineStatus } from '../workers/engineApi.ts';
import { ENGINE_TIMEOUT, engineWorker, screenshot, waitDenseReady } from './appHelpers.ts';

type EngineGlobal = {
  __engine: {
    status(): Promise<EngineStatus>;
    measureReranker(): Promise<void>;
    testRerankDelayMsPerPair: number;
  };
};

const status = (worker: Worker) => worker.evaluate(() => (self as unknown as EngineGlobal).__engine.status());
const setDelay = (worker: Worker, ms: number) => worker.evaluate((v) => void ((self as unknown as EngineGlobal).__engine.testRerankDelayMsPerPair = v), ms);

async function timedReranker(page: Page): Promise<{ worker: Worker; status: EngineStatus }> {
  await page.goto('/');
  const worker = await engineWorker(page);
  await waitDenseReady(page);
  let s: EngineStatus | undefined;
  await expect
    .poll(async () => {
      s = await status(worker);
      return Boolean(s?.reranker.timing);
    }, { timeout: ENGINE_TIMEOUT })
    .toBe(true);
  return { worker, status: s! };
}

test('automatic: the reranker is timed after start-up and refines the results progressively', async ({ page }) => {
  test.setTimeout(180_000);
  const { worker, status: s } = await timedReranker(page);
  expect(s.backend).toBe('wasm');
  expect(s.reranker.automatic).toBe(true);
  expect(s.reranker.timing!.perPairMs).toBeGreaterThan(0);
  expect(s.reranker.timing!.perPairMs * s.reranker.limit).toBeLessThan(s.reranker.budgetMs);
  expect(s.reranker.enabled).toBe(true);
  await expect(page.getByTestId('reranker-automatic')).toContainText(/measured [\d.]+ ms a candidate on WASM, about .* a text, so on/);

  // Slow enough to watch: each batch of 4 pairs takes about a second.
  await setDelay(worker, 250);
  await page.getByRole('button', { name: 'Try a sample job ad' }).click();
  const refining = page.getByTestId('refining');
  await expect(refining).toContainText(/Refining with the reranker: \d+\/\d+/, { timeout: ENGINE_TIMEOUT });
  const results = page.locator('section.results-panel');
  const skills = page.getByTestId('skill-results');
  // Already-refined partial results are shown while the rest is scored.
  await expect(refining).toContainText(/Refining with the reranker: [1-9]\d*\/\d+/, { timeout: 30_000 });
  const [done, total] = ((await refining.textContent()) ?? '').match(/(\d+)\/(\d+)/)!.slice(1).map(Number);
  expect(done).toBeLessThan(total);
  expect(total).toBeLessThanOrEqual(s.reranker.limit);
  await expect(skills.getByRole('link').first()).toBeVisible();
  await screenshot(page, 'rerank-01-refining');

  await expect(results).toHaveAttribute('data-stage', 'reranked', { timeout: 60_000 });
  await expect(results).toHaveAttribute('aria-busy', 'false');
  await expect(refining).toBeHidden();
  await expect(page.locator('section.results-panel .badge-reranker').first()).toBeVisible();
  await expect(page.getByTestId('refine-offer')).toBeHidden();
  await screenshot(page, 'rerank-02-refined');
});

test('automatic, too slow on this device: the results offer the reranker with its estimate', async ({ page }) => {
  test.setTimeout(180_000);
  const { worker } = await timedReranker(page);
  // Re-measured with a second per pair: 40 candidates would take 40 s, over the 30 s budget.
  await setDelay(worker, 1000);
  await worker.evaluate(() => (self as unknown as EngineGlobal).__engine.measureReranker());
  const slow = await status(worker);
  expect(slow.reranker.timing!.perPairMs).toBeGreaterThanOrEqual(1000);
  expect(slow.reranker.enabled).toBe(false);
  await expect(page.getByTestId('reranker-automatic')).toContainText(/so off; the results offer it/);

  await page.getByRole('button', { name: 'Try a sample job ad' }).click();
  const results = page.locator('section.results-panel');
  await expect(results).toHaveAttribute('aria-busy', 'false', { timeout: ENGINE_TIMEOUT });
  await expect(results).toHaveAttribute('data-stage', 'embedding');
  const offer = page.getByRole('button', { name: /^Refine with the reranker \(about \d+ (s|min)/ });
  await expect(offer).toBeVisible();
  // The estimate is the shortlist at the measured time per pair: at least a second per candidate.
  const hint = (await page.getByTestId('refine-offer').textContent()) ?? '';
  const candidates = Number(hint.match(/(\d+) candidates/)![1]);
  expect(candidates).toBeGreaterThan(0);
  await screenshot(page, 'rerank-03-offer');

  await setDelay(worker, 100);
  await offer.click();
  await expect(page.getByTestId('refining')).toContainText(/Refining with the reranker: \d+\/\d+/, { timeout: 30_000 });
  await expect(results).toHaveAttribute('data-stage', 'reranked', { timeout: 60_000 });
  await expect(results).toHaveAttribute('aria-busy', 'false');
  await expect(page.locator('section.results-panel .badge-reranker').first()).toBeVisible();
  await expect(page.getByTestId('refine-offer')).toBeHidden();
});

test('a fast refinement ends on the refined result (a late partial never replaces it)', async ({ page }) => {
  // Without the test pause the partials and the final result arrive together, over two message ports.
  await timedReranker(page);
  const results = page.locator('section.results-panel');
  for (const sample of ['Try a sample job ad', 'Clear', 'Try a sample job ad']) {
    await page.getByRole('button', { name: sample }).click();
    if (sample === 'Clear') continue;
    await expect(results).toHaveAttribute('data-stage', 'reranked', { timeout: ENGINE_TIMEOUT });
    await expect(results).toHaveAttribute('aria-busy', 'false');
    // Stays refined: a stale partial (stage 'embedding') would show up here.
    for (let i = 0; i < 4; i++) {
      await page.waitForTimeout(250);
      expect(await results.getAttribute('data-stage')).toBe('reranked');
      await expect(page.getByTestId('refining')).toHaveCount(0);
    }
    await expect(page.locator('section.results-panel .badge-reranker').first()).toBeVisible();
  }
});
