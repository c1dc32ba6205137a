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

/** A line (or lines) of the text with its runs: the unit the evidence view lays out and re-renders. */
export interface RunChunk {
  start: number;
  end: number;
  runs: TextRun[];
}

/**
 * Groups runs into chunks that end after a newline, so the document view can render each as its
 * own block: a slider move then re-lays out and re-renders only the lines whose marks changed,
 * not the whole text. A chunk never ends inside a marked run (a mark stays one element); plain runs
 * are cut at their newlines. The chunks' runs cover the same offsets as `runs`, in order.
 */
export function chunkRuns(text: string, runs: readonly TextRun[]): RunChunk[] {
  const chunks: RunChunk[] = [];
  let current: TextRun[] = [];
  const close = () => {
    if (current.length === 0) return;
    chunks.push({ start: current[0].start, end: current[current.length - 1].end, runs: current });
    current = [];
  };
  // One pass over the newlines, in step with the runs (both are in text order).
  let nl = text.indexOf('\n');
  for (const r of runs) {
    while (nl >= 0 && nl < r.start) nl = text.indexOf('\n', nl + 1);
    if (r.keys.length > 0) {
      current.push(r);
      if (text.charCodeAt(r.end - 1) === 10) close();
      continue;
    }
    let from = r.start;
    for (; nl >= 0 && nl < r.end; nl = text.indexOf('\n', nl + 1)) {
      current.push(from === r.start && nl + 1 === r.end ? r : { start: from, end: nl + 1, keys: r.keys, strong: false });
      close();
      from = nl + 1;
    }
    if (from < r.end) current.push(from === r.start ? r : { start: from, end: r.end, keys: r.keys, strong: false });
  }
  close();
  return chunks;
}
