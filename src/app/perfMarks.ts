// e2e builds only: records when the results for the latest input were rendered (lexical first,
// then final), so the suite can report paste-to-result times measured inside the page.
import { useEffect } from 'react';
import { IS_E2E } from './config.ts';
import type { TextResult } from './store.ts';

/** window.__perf: performance.now() marks of the latest input (also read by the bench, scripts/bench/app.ts). */
export interface PerfMarks {
  inputAt: number;
  lexicalRenderedAt?: number;
  finalRenderedAt?: number;
  finalStage?: string;
  /** When the extraction request went to the worker (after the language and the title), and when its final result came back. */
  requestAt?: number;
  resultAt?: number;
  /** The worker's own timings of that result (ExtractionResult.timings). */
  workerTimings?: Record<string, number>;
}

export function usePerfMarks(shown: TextResult | null, currentText: string, busy: boolean): void {
  useEffect(() => {
    if (!IS_E2E || !shown || shown.text !== currentText) return;
    const perf = window.__perf;
    if (!perf) return;
    // The next frame is when the committed DOM has been painted.
    requestAnimationFrame(() => {
      const t = performance.now();
      perf.lexicalRenderedAt ??= t;
      if (!busy && perf.finalRenderedAt === undefined) {
        perf.finalRenderedAt = t;
        perf.finalStage = shown.result.stage;
      }
    });
  }, [shown, currentText, busy]);
}
