// Word keys for languages other than English: the function that maps a case- and diacritic-folded
// word to the key the label matcher and the title search compare (lexical.ts `wordKey`).
// - 'none': the folded word itself.
// - 'light': a hand-written inflection strip (plural and case endings, minimum stem 4 letters).
// - 'stem': the Snowball stemmer of the language from @orama/stemmers (maintained, one small ESM
//   module per language, loaded on demand so a German user never downloads the Hungarian one).
// Which one the app uses per language is DEFAULT_KEY_MODE, chosen on the MELO validation titles
// (scripts/eval-titles.ts prints all three).
export type KeyMode = 'none' | 'light' | 'stem';
export type WordKey = (word: string) => string;

/** Inflection endings stripped by the light normaliser, longest first; the stem keeps >= 4 letters. */
const LIGHT_ENDINGS: Readonly<Record<string, readonly string[]>> = {
  de: ['innen', 'ern', 'en', 'em', 'es', 'er', 'in', 'e', 'n', 's'],
  nl: ['heden', 'ssen', 'en', 'es', 'e', 's'],
  fr: ['euses', 'euse', 'rices', 'rice', 'aux', 'es', 'e', 's', 'x'],
  es: ['es', 'as', 'os', 'a', 'o', 's'],
  it: ['i', 'e', 'a', 'o'],
  pt: ['ões', 'es', 'as', 'os', 'a', 'o', 's'],
  // Polish has no Snowball stemmer: adjective and noun case endings, folded (ą -> a, ó -> o)
  pl: ['iego', 'iemu', 'ami', 'ach', 'ego', 'emu', 'ych', 'ich', 'ymi', 'imi', 'ow', 'om', 'ej', 'ym', 'im', 'ie', 'a', 'e', 'i', 'o', 'u', 'y'],
};

export function lightKey(language: string): WordKey | undefined {
  const endings = LIGHT_ENDINGS[language];
  if (!endings) return undefined;
  return (w: string): string => {
    for (const e of endings) if (w.length - e.length >= 4 && w.endsWith(e)) return w.slice(0, -e.length);
    return w;
  };
}

/** Snowball stemmers @orama/stemmers ships, by ISO 639-1 code. */
const STEMMERS: Readonly<Record<string, () => Promise<{ stemmer: WordKey }>>> = {
  bg: () => import('@orama/stemmers/bulgarian'),
  da: () => import('@orama/stemmers/danish'),
  de: () => import('@orama/stemmers/german'),
  en: () => import('@orama/stemmers/english'),
  es: () => import('@orama/stemmers/spanish'),
  fi: () => import('@orama/stemmers/finnish'),
  fr: () => import('@orama/stemmers/french'),
  hu: () => import('@orama/stemmers/hungarian'),
  it: () => import('@orama/stemmers/italian'),
  lt: () => import('@orama/stemmers/lithuanian'),
  nl: () => import('@orama/stemmers/dutch'),
  no: () => import('@orama/stemmers/norwegian'),
  pt: () => import('@orama/stemmers/portuguese'),
  ro: () => import('@orama/stemmers/romanian'),
  sv: () => import('@orama/stemmers/swedish'),
};

export const stemmerLanguages = (): string[] => Object.keys(STEMMERS);

/** The Snowball stemmer of a language, undefined when none exists; the word it gets is already folded. */
export async function loadStemmer(language: string): Promise<WordKey | undefined> {
  const load = STEMMERS[language];
  if (!load) return undefined;
  const { stemmer } = await load();
  const cache = new Map<string, string>();
  return (w: string): string => {
    let k = cache.get(w);
    if (k === undefined) {
      k = stemmer(w);
      cache.set(w, k);
    }
    return k;
  };
}

/** The word key of a mode; falls back to the next lighter mode where a language has no stemmer/endings. */
export async function wordKeyFor(language: string, mode: KeyMode): Promise<WordKey | undefined> {
  if (mode === 'stem') return (await loadStemmer(language)) ?? lightKey(language);
  if (mode === 'light') return lightKey(language);
  return undefined;
}

/** Function words per language for the matcher's stopword guard (a label made only of these never matches). */
export const STOPWORDS: Readonly<Record<string, readonly string[]>> = {
  de: ['der', 'die', 'das', 'den', 'dem', 'des', 'ein', 'eine', 'einer', 'eines', 'einem', 'einen', 'und', 'oder', 'mit', 'von', 'vom', 'zu', 'zum', 'zur', 'im', 'in', 'an', 'am', 'auf', 'aus', 'bei', 'für', 'nach', 'über', 'unter', 'ist', 'sind', 'wir', 'sie', 'ihr', 'ich', 'du', 'es', 'nicht', 'auch', 'als', 'wie', 'bzw'],
  fr: ['le', 'la', 'les', 'un', 'une', 'des', 'du', 'de', 'et', 'ou', 'en', 'au', 'aux', 'avec', 'pour', 'par', 'sur', 'dans', 'est', 'sont', 'nous', 'vous', 'il', 'elle', 'ils', 'ne', 'pas', 'que', 'qui'],
  es: ['el', 'la', 'los', 'las', 'un', 'una', 'unos', 'unas', 'de', 'del', 'y', 'o', 'en', 'con', 'para', 'por', 'sobre', 'es', 'son', 'que', 'se', 'al', 'no'],
  nl: ['de', 'het', 'een', 'en', 'of', 'van', 'in', 'op', 'met', 'voor', 'door', 'aan', 'bij', 'is', 'zijn', 'wij', 'we', 'u', 'je', 'niet', 'ook', 'als'],
  it: ['il', 'lo', 'la', 'i', 'gli', 'le', 'un', 'una', 'di', 'del', 'della', 'e', 'o', 'in', 'con', 'per', 'su', 'da', 'che', 'non'],
  pt: ['o', 'a', 'os', 'as', 'um', 'uma', 'de', 'do', 'da', 'dos', 'das', 'e', 'ou', 'em', 'no', 'na', 'com', 'para', 'por', 'que', 'não'],
};
