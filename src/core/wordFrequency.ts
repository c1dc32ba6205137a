// How common a word is in a language at large, for telling a label that names a concept ("Kubernetes",
// "Wundversorgung") from a label that is also an everyday word ("Bereich", "net", "Roma", "security").
// The tables come from the wordfreq project (Robyn Speer et al.; data CC BY-SA 4.0, built from
// Wikipedia, subtitles, news, books, web text and more), extracted at build time by
// scripts/wordFrequency.ts into the taxonomy asset (English) and each label pack (its language).
// Zipf scale: log10 of the frequency per billion words; 6 = "the"-like, 4 = once in 100,000 words,
// 3 = rare. Only words at or above STORED_MIN_ZIPF are stored, folded as the label matcher folds them.

export interface WordFrequencyTable {
  /** Where the numbers come from, for the notice (source, version, licence). */
  source: string;
  /** The wordfreq list used (e.g. 'en', 'nb' for Norwegian, 'sh' for Croatian). */
  list: string;
  /** Folded word -> Zipf frequency (two decimals). */
  zipf: Record<string, number>;
}

/** Words rarer than this are not stored: no threshold below uses them. */
export const STORED_MIN_ZIPF = 4;

/**
 * From this frequency up, a one-word label is weak evidence, unless it names its concept. A preferred
 * label (or its head, "Java" of "Java (computer programming)") is the concept's name: "English",
 * "communication" or "surgery" in an ad mean those skills (every such mention in the Decorte
 * validation sentences was a gold label). An alternative label, or a form derived from a label (a
 * verb phrase's object, a stem), is one sense of a word among others: from a frequency of one in
 * 100,000 words ("security" 5.2, "Roma" 5.6 in Italian, "Karten" 4.7, "Unterlagen" 4.3, "net" 5.9
 * in Dutch) it needs the model's support. Names of tools stay strong even as alternative labels when
 * they are rarer: "Kubernetes", "JavaScript" 3.5.
 */
export function commonWordZipf(label: 'preferred' | 'head' | 'alternative'): number {
  if (label === 'preferred') return Infinity;
  // The head of a qualified label ("Source (digital game creation systems)", "Spring (Java
  // framework)") names the concept only in the qualifier's sense: weak from one in 30,000 words
  // ("source" 5.2, "spring" 4.9, "word" 5.3), so "Java" (4.0) and "Swift" (4.2) stay strong.
  if (label === 'head') return 4.5;
  return STORED_MIN_ZIPF;
}

/** wordfreq list for an ESCO language code: Norwegian is Bokmål ('nb'), Croatian is in Serbo-Croatian ('sh'). */
export function wordfreqList(language: string): string {
  return ({ no: 'nb', hr: 'sh' } as Record<string, string>)[language] ?? language;
}
