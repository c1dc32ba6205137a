// Code that runs inside the app's page, kept as JavaScript source strings on purpose: functions passed
// to page.evaluate / addInitScript from a tsx-run script carry esbuild's `__name(...)` helper calls
// (keepNames), which do not exist in the page ("ReferenceError: __name is not defined"). Every time
// recorded here is the page's performance.now(), whose zero is the navigation start.

/** Selector of the app's one-line engine status (src/app/components/StatusLine.tsx). */
export const SUMMARY_SELECTOR = '[data-testid="engine-summary"]';
export const LEXICAL_READY_TEXT = 'Label matching ready';
export const SEMANTIC_READY_TEXT = 'Semantic matching ready';

/**
 * Init script: records when the status line first says lexical (label) matching and semantic
 * matching are ready, and the first contentful paint, into window.__benchStartup.
 */
export const STARTUP_MARKS_SCRIPT = `(() => {
  const marks = { summaries: [] };
  window.__benchStartup = marks;
  const check = () => {
    const el = document.querySelector(${JSON.stringify(SUMMARY_SELECTOR)});
    if (!el) return;
    const text = el.textContent || '';
    const now = performance.now();
    if (!marks.summaries.length || marks.summaries[marks.summaries.length - 1].text !== text) marks.summaries.push({ text, at: now });
    if (marks.lexicalReadyAt === undefined && (text.includes(${JSON.stringify(LEXICAL_READY_TEXT)}) || text.includes(${JSON.stringify(SEMANTIC_READY_TEXT)}))) marks.lexicalReadyAt = now;
    if (marks.semanticReadyAt === undefined && text.includes(${JSON.stringify(SEMANTIC_READY_TEXT)})) marks.semanticReadyAt = now;
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (e.name === 'first-contentful-paint') marks.fcpAt = e.startTime;
    }).observe({ type: 'paint', buffered: true });
  } catch (e) { /* no paint timing: FCP stays unknown */ }
})();`;

export interface StartupMarks {
  summaries: { text: string; at: number }[];
  lexicalReadyAt?: number;
  semanticReadyAt?: number;
  fcpAt?: number;
}

export const READ_STARTUP_MARKS = 'window.__benchStartup || null';

export type { PerfMarks } from '../../src/app/perfMarks.ts';

/** The app's e2e paste-to-result marks (src/app/perfMarks.ts), or null when the build has none. */
export const READ_PERF_MARKS = 'window.__perf ? { ...window.__perf } : null';

export interface SliderTiming {
  /** ms from the input event to the end of React's DOM commit (the first mutation callback). */
  commitMs?: number;
  /** ms from the input event to the next animation frame after the commit (what the user sees). */
  frameMs?: number;
  /** Whether the "N of M kept" line changed, i.e. the result set was re-cut. */
  changed?: boolean;
  timeout?: boolean;
  error?: string;
}

/**
 * Moves a range input as a user's drag does (native value setter + input event, which React's
 * onChange listens to) and times the re-render of the results: the first DOM change inside the watched
 * elements (the result list and its "kept" line; one React commit is one mutation callback, and a
 * list rendered in a deferred commit is caught when it lands). Argument: { id, value, keptSelector, watchSelectors, timeoutMs }.
 */
export const MOVE_SLIDER_FN = `async ({ id, value, keptSelector, watchSelectors, timeoutMs }) => {
  const input = document.getElementById(id);
  if (!input) return { error: 'no element #' + id };
  const watched = watchSelectors.map((s) => document.querySelector(s)).filter(Boolean);
  if (!watched.length) return { error: 'none of ' + watchSelectors.join(', ') + ' found' };
  const kept = document.querySelector(keptSelector);
  const before = kept ? kept.textContent : null;
  return await new Promise((resolve) => {
    let t0 = 0;
    let done = false;
    const obs = new MutationObserver(() => {
      if (done) return;
      done = true;
      obs.disconnect();
      const commit = performance.now();
      requestAnimationFrame(() => {
        const frame = performance.now();
        resolve({ commitMs: commit - t0, frameMs: frame - t0, changed: kept ? kept.textContent !== before : undefined });
      });
    });
    for (const w of watched) obs.observe(w, { subtree: true, childList: true, characterData: true, attributes: true });
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
    t0 = performance.now();
    setter.call(input, String(value));
    input.dispatchEvent(new Event('input', { bubbles: true }));
    setTimeout(() => { if (!done) { done = true; obs.disconnect(); resolve({ timeout: true }); } }, timeoutMs);
  });
}`;
