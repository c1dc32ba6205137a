// How much of a skill's label a passage says in its own words: the share of the label's content
// words (weighted by how rare each is among the labels, so "manage" or "prüfen" count little and
// "staff" or "Lieferungen" much) that the passage also contains, in the text's language or in
// English. The model's cosines do not separate a right skill from a wrong one for a short passage:
// for "solving problems" a small model ranks "solve problems" no higher than skills it does not say,
// and for "Performing tests" it ranks "perform test run" as high as the right ones. A passage that
// says a label's rare words is evidence the model's neighbourhood alone is not (thresholds.ts moves
// the score by it). Pure: words are keyed as the label matcher keys them (foldWord, then the
// language's stemmer).
import { foldWord } from './lexical.ts';
import type { LocalizedLabels } from './labelPacks.ts';
import type { Taxonomy } from './taxonomy.ts';
import { STOPWORDS, type WordKey } from './wordKeys.ts';

const ENGLISH_STOPWORDS = ['a', 'an', 'the', 'and', 'or', 'of', 'to', 'in', 'on', 'for', 'with', 'by', 'at', 'from', 'as', 'into', 'its', 'their', 'other', 'e.g', 'etc', 'be', 'is', 'are'];

/** Word keys of each skill's labels in one language, with each key's rarity among the labels. */
export interface LabelWordIndex {
  language: string;
  /** skill row -> its labels, each a list of distinct keys. */
  labels: (string[][] | undefined)[];
  /** key -> log(labels / labels with the key). */
  weight: Map<string, number>;
  /** A raw word's key (null: a function word). */
  key: (raw: string) => string | null;
}

const WORD = /[\p{L}\p{N}]+/gu;

function keysOf(text: string, key: (raw: string) => string | null): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(WORD)) {
    const k = key(m[0]);
    if (k !== null) out.add(k);
  }
  return [...out];
}

/** A word's key, or null for a function word; remembered per raw word (labels repeat their words). */
function wordKeyOf(wordKey: WordKey | undefined, stop: ReadonlySet<string>): (raw: string) => string | null {
  const seen = new Map<string, string | null>();
  return (raw) => {
    let k = seen.get(raw);
    if (k === undefined) {
      const w = foldWord(raw);
      k = stop.has(w) ? null : wordKey ? wordKey(w) : w;
      seen.set(raw, k);
    }
    return k;
  };
}

/** The index of one language: English from the taxonomy (preferred and alternative labels), another from its pack. */
export function buildLabelWords(taxonomy: Taxonomy, wordKey: WordKey | undefined, labels?: LocalizedLabels): LabelWordIndex {
  const language = labels?.language ?? 'en';
  const key = wordKeyOf(wordKey, new Set([...(language === 'en' ? ENGLISH_STOPWORDS : []), ...(STOPWORDS[language] ?? [])].map(foldWord)));
  const rows: (string[][] | undefined)[] = [];
  const df = new Map<string, number>();
  let count = 0;
  taxonomy.skills.forEach((s, i) => {
    const texts = labels ? (labels.skills[i] ? [labels.skills[i]!.label, ...(labels.skills[i]!.alt ?? [])] : []) : [s.label, ...s.altLabels];
    if (!texts.length) return;
    const keyed = texts.map((t) => keysOf(t, key)).filter((k) => k.length > 0);
    if (!keyed.length) return;
    rows[i] = keyed;
    for (const k of new Set(keyed.flat())) df.set(k, (df.get(k) ?? 0) + 1);
    count++;
  });
  const weight = new Map<string, number>();
  for (const [k, n] of df) weight.set(k, Math.log((count + 1) / n));
  return { language, labels: rows, weight, key };
}

/** The passage's keys in the index's language (computed once per passage, reused for every skill). */
export function passageKeys(index: LabelWordIndex, passage: string): Set<string> {
  return new Set(keysOf(passage, index.key));
}

/**
 * The label-word indexes a text is read with, its own language's first: English text, English;
 * another language, its pack's skill labels and English (ads mix in English terms); none when the
 * language has no skill labels (Danish, Italian, ...: then no skill gets a coverage, so every
 * language's scores stay comparable).
 */
export function textLabelWords(taxonomy: Taxonomy, englishKey: WordKey | undefined, labels?: LocalizedLabels, nativeKey?: WordKey): LabelWordIndex[] {
  let english = englishIndexes.get(taxonomy);
  if (!english) englishIndexes.set(taxonomy, (english = buildLabelWords(taxonomy, englishKey)));
  if (!labels) return [english];
  if (!labels.skills.some(Boolean)) return [];
  return [buildLabelWords(taxonomy, nativeKey, labels), english];
}

const englishIndexes = new WeakMap<Taxonomy, LabelWordIndex>();

/**
 * Candidate.labelCoverage of a skill for one passage: its best coverage over the indexes (the text's
 * language first). Undefined where the text's language has no label for the skill and no English
 * label words are in the passage: nothing was read, so the score is not moved.
 */
export function passageCoverage(indexes: readonly LabelWordIndex[], passageKeysOf: readonly ReadonlySet<string>[], skill: number): number | undefined {
  let best = 0;
  for (let i = 0; i < indexes.length; i++) best = Math.max(best, labelCoverage(indexes[i], skill, passageKeysOf[i]));
  return best > 0 || indexes[0]?.labels[skill] ? best : undefined;
}

/** Share (0-1) of the skill's best-covered label, by rarity weight, whose words the passage contains. */
export function labelCoverage(index: LabelWordIndex, skill: number, keys: ReadonlySet<string>): number {
  const labels = index.labels[skill];
  if (!labels) return 0;
  let best = 0;
  for (const label of labels) {
    let have = 0;
    let all = 0;
    for (const k of label) {
      const w = index.weight.get(k) ?? 0;
      all += w;
      if (keys.has(k)) have += w;
    }
    if (all > 0 && have / all > best) best = have / all;
  }
  return best;
}
