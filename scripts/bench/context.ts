// What every benchmark section gets (run count, a log, a scratch folder, the bench page in Chromium on
// demand) and gives back (markdown tables plus named figures for the closing summary).
import type { Browser, Page } from '@playwright/test';
import { launchChromium } from './chromium.ts';
import type { BenchApi, OrtUrls } from './page/protocol.ts';
import { startBenchServer, type BenchServer } from './server.ts';
import type { Table } from './stats.ts';

export interface SectionResult {
  tables: Table[];
  /** Named figures for the summary, e.g. 'search.int8.browser.ms'. */
  facts: Record<string, number>;
}

export interface BenchPage {
  page: Page;
  url: string;
  ort: OrtUrls;
  /** Runs one benchApi call in the page. */
  call<K extends keyof BenchApi>(name: K, req: Parameters<BenchApi[K]>[0]): Promise<Awaited<ReturnType<BenchApi[K]>>>;
}

export class BenchContext {
  private browserP?: Promise<Browser>;
  private server?: BenchServer;
  private benchPage?: Promise<BenchPage>;

  constructor(
    /** Timed runs per figure (after warm-up). */
    readonly runs: number,
    /** Scratch folder for generated models, served to the page under /files/. */
    readonly filesDir: string,
    readonly log: (line: string) => void,
  ) {}

  browser(): Promise<Browser> {
    this.browserP ??= launchChromium();
    return this.browserP;
  }

  /** The bench page (scripts/bench/page) in its own context, cross-origin isolated. */
  page(): Promise<BenchPage> {
    this.benchPage ??= (async () => {
      this.server = await startBenchServer(this.filesDir);
      const url = this.server.url;
      const context = await (await this.browser()).newContext();
      const page = await context.newPage();
      page.on('pageerror', (e) => this.log(`bench page error: ${e.message}`));
      await page.goto(url);
      await page.waitForFunction(() => 'benchApi' in globalThis, null, { timeout: 60_000 });
      const ort: OrtUrls = {
        module: new URL('/ort/ort.webgpu.min.mjs', url).href,
        wasm: new URL('/ort/ort-wasm-simd-threaded.asyncify.wasm', url).href,
        mjs: new URL('/ort/ort-wasm-simd-threaded.asyncify.mjs', url).href,
      };
      const call = (async (name: keyof BenchApi, req: unknown) =>
        page.evaluate(
          // The request is plain JSON; the page-side function is looked up by name.
          ([n, r]) => (globalThis as unknown as { benchApi: Record<string, (x: unknown) => Promise<unknown>> }).benchApi[n](r),
          [name, req] as const,
        )) as BenchPage['call'];
      return { page, url, ort, call };
    })();
    return this.benchPage;
  }

  async close(): Promise<void> {
    if (this.browserP) await (await this.browserP).close().catch(() => {});
    await this.server?.close().catch(() => {});
  }
}
