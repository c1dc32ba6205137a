// The skill gap to a target occupation for the single-text view: the occupations inferred from the
// text's skills (the suggested targets), choosing the target (from those or the occupation search),
// the gap derived from the displayed result at the current thresholds (memoised, so a slider move
// recomputes only this), its exports (JSON, CSV) and the printable report view.
import { inferOccupations, type InferredOccupation } from '../core/occupationInference.ts';
import { computeSkillGap, skillGapToCsv, skillGapToJson, type SkillGap, type SkillGapError } from '../core/skillGap.ts';
import type { Taxonomy } from '../core/taxonomy.ts';
import { applyThresholdsUncapped, type ThresholdSettings } from '../core/thresholds.ts';
import { downloadText } from './download.ts';
import { memoize, selectDisplayed } from './selectors.ts';
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

// Without a text the gap is still worth showing: every skill of the occupation is missing.
const gapMemo = memoize((shown: TextResult | null, target: number | null, thresholds: ThresholdSettings, taxonomy: Taxonomy | null): GapView | null =>
  target === null || !taxonomy ? null : { target, gap: computeSkillGap(taxonomy, target, shown?.result.candidates ?? [], thresholds), text: shown?.text ?? '' },
);

/** The gap to the target occupation in the displayed result (null without a target). */
export const selectGap = (s: AppState): GapView | null => gapMemo(selectDisplayed(s), s.gapTarget, s.settings.thresholds, s.taxonomy.data);

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

const NO_OCCUPATIONS: InferredOccupation[] = [];

const inferredMemo = memoize((shown: TextResult | null, thresholds: ThresholdSettings, taxonomy: Taxonomy | null): InferredOccupation[] => {
  if (!shown || !taxonomy) return NO_OCCUPATIONS;
  const cut = applyThresholdsUncapped(shown.result.candidates, thresholds, taxonomy);
  return inferOccupations(taxonomy, cut.skills, cut.occupations, { limit: SUGGESTED_TARGETS });
});

/**
 * Occupations the text is about, from the skills found and the direct occupation matches
 * (occupationInference.ts): the suggested targets. Uses the threshold cut, not the display cap.
 */
export const selectInferredOccupations = (s: AppState): InferredOccupation[] => inferredMemo(selectDisplayed(s), s.settings.thresholds, s.taxonomy.data);
