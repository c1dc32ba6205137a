// `npm run screenshots`: the README's screenshots of the app's views, taken in headless Chromium with
// the real bge-small-en model (provisioned by `npm run models:fetch -- bge-small-en`), and the time a
// CV + job ad comparison takes with it (from the click on "Try a sample ad and CV" until both panes
// show the model's result), printed and written to docs/screenshots/timings.json. Uses the bench's
// private build and ports, so it never disturbs a running `npm test`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { startApp } from './bench/appHarness.ts';
import { launchChromium } from './bench/chromium.ts';
import { ROOT } from './bench/env.ts';

const OUT = join(ROOT, 'docs', 'screenshots');
const READY_MS = 600_000;
const COMPARE_RUNS = 3;

const log = (line: string) => console.error(line);

async function shoot(target: Page | Locator, name: string): Promise<void> {
  await target.screenshot({ path: join(OUT, `${name}.png`), animations: 'disabled' });
  log(`wrote docs/screenshots/${name}.png`);
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const app = await startApp(log);
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, deviceScaleFactor: 1 });
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    const page = await context.newPage();
    await page.goto(app.url);
    await page.getByTestId('preset-picker').getByLabel(/BGE small \(English\)/).check();
    log('waiting for bge-small-en (download, cache, self-check) ...');
    await page.getByTestId('engine-summary').filter({ hasText: 'Semantic matching ready' }).waitFor({ timeout: READY_MS });
    const pwaOk = page.getByRole('button', { name: 'OK' });
    if (await pwaOk.isVisible().catch(() => false)) await pwaOk.click();

    // One text, results grouped by the ESCO hierarchy.
    await page.getByRole('button', { name: 'Try a sample job ad' }).click();
    const results = page.locator('section.results-panel');
    await results.and(page.locator('[data-stage="embedding"], [data-stage="reranked"]')).and(page.locator('[aria-busy="false"]')).waitFor({ timeout: READY_MS });
    await page.getByRole('radio', { name: 'Grouped by ESCO hierarchy' }).check();
    await page.evaluate(() => window.scrollTo(0, 0));
    await shoot(page, 'one-text-grouped');

    // Skill gap to an occupation picked in the search.
    await page.getByLabel(/^Job title/).fill('software developer');
    const hit = page.getByTestId('occupation-search-results').locator('li').filter({ has: page.getByRole('link', { name: 'software developer', exact: true }) });
    await hit.getByRole('button', { name: 'Skill gap' }).click();
    const gapPanel = page.locator('section.skill-gap-panel');
    await gapPanel.getByTestId('skill-gap').waitFor();
    await gapPanel.scrollIntoViewIfNeeded();
    await shoot(gapPanel, 'skill-gap');

    // CV against job ad, timed with the real model.
    await page.getByRole('button', { name: 'CV against job ad' }).click();
    const compare = page.locator('section.compare-results');
    const timings: number[] = [];
    for (let i = 0; i < COMPARE_RUNS; i++) {
      for (const pane of ['ad', 'cv']) {
        const clear = page.getByTestId(`compare-pane-${pane}`).getByRole('button', { name: 'Clear' });
        if (await clear.isEnabled()) await clear.click();
      }
      const t0 = Date.now();
      await page.getByRole('button', { name: 'Try a sample ad and CV' }).click();
      await compare.and(page.locator('[data-final="true"][aria-busy="false"]')).waitFor({ timeout: READY_MS });
      timings.push(Date.now() - t0);
    }
    await page.evaluate(() => window.scrollTo(0, 0));
    await shoot(page, 'compare');
    const sorted = [...timings].sort((a, b) => a - b);
    const summary = { model: 'bge-small-en (WASM q8, headless Chromium, 2 threads)', runs: timings, medianMs: sorted[Math.floor(sorted.length / 2)], date: new Date().toISOString() };
    writeFileSync(join(OUT, 'timings.json'), `${JSON.stringify(summary, null, 2)}\n`);
    console.log(`CV + job ad comparison (sample texts, ${summary.model}): median ${summary.medianMs} ms over ${COMPARE_RUNS} runs (${timings.join(', ')} ms)`);
  } finally {
    await browser.close();
    await app.close();
  }
}

main().catch((e: unknown) => {
  console.error(`screenshots failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exit(1);
});
