// Splits a text into runs for highlighting evidence spans: every run is a plain slice of the text
// (rendered as a text node, never as HTML) carrying the set of concepts whose spans cover it.
// Overlapping and nested spans are handled by cutting at every span boundary.

export interface HighlightSpan {
  start: number;
  end: number;
  /** Concept key (see conceptKey). */
  key: string;
  /** Lexical mentions are exact label matches and drawn stronger than whole-segment evidence. */
  strong: boolean;
}

export interface TextRun {
  start: number;
  end: number;
  /** Sorted, unique concept keys covering this run; empty for plain text. */
  keys: string[];
  strong: boolean;
}

/** Runs covering [0, textLength) in order; adjacent runs with the same keys are merged. */
export function buildRuns(textLength: number, spans: readonly HighlightSpan[]): TextRun[] {
  const clipped = spans
    .map((s) => ({ ...s, start: Math.max(0, Math.min(textLength, s.start)), end: Math.max(0, Math.min(textLength, s.end)) }))
    .filter((s) => s.end > s.start);
  const cuts = new Set<number>([0, textLength]);
  for (const s of clipped) {
    cuts.add(s.start);
    cuts.add(s.end);
  }
  const points = [...cuts].sort((a, b) => a - b);
  // Sweep: spans sorted by start enter the active list; expired ones leave it lazily.
  const byStart = [...clipped].sort((a, b) => a.start - b.start);
  let next = 0;
  let active: HighlightSpan[] = [];
  const runs: TextRun[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const from = points[i];
    const to = points[i + 1];
    while (next < byStart.length && byStart[next].start <= from) active.push(byStart[next++]);
    active = active.filter((s) => s.end > from);
    const covering = active.filter((s) => s.start <= from && s.end >= to);
    const keys = [...new Set(covering.map((s) => s.key))].sort();
    const strong = covering.some((s) => s.strong);
    const last = runs[runs.length - 1];
    if (last && last.end === from && last.strong === strong && sameKeys(last.keys, keys)) last.end = to;
    else runs.push({ start: from, end: to, keys, strong });
  }
  return runs;
}

function sameKeys(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((k, i) => k === b[i]);
}
