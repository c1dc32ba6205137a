// The skill gap to a target occupation for the single-text view: the occupations inferred from the
// text's skills (the suggested targets), choosing the target (from those or the occupation search),
// the gap derived from the displayed result at the current thresholds (memoised, so a slider move
// recomputes only this), its exports (JSON, CSV) and the printable report view.
import { inferOccupations, type InferredOccupation } from '../core/occupationInference.ts';
import { computeSkillGap, skillGapToCsv, skillGapToJson, type SkillGap, type SkillGapError } from '../core/skillGap.ts';
import type { Taxonomy } from '../core/taxonomy.ts';
import { applyThresholds, type ThresholdSettings } from '../core/thresholds.ts';
import { downloadText } from './download.ts';
import { selectDisplayed } from './selectors.ts';
import { useAppStore, type AppState, type TextResult } from './store.ts';
import { setView } from './view.ts';

/** Occupations suggested as targets (and shown as inferred from the text's skills). */
export const SUGGESTED_TARGETS = 5;

export interface GapView {
  target: number;
  gap: SkillGap | SkillGapError;
  /** The text the gap's evidence offsets refer to. */
  text: string;
}

let last: { shown: TextResult | null; target: number | null; thresholds: ThresholdSettings; taxonomy: Taxonomy | null; view: GapView | null } | null = null;

export function selectGap(s: AppState): GapView | null {
  const shown = selectDisplayed(s);
  const { gapTarget: target, taxonomy: { data: taxonomy } } = s;
  const { thresholds } = s.settings;
  if (last && last.shown === shown && last.target === target && last.thresholds === thresholds && last.taxonomy === taxonomy) return last.view;
  // Without a text the gap is still worth showing: every skill of the occupation is missing.
  const view = target === null || !taxonomy ? null : { target, gap: computeSkillGap(taxonomy, target, shown?.result.candidates ?? [], thresholds), text: shown?.text ?? '' };
  last = { shown, target, thresholds, taxonomy, view };
  return view;
}

export function setGapTarget(occupationIndex: number | null): void {
  useAppStore.setState({ gapTarget: occupationIndex });
}

function fileStem(taxonomy: Taxonomy, gap: SkillGap): string {
  const label = taxonomy.occupations[gap.occupationIndex]?.label ?? 'occupation';
  return `skill-gap-${label.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}`;
}

export function downloadGap(format: 'json' | 'csv'): void {
  const s = useAppStore.getState();
  const view = selectGap(s);
  const taxonomy = s.taxonomy.data;
  if (!view || !view.gap.ok || !taxonomy) return;
  if (format === 'json') downloadText(`${JSON.stringify(skillGapToJson(view.gap, taxonomy, view.text), null, 2)}\n`, `${fileStem(taxonomy, view.gap)}.json`, 'application/json');
  else downloadText(skillGapToCsv(view.gap, taxonomy, view.text), `${fileStem(taxonomy, view.gap)}.csv`, 'text/csv');
}

export function openGapReport(): void {
  setView('gap-report');
}

let lastSuggest: { shown: TextResult | null; thresholds: ThresholdSettings; taxonomy: Taxonomy | null; list: InferredOccupation[] } | null = null;

/**
 * Occupations the text is about, from the skills found and the direct occupation matches
 * (occupationInference.ts): the suggested targets. Uses the threshold cut, not the display cap.
 */
export function selectInferredOccupations(s: AppState): InferredOccupation[] {
  const shown = selectDisplayed(s);
  const taxonomy = s.taxonomy.data;
  const { thresholds } = s.settings;
  if (lastSuggest && lastSuggest.shown === shown && lastSuggest.thresholds === thresholds && lastSuggest.taxonomy === taxonomy) return lastSuggest.list;
  let list: InferredOccupation[] = [];
  if (shown && taxonomy) {
    const cut = applyThresholds(shown.result.candidates, { ...thresholds, maxSkills: Infinity, maxOccupations: Infinity }, { isIscoGroup: (i) => taxonomy.occupations[i]?.isIscoGroup ?? false });
    list = inferOccupations(taxonomy, cut.skills, cut.occupations, { limit: SUGGESTED_TARGETS });
  }
  lastSuggest = { shown, thresholds, taxonomy, list };
  return list;
}
