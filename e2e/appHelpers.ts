// Shared steps for the app e2e specs: waiting for the engine, pasting like a user, waiting for the
// final result, screenshots, and a private preview server that a test can stop (offline checks).
import { expect, type Browser, type BrowserContext, type Page, type Worker } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SHOTS_DIR = 'test-results/screenshots';
/** Model loading and the first dense extraction can take a while on 2 shared cores. */
export const ENGINE_TIMEOUT = 90_000;

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS_DIR, { recursive: true });
  await page.screenshot({ path: `${SHOTS_DIR}/${name}.png`, fullPage: true });
}

export async function waitDenseReady(page: Page): Promise<void> {
  await expect(page.getByTestId('engine-summary')).toContainText('Semantic matching ready', { timeout: ENGINE_TIMEOUT });
}

/** Puts text on the clipboard and pastes it with the keyboard, as a user would. */
export async function pasteText(context: BrowserContext, page: Page, text: string): Promise<void> {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const box = page.getByLabel('Job ad or CV');
  await box.click();
  await page.evaluate((t) => navigator.clipboard.writeText(t), text);
  await page.keyboard.press('ControlOrMeta+V');
  await expect(box).toHaveValue(text);
}

/** Waits until the displayed result is the final (dense) one for the current text. */
export async function waitFinal(page: Page): Promise<void> {
  const results = page.locator('section.results-panel');
  await expect(results).toHaveAttribute('aria-busy', 'false', { timeout: ENGINE_TIMEOUT });
  await expect(results).toHaveAttribute('data-stage', /^(embedding|reranked)$/, { timeout: ENGINE_TIMEOUT });
}

/** Picks a model preset in the model panel, as a user would. */
export async function pickPreset(page: Page, label: RegExp): Promise<void> {
  const picker = page.getByTestId('preset-picker');
  await picker.getByLabel(label).check();
  await expect(picker.getByLabel(label)).toBeChecked();
}

/** The page's engine worker (for test hooks inside it), once it exists. */
export async function engineWorker(page: Page): Promise<Worker> {
  await expect.poll(() => page.workers().some((w) => w.url().includes('engine')), { timeout: 30_000 }).toBe(true);
  return page.workers().find((w) => w.url().includes('engine'))!;
}

export async function engineCalls(page: Page): Promise<string[]> {
  return page.evaluate(() => [...(window.__engineCallLog ?? [])]);
}

export interface PreviewServer {
  url: string;
  stop(): Promise<void>;
}

/**
 * A `vite preview` of the e2e build (or a copy of it) on its own port, in its own process group so
 * a test can stop it.
 */
export async function startPreview(port: number, outDir = 'dist-e2e'): Promise<PreviewServer> {
  const child: ChildProcess = spawn(process.execPath, ['node_modules/vite/bin/vite.js', 'preview', '--outDir', outDir, '--port', String(port), '--strictPort'], {
    detached: true,
    stdio: 'ignore',
  });
  const url = `http://localhost:${port}/`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(url)).ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      process.kill(-child.pid!, 'SIGTERM');
      throw new Error(`preview server on ${url} did not start`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      process.kill(-child.pid!, 'SIGTERM');
      await exited;
    },
  };
}

/**
 * A page on a private copy of the e2e build, controlled by its service worker, so a test can publish
 * a "new version" of the worker (publishUpdate) without touching the shared build.
 */
export async function withUpdatableBuild(
  browser: Browser,
  port: number,
  body: (page: Page, publishUpdate: () => Promise<void>) => Promise<void>,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'esco-e2e-update-'));
  cpSync('dist-e2e', dir, { recursive: true });
  const server = await startPreview(port, dir);
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(server.url);
    await page.waitForFunction(() => Boolean(navigator.serviceWorker.controller), undefined, { timeout: 60_000 });
    await body(page, async () => {
      appendFileSync(join(dir, 'sw.js'), '\n// next version\n');
      await page.evaluate(async () => {
        await (await navigator.serviceWorker.getRegistration())?.update();
      });
    });
  } finally {
    await context.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
