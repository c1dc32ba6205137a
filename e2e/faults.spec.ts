// Faults provoked for real in Chromium (issue: "Faults in a real browser"): evicted storage, a
// half-present cache, corrupt cache files, another tab upgrading the database, the engine worker
// running out of memory, a lost WebGPU device, full storage during regeneration and import, and a
// first visit without network. Each test checks the message the user sees, the state after (stored
// caches, active cache hash, results on screen) and leaves a screenshot.
import { chromium, expect, test, type BrowserContext, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { CHROMIUM_ARGS, chromiumPath } from '../scripts/browser.ts';
import { ENGINE_TIMEOUT, engineWorker, pasteText, pickPreset, screenshot, waitDenseReady, waitFinal, withUpdatableBuild } from './appHelpers.ts';

const AD = 'We are hiring a software developer.\n- Experience with Java programming\n- SQL databases\n- Good teamwork';
const DB = 'esco-embedding-cache';
/**
 * Room for what a first visit stores without the service worker (the test model's files in Cache
 * Storage, 8.3 MB, and its shipped embedding cache in IndexedDB, 4.6 MB), not for a second cache.
 */
const QUOTA_BYTES = 20_000_000;

/** Hashes and sources of the caches stored in IndexedDB, read in the page (same origin as the worker). */
async function storedCaches(page: Page): Promise<{ hash: string; source: string }[]> {
  return page.evaluate(
    (name) =>
      new Promise<{ hash: string; source: string }[]>((resolve, reject) => {
        const req = indexedDB.open(name);
        req.onerror = () => reject(req.error);
        req.onsuccess = () => {
          const db = req.result;
          const get = db.transaction('caches').objectStore('caches').getAll();
          get.onsuccess = () => {
            resolve((get.result as { hash: string; source: string }[]).map((c) => ({ hash: c.hash, source: c.source })));
            db.close();
          };
          get.onerror = () => reject(get.error);
        };
      }),
    DB,
  );
}

async function activeHash(page: Page): Promise<string> {
  return (await page.getByTestId('cache-info').locator('code').first().textContent()) ?? '';
}


async function exportActiveCache(page: Page): Promise<Buffer> {
  const panel = page.getByTestId('model-panel');
  const [download] = await Promise.all([page.waitForEvent('download'), panel.getByRole('button', { name: 'Export cache' }).click()]);
  return readFileSync((await download.path())!);
}

async function cdp(context: BrowserContext, page: Page) {
  return context.newCDPSession(page);
}

test('evicted storage: a cleared IndexedDB and Cache Storage are noticed and restored from the shipped asset; a half-present cache is never used', async ({ page, context, baseURL }) => {
  test.setTimeout(240_000);
  await page.goto('/');
  await waitDenseReady(page);
  const hash = await activeHash(page);
  expect(await storedCaches(page)).toEqual([{ hash, source: 'shipped' }]);

  // As the browser does under storage pressure: the origin's IndexedDB and Cache Storage go.
  const session = await cdp(context, page);
  await session.send('Storage.clearDataForOrigin', { origin: new URL(baseURL!).origin, storageTypes: 'indexeddb,cache_storage' });
  await page.reload();
  await waitDenseReady(page);
  const info = page.getByTestId('cache-info');
  await expect(info).toContainText('the cache stored in this browser was gone (site data cleared or evicted by the browser): restored from the shipped copy');
  expect(await activeHash(page)).toBe(hash);
  expect(await storedCaches(page)).toEqual([{ hash, source: 'shipped' }]);
  await screenshot(page, 'fault-01-evicted-restored');

  // Half-present: the summary survives but the matrices are gone. It is refused, not used.
  await page.evaluate(
    (name) =>
      new Promise<void>((resolve, reject) => {
        const req = indexedDB.open(name);
        req.onsuccess = () => {
          const tx = req.result.transaction('matrices', 'readwrite');
          tx.objectStore('matrices').clear();
          tx.oncomplete = () => {
            req.result.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    DB,
  );
  await page.reload();
  await waitDenseReady(page);
  await expect(info).toContainText(`the stored cache was refused (cache ${hash} has no skill matrix stored)`);
  await pasteText(context, page, AD);
  await waitFinal(page);
  await expect(page.getByTestId('skill-results').getByRole('link', { name: 'SQL', exact: true })).toBeVisible();
  await screenshot(page, 'fault-02-half-present-refused');
});

test('corrupt cache files are each refused with a specific message, and nothing stored changes', async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto('/');
  await waitDenseReady(page);
  const hash = await activeHash(page);
  const before = await storedCaches(page);
  const good = await exportActiveCache(page);
  const headerLen = good.readUInt32LE(8);
  const manifest = JSON.parse(good.subarray(12, 12 + headerLen).toString('utf8')) as { hash: string; model: { id: string } };

  const truncated = good.subarray(0, good.length - 1000);
  const wrongMagic = Buffer.from(good);
  wrongMagic.write('NOTACACH', 0, 'latin1');
  const flipped = Buffer.from(good);
  flipped[good.length - 10] ^= 0xff; // inside the last matrix: header intact, checksum wrong
  const otherHeader = Buffer.from(JSON.stringify({ ...manifest, hash: '0123456789abcdef', model: { ...manifest.model, id: 'Xenova/bge-small-en-v1.5' } }));
  const otherModel = Buffer.concat([good.subarray(0, 8), Buffer.alloc(4), otherHeader, good.subarray(12 + headerLen)]);
  otherModel.writeUInt32LE(otherHeader.length, 8);

  const cases: [string, Buffer, RegExp][] = [
    ['truncated.escoemb', truncated, /Import failed: embedding cache file is truncated \(occupation matrix incomplete\)/],
    ['wrong-magic.escoemb', wrongMagic, /Import failed: not an embedding cache file \(missing ESCOEMB1 header\)/],
    ['flipped.escoemb', flipped, /Import failed: occupation matrix checksum mismatch \(corrupt file\)/],
    ['other-model.escoemb', otherModel, /Import failed: this cache file was made for Xenova\/bge-small-en-v1\.5 \(model hash 0123456789abcdef\); the active model is esco-test\/bag-of-tokens-embedder/],
  ];
  const panel = page.getByTestId('model-panel');
  for (const [name, buffer, message] of cases) {
    await panel.locator('input[type="file"]').setInputFiles({ name, mimeType: 'application/octet-stream', buffer });
    await expect(panel.getByText(message)).toBeVisible({ timeout: ENGINE_TIMEOUT });
    expect(await storedCaches(page)).toEqual(before);
    expect(await activeHash(page)).toBe(hash);
  }
  await panel.scrollIntoViewIfNeeded();
  await screenshot(page, 'fault-03-corrupt-import-refused');
});

test('a newer version opened in another tab: this tab closes its database connection and says to reload', async ({ page, context }) => {
  await page.goto('/');
  await waitDenseReady(page);
  await pasteText(context, page, AD);
  await waitFinal(page);
  const other = await context.newPage();
  await other.goto('/');
  // The "newer app" upgrades the schema; it is blocked until this tab lets go of the old version.
  const version = await other.evaluate(
    (name) =>
      new Promise<number>((resolve, reject) => {
        const req = indexedDB.open(name, 2);
        req.onsuccess = () => {
          resolve(req.result.version);
          req.result.close();
        };
        req.onerror = () => reject(req.error);
      }),
    DB,
  );
  expect(version).toBe(2);
  await expect(page.getByRole('alert')).toContainText('A newer version of this app is open in another tab: reload this tab.');
  // Results on screen stay.
  await expect(page.getByTestId('skill-results').getByRole('link', { name: 'SQL', exact: true })).toBeVisible();
  await screenshot(page, 'fault-04-newer-version-elsewhere');
  await other.close();
});

test('the engine worker running out of memory restarts, the page says so, and lexical results stay', async ({ page, context }) => {
  test.setTimeout(180_000);
  await page.goto('/');
  await waitDenseReady(page);
  await pasteText(context, page, AD);
  await waitFinal(page);
  const worker = await engineWorker(page);
  await worker.evaluate(() => {
    (self as unknown as { __engineTestHooks: { oomNextCallMb: number } }).__engineTestHooks.oomNextCallMb = 512;
  });
  await page.getByLabel('Job ad or CV').pressSequentially(' Python', { delay: 20 });
  await expect(page.getByText(/Engine restarted after a crash/)).toBeVisible({ timeout: ENGINE_TIMEOUT });
  await expect(page.getByTestId('skill-results').getByRole('link', { name: 'SQL', exact: true })).toBeVisible();
  // The new worker finishes the extraction of the current text.
  await waitDenseReady(page);
  await waitFinal(page);
  await expect(page.getByTestId('skill-results').getByRole('link', { name: 'Python (computer programming)', exact: true })).toBeVisible();
  await screenshot(page, 'fault-05-worker-oom-restarted');
});

test('a WebGPU device lost mid-session: extraction completes on WASM, stays there, and WebGPU can be retried', async ({ baseURL }) => {
  test.setTimeout(300_000);
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: [...CHROMIUM_ARGS, '--enable-unsafe-webgpu'] });
  try {
    const context = await browser.newContext({ baseURL });
    const page = await context.newPage();
    // SwiftShader: the device policy refuses a software adapter unless WebGPU is forced.
    await page.goto('/?backend=webgpu');
    await waitDenseReady(page);
    const backend = page.getByTestId('backend');
    await expect(backend).toContainText('WebGPU');
    const worker = await engineWorker(page);
    expect(await worker.evaluate(() => (self as unknown as { __engine: { loseGpuDeviceForTest(): Promise<boolean> } }).__engine.loseGpuDeviceForTest())).toBe(true);
    await pasteText(context, page, AD);
    await waitFinal(page);
    await expect(page.getByTestId('skill-results').getByRole('link', { name: 'SQL', exact: true })).toBeVisible();
    await expect(backend).toContainText('WASM');
    await expect(backend).toContainText('WebGPU failed during inference');
    await screenshot(page, 'fault-06-gpu-lost-wasm');
    // Later extractions stay on WASM.
    await page.getByLabel('Job ad or CV').pressSequentially(' Python', { delay: 20 });
    await waitFinal(page);
    await expect(backend).toContainText('WASM');
    // Until the user asks for WebGPU again.
    await backend.getByRole('button', { name: 'Try WebGPU again' }).click();
    await waitDenseReady(page);
    await expect(backend).toContainText('WebGPU');
    await expect(backend).not.toContainText('WASM');
  } finally {
    await browser.close();
  }
});

test.describe('storage full', () => {
  // The service worker's precache (27 MB of ORT runtime) would compete for the small quota.
  test.use({ serviceWorkers: 'block' });

  test('storage full: regeneration and import fail with the space needed, the previous cache stays active, chunks are kept', async ({ page, context, baseURL }) => {
    test.setTimeout(300_000);
    // Chromium applies a DevTools quota override to an origin's storage created after it is set:
    // a small quota from the first visit on leaves room for the shipped cache, not for a second one.
    const session = await cdp(context, page);
    const origin = new URL(baseURL!).origin;
    await session.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: QUOTA_BYTES });
    await page.goto('/');
    await waitDenseReady(page);
    const hash = await activeHash(page);
    const before = await storedCaches(page);
    expect(before).toEqual([{ hash, source: 'shipped' }]);
    const good = await exportActiveCache(page);

    const panel = page.getByTestId('model-panel');
    await panel.getByRole('button', { name: 'Regenerate embedding cache' }).click();
    const dialog = page.getByRole('dialog', { name: 'Regenerate the embedding cache?' });
    await dialog.getByRole('button', { name: 'Regenerate', exact: true }).click({ timeout: ENGINE_TIMEOUT });
    await expect(panel.getByText(/Regeneration failed: the previous cache stays in use. Not enough browser storage for the embedding cache: it needs about [\d.]+ MB/)).toBeVisible({ timeout: 240_000 });
    expect(await activeHash(page)).toBe(hash);
    expect(await storedCaches(page)).toEqual(before);
    await expect(panel.getByTestId('storage-figures')).toContainText(/used of .* free/);
    await pasteText(context, page, AD);
    await waitFinal(page);
    await expect(page.getByTestId('skill-results').getByRole('link', { name: 'SQL', exact: true })).toBeVisible();

    await panel.locator('input[type="file"]').setInputFiles({ name: 'backup.escoemb', mimeType: 'application/octet-stream', buffer: good });
    await expect(panel.getByText(/Import failed: Not enough browser storage for the embedding cache: it needs about [\d.]+ MB/)).toBeVisible({ timeout: ENGINE_TIMEOUT });
    expect(await storedCaches(page)).toEqual(before);
    expect(await activeHash(page)).toBe(hash);
    await panel.scrollIntoViewIfNeeded();
    await screenshot(page, 'fault-07-storage-full');

    // The chunks written before the failure are kept: a new run offers to resume from them.
    await panel.getByRole('button', { name: 'Regenerate embedding cache' }).click();
    await expect(dialog).toContainText('resuming', { timeout: ENGINE_TIMEOUT });
    await dialog.getByRole('button', { name: 'Not now' }).click();
  });
});

test('a first visit without any network shows a page that says what is needed, not a browser error', async ({ page, context }) => {
  // The document arrives (as from a captive portal or a flaky link); nothing else does, and nothing is cached.
  await context.route('**/*', (route) => (route.request().resourceType() === 'document' ? route.continue() : route.abort('internetdisconnected')));
  await page.goto('/');
  const message = page.getByRole('heading', { name: 'ESCO Skill Finder could not start' });
  await expect(message).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText(/It needs to be online once: after one visit it is installed in this\s+browser and works offline/)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Reload' })).toBeVisible();
  await screenshot(page, 'fault-08-offline-first-visit');
});

test('two tabs: the second sees the first one regenerating with progress, and takes over when it closes', async ({ context }) => {
  test.setTimeout(300_000);
  const first = await context.newPage();
  await first.goto('/');
  await waitDenseReady(first);
  const dialogOf = (p: Page) => p.getByRole('dialog', { name: 'Regenerate the embedding cache?' });
  const panelA = first.getByTestId('model-panel');
  // The test model regenerates in seconds: slow the first tab's job down so the second one meets it running.
  await (await engineWorker(first)).evaluate(() => {
    (self as unknown as { __engine: { testRegenerationDelayMs: number } }).__engine.testRegenerationDelayMs = 300;
  });
  await panelA.getByRole('button', { name: 'Regenerate embedding cache' }).click();
  await dialogOf(first).getByRole('button', { name: 'Regenerate', exact: true }).click({ timeout: ENGINE_TIMEOUT });
  await expect(panelA.getByTestId('regen-progress')).toBeVisible({ timeout: ENGINE_TIMEOUT });

  const second = await context.newPage();
  await second.goto('/');
  await waitDenseReady(second);
  const panelB = second.getByTestId('model-panel');
  await panelB.getByRole('button', { name: 'Regenerate embedding cache' }).click();
  await dialogOf(second).getByRole('button', { name: 'Regenerate', exact: true }).click({ timeout: ENGINE_TIMEOUT });
  await expect(panelB.getByText('Regeneration is running in another tab: regenerating in another tab; this tab takes over if that one closes')).toBeVisible({ timeout: ENGINE_TIMEOUT });
  const elsewhere = panelB.getByTestId('regen-elsewhere');
  await expect(elsewhere).toContainText(/In another tab: [\d,]+ \/ 17,597 concepts/, { timeout: ENGINE_TIMEOUT });
  const seen = Number((await elsewhere.locator('progress').getAttribute('value')) ?? 0);
  await expect.poll(async () => Number((await elsewhere.locator('progress').getAttribute('value')) ?? 0), { timeout: ENGINE_TIMEOUT }).toBeGreaterThan(seen);
  await screenshot(second, 'fault-09-regenerating-in-another-tab');

  // The first tab goes away mid-run: the second takes over from the chunks written.
  const doneBefore = Number((await elsewhere.locator('progress').getAttribute('value')) ?? 0);
  await first.close();
  const progress = panelB.getByTestId('regen-progress');
  await expect(progress).toContainText('Resumed', { timeout: ENGINE_TIMEOUT });
  expect(Number(await progress.locator('progress').getAttribute('value'))).toBeGreaterThanOrEqual(doneBefore);
  await progress.getByRole('button', { name: 'Cancel' }).click();
  await expect(panelB.getByText(/Regeneration cancelled/)).toBeVisible({ timeout: ENGINE_TIMEOUT });
  await expect(panelB.getByTestId('cache-info')).toContainText('shipped');
});

test('a cache deleted in one tab is not used by the other', async ({ context }) => {
  test.setTimeout(240_000);
  const a = await context.newPage();
  await a.goto('/?backend=wasm');
  await waitDenseReady(a);
  const testHash = await activeHash(a);
  const b = await context.newPage();
  await b.goto('/?backend=wasm');
  await waitDenseReady(b);
  // Tab b switches to another model; the test model's cache is then "kept" there and can be deleted.
  await pickPreset(b, /BGE small \(English\)/);
  await expect(b.getByTestId('model-panel')).toContainText('Xenova/bge-small-en-v1.5');
  await waitDenseReady(b);
  await b.getByTestId('model-panel').getByRole('button', { name: `Delete cache ${testHash}` }).click();
  await expect(b.getByText(`Deleted cache ${testHash}.`)).toBeVisible();
  // Tab a dropped it and restored it from the shipped copy instead of using what was deleted.
  await expect(a.getByTestId('cache-info')).toContainText('the cache was deleted in another tab and has been restored from the shipped copy', { timeout: ENGINE_TIMEOUT });
  expect(await activeHash(a)).toBe(testHash);
  await screenshot(a, 'fault-10-deleted-in-other-tab');
});

test('a service worker update during a regeneration waits, and says the regeneration resumes after a reload', async ({ browser }) => {
  test.setTimeout(240_000);
  await withUpdatableBuild(browser, 4177, async (page, publishUpdate) => {
    await waitDenseReady(page);
    const panel = page.getByTestId('model-panel');
    await panel.getByRole('button', { name: 'Regenerate embedding cache' }).click();
    await page.getByRole('dialog', { name: 'Regenerate the embedding cache?' }).getByRole('button', { name: 'Regenerate', exact: true }).click({ timeout: ENGINE_TIMEOUT });
    const progress = panel.getByTestId('regen-progress');
    await expect(progress).toBeVisible({ timeout: ENGINE_TIMEOUT });

    await publishUpdate();
    const waits = page.getByTestId('update-waits');
    await expect(waits).toContainText('Update available: it will be offered again when the cache regeneration is done.', { timeout: 60_000 });
    await expect(waits.getByRole('button', { name: 'Reload now (the regeneration resumes after the reload)' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Reload', exact: true })).toHaveCount(0);
    await screenshot(page, 'fault-11-update-waits-for-regeneration');
    // Once the job stops, the ordinary prompt returns.
    await progress.getByRole('button', { name: 'Cancel' }).click();
    await expect(page.getByRole('button', { name: 'Reload', exact: true })).toBeVisible({ timeout: ENGINE_TIMEOUT });
  });
});
