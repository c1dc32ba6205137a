// The title of a job ad, in any language: the strongest occupation signal an ad has. Found as
// - a title field: "Job title: ...", "Stellenbezeichnung: ...", "Poste : ...", "Functie: ...", ...
//   (value on the same line, or on the next one when the label stands alone), among the first lines;
// - else the first line that reads as a title: the first non-empty line, after lines that are only
//   placeholders ("<ORGANIZATION>"), a date, a link or an "ad" heading ("Stellenangebot", "Job offer");
//   it is a title when it does not end like a sentence, is at most 12 words, is no section heading
//   or CV heading, does not open like a sentence ("We are...", "Wir sind...", "Nous..."), and, for
//   English (title case is the norm there), longer lines are mostly capitalised;
// - a lead-in on that line names it: "Wir suchen eine Assistenz der Buchhaltung (...)",
//   "Nabór na stanowisko pracownika ...", "We are hiring a Data Engineer to ...".
// The title proper has bracketed asides (gender markers "(m/w/d)", "(H/F)", "(Azure/AWS)"), free
// gender markers ("m/w/d"), placeholders, an employer tail ("bei der OKF", "at <ORGANIZATION>"),
// contract tails ("Vollzeit", "Full-time job", "CDI") and a place tail ("in Berlin") removed; a title
// of several parts split by a spaced dash or bar ("Lagerist – Fachkraft für Lagerlogistik") keeps
// each part with its own offsets, so a ranking can take the part that names an occupation; the
// leading phrases of each part ("Bibliothécaire" of "Bibliothécaire pour la Bibliothèque George
// Orwell", titlePhrases.ts) come with it, for a long title no label matches as a whole. Offsets
// are exact offsets into the text (UTF-16, as String.slice). A text without a title (a CV, a
// sentence, a text of one line) gives null. Pure and synchronous.
import { titlePhrases, type TitlePhrase, type TitleSpan } from './titlePhrases.ts';

export type { TitleSpan } from './titlePhrases.ts';


export interface AdTitle extends TitleSpan {
  /** How the title was found. */
  source: 'field' | 'first-line' | 'lead-in';
  /** The whole line the title is on. */
  line: { start: number; end: number };
  /**
   * The title's parts where a spaced dash or bar splits it ("Lagerist – Fachkraft für Lagerlogistik"),
   * each with its offsets; one part (the title itself) otherwise. Contract and place parts are left out.
   */
  parts: TitleSpan[];
  /**
   * Shorter phrases inside the parts, in the title's language (titlePhrases.ts: "Bibliothécaire" of
   * "Bibliothécaire pour la Bibliothèque ..."), with offsets into the ad; empty for a one-phrase title.
   */
  phrases?: TitlePhrase[];
}

export interface AdTitleOptions {
  /** The text's language (ISO 639-1), when known: English lines of 3+ content words must be in title case. */
  language?: string;
  /** Lines searched for a title field (default 25). */
  fieldLines?: number;
}

export const TITLE_MAX_WORDS = 12;
const TITLE_MAX_CHARS = 120;
/** Lines before the title that may be skipped: placeholders, dates, links, "job offer" headings. */
const MAX_SKIPPED_LINES = 3;

/**
 * Labels of a title field, folded (lower case, no diacritics), without the colon. A strong label
 * names the title and wins over the first line; a weak one ("Role:", "Position:") is also a category
 * or a workload on job boards, and is read only where the first line is no title.
 */
const STRONG_FIELDS = new Set([
  'job title', 'position title', 'job role', 'title of the position', 'vacancy title',
  'stellenbezeichnung', 'stellentitel', 'jobtitel', 'berufsbezeichnung', 'jobbezeichnung', 'position/stelle',
  'poste', 'intitule du poste', 'intitule', 'titre du poste', 'poste propose', 'intitule de poste',
  'functie', 'functietitel', 'functienaam', 'vacature', 'naam vacature',
  'puesto', 'titulo del puesto', 'puesto de trabajo', 'nombre del puesto', 'puesto vacante',
  'posizione', 'titolo della posizione', 'posizione lavorativa', 'figura ricercata',
  'titulo da vaga', 'nome da vaga',
  'stanowisko', 'nazwa stanowiska',
  'stillingsbetegnelse', 'stillingstittel', 'befattning', 'tjanstetitel',
  'pozice', 'pozicia', 'nazev pozice', 'munkakor', 'pozicija', 'radno mjesto', 'ametikoht', 'amats', 'pareigos', 'длъжност',
]);
const WEAK_FIELDS = new Set([
  'title', 'position', 'role', 'job', 'vacancy', 'titel', 'titre', 'titolo', 'titulo', 'stelle', 'funktion', 'fonction', 'emploi', 'metier',
  'beroep', 'cargo', 'ocupacion', 'ruolo', 'profilo', 'mansione', 'qualifica', 'funcao', 'vaga', 'stilling', 'tjanst', 'amet',
]);

/** Values of a "position" field that are no title (contract, workload, place). */
const CONTRACT_WORDS = new Set([
  'full', 'time', 'full-time', 'fulltime', 'part', 'part-time', 'parttime', 'job', 'permanent', 'temporary', 'contract', 'freelance', 'remote', 'hybrid', 'onsite', 'on-site', 'internship', 'immediately', 'asap', 'start', 'now',
  'vollzeit', 'teilzeit', 'minijob', 'befristet', 'unbefristet', 'ab', 'sofort', 'festanstellung', 'homeoffice', 'home', 'office', 'oder', 'und', 'or', 'and', 'en', 'et', 'o', 'y', 'e', 'i',
  'cdi', 'cdd', 'temps', 'plein', 'partiel', 'interim', 'alternance', 'stage', 'teletravail', 'h', 'f', 'x', 'm', 'w', 'd',
  'voltijd', 'deeltijd', 'vast', 'tijdelijk', 'uur', 'uren', 'per', 'week',
  'tiempo', 'completo', 'parcial', 'media', 'jornada', 'indefinido', 'temporal',
  'tempo', 'pieno', 'determinato', 'indeterminato',
  'pelny', 'etat', 'heltid', 'deltid', 'fast', 'vikariat', 'heltid', 'deltid',
]);

/** Section headings, ad headings and CV headings: lines that are no title (folded). */
const HEADINGS = new Set([
  'description', 'job description', 'position description', 'profile', 'summary', 'about', 'about us', 'the role', 'the position', 'the job', 'role', 'position', 'job', 'opportunity', 'the opportunity', 'we offer', 'your role', 'your tasks', 'responsibilities', 'requirements', 'overview', 'job offer', 'job opening', 'job advertisement', 'vacancy', 'hiring', 'we are hiring', 'we re hiring', 'now hiring', 'apply now', 'details', 'job details',
  'stellenangebot', 'stellenausschreibung', 'stellenanzeige', 'jobangebot', 'wir suchen', 'ihre aufgaben', 'ihr profil', 'uber uns', 'wir bieten', 'aufgaben', 'profil', 'beschreibung', 'stellenbeschreibung',
  'offre d emploi', 'offre', 'description du poste', 'le poste', 'poste', 'votre mission', 'vos missions', 'profil recherche', 'qui sommes nous', 'nous recrutons', 'on recrute', 'informations relatives a l emploi',
  'vacature', 'vacatures', 'jobomschrijving', 'functieomschrijving', 'functie', 'wie zijn wij', 'wat bieden wij', 'wat ga je doen', 'wij zoeken', 'profiel', 'omschrijving',
  'oferta de empleo', 'oferta de trabajo', 'oferta', 'descripcion', 'descripcion del puesto', 'detalles del empleo', 'requisitos', 'funciones', 'quienes somos',
  'offerta di lavoro', 'offerta', 'descrizione', 'descrizione del ruolo', 'chi siamo', 'requisiti',
  'oferta pracy', 'ogloszenie', 'opis stanowiska', 'wymagania', 'obowiazki',
  'ledig stilling', 'ledige stillinger', 'jobopslag', 'lediga jobb', 'ledigt jobb',
  // CVs
  'curriculum vitae', 'cv', 'resume', 'lebenslauf', 'tabellarischer lebenslauf', 'levenslauf', 'levensloop', 'curriculum', 'personal details', 'personal information', 'persoenliche daten', 'persoenliche angaben', 'persönliche daten', 'profile summary', 'zyciorys', 'zivotopis', 'zivotopis', 'elulookirjeldus', 'meritfortegnelse',
]);

/** First words that open a sentence, not a title (folded). */
const SENTENCE_OPENERS = new Set([
  'we', 'we re', 'our', 'are', 'do', 'does', 'is', 'join', 'looking', 'you', 'your', 'if', 'this', 'the', 'at', 'as', 'in', 'with', 'a', 'an', 'can', 'would', 'want', 'come', 'become', 'ready', 'why', 'what', 'how', 'who', 'about', 'located', 'based', 'from',
  'wir', 'sie', 'du', 'ihr', 'unser', 'unsere', 'unserer', 'bei', 'die', 'der', 'das', 'fur', 'mit', 'willkommen', 'werde', 'werden', 'bist', 'hast', 'haben', 'suchst', 'suchen', 'zur', 'zum', 'ab', 'als', 'im',
  'nous', 'vous', 'notre', 'nos', 'votre', 'vos', 'rejoignez', 'rejoins', 'le', 'la', 'les', 'l', 'dans', 'pour', 'au', 'chez', 'envie', 'tu', 'vous etes', 'etes',
  'wij', 'jij', 'je', 'u', 'ons', 'onze', 'ben', 'bent', 'heb', 'hebt', 'heeft', 'zoek', 'zoekt', 'kom', 'word', 'het', 'de', 'een', 'bij', 'voor', 'met', 'wil', 'wat', 'hoe',
  'somos', 'buscamos', 'estamos', 'nuestro', 'nuestra', 'te', 'tu', 'el', 'los', 'las', 'en', 'unete', 'quieres', 'eres', 'si', 'con', 'para',
  'siamo', 'cerchiamo', 'stiamo', 'il', 'lo', 'gli', 'nel', 'nella', 'sei', 'vuoi', 'unisciti', 'ti', 'per',
  'jestesmy', 'szukamy', 'poszukujemy', 'dolacz', 'czy', 'firma',
  'vi', 'er', 'du', 'har', 'bliv', 'vil', 'ar', 'soker', 'soger', 'soker',
]);

/** A lead-in that names the title after it: the title starts at the match's end. */
const LEAD_IN = new RegExp(
  '^(?:' +
    [
      'wir suchen(?: ab sofort| zum n(?:a|ä)chstm(?:o|ö)glichen zeitpunkt)?(?: zur verst(?:a|ä)rkung unseres teams)?',
      'we are (?:looking for|hiring|seeking|recruiting)', "we're (?:looking for|hiring|seeking|recruiting)", 'now hiring:?',
      'nous recherchons', 'nous recrutons', 'on recherche',
      'wij zoeken', 'we zoeken', 'gezocht:?', 'vacature:?',
      'buscamos', 'estamos buscando', 'se busca', 'se necesita', 'se requiere',
      'cerchiamo', 'stiamo cercando', 'ricerchiamo',
      'szukamy', 'poszukujemy', 'zatrudnimy', '(?:nab(?:o|ó)r|konkurs|oferta pracy) na stanowisko', 'oferta pracy:?',
      'vi s(?:ø|ö)ger', 'vi soger', 'vi soker',
    ].join('|') +
    ')\\s+(?:(?:eine?n?|ein\\(e\\)|a|an|un|une|un\\(e\\)|un\\.e|een|una|uno|un\\/a|un\\/una|um|uma|en|ett|et)\\s+)?',
  'iu',
);
/** Where a lead-in title ends: a clause after it ("to join our team", "für unser Team", "pour rejoindre"). */
const LEAD_IN_END = /\s+(?:to|who|that|which|for our|for the|for a|zur|zum|f(?:u|ü)r (?:unser|unsere|unseren|ihr|ihre|den|die|das)|welche|pour|qui|afin|om|voor (?:ons|onze)|que|para|per|che|aby|som|til|till)\s.*$|[,.;!?].*$/iu;

/** Tails after the title proper: employer ("bei der X", "at X", "chez X") or place ("in Berlin"). */
const EMPLOYER_TAIL = /\s+(?:at|@|bei|chez|bij|presso|hos)\s+(?:(?:der|dem|den|die|the|la|le|l'|l’|het|de)\s+)?(?:\p{Lu}|<|\d).*$/u;
const PLACE_TAIL = /\s+(?:in|à|a|en|w|i)\s+(?:<[A-Z_]+>|\p{Lu}[\p{L}'’.-]+(?:\s+(?:am|an|im|sur|upon|de|del)\s+\p{Lu}[\p{L}'’.-]+)?)\s*$/u;

const RE_PLACEHOLDER = /<[A-Z_]+>?/g;
/** Bracketed asides (and an unclosed bracket up to the line's end). */
const RE_BRACKETS = /\([^()\n]*\)?|\[[^[\]\n]*\]?|\{[^{}\n]*\}?/g;
/** Free gender markers: "m/w/d", "H/F", "f/m/x", "w/m/d" (not in brackets). */
const RE_FREE_MARKER = /(?<![\p{L}/])[mwdfhxMWDFHX]\s*\/\s*[mwdfhxMWDFHX](?:\s*\/\s*[mwdfhxMWDFHX])?(?![\p{L}/])/gu;
/** Spaced separators that split a title into parts. */
const RE_SEPARATOR = /\s+[-–—|•·]\s+|\s+[-–—]+$|^[-–—]+\s+/g;

/** Lower case, diacritics removed, punctuation to spaces (for the word lists). */
export function foldTitleWords(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/ł/g, 'l')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

const words = (s: string): string[] => s.match(/[\p{L}\p{N}][\p{L}\p{N}'’.+#-]*/gu) ?? [];

/** A line of the text with its offsets. */
interface Line {
  start: number;
  end: number;
  text: string;
}

function linesOf(text: string, max: number): Line[] {
  const out: Line[] = [];
  const re = /[^\r\n]*/g;
  let m: RegExpExecArray | null;
  while (out.length < max && (m = re.exec(text)) !== null) {
    if (m[0].trim()) {
      const lead = m[0].length - m[0].trimStart().length;
      out.push({ start: m.index + lead, end: m.index + m[0].trimEnd().length, text: m[0].trim() });
    }
    if (re.lastIndex >= text.length) break;
    re.lastIndex++;
  }
  return out;
}

/** Marks the characters of `s` that a regex matches as removed. */
function blank(s: string, keep: boolean[], re: RegExp): void {
  re.lastIndex = 0;
  for (const m of s.matchAll(re)) for (let i = m.index!; i < m.index! + m[0].length; i++) keep[i] = false;
}

/** The kept characters of s[from, to) as a span (collapsed whitespace), or null when no letter is kept. */
function spanOf(s: string, keep: boolean[], from: number, to: number, base: number): TitleSpan | null {
  let a = from;
  let b = to;
  while (a < b && (!keep[a] || /[\s,;:–—|/•·-]/.test(s[a]))) a++;
  while (b > a && (!keep[b - 1] || /[\s,;:–—|/•·-]/.test(s[b - 1]))) b--;
  if (a >= b) return null;
  let text = '';
  for (let i = a; i < b; i++) text += keep[i] ? s[i] : ' ';
  text = text.replace(/\s+/g, ' ').trim();
  if (!/\p{L}/u.test(text)) return null;
  return { text, start: base + a, end: base + b };
}

/** Cuts a regex-matched tail off a span (marking it removed). */
function cutTail(s: string, keep: boolean[], span: { a: number; b: number }, re: RegExp): void {
  let view = '';
  for (let i = span.a; i < span.b; i++) view += keep[i] ? s[i] : ' ';
  const m = re.exec(view);
  if (m && m.index > 0 && /\p{L}/u.test(view.slice(0, m.index))) {
    for (let i = span.a + m.index; i < span.b; i++) keep[i] = false;
  }
}

const isContractPart = (t: string): boolean => {
  const ws = foldTitleWords(t).split(' ').filter(Boolean);
  return ws.length > 0 && ws.every((w) => CONTRACT_WORDS.has(w) || /^\d+[a-z%]*$/.test(w));
};

/**
 * The title proper of s[from, to) (a line or a field's value) with its parts; null when nothing of a
 * title is left. `base` is the offset of s in the ad.
 */
function cleanTitle(s: string, base: number, from = 0, to = s.length): { title: TitleSpan; parts: TitleSpan[] } | null {
  const keep = new Array<boolean>(s.length).fill(true);
  for (let i = 0; i < from; i++) keep[i] = false;
  for (let i = to; i < s.length; i++) keep[i] = false;
  blank(s, keep, RE_BRACKETS);
  blank(s, keep, RE_FREE_MARKER);
  // parts between spaced separators (on the original line: the brackets are gone from `keep` only)
  const bounds: { a: number; b: number }[] = [];
  let at = from;
  RE_SEPARATOR.lastIndex = 0;
  for (const m of s.slice(0, to).matchAll(RE_SEPARATOR)) {
    if (m.index! < from || !keep[m.index! + m[0].search(/[-–—|•·]/)]) continue;
    bounds.push({ a: at, b: m.index! });
    at = m.index! + m[0].length;
  }
  bounds.push({ a: at, b: to });
  // tails first, while placeholders still show where an employer or a place was ("at <ORGANIZATION>")
  for (const part of bounds) {
    cutTail(s, keep, part, EMPLOYER_TAIL);
    cutTail(s, keep, part, PLACE_TAIL);
  }
  blank(s, keep, RE_PLACEHOLDER);
  const parts: TitleSpan[] = [];
  for (const part of bounds) {
    const span = spanOf(s, keep, part.a, part.b, base);
    if (!span || isContractPart(span.text)) continue;
    // a trailing contract phrase inside the part ("Koch Vollzeit"): cut word by word from the end
    const ws = span.text.split(' ');
    while (ws.length > 1 && (CONTRACT_WORDS.has(foldTitleWords(ws[ws.length - 1])) && foldTitleWords(ws[ws.length - 1]).length > 2)) ws.pop();
    if (ws.length < span.text.split(' ').length) {
      const last = ws[ws.length - 1];
      const endInLine = s.lastIndexOf(last, span.end - base) + last.length;
      parts.push({ text: ws.join(' '), start: span.start, end: base + endInLine });
    } else parts.push(span);
  }
  if (parts.length === 0) return null;
  const title: TitleSpan = { text: parts.map((p) => p.text).join(' – '), start: parts[0].start, end: parts[parts.length - 1].end };
  return { title, parts };
}

/** Whether a line (already cleaned to `t`) reads as a title rather than a sentence or a heading. */
function titleLike(raw: string, t: TitleSpan, language: string | undefined): boolean {
  const stripped = raw.replace(RE_PLACEHOLDER, ' ').replace(RE_BRACKETS, ' ').trim();
  if (/[.!?]$/.test(stripped) && !/\b\p{L}{1,4}\.$/u.test(stripped)) return false; // a sentence (not "Sen.", "Dr.")
  if (/[?!]/.test(stripped)) return false;
  if (/\S[:：]\s/u.test(stripped)) return false; // a "key: value" line ("Organization Name: ...", "Ref.: MD-021784")
  const ws = words(t.text);
  if (ws.length === 0 || ws.length > TITLE_MAX_WORDS || t.text.length > TITLE_MAX_CHARS) return false;
  const folded = foldTitleWords(t.text);
  if (HEADINGS.has(folded) || HEADINGS.has(foldTitleWords(stripped))) return false;
  const first = foldTitleWords(ws[0]);
  if (SENTENCE_OPENERS.has(first)) return false;
  if (!/\p{Lu}|\p{N}/u.test(ws[0])) return false; // a title starts with a capital ("iOS Developer" has one)
  if (language === 'en' || (language === undefined && isEnglishLooking(folded))) {
    const content = ws.filter((w) => !CONNECTORS.has(w.toLowerCase()));
    const capitalised = content.filter((w) => /^[\p{Lu}\p{N}]/u.test(w) || /\p{Lu}/u.test(w.slice(1))).length;
    if (content.length >= 3 && capitalised / content.length < 2 / 3) return false;
  }
  return true;
}

/** Words that may be lower-case in an English title ("Engineer with Integration Expertise"). */
const CONNECTORS = new Set(['a', 'an', 'and', 'as', 'at', 'for', 'in', 'of', 'on', 'or', 'the', 'to', 'with', 'within', 'by', 'from', '&']);
const ENGLISH_HINTS = new Set(['the', 'and', 'of', 'for', 'with', 'to', 'a', 'an', 'our', 'your', 'is', 'are']);
const isEnglishLooking = (folded: string): boolean => folded.split(' ').some((w) => ENGLISH_HINTS.has(w));

/** Lines before the title that are skipped: placeholders only, a date, a link, a number, an ad heading. */
function skippable(line: string): boolean {
  const t = line.replace(RE_PLACEHOLDER, ' ').trim();
  if (!/\p{L}/u.test(t)) return true;
  if (/^(?:https?:\/\/|www\.)\S+$/i.test(t)) return true;
  if (/^(?:date|datum|posted|date posted|publi[ée] le|ver[öo]ffentlicht)\b/i.test(t)) return true;
  const f = foldTitleWords(t);
  return ['stellenangebot', 'stellenausschreibung', 'stellenanzeige', 'job offer', 'job opening', 'job advertisement', 'vacancy', 'we are hiring', 'we re hiring', 'now hiring', 'offre d emploi', 'vacature', 'oferta de empleo', 'oferta de trabajo', 'offerta di lavoro', 'oferta pracy', 'ledig stilling', 'jobopslag'].includes(f);
}

/** A "label: value" title field in the line, or null. */
function fieldIn(line: Line): { valueFrom: number; strong: boolean } | null {
  const m = /^[\s\-*•·]*([^:：]{2,40}?)\s*[:：]\s*/u.exec(line.text);
  if (!m) return null;
  const label = foldTitleWords(m[1]);
  if (STRONG_FIELDS.has(label)) return { valueFrom: m[0].length, strong: true };
  if (WEAK_FIELDS.has(label)) return { valueFrom: m[0].length, strong: false };
  return null;
}

/** The value of a field: up to a following "Label:" on the same line ("PhD stipend Tenure: Three years"). */
const NEXT_FIELD = /\s+\p{Lu}\p{Ll}+(?:\s\p{Ll}+)?[:：](?:\s|$)/u;

/** True when the text reads as a CV (a CV heading among its first lines). */
function looksLikeCv(lines: Line[]): boolean {
  if (lines.slice(0, 4).some((l) => /^(?:curriculum vitae|cv|r[ée]sum[ée]|lebenslauf|tabellarischer lebenslauf|levensloop|curriculum|życiorys|zivotopis|životopis)\b/iu.test(l.text))) return true;
  // personal data only a CV gives
  return lines.some((l) => /^(?:date of birth|born|nationality|marital status|geburtsdatum|geboren|staatsangeh(?:ö|o)rigkeit|familienstand|date de naissance|n[ée]e? le|nationalit[ée]|fecha de nacimiento|nacionalidad|data di nascita|nato il|nata il|geboortedatum|nationaliteit|data urodzenia|f(?:ö|ø)dd|f(?:ö|ø)delsedato|f(?:ø|ö)dselsdato)\b/iu.test(l.text));
}

/**
 * The ad's title, or null when the text has none. Offsets are into `text`; `title.text` is what to
 * rank, `text.slice(title.start, title.end)` the evidence to show.
 */
export function findAdTitle(text: string, options: AdTitleOptions = {}): AdTitle | null {
  const title = findTitle(text, options);
  if (title) title.phrases = title.parts.flatMap((p) => titlePhrases(p, options.language, text));
  return title;
}

function findTitle(text: string, options: AdTitleOptions): AdTitle | null {
  const lines = linesOf(text, Math.max(options.fieldLines ?? 25, MAX_SKIPPED_LINES + 2));
  if (lines.length === 0 || looksLikeCv(lines)) return null;
  // 1. A title field among the first lines (a strong one now, a weak one where the first line is no title).
  let weak: AdTitle | null = null;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    const f = fieldIn(l);
    if (!f || (weak && !f.strong)) continue;
    let target: Line = l;
    let from = f.valueFrom;
    if (from >= l.text.length && i + 1 < lines.length) {
      target = lines[i + 1];
      from = 0;
    }
    const next = NEXT_FIELD.exec(target.text.slice(from));
    const to = next ? from + next.index : target.text.length;
    const c = from < to ? cleanTitle(target.text, target.start, from, to) : null;
    if (c && words(c.title.text).length <= TITLE_MAX_WORDS && !/[.!?]$/.test(c.title.text) && !isContractPart(c.title.text)) {
      const found: AdTitle = { ...c.title, source: 'field', line: { start: target.start, end: target.end }, parts: c.parts };
      if (f.strong) return found;
      weak = found;
    }
  }
  // 2. The first line that is not skippable; it must be followed by a body.
  let k = 0;
  while (k < lines.length && k < MAX_SKIPPED_LINES && skippable(lines[k].text)) k++;
  const l = lines[k];
  if (!l || k + 1 >= lines.length) return weak;
  const lineInfo = { start: l.start, end: l.end };
  const lead = LEAD_IN.exec(l.text);
  // a headline ("Wir suchen eine Assistenz der Buchhaltung (...)"), not a sentence of the body ("We are looking for people to ... .")
  if (lead && lead[0].length < l.text.length && !/\.\s*$/.test(l.text.replace(RE_PLACEHOLDER, ' ')) && words(l.text).length <= 20) {
    const rest = l.text.slice(lead[0].length);
    const cut = LEAD_IN_END.exec(rest.replace(RE_BRACKETS, (m) => ' '.repeat(m.length)));
    const to = lead[0].length + (cut ? cut.index : rest.length);
    const c = cleanTitle(l.text, l.start, lead[0].length, to);
    if (c && words(c.title.text).length <= 8 && /^[\p{L}\p{N}]/u.test(c.title.text)) return { ...c.title, source: 'lead-in', line: lineInfo, parts: c.parts };
    return weak;
  }
  const c = cleanTitle(l.text, l.start);
  if (!c || !titleLike(l.text, c.title, options.language)) return weak;
  return { ...c.title, source: 'first-line', line: lineInfo, parts: c.parts };
}
