// Derived values as memoised selectors over the store: which result is displayed (and whether a
// newer one is pending), the thresholded lists, histograms and highlight runs. Each memo keeps its
// last inputs by identity, so selectors return stable references and a slider move recomputes only
// applyThresholds and what depends on it, on the main thread, without any worker call.
import { collapseBroader, groupByHierarchy, groupByIsco, groupBySkillType, groupHeading, type Bucket, type CollapsedEntry, type TextSpan } from '../core/skillHierarchy.ts';
import { applyThresholds, scoreHistogram, shownEvidence, thresholdContext, type ScoreBasis, type ShownCandidate, type ThresholdResult, type ThresholdSettings } from '../core/thresholds.ts';
import type { ConceptKind, Taxonomy } from '../core/taxonomy.ts';
import type { LocalizedLabels } from '../core/labelPacks.ts';
import { conceptKey, shownLabel } from './concepts.ts';
import { buildRuns, chunkRuns, type HighlightSpan, type RunChunk, type TextRun } from './highlight.ts';
import type { AppState, ResultGrouping, SortBy, TextResult } from './store.ts';

export { shownEvidence } from '../core/thresholds.ts';

/** Keeps the last inputs by identity and returns the last result while they are the same. */
export function memoize<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
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


const thresholdedMemo = memoize((shown: TextResult | null, thresholds: ThresholdSettings, taxonomy: Taxonomy | null): ThresholdResult | null =>
  shown && taxonomy ? applyThresholds(shown.result.candidates, thresholds, thresholdContext(taxonomy)) : null,
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
  const ctx = thresholdContext(taxonomy);
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
  /** The same runs by line (chunkRuns), as the document view renders them. */
  chunks: RunChunk[];
  /** Labels per concept key, for the tooltips of highlighted spans. */
  labels: Map<string, string>;
}

/**
 * Shown labels by concept key, kept per taxonomy and label pack: a slider move only changes which
 * concepts are shown, so their labels are looked up once, not on every move.
 */
const labelCache = new WeakMap<Taxonomy, { labels: LocalizedLabels | null; names: Map<string, string> }>();
function shownName(taxonomy: Taxonomy, labels: LocalizedLabels | null, kind: ConceptKind, index: number, key: string): string {
  let cache = labelCache.get(taxonomy);
  if (!cache || cache.labels !== labels) labelCache.set(taxonomy, (cache = { labels, names: new Map() }));
  let name = cache.names.get(key);
  if (name === undefined) cache.names.set(key, (name = shownLabel(taxonomy, labels, kind, index).label));
  return name;
}

const highlightMemo = memoize((shown: TextResult | null, t: ThresholdResult | null, thresholds: ThresholdSettings, taxonomy: Taxonomy | null, labels: LocalizedLabels | null): HighlightModel | null => {
  if (!shown || !taxonomy) return null;
  const spans: HighlightSpan[] = [];
  const names = new Map<string, string>();
  for (const { candidate: c } of t ? [...t.skills, ...t.occupations] : []) {
    const key = conceptKey(c.kind, c.index);
    names.set(key, shownName(taxonomy, labels, c.kind, c.index, key));
    for (const e of shownEvidence(c, thresholds)) spans.push({ start: e.start, end: e.end, key, strong: e.strong });
  }
  const runs = buildRuns(shown.text.length, spans);
  return { text: shown.text, runs, chunks: chunkRuns(shown.text, runs), labels: names };
});

export const selectHighlight = (s: AppState): HighlightModel | null =>
  highlightMemo(selectDisplayed(s), selectThresholded(s), s.settings.thresholds, s.taxonomy.data, s.language.labels);

/** One section of a grouped result list: a heading and its entries (broader skills folded in). */
export interface ResultSection {
  /** Stable key (Bucket.key): sections keep their open/closed state across slider moves. */
  key: string;
  /** "S1 communication, collaboration and creativity", "2 Professionals", "Knowledge". */
  heading: string;
  /** Language of the heading's label. */
  language: string;
  entries: CollapsedEntry[];
}

export interface GroupedLists {
  grouping: Exclude<ResultGrouping, 'list'>;
  skills: ResultSection[];
  /** Occupations by ISCO major group in 'hierarchy'; null: shown as the flat list. */
  occupations: ResultSection[] | null;
}

function sectionsOf(buckets: Bucket<CollapsedEntry>[], taxonomy: Taxonomy, labels: LocalizedLabels | null): ResultSection[] {
  return buckets.map((b) => {
    const localized = labels && b.index >= 0 ? (b.kind === 'skillGroup' ? labels.skillGroups[b.index] : b.kind === 'iscoGroup' ? labels.occupations[b.index] : undefined) : undefined;
    return {
      key: b.key,
      heading: groupHeading(b.code, localized?.label ?? b.label),
      language: localized ? labels!.language : b.kind === 'skillGroup' || b.kind === 'iscoGroup' ? taxonomy.language : 'en',
      entries: b.items,
    };
  });
}

const groupedMemo = memoize((lists: ShownLists, grouping: ResultGrouping, thresholds: ThresholdSettings, taxonomy: Taxonomy | null, labels: LocalizedLabels | null): GroupedLists | null => {
  if (!taxonomy || grouping === 'list' || (grouping !== 'hierarchy' && grouping !== 'skillType')) return null;
  // Folded on the spans the document highlights, so "same evidence" is what the reader sees.
  const entries = collapseBroader(taxonomy, lists.skills, (x): readonly TextSpan[] => shownEvidence(x.candidate, thresholds));
  const skillOf = (e: CollapsedEntry) => e.shown.candidate.index;
  const skills = grouping === 'hierarchy' ? groupByHierarchy(taxonomy, entries, skillOf) : groupBySkillType(taxonomy, entries, skillOf);
  const occupations =
    grouping === 'hierarchy'
      ? groupByIsco(
          taxonomy,
          lists.occupations.map((shown): CollapsedEntry => ({ shown, context: [] })),
          (e) => e.shown.candidate.index,
        )
      : null;
  return { grouping, skills: sectionsOf(skills, taxonomy, labels), occupations: occupations && sectionsOf(occupations, taxonomy, labels) };
});

/** The shown lists in sections, per the persisted grouping; null in the flat list mode. */
export const selectGrouped = (s: AppState): GroupedLists | null =>
  groupedMemo(selectLists(s), s.settings.resultGrouping, s.settings.thresholds, s.taxonomy.data, s.language.labels);
