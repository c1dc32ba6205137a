// Derived values as memoised selectors over the store: which result is displayed (and whether a
// newer one is pending), the thresholded lists, histograms and highlight runs. Each memo keeps its
// last inputs by identity, so selectors return stable references and a slider move recomputes only
// applyThresholds and what depends on it, on the main thread, without any worker call.
import type { Evidence } from '../core/pipeline.ts';
import { applyThresholds, scoreHistogram, type ScoreBasis, type ShownCandidate, type ThresholdResult, type ThresholdSettings } from '../core/thresholds.ts';
import type { ConceptKind, Taxonomy } from '../core/taxonomy.ts';
import type { LocalizedLabels } from '../core/labelPacks.ts';
import { conceptKey, shownLabel } from './concepts.ts';
import { buildRuns, type HighlightSpan, type TextRun } from './highlight.ts';
import type { AppState, SortBy, TextResult } from './store.ts';

function memoize<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
  let lastArgs: A | null = null;
  let last: R;
  return (...args: A): R => {
    if (lastArgs && lastArgs.length === args.length && args.every((a, i) => Object.is(a, lastArgs![i]))) return last;
    last = fn(...args);
    lastArgs = args;
    return last;
  };
}

/**
 * The result to show: the dense result for the current text when there is one; while a newer dense
 * result is pending, the previous one (shown dimmed); otherwise the instant lexical result.
 */
export function selectDisplayed(s: AppState): TextResult | null {
  if (!s.text.trim()) return null;
  if (s.dense && s.dense.text === s.text) return s.dense;
  if (s.densePending && s.dense) return s.dense;
  return s.lexical;
}

/** True while what is shown is not the final result for the current text. */
export function selectBusy(s: AppState): boolean {
  if (!s.text.trim()) return false;
  const shown = selectDisplayed(s);
  return !shown || shown.text !== s.text || s.densePending;
}

const isIscoGroupFor = (taxonomy: Taxonomy) => (i: number) => taxonomy.occupations[i]?.isIscoGroup ?? false;

const thresholdedMemo = memoize((shown: TextResult | null, thresholds: ThresholdSettings, taxonomy: Taxonomy | null): ThresholdResult | null =>
  shown && taxonomy ? applyThresholds(shown.result.candidates, thresholds, { isIscoGroup: isIscoGroupFor(taxonomy) }) : null,
);

export const selectThresholded = (s: AppState): ThresholdResult | null => thresholdedMemo(selectDisplayed(s), s.settings.thresholds, s.taxonomy.data);

export interface Histograms {
  skill: number[];
  occupation: number[];
}

// Keyed on the two settings that change scores, not the whole settings object: moving a slider
// must not rebuild the histograms.
const histogramMemo = memoize((shown: TextResult | null, basis: ScoreBasis, includeIscoGroups: boolean, taxonomy: Taxonomy | null): Histograms | null => {
  if (!shown || !taxonomy) return null;
  const settings = { scoreBasis: basis, includeIscoGroups } as ThresholdSettings;
  const ctx = { isIscoGroup: isIscoGroupFor(taxonomy) };
  return {
    skill: scoreHistogram(shown.result.candidates, 'skill', settings, ctx),
    occupation: scoreHistogram(shown.result.candidates, 'occupation', settings, ctx),
  };
});

export const selectHistograms = (s: AppState): Histograms | null =>
  histogramMemo(selectDisplayed(s), s.settings.thresholds.scoreBasis, s.settings.thresholds.includeIscoGroups, s.taxonomy.data);

export interface ShownLists {
  skills: ShownCandidate[];
  occupations: ShownCandidate[];
  /** Kept by the thresholds, before the label filter. */
  kept: Record<ConceptKind, number>;
  totals: Record<ConceptKind, number>;
}

const EMPTY_LISTS: ShownLists = { skills: [], occupations: [], kept: { skill: 0, occupation: 0 }, totals: { skill: 0, occupation: 0 } };

const listsMemo = memoize((t: ThresholdResult | null, filter: string, sortBy: SortBy, taxonomy: Taxonomy | null, labels: LocalizedLabels | null): ShownLists => {
  if (!t || !taxonomy) return EMPTY_LISTS;
  const needle = filter.trim().toLocaleLowerCase();
  // the filter matches the label shown and the English one
  const keep = (x: ShownCandidate) => {
    if (!needle) return true;
    const l = shownLabel(taxonomy, labels, x.candidate.kind, x.candidate.index);
    return l.label.toLocaleLowerCase().includes(needle) || l.english.toLocaleLowerCase().includes(needle);
  };
  const order = (list: ShownCandidate[]) =>
    sortBy === 'appearance' ? [...list].sort((a, b) => a.candidate.firstOffset - b.candidate.firstOffset || b.score - a.score) : list;
  return {
    skills: order(t.skills.filter(keep)),
    occupations: order(t.occupations.filter(keep)),
    kept: { skill: t.skills.length, occupation: t.occupations.length },
    totals: t.totals,
  };
});

export const selectLists = (s: AppState): ShownLists => listsMemo(selectThresholded(s), s.filter, s.settings.sortBy, s.taxonomy.data, s.language.labels);

export interface HighlightModel {
  text: string;
  runs: TextRun[];
  /** Labels per concept key, for the tooltips of highlighted spans. */
  labels: Map<string, string>;
}

function evidenceScore(e: Evidence, basis: ScoreBasis): number {
  return basis === 'retrieval' || e.rerank === undefined ? e.score : e.rerank;
}

/**
 * Spans to highlight for the shown results: every label mention (strong), and the segments whose
 * own embedding score passes the cut; a dense-only result with no such segment shows its best one,
 * so every entry can point at its evidence.
 */
const highlightMemo = memoize((shown: TextResult | null, t: ThresholdResult | null, thresholds: ThresholdSettings, taxonomy: Taxonomy | null, labels: LocalizedLabels | null): HighlightModel | null => {
  if (!shown || !taxonomy) return null;
  const spans: HighlightSpan[] = [];
  const names = new Map<string, string>();
  for (const { candidate: c } of t ? [...t.skills, ...t.occupations] : []) {
    const key = conceptKey(c.kind, c.index);
    names.set(key, shownLabel(taxonomy, labels, c.kind, c.index).label);
    const cut = c.kind === 'skill' ? thresholds.skillThreshold : thresholds.occupationThreshold;
    let best: Evidence | null = null;
    let added = false;
    for (const e of c.evidence) {
      if (e.signal === 'lexical') {
        spans.push({ start: e.start, end: e.end, key, strong: true });
        added = true;
      } else if (evidenceScore(e, thresholds.scoreBasis) >= cut) {
        spans.push({ start: e.start, end: e.end, key, strong: false });
        added = true;
      } else if (!best || evidenceScore(e, thresholds.scoreBasis) > evidenceScore(best, thresholds.scoreBasis)) {
        best = e;
      }
    }
    if (!added && best) spans.push({ start: best.start, end: best.end, key, strong: false });
  }
  return { text: shown.text, runs: buildRuns(shown.text.length, spans), labels: names };
});

export const selectHighlight = (s: AppState): HighlightModel | null =>
  highlightMemo(selectDisplayed(s), selectThresholded(s), s.settings.thresholds, s.taxonomy.data, s.language.labels);
