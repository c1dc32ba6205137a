// Lexical matcher: finds mentions of ESCO preferred and alternative labels (skills and occupations) in
// free text, instantly and without a model, so results can be shown before the embedder is loaded and
// merged later with dense matches. Pure TypeScript: runs in the worker, on the main thread and in Node.
//
// How it matches
// - Text and labels go through one tokenizer: runs of letters/digits (Unicode) are words; every other
//   visible character is a one-character symbol token (so "C++", "C#", ".NET", "Node.js" keep their
//   punctuation); whitespace and dashes separate tokens ("e-commerce" = "e commerce"). Tokens keep
//   their ORIGINAL offsets, so normalisation never has to be mapped back: a match's start/end are the
//   first token's start and the last token's end in the caller's string.
// - Word keys are case- and diacritic-folded: lower case, NFKD (NFD plus compatibility forms, so PDF
//   ligatures such as "ﬁ" and full-width letters fold too), combining marks and format characters
//   (soft hyphen, ZWJ) removed, a few letters NFKD keeps (ß, æ, œ, ø, ł, đ, ı) spelled out. A cheap
//   English plural fold maps "technologies"/"technology", "watches"/"watch", "tools"/"tool" to one key
//   (see foldPlural); it is applied to labels and text alike, so it can only merge, never split.
// - Labels form a trie over token ids; at each text token the longest label that passes the boundary
//   rules is taken, then overlapping candidates are resolved longest-first (in characters), so
//   "project management" beats a "management" inside it while disjoint matches are all kept.
// - Word boundaries come from the tokenizer ("Java" is never a prefix of the token "javascript"), plus
//   glued-punctuation rules: a label may not end right before a glued "+"/"#" ("C" in "C++"/"C#"), nor
//   start or end at a connector ". _ @ &" that joins two words ("Node" in "Node.js", "NET" in "ASP.NET",
//   "java" in "www.java.com"). "/" and "," are list separators, so "Java/SQL" yields both.
//
// ESCO data quirks handled here (the taxonomy asset is kept verbatim)
// - 1,877 alt labels are really " | "-separated lists (11,551 items, e.g. the programming languages
//   under "computer programming"); each item is indexed as its own alt label.
// - Labels with a trailing qualifier, "Ruby (computer programming)", also index their head "Ruby"
//   (reported as an alt label, preferred=false), since nobody writes the qualifier in a CV.
//
// Guards against false hits, in this order of precedence; the counts are ESCO v1.2.0 with the defaults
// (123,241 taxonomy labels -> 133,017 candidates -> 126,379 indexed entries after 6,414 same-concept
// duplicates and these exclusions; `index.stats` reports them for any taxonomy)
// - tooShort (30): fewer than `minLabelChars` (default 3) non-space characters, unless the label has a
//   symbol and a word ("C#" is distinctive; "HR", "PR", "OS", "IT", "re", "Io" and "R" are not).
// - stopword (2): the words are all function words ("Any.DO") or there is no word at all. Labels in
//   capitals are exempt and become acronyms instead ("LESS"; "ETCS", which the plural fold makes "etc").
// - stoplist (82): the whole label is in `stopLabels` (DEFAULT_STOP_LABELS unless given: everyday words
//   that ESCO uses as one-word labels, "plan", "energy", "history", "medium", "extra", "lead", ...);
//   applies to preferred labels too.
// - generic (110): one-word alt labels (and one-word ISCO group names such as "Managers" and
//   "Professionals") whose word the taxonomy's own descriptions write in lower case at least
//   `genericMinCount` (default 50) times: "equipment", "design", "data", "teacher", "board", "Access".
//   A dictionary-free, language-independent proxy for "common word". Preferred labels of ordinary
//   concepts are exempt: a one-word concept name ("surgery", "physics", "JavaScript") is the concept.
//   The price: a few decent alt labels go too ("actor", "welding"); the dense matcher covers them.
// Case guards: the label stays indexed but matches only when the text's letter case agrees
// - acronym (228): labels with one word written in capitals ("SQL", "IDE", "LESS", "CALL", "WILD",
//   "COPS", "DB2") need capitals in the text, so "less", "call" and "wild" in prose stay quiet (and
//   "sql" in lower case is missed, a price worth paying).
// - properName (10): capitalised one-word labels whose word the descriptions also write in lower case at
//   least `properNameMinCount` (default 3) times ("Salt", "Puppet", "Chef", "Harvest", "Polish",
//   "LaTeX") need a capital in the text. ISCO group names are exempt: they are capitalised as sentences.
//
// Weak evidence (LexicalMatch.weak): the label stays indexed, but a match is only a hint that the
// pipeline counts once the model supports it (pipeline.ts supportWeakMentions)
// - a one-word alternative or derived label whose word is an everyday word of the language (Zipf >= 4
//   in wordfreq's list for it, wordFrequency.ts): "security" (securities), "Karten" (of "Karten
//   austeilen"), "net" (stem of Dutch "netten"); and an alternative label made only of such words
//   ("nieuwe producten"). Preferred labels name their concept and stay strong ("communication",
//   "English"); the head of a qualified label only when its word is not very common ("Java" strong,
//   "Source" of "Source (digital game creation systems)" weak). Needs a frequency table (Taxonomy.wordFrequency, or a label
//   pack's). Languages use their own table, so the rule is the same in all.
// - the singular of a one-word English name in the plural, where the singular is an everyday word:
//   "security" of "securities", "Medicine" of "medicines", "ethic" of "ethics" (the plural fold joins
//   two words); the plural in the text names the concept.
// - a one-word alternative label that several concepts of a kind share ("Arbeitsabläufe" of two German
//   skills, "Lagerist" of three occupations): it names none of them on its own (no table needed).
// - the one-word labels of concepts the caller names (LexicalOptions.weakOneWordConcepts): the
//   language matchers pass those English names with a stoplisted everyday word ("Energie", "energy").
// ISCO groups (isIscoGroup) are indexed like any occupation and flagged `iscoGroup: true`.
// Not handled: letters glued to digits stay one word ("Python3" does not match "Python"), and
// inflections other than plurals ("managing" vs "manage") are left to the dense matcher.
//
// Cost (ESCO v1.2.0, Node 20, two busy cores): build 270-450 ms (about a quarter of it counting words in
// the descriptions for the generic guards), a 1,000-word text 1-2 ms, 1 MB of text 110-190 ms.

import { languageConcepts } from './languageNames.ts';
import type { ConceptKind, Taxonomy } from './taxonomy.ts';
import { commonWordZipf } from './wordFrequency.ts';

export interface LexicalMatch {
  kind: ConceptKind;
  /** Row in taxonomy.skills / taxonomy.occupations. */
  index: number;
  /** Offsets into the original text: text.slice(start, end) is the mention. */
  start: number;
  end: number;
  /** The ESCO label that matched (one item of a " | " list; the head of a "Head (qualifier)" label). */
  label: string;
  /** True when the concept's preferred label matched, not an alt label. */
  preferred: boolean;
  /** True for ISCO group concepts (occupation kind), which callers may down-rank. */
  iscoGroup: boolean;
  /**
   * One common word ("Bereich", "net", "Roma", "security"): a label only in one of its senses, so it
   * is a hint that needs support (the model retrieving the concept for the same passage) before a
   * result is shown. See LexicalOptions.wordFrequency.
   */
  weak: boolean;
}

export interface LexicalGuardCounts {
  tooShort: number;
  stopword: number;
  stoplist: number;
  generic: number;
}

export interface LexicalStats {
  /** Preferred + alt labels as stored in the taxonomy. */
  taxonomyLabels: number;
  /** Label strings considered after splitting " | " lists, before guards (derived heads included). */
  candidateLabels: number;
  /** Heads derived from "Head (qualifier)" labels, included in candidateLabels. */
  derivedLabels: number;
  /** Labels dropped by each guard. */
  excluded: LexicalGuardCounts;
  /** Labels indexed with a case restriction. */
  caseRestricted: { acronym: number; properName: number };
  /** One-word labels indexed as weak evidence (common words, LexicalOptions.wordFrequency). */
  weak: number;
  /** Candidates that repeated another label of the same concept after normalisation. */
  duplicates: number;
  vocabularySize: number;
  trieNodes: number;
  buildMs: number;
}

export interface LexicalIndex {
  /** Label entries indexed (concept x normalised label). */
  readonly labelCount: number;
  /** Labels dropped by the guards (sum of stats.excluded). */
  readonly excludedCount: number;
  readonly stats: LexicalStats;
}

export interface LexicalOptions {
  /** Labels with fewer (normalised, non-space) characters are dropped unless they have a symbol and a word ("C#"). Default 3. */
  minLabelChars?: number;
  /** Whole labels never matched; replaces DEFAULT_STOP_LABELS (spread it to extend). */
  stopLabels?: Iterable<string>;
  /** Lower-case uses in descriptions from which a one-word alt label counts as generic. Default 50; 0 disables. */
  genericMinCount?: number;
  /** Lower-case uses in descriptions from which a capitalised one-word label must match capitalised. Default 3; 0 disables. */
  properNameMinCount?: number;
  /** Fold English plurals (default true). */
  foldPlurals?: boolean;
  /**
   * Other languages: maps each case- and diacritic-folded word to its key (a stemmer or a light
   * normaliser), applied to labels and text alike. Replaces the English plural fold when given.
   */
  wordKey?: (word: string) => string;
  /** Function words of another language, added to the English ones for the stopword guard. */
  extraStopwords?: Iterable<string>;
  /**
   * How common each word is in the language at large (Zipf scale, case- and diacritic-folded words;
   * wordFrequency.ts). A one-word label whose word is common is indexed as weak evidence
   * (LexicalMatch.weak). Default: the taxonomy's own table (Taxonomy.wordFrequency), if it has one.
   */
  wordFrequency?: Readonly<Record<string, number>>;
  /**
   * Word frequencies of a second language that the heads of qualified labels are also judged in:
   * a head is the ambiguous part of its label, and in other languages' packs it is often an English
   * word ("Source" of "Source (Videospielerstellungssysteme)", rare in German, common in English
   * and in German IT text). The language matchers pass English's.
   */
  headWordFrequency?: Readonly<Record<string, number>>;
  /**
   * Concepts whose one-word labels are weak evidence whatever their frequency: the language matchers
   * pass those that English names with a stoplisted everyday word ("energy": German "Energie" is as
   * everyday a word as the English one).
   */
  weakOneWordConcepts?: (kind: ConceptKind, index: number) => boolean;
}

/**
 * Everyday words that ESCO uses as whole one-word labels (preferred or alt) and that fire on ordinary
 * prose ("a plan", "high energy", "employment history", "medium-sized", "extra hours"). Each entry
 * was checked against ESCO v1.2.0; "management" and "planning" are not ESCO labels on their own but
 * are listed so a future taxonomy cannot introduce them silently.
 */
export const DEFAULT_STOP_LABELS: readonly string[] = [
  'plan', 'planning', 'management', 'energy', 'history', 'medium', 'extra', 'dies', 'double',
  'companion', 'escort', 'sensitive', 'host', 'reader', 'carrier', 'principal', 'justice', 'marine',
  'anchor', 'general', 'major', 'lead', 'guide', 'tie', 'pole', 'reserve', 'choose', 'decide', 'draw',
  'climb', 'accompany', 'dust', 'iron', 'chip', 'balance', 'scale', 'recovery', 'experiment',
  'interview', 'consumer', 'political', 'paint', 'purchase', 'frames', 'survey', 'coordination',
  'calculation', 'brands', 'cooling', 'filters', 'casting', 'argument', 'confidence', 'integrity',
  'breaking', 'shade', 'proportion', 'texture', 'prediction', 'separation', 'signing', 'copying',
  'stripping', 'abstracts', 'locks', 'shooting', 'retrieval', 'warnings', 'outlines', 'feeder',
  'mover', 'catcher', 'groom', 'persuade',
];

/** Function words; a label made only of these is never matched. */
const STOPWORDS: ReadonlySet<string> = new Set([
  'a', 'an', 'the', 'and', 'or', 'nor', 'but', 'of', 'in', 'on', 'at', 'to', 'for', 'with', 'by', 'from',
  'as', 'into', 'onto', 'over', 'under', 'about', 'via', 'per', 'is', 'are', 'was', 'were', 'be', 'been',
  'being', 'am', 'do', 'does', 'did', 'done', 'have', 'has', 'had', 'it', 'its', 'this', 'that', 'these',
  'those', 'not', 'no', 'yes', 'all', 'any', 'some', 'each', 'other', 'such', 'own', 'same', 'so', 'than',
  'too', 'very', 'can', 'will', 'just', 'should', 'would', 'could', 'may', 'might', 'must', 'shall', 'he',
  'she', 'they', 'them', 'his', 'her', 'hers', 'their', 'we', 'us', 'our', 'you', 'your', 'i', 'me', 'my',
  'who', 'whom', 'whose', 'which', 'what', 'when', 'where', 'why', 'how', 'if', 'then', 'else', 'also',
  'up', 'down', 'out', 'off', 'again', 'more', 'most', 'less', 'least', 'only', 'both', 'either',
  'neither', 'etc', 'e', 'g', 'ie', 'eg',
]);

// ---------------------------------------------------------------------------------------------------
// Tokenizer

const SPACE = 0;
const WORD = 1;
const SYMBOL = 2;
/** Combining marks and format characters: part of the token they follow, never a token of their own. */
const EXTEND = 3;

const ASCII_CLASS: Uint8Array = (() => {
  const t = new Uint8Array(128).fill(SYMBOL);
  for (let c = 0; c <= 32; c++) t[c] = SPACE;
  t[127] = SPACE;
  for (let c = 48; c <= 57; c++) t[c] = WORD;
  for (let c = 65; c <= 90; c++) t[c] = WORD;
  for (let c = 97; c <= 122; c++) t[c] = WORD;
  t[45] = SPACE; // '-': "e-commerce" and "e commerce" are one label; hyphenated words split
  return t;
})();

const RE_SPACE = /^[\p{Z}\p{Cc}\p{Pd}\u200B]$/u; // zero-width space is Cf but separates words
const RE_EXTEND = /^[\p{M}\p{Cf}]$/u;
const RE_WORD = /^[\p{L}\p{N}]$/u;
const nonAsciiClass = new Map<number, number>();

function classOf(cp: number): number {
  let cls = nonAsciiClass.get(cp);
  if (cls === undefined) {
    const ch = String.fromCodePoint(cp);
    cls = RE_SPACE.test(ch) ? SPACE : RE_EXTEND.test(ch) ? EXTEND : RE_WORD.test(ch) ? WORD : SYMBOL;
    nonAsciiClass.set(cp, cls);
  }
  return cls;
}

const RE_STRIP = /[\p{M}\p{Cf}]/gu;
const RE_SPECIAL = /[ßæœøłđıþð]/;
const RE_SPECIAL_ALL = /[ßæœøłđıþð]/g;
const SPECIAL: Readonly<Record<string, string>> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ı: 'i', þ: 'th', ð: 'd' };

/** The case and diacritic fold of one word, as the matcher applies it (for other modules' keys). */
export function foldWord(raw: string): string {
  return normalizeWord(raw);
}

function normalizeWord(raw: string): string {
  // lower case first so "İ" becomes "i" + combining dot, which the mark strip removes
  let s = raw.toLowerCase().normalize('NFKD').replace(RE_STRIP, '');
  if (RE_SPECIAL.test(s)) s = s.replace(RE_SPECIAL_ALL, (ch) => SPECIAL[ch] ?? ch);
  return s;
}

const SYMBOL_FOLD: Readonly<Record<string, string>> = {
  '\u2018': "'", '\u2019': "'", '\u02BC': "'", '\u2032': "'", '`': "'", '\u00B4': "'",
  '\u201C': '"', '\u201D': '"', '\u201E': '"', '\u00AB': '"', '\u00BB': '"',
};

function normalizeSymbol(raw: string): string {
  const folded = SYMBOL_FOLD[raw];
  if (folded !== undefined) return folded;
  if (raw.charCodeAt(0) < 128) return raw;
  const n = raw.normalize('NFKD').replace(RE_STRIP, '');
  // full-width "＋" and similar compatibility forms become their ASCII symbol
  return n.length > 0 ? n : raw;
}

/**
 * A cheap English plural fold, applied to labels and text alike: "-ies" -> "-y" ("technologies"),
 * a final "s" dropped unless the word ends in "ss", "us" or "is" ("tools", not "process", "status",
 * "analysis"), then a final "e" after ch/sh/x/ss/zz dropped so "watches"/"watch" and
 * "processes"/"process" meet. Words under 4 letters are left alone ("gas", "AWS"). Collisions it
 * creates ("news"/"new") only matter inside multi-word labels and are rare.
 */
export function foldPlural(w: string): string {
  const n = w.length;
  if (n < 4) return w;
  let s = w;
  if (s.charCodeAt(n - 1) === 115 /* s */) {
    const p = s.charCodeAt(n - 2);
    if (n > 4 && p === 101 /* e */ && s.charCodeAt(n - 3) === 105 /* i */) return s.slice(0, -3) + 'y';
    if (p !== 115 && p !== 117 && p !== 105 /* s u i */) s = s.slice(0, -1);
  }
  const m = s.length;
  if (m >= 3 && s.charCodeAt(m - 1) === 101 /* e */) {
    const a = s.charCodeAt(m - 2);
    const b = s.charCodeAt(m - 3);
    if (a === 120 /* x */ || (a === 104 /* h */ && (b === 99 || b === 115) /* c s */) || (a === b && (a === 115 || a === 122) /* ss zz */)) {
      s = s.slice(0, -1);
    }
  }
  return s;
}

/** Whether one word is an English plural the plural fold changes ("securities", "tools"; not "process"). */
function isPluralWord(w: string): boolean {
  const f = foldWord(w.trim());
  return !/\s/.test(f) && foldPlural(f) !== f;
}

interface Tokens {
  n: number;
  start: number[];
  end: number[];
  key: string[];
  type: number[];
}

function keyOf(t: Tokens): string {
  return t.n === 1 ? t.key[0] : t.key.slice(0, t.n).join(' ');
}

function newTokens(): Tokens {
  return { n: 0, start: [], end: [], key: [], type: [] };
}

/** Tokenizes `s` into `t` (reused across calls to spare the garbage collector during the build). */
/** true: the English plural fold; false: none; a function: another language's word key. */
type KeyFold = boolean | ((word: string) => string);

function tokenize(s: string, fold: KeyFold, t: Tokens = newTokens()): Tokens {
  // arrays are overwritten, not truncated: entries past t.n are stale and never read
  let n = 0;
  const len = s.length;
  let i = 0;
  while (i < len) {
    const c = s.charCodeAt(i);
    let cls: number;
    let w = 1;
    if (c < 128) cls = ASCII_CLASS[c];
    else {
      const cp = s.codePointAt(i) as number; // i < len, so defined
      if (cp > 0xffff) w = 2;
      cls = classOf(cp);
    }
    if (cls === SPACE) {
      i += w;
      continue;
    }
    if (cls === EXTEND) {
      // a mark after a symbol (emoji + variation selector) extends it; after a space it is dropped
      if (n > 0 && t.end[n - 1] === i) t.end[n - 1] = i + w;
      i += w;
      continue;
    }
    if (cls === SYMBOL) {
      t.start[n] = i;
      t.end[n] = i + w;
      t.key[n] = normalizeSymbol(s.slice(i, i + w));
      t.type[n] = SYMBOL;
      n++;
      i += w;
      continue;
    }
    const st = i;
    let ascii = c < 128;
    let upper = c >= 65 && c <= 90;
    i += w;
    while (i < len) {
      const d = s.charCodeAt(i);
      if (d < 128) {
        if (ASCII_CLASS[d] !== WORD) break;
        if (d >= 65 && d <= 90) upper = true;
        i++;
      } else {
        const cp = s.codePointAt(i) as number;
        const k = classOf(cp);
        if (k !== WORD && k !== EXTEND) break;
        ascii = false;
        i += cp > 0xffff ? 2 : 1;
      }
    }
    const raw = s.slice(st, i);
    const norm = !ascii ? normalizeWord(raw) : upper ? raw.toLowerCase() : raw;
    if (norm.length === 0) continue;
    t.start[n] = st;
    t.end[n] = i;
    t.key[n] = fold === true ? foldPlural(norm) : fold === false ? norm : fold(norm);
    t.type[n] = WORD;
    n++;
  }
  t.n = n;
  return t;
}

// ---------------------------------------------------------------------------------------------------
// Index

const F_PREFERRED = 1;
const F_ISCO = 2;
const F_ACRONYM = 4;
const F_PROPER = 8;
const F_DERIVED = 16;
const F_WEAK = 32;
/** A preferred label, or the head of one ("Java" of "Java (computer programming)"): it names its concept. */
const F_NAME = 64;
/**
 * A one-word English name in the plural whose singular is an everyday word ("securities"/"security",
 * "medicines"/"medicine", "economics"/"economic"): the plural fold joins two words, so the singular in
 * the text is weak evidence (a match's flags, findMentions); the plural itself names the concept.
 */
const F_PLURAL_NAME = 128;
/**
 * The English name of a language ("Danish", "Chinese"): followed by a word it describes ("the East
 * Danish region", "the Chinese kitchen") it is an adjective of a place or people, weak evidence
 * (findMentions); before a function word, punctuation, a line end or another language ("Danish and
 * English", "German, Italian", "English-speaking") it names the language.
 */
const F_LANGUAGE = 256;
const CASE_FLAGS = F_ACRONYM | F_PROPER;

/**
 * Trie transitions (node, token id) -> child node in one open-addressing hash table over typed arrays:
 * a Map keyed by node * vocabulary + token would box every key as a heap number and spend most of
 * the build in the garbage collector.
 */
class TransitionTable {
  private mask: number;
  private nodeKey: Int32Array;
  private tokKey: Int32Array;
  private child: Int32Array;
  private size = 0;

  constructor(capacity: number) {
    this.mask = capacity - 1;
    this.nodeKey = new Int32Array(capacity).fill(-1);
    this.tokKey = new Int32Array(capacity);
    this.child = new Int32Array(capacity);
  }

  get(node: number, tok: number): number {
    const { mask, nodeKey, tokKey } = this;
    let h = (Math.imul(node, 0x9e3779b1) ^ Math.imul(tok, 0x85ebca77)) & mask;
    for (;;) {
      const k = nodeKey[h];
      if (k === -1) return -1;
      if (k === node && tokKey[h] === tok) return this.child[h];
      h = (h + 1) & mask;
    }
  }

  set(node: number, tok: number, child: number): void {
    if ((this.size + 1) * 2 > this.mask + 1) this.grow();
    const { mask, nodeKey } = this;
    let h = (Math.imul(node, 0x9e3779b1) ^ Math.imul(tok, 0x85ebca77)) & mask;
    while (nodeKey[h] !== -1) h = (h + 1) & mask;
    nodeKey[h] = node;
    this.tokKey[h] = tok;
    this.child[h] = child;
    this.size++;
  }

  /** The occupied slots as (node, token, child) triples: the table itself is mostly empty by design. */
  dump(): { node: Int32Array; tok: Int32Array; child: Int32Array } {
    const node = new Int32Array(this.size);
    const tok = new Int32Array(this.size);
    const child = new Int32Array(this.size);
    let n = 0;
    for (let i = 0; i < this.nodeKey.length; i++) {
      if (this.nodeKey[i] === -1) continue;
      node[n] = this.nodeKey[i];
      tok[n] = this.tokKey[i];
      child[n++] = this.child[i];
    }
    return { node, tok, child };
  }

  static from(d: { node: Int32Array; tok: Int32Array; child: Int32Array }): TransitionTable {
    const n = d.node.length;
    if (d.tok.length !== n || d.child.length !== n) throw new TypeError('serialized label index: inconsistent sizes');
    let cap = 1024;
    while (cap < n * 2.5) cap *= 2;
    const t = new TransitionTable(cap);
    for (let i = 0; i < n; i++) t.set(d.node[i], d.tok[i], d.child[i]);
    return t;
  }

  private grow(): void {
    const { nodeKey, tokKey, child } = this;
    const cap = (this.mask + 1) * 2;
    this.mask = cap - 1;
    this.nodeKey = new Int32Array(cap).fill(-1);
    this.tokKey = new Int32Array(cap);
    this.child = new Int32Array(cap);
    this.size = 0;
    for (let i = 0; i < nodeKey.length; i++) if (nodeKey[i] !== -1) this.set(nodeKey[i], tokKey[i], child[i]);
  }
}

class TrieIndex implements LexicalIndex {
  readonly vocab = new Map<string, number>();
  readonly trans: TransitionTable;
  /** First entry ending at each node, -1 for none; entries chain through entryNext. Node 0 is the root. */
  readonly terminal: number[] = [-1];
  readonly entryKind: ConceptKind[] = [];
  readonly entryIndex: number[] = [];
  readonly entryLabel: string[] = [];
  readonly entryFlags: number[] = [];
  readonly entryNext: number[] = [];
  labelCount = 0;
  excludedCount = 0;
  readonly stats: LexicalStats;
  readonly fold: KeyFold;

  private languageKeySet?: Set<string>;

  /** Word keys of the languages' names (F_LANGUAGE entries). */
  languageKeys(): Set<string> {
    if (!this.languageKeySet) {
      this.languageKeySet = new Set();
      this.entryFlags.forEach((f, e) => {
        if (!(f & F_LANGUAGE)) return;
        const tk = tokenize(this.entryLabel[e], this.fold);
        for (let i = 0; i < tk.n; i++) this.languageKeySet!.add(tk.key[i]);
      });
    }
    return this.languageKeySet;
  }

  constructor(fold: KeyFold, stats: LexicalStats, expectedLabels: number, trans?: TransitionTable) {
    this.fold = fold;
    this.stats = stats;
    // about 2.2 transitions per label in ESCO; a load factor under 1/2 avoids regrowing mid-build
    let cap = 1024;
    while (!trans && cap < expectedLabels * 5) cap *= 2;
    this.trans = trans ?? new TransitionTable(cap);
  }

  /** Adds a label; returns false when the concept already had an equal entry at that node. */
  insert(tk: Tokens, kind: ConceptKind, index: number, label: string, flags: number): boolean {
    let node = 0;
    for (let i = 0; i < tk.n; i++) {
      const key = tk.key[i];
      let tok = this.vocab.get(key);
      if (tok === undefined) {
        tok = this.vocab.size;
        this.vocab.set(key, tok);
      }
      let next = this.trans.get(node, tok);
      if (next === -1) {
        next = this.terminal.length;
        this.terminal.push(-1);
        this.trans.set(node, tok, next);
      }
      node = next;
    }
    for (let e = this.terminal[node]; e !== -1; e = this.entryNext[e]) {
      if (this.entryIndex[e] === index && this.entryKind[e] === kind && (this.entryFlags[e] & CASE_FLAGS) === (flags & CASE_FLAGS)) {
        // keep the better label for the report: a preferred label over an alt, a real label over a derived head
        const old = this.entryFlags[e];
        if (rank(flags) > rank(old)) {
          this.entryFlags[e] = flags;
          this.entryLabel[e] = label;
        }
        // the same words as a name of the concept ("Java" of "Java (computer programming)") are strong
        // even where an alt label says them too
        if (!(flags & F_WEAK) || !(old & F_WEAK)) this.entryFlags[e] &= ~F_WEAK;
        return false;
      }
    }
    const id = this.entryKind.length;
    this.entryKind.push(kind);
    this.entryIndex.push(index);
    this.entryLabel.push(label);
    this.entryFlags.push(flags);
    this.entryNext.push(this.terminal[node]);
    this.terminal[node] = id;
    return true;
  }
}

function rank(flags: number): number {
  return (flags & F_PREFERRED ? 2 : 0) + (flags & F_DERIVED ? 0 : 1);
}

const RE_LOWER = /\p{Ll}/u;
const RE_TWO_UPPER = /\p{Lu}.*\p{Lu}/u;

/** Written in capitals: no lower-case letter and at least two capitals ("SQL", "DB2"; not "C#"). */
function isAllCaps(s: string): boolean {
  return !RE_LOWER.test(s) && RE_TWO_UPPER.test(s);
}

function startsUpper(s: string, at = 0): boolean {
  const cp = s.codePointAt(at);
  if (cp === undefined) return false;
  const ch = String.fromCodePoint(cp);
  return ch !== ch.toLowerCase();
}

const RE_QUALIFIED = /^(.*\S)\s*\([^()]*\)$/;

/** A one-word label, held back until the description counts that its guards need are known. */
interface OneWord {
  kind: ConceptKind;
  index: number;
  label: string;
  flags: number;
  key: string;
}

/** Builds the label index over the taxonomy's preferred and alt labels (skills and occupations). */
export function buildLexicalIndex(taxonomy: Taxonomy, options: LexicalOptions = {}): LexicalIndex {
  const t0 = performance.now();
  const minChars = options.minLabelChars ?? 3;
  const fold: KeyFold = options.wordKey ?? options.foldPlurals ?? true;
  // English only: the language matchers name languages in their own words (multilingualLexical.ts)
  const languageRows: ReadonlySet<number> = fold === true ? new Set(languageConcepts(taxonomy).keys()) : new Set();
  const genericMin = options.genericMinCount ?? 50;
  const properMin = options.properNameMinCount ?? 3;

  const scratch = newTokens();
  const stopLabels = new Set<string>();
  let stopMaxTokens = 0; // spares joining the keys of the many labels longer than any stop label
  for (const s of options.stopLabels ?? DEFAULT_STOP_LABELS) {
    const tk = tokenize(s, fold, scratch);
    stopLabels.add(keyOf(tk));
    stopMaxTokens = Math.max(stopMaxTokens, tk.n);
  }

  const extraStop = new Set<string>();
  for (const w of options.extraStopwords ?? []) {
    const tk = tokenize(w, fold, scratch);
    if (tk.n === 1) extraStop.add(tk.key[0]);
  }

  const excluded: LexicalGuardCounts = { tooShort: 0, stopword: 0, stoplist: 0, generic: 0 };
  const caseRestricted = { acronym: 0, properName: 0 };
  const stats: LexicalStats = {
    taxonomyLabels: 0, candidateLabels: 0, derivedLabels: 0, excluded, caseRestricted, weak: 0,
    duplicates: 0, vocabularySize: 0, trieNodes: 0, buildMs: 0,
  };
  let expectedLabels = 0;
  for (const c of taxonomy.skills) expectedLabels += 1 + c.altLabels.length;
  for (const c of taxonomy.occupations) expectedLabels += 1 + c.altLabels.length;
  const index = new TrieIndex(fold, stats, expectedLabels);
  const oneWords: OneWord[] = [];
  const lowerUses = new Map<string, number>();
  // Zipf frequency per word key: a stemmed key takes its most common surface form ("net" from "netten").
  const zipfOfKey = new Map<string, number>();
  for (const [word, zipf] of Object.entries(options.wordFrequency ?? taxonomy.wordFrequency?.zipf ?? {})) {
    const tk = tokenize(word, fold, scratch);
    if (tk.n === 1 && zipf > (zipfOfKey.get(tk.key[0]) ?? -Infinity)) zipfOfKey.set(tk.key[0], zipf);
  }
  const headZipfOfKey = new Map<string, number>();
  for (const [word, zipf] of Object.entries(options.headWordFrequency ?? {})) {
    const tk = tokenize(word, fold, scratch);
    if (tk.n === 1 && zipf > (headZipfOfKey.get(tk.key[0]) ?? -Infinity)) headZipfOfKey.set(tk.key[0], zipf);
  }
  const isCommon = (key: string, flags: number): boolean => {
    const head = Boolean(flags & F_NAME && flags & F_DERIVED);
    const zipf = Math.max(zipfOfKey.get(key) ?? 0, head ? (headZipfOfKey.get(key) ?? 0) : 0);
    return zipf >= commonWordZipf(!(flags & F_NAME) ? 'alternative' : head ? 'head' : 'preferred');
  };

  const insert = (tk: Tokens, kind: ConceptKind, conceptIndex: number, label: string, flags: number): void => {
    if (index.insert(tk, kind, conceptIndex, label, flags)) {
      index.labelCount++;
      if (flags & F_ACRONYM) caseRestricted.acronym++;
      if (flags & F_PROPER) caseRestricted.properName++;
    } else stats.duplicates++;
  };

  // Label-level guards; one-word labels wait for the description counts, the rest go in at once.
  const consider = (kind: ConceptKind, conceptIndex: number, label: string, flags: number): void => {
    stats.candidateLabels++;
    const tk = tokenize(label, fold, scratch);
    let chars = 0;
    let hasSymbol = false;
    let words = 0;
    let stop = 0;
    for (let i = 0; i < tk.n; i++) {
      chars += tk.key[i].length;
      if (tk.type[i] === SYMBOL) hasSymbol = true;
      else {
        words++;
        if (STOPWORDS.has(tk.key[i]) || extraStop.has(tk.key[i])) stop++;
      }
    }
    if (chars < minChars && !(hasSymbol && words > 0)) {
      excluded.tooShort++;
      return;
    }
    const caps = isAllCaps(label);
    // "LESS", "ETCS" (folded to "etc"), "DID": capitals make them acronyms, guarded by case instead
    if (stop === words && !caps) {
      excluded.stopword++;
      return;
    }
    if (tk.n <= stopMaxTokens && stopLabels.has(keyOf(tk))) {
      excluded.stoplist++;
      return;
    }
    if (tk.n === 1) {
      oneWords.push({ kind, index: conceptIndex, label, flags: caps ? flags | F_ACRONYM : flags, key: tk.key[0] });
      lowerUses.set(tk.key[0], 0);
      return;
    }
    // An alternative or derived label of everyday words only ("nieuwe producten" of "nieuwe producten
    // ontwikkelen", "gebruik van"): weak, like a one-word one. A preferred label names its concept.
    let weak = false;
    if (!(flags & F_NAME) && !caps && zipfOfKey.size) {
      weak = words > stop;
      for (let i = 0; i < tk.n && weak; i++) if (tk.type[i] === WORD && !STOPWORDS.has(tk.key[i]) && !extraStop.has(tk.key[i]) && !isCommon(tk.key[i], flags)) weak = false;
    }
    // "DB2"-like labels with symbols but one word, written in capitals, are acronyms too
    insert(tk, kind, conceptIndex, label, (words === 1 && caps ? flags | F_ACRONYM : flags) | (weak ? F_WEAK : 0));
  };
  const add = (kind: ConceptKind, conceptIndex: number, raw: string, flags: number): void => {
    const label = raw.trim();
    if (label.length === 0) return;
    consider(kind, conceptIndex, label, flags);
    // "Ruby (computer programming)" -> "Ruby"; the endsWith test spares the regex on almost every label
    if (label.endsWith(')')) {
      const q = RE_QUALIFIED.exec(label);
      if (q !== null) {
        stats.derivedLabels++;
        consider(kind, conceptIndex, q[1], (flags & ~F_PREFERRED) | F_DERIVED);
      }
    }
  };
  const addConcept = (kind: ConceptKind, conceptIndex: number, label: string, altLabels: string[], isco: boolean): void => {
    const base = isco ? F_ISCO : 0;
    stats.taxonomyLabels += 1 + altLabels.length;
    add(kind, conceptIndex, label, base | F_PREFERRED | F_NAME);
    for (const alt of altLabels) {
      if (alt.includes(' | ')) for (const item of alt.split(' | ')) add(kind, conceptIndex, item, base);
      else add(kind, conceptIndex, alt, base);
    }
  };
  taxonomy.skills.forEach((c, i) => addConcept('skill', i, c.label, c.altLabels, false));
  taxonomy.occupations.forEach((c, i) => addConcept('occupation', i, c.label, c.altLabels, c.isIscoGroup));

  // How often the descriptions write each one-word label's word in lower case: the "common word" signal.
  if (genericMin > 0 || properMin > 0) {
    const countIn = (text: string): void => {
      const tk = tokenize(text, fold, scratch);
      for (let i = 0; i < tk.n; i++) {
        const n = lowerUses.get(tk.key[i]);
        if (n === undefined) continue;
        const raw = text.slice(tk.start[i], tk.end[i]);
        if (raw === raw.toLowerCase()) lowerUses.set(tk.key[i], n + 1);
      }
    };
    for (const c of taxonomy.skills) countIn(c.description);
    for (const c of taxonomy.occupations) countIn(c.description);
  }

  // A one-word alternative label that several concepts of a kind share ("Arbeitsabläufe" for "manage
  // workflow processes" and "develop working procedures") names none of them on its own.
  const conceptsOfWord = new Map<string, Set<number>>();
  for (const w of oneWords) {
    const k = `${w.kind}:${w.key}`;
    let set = conceptsOfWord.get(k);
    if (!set) conceptsOfWord.set(k, (set = new Set()));
    set.add(w.index);
  }
  for (const w of oneWords) {
    const uses = lowerUses.get(w.key) ?? 0;
    let flags = w.flags;
    // ISCO group names ("Managers", "Professionals") are categories, not concept names: guarded like alts
    const exempt = (flags & F_PREFERRED) !== 0 && (flags & F_ISCO) === 0;
    if (genericMin > 0 && !exempt && !(flags & F_ACRONYM) && uses >= genericMin) {
      excluded.generic++;
      continue;
    }
    // ISCO labels are capitalised as sentences, so their capital says nothing about a proper name
    if (!(flags & (F_ACRONYM | F_ISCO)) && properMin > 0 && startsUpper(w.label) && uses >= properMin) flags |= F_PROPER;
    const shared = !(flags & F_NAME) && conceptsOfWord.get(`${w.kind}:${w.key}`)!.size > 1;
    if ((!(flags & F_ACRONYM) && isCommon(w.key, flags)) || shared || options.weakOneWordConcepts?.(w.kind, w.index)) {
      flags |= F_WEAK;
    }
    if (fold === true && flags & F_NAME && !(flags & F_ACRONYM) && isPluralWord(w.label) && isCommon(w.key, 0)) flags |= F_PLURAL_NAME;
    if (flags & F_NAME && w.kind === 'skill' && languageRows.has(w.index)) flags |= F_LANGUAGE;
    insert(tokenize(w.label, fold, scratch), w.kind, w.index, w.label, flags);
  }

  stats.weak = index.entryFlags.reduce((n, f) => n + (f & F_WEAK ? 1 : 0), 0);
  index.excludedCount = excluded.tooShort + excluded.stopword + excluded.stoplist + excluded.generic;
  stats.vocabularySize = index.vocab.size;
  stats.trieNodes = index.terminal.length;
  stats.buildMs = performance.now() - t0;
  return index;
}


// ---------------------------------------------------------------------------------------------------
// Ready-made indexes: building takes 270-450 ms on the page at every start, restoring a stored one a
// few tens. The serialized form is plain data (arrays, typed arrays), so it can go through structured
// clone (IndexedDB, postMessage). Only indexes with the default English key fold can be serialized: a
// wordKey function cannot be stored.

/**
 * Version of the serialized form AND of what buildLexicalIndex produces: bump it whenever the
 * tokenizer, the folding, the guards or the defaults change, so stored indexes are not reused.
 * (The app also keys its stored index by the bundle that built it, see src/app/lexicalCache.ts.)
 */
export const LEXICAL_INDEX_FORMAT = 2;

export interface SerializedLexicalIndex {
  format: number;
  foldPlurals: boolean;
  vocab: string[];
  trans: { node: Int32Array; tok: Int32Array; child: Int32Array };
  terminal: Int32Array;
  /** 0 = skill, 1 = occupation. */
  entryKind: Uint8Array;
  entryIndex: Int32Array;
  entryLabel: string[];
  entryFlags: Int32Array;
  entryNext: Int32Array;
  labelCount: number;
  excludedCount: number;
  stats: LexicalStats;
}

/** The index as plain data; throws for an index built with a custom `wordKey` (a function is not data). */
export function serializeLexicalIndex(index: LexicalIndex): SerializedLexicalIndex {
  if (!(index instanceof TrieIndex)) throw new TypeError('serializeLexicalIndex needs an index made by buildLexicalIndex');
  if (typeof index.fold === 'function') throw new TypeError('an index built with a custom wordKey cannot be serialized');
  return {
    format: LEXICAL_INDEX_FORMAT,
    foldPlurals: index.fold,
    vocab: [...index.vocab.keys()],
    trans: index.trans.dump(),
    terminal: Int32Array.from(index.terminal),
    entryKind: Uint8Array.from(index.entryKind, (k) => (k === 'skill' ? 0 : 1)),
    entryIndex: Int32Array.from(index.entryIndex),
    entryLabel: [...index.entryLabel],
    entryFlags: Int32Array.from(index.entryFlags),
    entryNext: Int32Array.from(index.entryNext),
    labelCount: index.labelCount,
    excludedCount: index.excludedCount,
    stats: structuredClone(index.stats),
  };
}

/** An index from serializeLexicalIndex's data; throws TypeError when the data is of another format or inconsistent. */
export function restoreLexicalIndex(data: SerializedLexicalIndex): LexicalIndex {
  if (!data || data.format !== LEXICAL_INDEX_FORMAT) throw new TypeError(`serialized label index has format ${String(data?.format)}, expected ${LEXICAL_INDEX_FORMAT}`);
  const entries = data.entryKind.length;
  if (data.entryIndex.length !== entries || data.entryLabel.length !== entries || data.entryFlags.length !== entries || data.entryNext.length !== entries || data.vocab.length !== data.stats.vocabularySize || data.terminal.length !== data.stats.trieNodes) {
    throw new TypeError('serialized label index: inconsistent sizes');
  }
  const index = new TrieIndex(data.foldPlurals, structuredClone(data.stats), 0, TransitionTable.from(data.trans));
  data.vocab.forEach((w, i) => index.vocab.set(w, i));
  index.terminal.length = 0;
  for (const t of data.terminal) index.terminal.push(t);
  for (let e = 0; e < entries; e++) {
    index.entryKind.push(data.entryKind[e] === 0 ? 'skill' : 'occupation');
    index.entryIndex.push(data.entryIndex[e]);
    index.entryLabel.push(data.entryLabel[e]);
    index.entryFlags.push(data.entryFlags[e]);
    index.entryNext.push(data.entryNext[e]);
  }
  index.labelCount = data.labelCount;
  index.excludedCount = data.excludedCount;
  return index;
}

// ---------------------------------------------------------------------------------------------------
// Matching

const CH_PLUS = 43;
const CH_HASH = 35;

/** Symbols that join two words into one name when glued on both sides: "Node.js", "ASP.NET", "a@b", "AT&T". */
function isConnector(c: number): boolean {
  return c === 46 /* . */ || c === 95 /* _ */ || c === 64 /* @ */ || c === 38 /* & */;
}

/**
 * Finds label mentions, sorted by start. Overlapping candidates are resolved longest-first (then
 * leftmost); when one span is the label of several concepts there is one match per concept.
 */
export function findMentions(index: LexicalIndex, text: string): LexicalMatch[] {
  if (!(index instanceof TrieIndex)) throw new TypeError('findMentions needs an index made by buildLexicalIndex');
  if (text.length === 0) return [];
  const tk = tokenize(text, index.fold);
  const n = tk.n;
  const { start, end, type } = tk;
  const ids = new Int32Array(n);
  const sym = new Int32Array(n);
  const glued = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    ids[i] = index.vocab.get(tk.key[i]) ?? -1;
    if (type[i] === SYMBOL) sym[i] = tk.key[i].charCodeAt(0);
    if (i > 0 && start[i] === end[i - 1]) glued[i] = 1;
  }

  const leftOk = (i: number): boolean => {
    if (i === 0 || !glued[i]) return true;
    if (type[i] === SYMBOL) return type[i - 1] !== WORD; // ".NET" inside "ASP.NET"
    const c = sym[i - 1];
    if (isConnector(c) || c === CH_PLUS || c === CH_HASH) return !(i >= 2 && glued[i - 1] && type[i - 2] === WORD);
    return true;
  };
  const rightOk = (j: number): boolean => {
    if (j >= n || !glued[j] || type[j - 1] !== WORD || type[j] !== SYMBOL) return true;
    const c = sym[j];
    if (c === CH_PLUS || c === CH_HASH) return false; // "C" in "C++" / "C#"
    if (isConnector(c)) return !(j + 1 < n && glued[j + 1] && type[j + 1] === WORD);
    return true;
  };
  const caseOk = (e: number, s: number, en: number): boolean => {
    const f = index.entryFlags[e];
    if (f & F_ACRONYM) {
      const raw = text.slice(s, en);
      return raw === raw.toUpperCase();
    }
    if (f & F_PROPER) return startsUpper(text, s);
    return true;
  };

  // Longest acceptable label starting at each token.
  const candStart: number[] = [];
  const candEnd: number[] = [];
  const candEntries: number[][] = [];
  const pathNodes: number[] = [];
  const pathEnds: number[] = [];
  for (let i = 0; i < n; i++) {
    if (ids[i] < 0) continue;
    let node = index.trans.get(0, ids[i]);
    if (node === -1 || !leftOk(i)) continue;
    pathNodes.length = 0;
    pathEnds.length = 0;
    let j = i + 1;
    for (;;) {
      if (index.terminal[node] !== -1 && rightOk(j)) {
        pathNodes.push(node);
        pathEnds.push(j);
      }
      if (j >= n || ids[j] < 0) break;
      const next = index.trans.get(node, ids[j]);
      if (next === -1) break;
      node = next;
      j++;
    }
    for (let p = pathNodes.length - 1; p >= 0; p--) {
      const s = start[i];
      const en = end[pathEnds[p] - 1];
      const entries: number[] = [];
      for (let e = index.terminal[pathNodes[p]]; e !== -1; e = index.entryNext[e]) if (caseOk(e, s, en)) entries.push(e);
      if (entries.length > 0) {
        candStart.push(i);
        candEnd.push(pathEnds[p]);
        candEntries.push(entries);
        break;
      }
    }
  }

  // Resolve overlaps: longest span (in characters) first, then leftmost.
  const order = candStart.map((_, k) => k);
  const spanLen = (k: number): number => end[candEnd[k] - 1] - start[candStart[k]];
  order.sort((a, b) => spanLen(b) - spanLen(a) || candStart[a] - candStart[b]);
  const taken = new Uint8Array(n);
  const kept: number[] = [];
  for (const k of order) {
    let free = true;
    for (let x = candStart[k]; x < candEnd[k] && free; x++) if (taken[x]) free = false;
    if (!free) continue;
    for (let x = candStart[k]; x < candEnd[k]; x++) taken[x] = 1;
    kept.push(k);
  }
  kept.sort((a, b) => candStart[a] - candStart[b]);

  // a word after a match and a space on the same line ("English-speaking" is one word) that is no
  // function word and no language's name
  const languageKeys = index.languageKeys();
  const describesNext = (j: number): boolean =>
    j < n && type[j] === WORD && !STOPWORDS.has(tk.key[j]) && !languageKeys.has(tk.key[j]) && /^[^\S\n\r]+$/.test(text.slice(end[j - 1], start[j]));
  const out: LexicalMatch[] = [];
  for (const k of kept) {
    const s = start[candStart[k]];
    const en = end[candEnd[k] - 1];
    // one match per concept: several labels of one concept (case variants, a real and a derived head) may share the span
    const best = new Map<string, number>();
    for (const e of candEntries[k]) {
      const key = `${index.entryKind[e]}:${index.entryIndex[e]}`;
      const prev = best.get(key);
      if (prev === undefined || rank(index.entryFlags[e]) > rank(index.entryFlags[prev])) best.set(key, e);
    }
    const chosen = [...best.values()].sort((a, b) =>
      (index.entryKind[a] === index.entryKind[b] ? 0 : index.entryKind[a] === 'skill' ? -1 : 1) || index.entryIndex[a] - index.entryIndex[b]);
    for (const e of chosen) {
      const f = index.entryFlags[e];
      const singular = (f & F_PLURAL_NAME) !== 0 && !isPluralWord(text.slice(s, en));
      const adjective = (f & F_LANGUAGE) !== 0 && describesNext(candEnd[k]);
      out.push({
        kind: index.entryKind[e], index: index.entryIndex[e], start: s, end: en, label: index.entryLabel[e],
        preferred: (f & F_PREFERRED) !== 0, iscoGroup: (f & F_ISCO) !== 0, weak: (f & F_WEAK) !== 0 || singular || adjective,
      });
    }
  }
  return out;
}
