// Shorter queries inside a long job title: the occupation of "Bibliothécaire pour la Bibliothèque
// George Orwell", "Ingegnere meccanico junior per progettazione impianti" or "Enthousiaste en zorgzame
// pedagogisch medewerker voor onze peutergroep" is in its leading phrase, while the whole title
// matches no label and shares too few words with one to be trusted. Titles put what the job is first
// and then complements: purpose and place ("für", "pour", "per", "voor", "for", "in", "bei"), then
// attributes ("der", "de", "di", "of"), and coordinations ("und", "et", "and"). The phrases are:
// - the leading phrase, up to the first complement word or comma ("Bibliothécaire", "Technicien de
//   maintenance" of "Technicien de maintenance en nautisme"), and the shortest, up to the first
//   attribute or coordination word ("Technicien", "Assistenz" of "Assistenz der Buchhaltung");
// - in head-final languages (English, German, Dutch, Scandinavian: the noun that names the job is
//   the phrase's last word) also what follows a coordination inside the leading phrase
//   ("zorgzame pedagogisch medewerker").
// The words are per language (a title's language is known from the text's); unknown languages use
// the complement words that are words of no other kind in the supported languages. Phrases are
// candidates, not replacements: "Fachkraft für Lagerlogistik" is itself an occupation, so the ranking
// keeps the whole title and weighs the phrases lower (occupationRanking.ts), and a label equal to a
// phrase cut before an attribute ("Animateur" of "Animateur de groupes d’enfants": presenter in ESCO)
// does not count as the title's own label. Pure.
export interface TitleSpan {
  /** The words to rank: markers, brackets and tails removed, whitespace collapsed. */
  text: string;
  /** Offsets into the ad: ad.slice(start, end) is the original wording (inner markers included). */
  start: number;
  end: number;
}

/** Lower case, no diacritics, punctuation to spaces (adTitle.ts foldTitleWords; not imported: adTitle.ts imports this module). */
const foldTitleWords = (s: string): string =>
  s.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase().replace(/ł/g, 'l').replace(/[^\p{L}\p{N}&]+/gu, ' ').trim();

/** Words that open a complement of the job: purpose, place, employer, department (folded). */
const COMPLEMENT: Readonly<Record<string, readonly string[]>> = {
  en: ['for', 'at', 'in', 'with', 'within', 'to', 'on', 'from'],
  de: ['fur', 'fuer', 'in', 'im', 'bei', 'beim', 'mit', 'zur', 'zum', 'am', 'an', 'ab'],
  fr: ['pour', 'a', 'au', 'aux', 'en', 'dans', 'chez', 'avec', 'sur', 'aupres'],
  nl: ['voor', 'bij', 'in', 'met', 'op', 'te'],
  es: ['para', 'en', 'con', 'a', 'al', 'por'],
  it: ['per', 'in', 'presso', 'con', 'a', 'al', 'nel', 'nella', 'su'],
  pt: ['para', 'em', 'no', 'na', 'com', 'a'],
  pl: ['dla', 'w', 'we', 'na', 'z', 'ze', 'do'],
  sv: ['for', 'pa', 'i', 'hos', 'med', 'till', 'inom'],
  da: ['for', 'pa', 'i', 'hos', 'med', 'til'],
  no: ['for', 'pa', 'i', 'hos', 'med', 'til'],
};
/** Words that attach an attribute ("Assistenz der Buchhaltung", "chef de projet"): a shorter phrase still. */
const ATTRIBUTE: Readonly<Record<string, readonly string[]>> = {
  en: ['of'],
  de: ['der', 'des', 'von'],
  fr: ['de', 'du', 'des', 'd'],
  nl: ['van', 'der'],
  es: ['de', 'del'],
  it: ['di', 'del', 'della', 'dei', 'degli', 'delle', 'dello', 'd'],
  pt: ['de', 'do', 'da', 'dos', 'das'],
};
const COORDINATION: Readonly<Record<string, readonly string[]>> = {
  en: ['and', 'or', '&'],
  de: ['und', 'oder', '&'],
  fr: ['et', 'ou', '&'],
  nl: ['en', 'of', '&'],
  es: ['y', 'o', 'e', '&'],
  it: ['e', 'ed', 'o', '&'],
  pt: ['e', 'ou', '&'],
  pl: ['i', 'lub', 'oraz', '&'],
  sv: ['och', 'eller', '&'],
  da: ['og', 'eller', '&'],
  no: ['og', 'eller', '&'],
};
/**
 * A phrase of a title and where it was cut: before a complement or comma ('complement': the title
 * without its purpose or place, still the whole job), before an attribute ('attribute': "Animateur"
 * of "Animateur de groupes d’enfants" has lost what says which animateur), before a coordination
 * ('coordination': "Responsable administratif" of "... et financier"), or the noun phrase after a
 * coordination in a head-final language ('head').
 */
export interface TitlePhrase extends TitleSpan {
  cut: 'complement' | 'attribute' | 'coordination' | 'head';
}

/** Languages whose noun phrases end with their head noun ("pedagogisch medewerker", "bus driver"). */
const HEAD_FINAL = new Set(['en', 'de', 'nl', 'sv', 'da', 'no']);
/** Without a language: words that are a complement in one language and nothing else in the others. */
const ANY_COMPLEMENT = ['for', 'fur', 'fuer', 'pour', 'voor', 'per', 'para', 'dla', 'bei', 'chez', 'presso', 'bij', 'with', 'mit', 'avec'];

interface Word {
  folded: string;
  /** Offsets into the span's text. */
  at: number;
  to: number;
  /** Offsets into the source. */
  start: number;
  end: number;
  /** A comma or semicolon comes before the word ("groupes d’enfants, de jeunes"): a list or an aside starts. */
  afterComma: boolean;
}

/**
 * The words of a span with their offsets in `source` (the span's words occur there in order). An
 * elided article is a word of its own ("d’enfants": "d", "enfants"), "&" is one (a coordination).
 */
function wordsOf(span: TitleSpan, source: string | undefined): Word[] | null {
  const out: Word[] = [];
  let cursor = span.start;
  for (const m of span.text.matchAll(/[\p{L}\p{N}][\p{L}\p{N}+#.*:-]*|&/gu)) {
    const w = m[0].replace(/[.:-]+$/, '');
    let start = span.start + m.index!;
    if (source !== undefined) {
      start = source.indexOf(w, cursor);
      if (start < 0 || start >= span.end) return null; // not the span's source: no offsets to give
    }
    cursor = start + w.length;
    const prev = out[out.length - 1];
    const afterComma = prev !== undefined && /[,;]/.test(span.text.slice(prev.to, m.index!));
    out.push({ folded: foldTitleWords(w), at: m.index!, to: m.index! + w.length, start, end: start + w.length, afterComma });
  }
  return out;
}

/**
 * Sub-phrases of a title to rank beside it, each with offsets into `source` (the text the span's
 * offsets refer to; omit it when the span's text is its source verbatim, as for a typed title):
 * the leading phrase (up to the first complement word or comma), the shortest one (up to the first
 * attribute or coordination word in it) and, in head-final languages, the phrase after the leading
 * phrase's last coordination. `language` is ISO 639-1 (undefined: only the unambiguous complement
 * words). Empty when the title is one phrase already.
 */
export function titlePhrases(span: TitleSpan, language?: string, source?: string): TitlePhrase[] {
  const ws = wordsOf(span, source);
  if (!ws || ws.length < 2) return [];
  const lang = language && COMPLEMENT[language] ? language : undefined;
  const complement = new Set(lang ? COMPLEMENT[lang] : ANY_COMPLEMENT);
  const attribute = new Set(lang ? ATTRIBUTE[lang] ?? [] : []);
  const coordination = new Set(lang ? COORDINATION[lang] ?? [] : []);
  const connector = (w: Word): boolean => attribute.has(w.folded) || coordination.has(w.folded) || complement.has(w.folded);
  const phrase = (a: number, b: number, cut: TitlePhrase['cut']): TitlePhrase | null => {
    // a phrase ending in a connector is cut further ("Responsable des" is no phrase)
    while (b > a && connector(ws[b - 1])) b--;
    return b > a ? { text: span.text.slice(ws[a].at, ws[b - 1].to), start: ws[a].start, end: ws[b - 1].end, cut } : null;
  };
  let lead = ws.length;
  for (let i = 1; i < ws.length; i++) {
    if (complement.has(ws[i].folded) || ws[i].afterComma) {
      lead = i;
      break;
    }
  }
  const out: (TitlePhrase | null)[] = [];
  if (lead < ws.length) out.push(phrase(0, lead, 'complement'));
  for (let i = 1; i < lead; i++) {
    if (attribute.has(ws[i].folded) || coordination.has(ws[i].folded)) {
      out.push(phrase(0, i, attribute.has(ws[i].folded) ? 'attribute' : 'coordination'));
      break;
    }
  }
  if (lang && HEAD_FINAL.has(lang)) {
    for (let i = lead - 2; i >= 1; i--) {
      if (coordination.has(ws[i].folded)) {
        out.push(phrase(i + 1, lead, 'head'));
        break;
      }
    }
  }
  const seen = new Set([foldTitleWords(span.text)]);
  return out.filter((p): p is TitlePhrase => p !== null && /\p{L}{2}/u.test(p.text) && !seen.has(foldTitleWords(p.text)) && (seen.add(foldTitleWords(p.text)), true));
}
