// ESCO's language concepts ("English", "German", ...) and their names in the text's language, from
// the runtime's CLDR data (Intl.DisplayNames). The language matchers add the names as labels
// (multilingualLexical.ts); the English matcher reads a name before the word it describes ("the
// Danish region") as weak evidence (lexical.ts F_LANGUAGE). ESCO's skill labels exist here in
// English, German, Dutch and French only, so "Ottima conoscenza della lingua inglese", "Dominio del
// español" or "znajomość języka angielskiego" named no skill, yet a language requirement is in most
// European ads. CLDR names every language in every language the browser and Node know, so the rule
// is the same for all of them and needs no list of our own.
import type { Taxonomy } from './taxonomy.ts';

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

function displayNames(locale: string): Intl.DisplayNames | undefined {
  try {
    return new Intl.DisplayNames([locale], { type: 'language', fallback: 'none' });
  } catch {
    return undefined; // a runtime without the locale's data, or an invalid code: no names, no harm
  }
}

/** English CLDR name (lower case) -> ISO 639-1 code, for the two-letter codes the runtime knows. */
let englishCodes: Map<string, string> | undefined;
function codesByEnglishName(): Map<string, string> {
  if (englishCodes) return englishCodes;
  englishCodes = new Map();
  const en = displayNames('en');
  if (!en) return englishCodes;
  for (const a of LETTERS)
    for (const b of LETTERS) {
      const code = a + b;
      const name = en.of(code);
      if (name && name !== code) englishCodes.set(name.toLowerCase(), code);
    }
  return englishCodes;
}

/**
 * Skill rows that are languages, with their ISO 639-1 code: knowledge concepts whose English
 * preferred label is CLDR's English name of a language ("English" -> en). The skills built on
 * them ("understand spoken English") are skill/competence concepts and are not named here.
 */
export function languageConcepts(taxonomy: Taxonomy): Map<number, string> {
  const byName = codesByEnglishName();
  const out = new Map<number, string>();
  taxonomy.skills.forEach((s, i) => {
    if (s.skillType !== 'knowledge') return;
    const code = byName.get(s.label.toLowerCase());
    if (code) out.set(i, code);
  });
  return out;
}

/** Each language concept's name in `language` ("inglese" for English in Italian), by skill row. */
export function languageNamesIn(taxonomy: Taxonomy, language: string): Map<number, string> {
  const names = displayNames(language);
  const out = new Map<number, string>();
  if (!names) return out;
  for (const [row, code] of languageConcepts(taxonomy)) {
    const name = names.of(code);
    if (name && name !== code) out.set(row, name);
  }
  return out;
}
