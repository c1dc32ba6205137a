// Pure decisions about the text's language for the app (no DOM, no fetch): which language to use
// (detected or chosen), which labels to match and show given the label packs that exist, the notice
// for an English-only model on other text, and names for the language picker. languages.ts does the
// loading; this file is what it decides with, and is unit-tested.
import type { EngineStatus } from '../../workers/engineApi.ts';
import type { LabelPackIndex } from '../core/labelPacks.ts';
import type { LanguagePlan } from '../core/languageDetect.ts';

import { ENGLISH } from '../core/languageMatching.ts';

export { ENGLISH };

/** One language with labels, as the language pickers list it. */
export interface AvailablePack {
  language: string;
  /** Concepts with a preferred label in the language. */
  skills: number;
  occupations: number;
}

export function availableFromIndex(packs: LabelPackIndex['packs']): AvailablePack[] {
  return packs
    .map((p) => ({ language: p.language, skills: p.coverage.skill?.labelled ?? 0, occupations: p.coverage.occupation?.labelled ?? 0 }))
    .sort((a, b) => (a.language < b.language ? -1 : a.language > b.language ? 1 : 0));
}

// Detection thresholds and the language choice are the core's (shared with the CLI and the service).
export { chooseLanguage, enoughToDetect, MIN_DETECT_LETTERS } from '../core/languageMatching.ts';

export interface ResolvedPlan {
  matchLanguage: string | null;
  displayLanguage: string;
  notices: string[];
}

/**
 * The core plan plus the user's choice of label language: '' keeps the plan's (the text's language
 * where ESCO has labels, else English); English or another language with a pack replaces it.
 */
export function resolvePlan(plan: LanguagePlan, displayOverride: string, available: readonly AvailablePack[]): ResolvedPlan {
  const notices = plan.notice ? [plan.notice] : [];
  let displayLanguage = plan.displayLanguage;
  if (displayOverride === ENGLISH || (displayOverride && available.some((a) => a.language === displayOverride))) displayLanguage = displayOverride;
  return { matchLanguage: plan.matchLanguage, displayLanguage, notices };
}

/** What the app knows of a model preset's languages (ModelPreset fits). */
export interface PresetLanguages {
  label: string;
  languages: string[] | 'multilingual';
  weakerOutsideEnglish?: boolean;
}

/**
 * With an English-only embedding model on text in another language, semantic matching sees words it
 * was not trained on: say so and point to the multilingual preset. Label matching is unaffected.
 * A multilingual model that reads other languages less surely (ModelPreset.weakerOutsideEnglish)
 * shows fewer of their skills at one cut: say so, and where the less sure ones are.
 */
export function modelLanguageNotice(preset: PresetLanguages, language: string, hasLabels: boolean): string | undefined {
  if (!language || language === ENGLISH) return undefined;
  const name = languageName(language);
  if (preset.languages === 'multilingual') {
    if (!preset.weakerOutsideEnglish) return undefined;
    return `The model "${preset.label}" reads ${name} less surely than English, so it shows fewer of the skills in ${name} text at the same threshold. ` +
      `Lower the skill threshold to see the ones it is less sure of, and check each against its highlighted words.`;
  }
  if (preset.languages.includes(language)) return undefined;
  const labels = hasLabels ? `ESCO labels in ${name} and English are still matched` : 'English ESCO labels are still matched';
  return `The model "${preset.label}" is English only, so semantic matching does not understand ${name} text; ${labels}. ` +
    `Choose a multilingual preset in the Model panel for semantic matches across languages: multilingual-e5 small (works offline) or bge-m3 (best, large download).`;
}

/** "German", "French", ... (English names, as the rest of the UI is in English); the code when unknown. */
export function languageName(code: string): string {
  try {
    return new Intl.DisplayNames(['en'], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** The model panel's line on the skill label vectors of the text's language (EngineStatus.labelVectors). */
export function labelVectorsText(view: NonNullable<EngineStatus['labelVectors']>): string {
  const name = languageName(view.language);
  if (view.phase === 'ready') return `${name} text is also compared with ${(view.rows ?? 0).toLocaleString('en')} ${name} skill labels embedded by this model`;
  if (view.phase === 'none') return `no ${name} skill label vectors for this model: ${name} text is compared with the English skill labels`;
  return `${name} skill label vectors unavailable (${view.message ?? 'unknown error'}): ${name} text is compared with the English skill labels`;
}
