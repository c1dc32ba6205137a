// The "slowest step and what would speed it up" lines, computed from the figures of this run: the
// per-ad cost of each pipeline step for bge-m3 on this CPU (WASM q8, as the app runs it without a
// shader-f16 WebGPU adapter), the one-off cache regeneration, and the measured app (test models).
// Each suggestion is chosen by which step dominates, and quantified where the figures allow it. Then
// the real bge-small-en figures: throughput and ratio, the calibration of the bge-m3 estimates, the
// app with it, and the precompute time.
import { fmtMs, fmtRatio, fmtSeconds } from './stats.ts';

type Facts = Record<string, number>;

const ok = (x: number | undefined): x is number => x !== undefined && Number.isFinite(x);
const pct = (part: number, whole: number): string => `${Math.round((100 * part) / whole)}%`;

export function summaryLines(f: Facts): string[] {
  const lines: string[] = [];
  const embed = f['estimate.adEmbed.browser.q8.ms'];
  const rerank = f['estimate.adRerank.browser.q8.ms'];
  const segments = f['estimate.segments'];
  const searchPer64 = f['search.browser.int8.ms'];
  const lexical = f['interaction.pasteLexical.ms'];
  if (ok(embed)) {
    // The app searches every segment vector against all 17,597 concepts: topK cost scales with queries.
    const search = ok(searchPer64) && ok(segments) ? (searchPer64 * segments) / 64 : NaN;
    // The reranker refines after the embedding results are shown (progressively): not part of this path.
    const steps: [string, number][] = [
      ['embedding (bge-m3)', embed],
      ['vector search (int8 WASM SIMD)', search],
      ['lexical matching', ok(lexical) ? lexical : NaN],
    ];
    const total = steps.reduce((s, [, ms]) => s + (ok(ms) ? ms : 0), 0);
    const [name, ms] = steps.filter(([, x]) => ok(x)).sort((a, b) => b[1] - a[1])[0];
    let advice: string;
    if (name.startsWith('embedding')) {
      const padded = f['estimate.adEmbed.padded'];
      const split = f['estimate.adEmbed.paddedSplit'];
      const splitMs = f['estimate.adEmbed.splitBrowserQ8.ms'];
      advice =
        ok(padded) && ok(split) && split < padded
          ? `batch the whole-document chunks apart from the short segments (they share a batch now, so ${padded.toLocaleString('en-US')} padded tokens are computed where ${split.toLocaleString('en-US')} would do: ` +
            `embedding ${fmtSeconds(embed / 1000)} -> ${ok(splitMs) ? fmtSeconds(splitMs / 1000) : 'n/a'}), or cap the chunks' length; beyond that, WebGPU fp16 where an adapter has shader-f16.`
          : 'WebGPU fp16 where an adapter has shader-f16; fewer, longer segments.';
    } else if (name.startsWith('vector')) {
      advice = 'fewer query vectors (merge segments) or a coarse pre-filter (clusters) before the exact int8 pass.';
    } else {
      advice = 'index the labels with a trie or automaton instead of per-token lookups.';
    }
    lines.push(
      `Slowest step for a 500-word ad with bge-m3 on this CPU (Chromium, WASM q8, before the reranker's refinement; estimated): ${name}, ${fmtSeconds(ms / 1000)} of ${fmtSeconds(total / 1000)} (${pct(ms, total)}). ` +
        `What would speed it up: ${advice}`,
    );
  }
  const shortlist = f['estimate.adRerankShortlist.browser.q8.ms'];
  const firstRefined = f['estimate.adRerankFirst.browser.q8.ms'];
  if (ok(shortlist) && ok(firstRefined) && ok(embed)) {
    const pairs = f['estimate.adRerankShortlist.pairs'];
    const firstPairs = f['estimate.adRerankFirst.pairs'];
    const recal = f['estimate.adRerankShortlist.browser.q8.recalibrated.ms'];
    const recalFirst = f['estimate.adRerankFirst.browser.q8.recalibrated.ms'];
    const before = ok(rerank) ? ` (every segment's top 5, the scheme before it: ${ok(f['estimate.adRerank.pairs']) ? f['estimate.adRerank.pairs'].toLocaleString('en-US') : 'n/a'} pairs, ~${fmtSeconds(rerank / 1000)})` : '';
    lines.push(
      `With the reranker on, refining the same ad's shortlist takes ~${fmtSeconds(shortlist / 1000)}${ok(recal) ? ` (recalibrated ${fmtSeconds(recal / 1000)})` : ''} on WASM q8 ` +
        `(${ok(pairs) ? pairs : 'n/a'} (segment, concept) pairs through a 24-layer cross-encoder)${before}; the first refined results show after ~${fmtSeconds(firstRefined / 1000)}` +
        `${ok(recalFirst) ? ` (recalibrated ${fmtSeconds(recalFirst / 1000)})` : ''} (${ok(firstPairs) ? firstPairs : 'n/a'} pairs). Targets: 30 s whole (the automatic setting's budget), 5 s to the first refined results.`,
    );
  }
  const regenWeb = f['estimate.regen.browser.q8.ms'];
  const regenNode = f['estimate.regen.node.q8.ms'];
  const q8Ratio = f['inference.q8.concepts.browser.ms'] / f['inference.q8.concepts.node.ms'];
  const fp32Ratio = f['inference.fp32.concepts.browser.ms'] / f['inference.fp32.concepts.node.ms'];
  if (ok(regenWeb) && ok(regenNode)) {
    lines.push(
      `Slowest one-off: regenerating the taxonomy cache in the browser, ~${fmtSeconds(regenWeb / 1000)} (WASM q8) against ~${fmtSeconds(regenNode / 1000)} in Node (onnxruntime-node q8). ` +
        `Chromium ÷ Node time on concept batches: q8 ${ok(q8Ratio) ? fmtRatio(q8Ratio) : 'n/a'}, fp32 ${ok(fp32Ratio) ? fmtRatio(fp32Ratio) : 'n/a'}` +
        (ok(q8Ratio) && ok(fp32Ratio) && q8Ratio > 1.5 * fp32Ratio
          ? " (the int8 gap is wider: native int8 kernels use the CPU's VNNI dot products, WASM SIMD128 has no 8-bit dot product). "
          : '. ') +
        'Ship precomputed caches (npm run precompute) and keep browser regeneration for WebGPU or as a resumable background job.',
    );
  }
  const first = f['startup.first.ms'];
  const returning = f['startup.returning.ms'];
  const final = f['interaction.pasteFinal.ms'];
  const slider = f['interaction.slider.ms'];
  const measured: string[] = [];
  if (ok(first) || ok(returning)) measured.push(`start-up to semantic-ready ${ok(first) ? fmtMs(first) : 'n/a'} ms first visit, ${ok(returning) ? fmtMs(returning) : 'n/a'} ms returning`);
  if (ok(final)) measured.push(`paste to final results ${fmtMs(final)} ms (lexical ${ok(lexical) ? fmtMs(lexical) : 'n/a'} ms)`);
  if (ok(slider)) measured.push(`slider to re-rendered results ${fmtMs(slider)} ms`);
  if (measured.length) lines.push(`Measured app with the test models (no bge-m3 cost): ${measured.join('; ')}.`);
  lines.push(...realModelLines(f));
  lines.push(...targetLines(f));
  return lines;
}

/**
 * Issue 15's targets, each reached or not with the measured figure and, where not, the cause as far
 * as this run shows it. Only targets whose figures this run measured are listed.
 */
export function targetLines(f: Facts): string[] {
  const rows: string[] = [];
  const check = (name: string, value: number, target: number, unit: 'ms' | 'x', atLeast: boolean, cause: string): void => {
    if (!ok(value)) return;
    const met = atLeast ? value >= target : value <= target;
    const shown = unit === 'x' ? fmtRatio(value) : value >= 10_000 ? fmtSeconds(value / 1000) : `${fmtMs(value)} ms`;
    const goal = unit === 'x' ? `>= ${fmtRatio(target)}` : target >= 10_000 ? `<= ${fmtSeconds(target / 1000)}` : `<= ${fmtMs(target)} ms`;
    rows.push(`${name}: ${shown} (target ${goal}): ${met ? 'reached' : `not reached${cause ? `; ${cause}` : ''}`}.`);
  };
  const perPair = f['estimate.adRerankShortlist.browser.q8.ms'] / f['estimate.adRerankShortlist.pairs'];
  const pairCause = ok(perPair) ? `each (segment, concept) pair costs ~${fmtSeconds(perPair / 1000)} through 24 layers on 2-core WASM q8, so ${Math.floor(30_000 / perPair)} of the ${f['estimate.adRerankShortlist.pairs']} pairs fit in 30 s` : '';
  check('Reranker, whole shortlist of a 500-word ad (bge-m3-shaped, WASM q8)', f['estimate.adRerankShortlist.browser.q8.ms'], 30_000, 'ms', false, pairCause);
  check('Reranker, first refined results', f['estimate.adRerankFirst.browser.q8.ms'], 5_000, 'ms', false, pairCause);
  // Issue 22 moved the self-check after "ready" and the runtime's start before the model's bytes.
  const startCause = "the ONNX runtime's compilation and the model's session creation come before semantic-ready, on cores shared with the page's and the worker's 12 MB taxonomy parse; see the model panel phases";
  check('Start-up, first visit (test models)', f['startup.first.ms'], 2_000, 'ms', false, startCause);
  check('Start-up, returning (test models)', f['startup.returning.ms'], 1_000, 'ms', false, startCause);
  check('Start-up, first visit (bge-small-en; issue 22: 2,500 ms)', f['startup.bgeSmall.first.ms'], 2_500, 'ms', false, startCause);
  check('Start-up, returning (bge-small-en)', f['startup.bgeSmall.returning.ms'], 1_000, 'ms', false, startCause);
  check('Slider to re-rendered results (1,033-word ad)', f['interaction.slider.ms'], 16, 'ms', false, 'measured beside the rest of the run; a targeted run is in README');
  const bestOf = (keys: string[]) => Math.min(...keys.map((k) => f[k]).filter(ok));
  const node = bestOf(['search.node.int8.ms', 'search.node.int8Pool.ms']);
  const web = bestOf(['search.browser.int8.ms', 'search.browser.int8Pool.ms', 'search.browser.int8RelaxedPool.ms']);
  const ortNode = f['search.node.ortDefault.ms'];
  const ortWeb = f['search.browser.ortWeb.ms'];
  const noDot = 'Node 20 has no working relaxed SIMD (no 8-bit dot product), so its best kernel widens int8 to int16 for every product';
  check('Search, Node: best project kernel vs onnxruntime-node (default threads)', ortNode / node, 0.5, 'x', true, `${noDot}, while onnxruntime-node runs fp32 MatMul with AVX-512 on every core`);
  check('Search, Node: best project kernel vs onnxruntime-web', ortWeb / node, 2, 'x', true, noDot);
  check('Search, Chromium: best project kernel vs onnxruntime-node (default threads)', ortNode / web, 0.5, 'x', true, 'the relaxed-SIMD 8-bit dot product is the fastest path and needs 7-bit queries');
  check('Search, Chromium: best project kernel vs onnxruntime-web', ortWeb / web, 2, 'x', true, '');
  return rows.length ? [`Targets (issue 15):\n${rows.map((r) => `  - ${r}`).join('\n')}`] : [];
}

/** Lines from the real bge-small-en figures (sections realmodel, startup/interaction with it, precompute). */
function realModelLines(f: Facts): string[] {
  const lines: string[] = [];
  const rate = (m: string, w: string, r: string): number => f[`realmodel.${m}.${w}.realTokens`] / (f[`realmodel.${m}.${w}.${r}.ms`] / 1000);
  const perDtype = (['q8', 'fp32'] as const)
    .filter((m) => ok(rate(m, 'segments', 'node')) || ok(rate(m, 'segments', 'browser')))
    .map((m) => {
      const web = rate(m, 'segments', 'browser');
      const node = rate(m, 'segments', 'node');
      const ratio = node / web;
      return `${m}: Chromium ${ok(web) ? Math.round(web).toLocaleString('en-US') : 'n/a'} tok/s, Node ${ok(node) ? Math.round(node).toLocaleString('en-US') : 'n/a'} tok/s (Chromium ÷ Node time ${ok(ratio) ? fmtRatio(ratio) : 'n/a'})`;
    });
  if (perDtype.length) lines.push(`Real bge-small-en-v1.5 (12 layers) on the 500-word ad's segments: ${perDtype.join('; ')}.`);
  const factor = f['calibration.browser.q8.segments'];
  const before = f['estimate.adEmbed.browser.q8.ms'];
  const after = f['estimate.adEmbed.browser.q8.recalibrated.ms'];
  if (ok(factor)) {
    const factors = ['browser', 'node']
      .flatMap((r) => (['q8', 'fp32'] as const).map((m) => [r, m, f[`calibration.${r}.${m}.segments`], f[`calibration.${r}.${m}.concepts`]] as const))
      .filter(([, , a, b]) => ok(a) || ok(b))
      .map(([r, m, a, b]) => `${r === 'browser' ? 'Chromium' : 'Node'} ${m} ${ok(a) ? a.toFixed(2) : 'n/a'} / ${ok(b) ? b.toFixed(2) : 'n/a'}`);
    lines.push(
      `Section 2's per-layer method against the real 12-layer graph (real ÷ estimate, segments / concepts): ${factors.join(', ')}` +
        (ok(before) && ok(after) ? `; recalibrated, bge-m3's embedding of a 500-word ad on WASM q8 is ~${fmtSeconds(after / 1000)} (uncalibrated ${fmtSeconds(before / 1000)}).` : '.'),
    );
  }
  const app: string[] = [];
  const first = f['startup.bgeSmall.first.ms'];
  const returning = f['startup.bgeSmall.returning.ms'];
  const final = f['interaction.bgeSmall.pasteFinal.ms'];
  if (ok(first) || ok(returning)) app.push(`start-up to semantic-ready ${ok(first) ? fmtMs(first) : 'n/a'} ms first visit, ${ok(returning) ? fmtMs(returning) : 'n/a'} ms returning`);
  if (ok(final)) app.push(`paste 500-word ad to final results ${fmtMs(final)} ms`);
  if (app.length) lines.push(`Measured app with the real bge-small-en (WASM q8): ${app.join('; ')}.`);
  const pre: string[] = [];
  for (const [key, name] of [
    ['bgeSmall', 'bge-small-en'],
    ['minilm', 'MiniLM'],
  ] as const) {
    const parts = (['fp32', 'q8'] as const)
      .filter((d) => ok(f[`precompute.${key}.${d}.total.ms`]))
      .map((d) => `${d} ~${fmtSeconds(f[`precompute.${key}.${d}.total.ms`] / 1000)} (${f[`precompute.${key}.${d}.textsPerSecond`].toFixed(0)} texts/s)`);
    if (parts.length) pre.push(`${name} ${parts.join(', ')}`);
  }
  if (pre.length) lines.push(`Precomputing a shipped embedding asset in Node (extrapolated from a sample): ${pre.join('; ')}.`);
  return lines;
}
