// Language of a pasted text, and what the app does about it.
// Detection uses ELD (the `eld` npm package, Nito-ELD: maintained, pure JS, 60 languages, n-gram
// database; the "small" database, about 1.6 MB, which got short German/French/Dutch/Spanish titles
// right where tinyld and the extra-small database did not). Import this module lazily in the worker
// so the database is fetched only when a text is analysed; the browser's built-in LanguageDetector
// can be tried first by the caller and this used as the fallback.
import { eld } from 'eld/small';

export interface DetectedLanguage {
  /** ISO 639-1 code, or '' when the text gives no clue (empty, digits, symbols). */
  language: string;
  /** ELD's own reliability test (enough n-grams and a clear winner); short titles often fail it. */
  reliable: boolean;
  /** Scores of the best candidates, highest first. */
  candidates: { language: string; score: number }[];
}

export function detectLanguage(text: string): DetectedLanguage {
  const r = eld.detect(text);
  const scores = r.getScores();
  const candidates = Object.entries(scores)
    .map(([language, score]) => ({ language, score }))
    .sort((a, b) => b.score - a.score)
    .slice(0, 5);
  return { language: r.language, reliable: r.language !== '' && r.isReliable(), candidates };
}

/** What a client knows about one label pack (LabelPackIndex entries fit). */
export interface AvailableLanguage {
  language: string;
  coverage?: { skill?: { labelled: number; concepts: number }; occupation?: { labelled: number; concepts: number } };
}

export interface LanguagePlan {
  /** Language whose labels are matched beside English; null = English only. */
  matchLanguage: string | null;
  /** Language in which results are shown first (falls back to English per concept). */
  displayLanguage: string;
  /** A message for the user, or undefined when there is nothing to say. */
  notice?: string;
}

function languageName(code: string): string {
  try {
    return new Intl.DisplayNames(['en'], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}

/**
 * Decides which labels to match for a text in `language` (detected or chosen by the user) given the
 * label packs that exist: the language's pack plus English, or English alone with a notice saying so
 * (and what a multilingual model would add). Partial packs get a notice naming what is missing.
 */
export function planLanguage(language: string, available: readonly AvailableLanguage[], englishLanguage = 'en'): LanguagePlan {
  if (!language || language === englishLanguage) return { matchLanguage: null, displayLanguage: englishLanguage };
  const pack = available.find((a) => a.language === language);
  const name = languageName(language);
  if (!pack) {
    return {
      matchLanguage: null,
      displayLanguage: englishLanguage,
      notice:
        `The text looks ${name} (${language}); ESCO labels in ${name} are not available here, so only English labels are matched ` +
        `and results are shown in English. A multilingual model (bge-m3) finds skills and occupations across languages.`,
    };
  }
  const skill = pack.coverage?.skill;
  const share = skill && skill.concepts > 0 ? skill.labelled / skill.concepts : 1;
  const notice =
    share === 0
      ? `ESCO has occupation labels in ${name} here but no skill labels: skills are matched with English labels (languages also by their ${name} names) and shown in English.`
      : share < 0.5
        ? `ESCO has ${name} labels for ${Math.round(share * 100)}% of skills here; the others are matched and shown in English.`
        : undefined;
  return { matchLanguage: language, displayLanguage: language, ...(notice ? { notice } : {}) };
}
