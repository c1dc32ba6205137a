// Occupation title search: ranks ESCO occupations (ISCO groups included) for a short title such as an
// ad's heading or what a user types in "find an ESCO occupation", over the occupation labels of every
// loaded language (English always, plus the label packs given). Full-text search is MiniSearch
// (maintained, small, in-browser; BM25 with prefix and typo-tolerant fuzzy matching) with one index
// per language so each language keeps its own word keys (wordKeys.ts). On top of its scores:
// - an exact-title bonus (the whole query equals a label after folding), since MiniSearch's BM25
//   ranks a long label that contains the words about as high as the label that is the title;
// - compound heads for compounding languages: a long word also indexes/queries its longest suffix
//   that is a word of the label vocabulary ("Weinbautechniker" -> "techniker"), at a lower weight;
// - function words ("and", "der", "de", "voor") are neither indexed nor searched: in BM25 over short
//   labels a shared "and" or "der" is worth as much as an occupation word ("Obstetricians and
//   Gynecologists" ranked "veterinary pharmacologist and toxicologist" first, "Assistenz der
//   Buchhaltung" "Leiter der Buchhaltung"); the exact-title test still compares whole labels;
// - gender markers and short feminine endings are removed from the query (genderForms.ts; here also
//   the hyphenated ending French ads write, "Animateur-trice", "Employé-e"), and a gendered "X/Y"
//   label is indexed as both of its forms.
import MiniSearch from 'minisearch';
import { foldWord } from './lexical.ts';
import { genderedPair, stripGenderMarkers } from './genderForms.ts';
import type { LocalizedLabels } from './labelPacks.ts';
import type { Taxonomy } from './taxonomy.ts';
import { STOPWORDS, type WordKey } from './wordKeys.ts';

export interface TitleHit {
  /** Row in taxonomy.occupations. */
  index: number;
  score: number;
  /** The best-scoring label and its language. */
  label: string;
  language: string;
  iscoGroup: boolean;
  /** True when the whole query equals one of the concept's labels (after folding). */
  exact: boolean;
}

export interface TitleLanguage {
  /** Labels of the language; omit for the taxonomy's own (English) labels. */
  labels?: LocalizedLabels;
  /** Word key of the language (stemmer or light normaliser); undefined = folded words. */
  wordKey?: WordKey;
}

export interface TitleSearchOptions {
  /** Index the English labels too (default true): titles mix languages, and English is complete. */
  english?: boolean;
  englishWordKey?: WordKey;
  languages?: TitleLanguage[];
  /** Split compounds into their head for these languages (default de, nl, da, no, sv). */
  compoundLanguages?: readonly string[];
  /** Weights of label kinds (defaults: preferred 1, alternative 0.95, hidden 0.8). */
  weights?: { preferred?: number; alt?: number; hidden?: number };
  /** Fuzzy edit distance as a share of the term length (MiniSearch `fuzzy`); default 0.2, 0 disables. */
  fuzzy?: number;
  /** Multiplier of the exact-title bonus (default 1). */
  exactBonus?: number;
  /** Weight of the character n-gram index beside the word index (default 1; 0 disables it). */
  gramWeight?: number;
  /** Length of the character n-grams (default 4). */
  gramSize?: number;
  /**
   * Score factor of ISCO groups (default 0.75): a group shares its name with its occupations
   * ("Forsttechniker"), and a title names an occupation far more often (1 of 1,120 MELO aut_de
   * titles is mapped to a group).
   */
  iscoGroupWeight?: number;
  /** Weight of a query compound's modifier ("lackier" of "Lackiertechniker"; default 0.5, 0 disables). */
  modifierWeight?: number;
  /** Leave function words out of the index and the queries (default true). */
  stopwords?: boolean;
}

export interface TitleSearchStats {
  documents: number;
  perLanguage: Record<string, number>;
  buildMs: number;
}

interface Doc {
  id: number;
  text: string;
}

interface LanguageIndex {
  language: string;
  search: MiniSearch<Doc>;
  grams: MiniSearch<Doc> | undefined;
  docConcept: number[];
  docLabel: string[];
  docWeight: number[];
  exact: Map<string, number[]>;
  key: (w: string) => string;
  heads: Map<string, string> | undefined;
  vocab: Set<string>;
  stop: Set<string>;
  /** The query's term processing with compound modifiers (compounding languages only). */
  modifierQuery: ((term: string) => string | string[] | null) | undefined;
  /** The modifiers of the query being searched (filled by modifierQuery). */
  modifiers: Set<string>;
}

const RE_WORDS = /[\p{L}\p{N}]+/gu;

/**
 * A feminine ending after a hyphen ("Animateur-trice", "Vendeur-euse", "Employé-e", "Technicien-ne"):
 * genderForms.ts leaves hyphens alone (a hyphen mostly joins words: "Aide-familial"), but these
 * endings are no words. The word before must be long enough to be a word itself.
 */
const RE_HYPHEN_ENDING = /(\p{L}{4,})-(?:trice|rice|euse|ère|ière|e|ne|le|te|fe|ve|a|in|innen)(?![\p{L}\p{N}-])/gu;

/** A query with hyphenated feminine endings removed ("Animateur-trice" -> "Animateur"). */
export function stripHyphenEnding(text: string): string {
  return text.replace(RE_HYPHEN_ENDING, '$1');
}

function words(text: string): string[] {
  return text.match(RE_WORDS) ?? [];
}

const DEFAULT_COMPOUND = ['de', 'nl', 'da', 'no', 'sv'];

/** English function words (the taxonomy's language; the others come from wordKeys.ts STOPWORDS). */
const ENGLISH_STOPWORDS = ['a', 'an', 'the', 'and', 'or', 'of', 'in', 'on', 'at', 'to', 'for', 'with', 'by', 'from', 'as', 'into', 'other', 'except'];

/** Folded function words of a language, for the title search (none for a language without a list). */
function stopwordsOf(language: string, english: string): Set<string> {
  return new Set((language === english ? ENGLISH_STOPWORDS : STOPWORDS[language] ?? []).map((w) => foldWord(w)));
}
const MIN_HEAD = 4;
const MIN_MODIFIER = 3;
const HEAD_WEIGHT = 0.5;
/** A query compound's modifier is searched when it has at least this many letters. */
const MIN_MODIFIER_QUERY = 4;

export class TitleSearch {
  readonly stats: TitleSearchStats;
  private readonly indexes: LanguageIndex[] = [];
  private readonly taxonomy: Taxonomy;
  private readonly exactBonus: number;
  private readonly fuzzy: number;
  private readonly gramWeight: number;
  private readonly gramSize: number;
  readonly iscoGroupWeight: number;
  private readonly useStopwords: boolean;
  private readonly modifierWeight: number;

  constructor(taxonomy: Taxonomy, options: TitleSearchOptions = {}) {
    const t0 = performance.now();
    this.taxonomy = taxonomy;
    this.exactBonus = options.exactBonus ?? 1;
    this.fuzzy = options.fuzzy ?? 0.2;
    this.gramWeight = options.gramWeight ?? 1;
    this.gramSize = options.gramSize ?? 4;
    this.iscoGroupWeight = options.iscoGroupWeight ?? 0.75;
    this.useStopwords = options.stopwords ?? true;
    this.modifierWeight = options.modifierWeight ?? 0.5;
    const w = { preferred: 1, alt: 0.95, hidden: 0.8, ...options.weights };
    const compound = new Set(options.compoundLanguages ?? DEFAULT_COMPOUND);
    const perLanguage: Record<string, number> = {};
    const langs: { language: string; key?: WordKey; entryOf: (i: number) => { label: string; alt: string[]; hidden: string[] } | undefined }[] = [];
    if (options.english ?? true) {
      langs.push({
        language: taxonomy.language,
        key: options.englishWordKey,
        entryOf: (i) => ({ label: taxonomy.occupations[i].label, alt: taxonomy.occupations[i].altLabels, hidden: [] }),
      });
    }
    for (const l of options.languages ?? []) {
      const labels = l.labels;
      if (!labels) continue;
      langs.push({
        language: labels.language,
        key: l.wordKey,
        entryOf: (i) => {
          const e = labels.occupations[i];
          return e ? { label: e.label, alt: e.alt ?? [], hidden: e.hidden ?? [] } : undefined;
        },
      });
    }
    for (const l of langs) {
      const idx = this.buildLanguage(l.language, l.key, l.entryOf, w, compound.has(l.language));
      perLanguage[l.language] = idx.docConcept.length;
      this.indexes.push(idx);
    }
    this.stats = { documents: Object.values(perLanguage).reduce((a, b) => a + b, 0), perLanguage, buildMs: performance.now() - t0 };
  }

  private buildLanguage(
    language: string,
    wordKey: WordKey | undefined,
    entryOf: (i: number) => { label: string; alt: string[]; hidden: string[] } | undefined,
    w: { preferred: number; alt: number; hidden: number },
    compound: boolean,
  ): LanguageIndex {
    const key = (word: string): string => {
      const f = foldWord(word);
      return wordKey ? wordKey(f) : f;
    };
    const docs: Doc[] = [];
    const docConcept: number[] = [];
    const docLabel: string[] = [];
    const docWeight: number[] = [];
    const exact = new Map<string, number[]>();
    const vocab = new Set<string>();
    const addDoc = (concept: number, label: string, weight: number): void => {
      const forms = genderedPair(label) ?? [label];
      for (const form of forms) {
        const id = docs.length;
        docs.push({ id, text: form });
        docConcept.push(concept);
        docLabel.push(label);
        docWeight.push(weight);
        const ws = words(form);
        for (const x of ws) vocab.add(foldWord(x));
        const k = ws.map(key).join(' ');
        const list = exact.get(k);
        if (!list) exact.set(k, [concept]);
        else if (!list.includes(concept)) list.push(concept);
      }
    };
    this.taxonomy.occupations.forEach((_, i) => {
      const e = entryOf(i);
      if (!e) return;
      addDoc(i, e.label, w.preferred);
      for (const a of e.alt) addDoc(i, a, w.alt);
      for (const h of e.hidden) addDoc(i, h, w.hidden);
    });
    const heads = compound ? new Map<string, string>() : undefined;
    const headOf = (folded: string): string | undefined => {
      if (!heads || folded.length < MIN_HEAD + MIN_MODIFIER) return undefined;
      let h = heads.get(folded);
      if (h === undefined) {
        h = '';
        for (let s = MIN_MODIFIER; s <= folded.length - MIN_HEAD; s++) {
          const tail = folded.slice(s);
          if (vocab.has(tail)) {
            h = tail;
            break;
          }
        }
        heads.set(folded, h);
      }
      return h || undefined;
    };
    const stop = this.useStopwords ? stopwordsOf(language, this.taxonomy.language) : new Set<string>();
    const search = new MiniSearch<Doc>({
      fields: ['text'],
      idField: 'id',
      tokenize: (text) => words(text),
      processTerm: (term) => {
        const f = foldWord(term);
        if (f.length === 0 || stop.has(f)) return null;
        const head = headOf(f);
        const k = wordKey ? wordKey(f) : f;
        // the head is marked so the query side can weight it (boostTerm) apart from whole words
        return head ? [k, `~${wordKey ? wordKey(head) : head}`] : k;
      },
    });
    // Query side: a compound also searches its modifier, the part before its head ("lackier" of
    // "Lackiertechniker"), at its own weight and as a prefix of whole words and of other compounds
    // ("Lackierer", "Lackiererhelfer"): the head alone ranks every "-techniker" alike. A linking "s"
    // is dropped ("Buchhaltungs-" -> "buchhaltung"). The modifiers of the current query are noted in
    // `modifiers` (searches are synchronous) so boostTerm and prefix can tell them from the words.
    const modifiers = new Set<string>();
    const modifierQuery = this.modifierWeight > 0 && heads
      ? (term: string): string | string[] | null => {
          const f = foldWord(term);
          if (f.length === 0 || stop.has(f)) return null;
          const head = headOf(f);
          const k = wordKey ? wordKey(f) : f;
          if (!head) return k;
          let mod = f.slice(0, f.length - head.length).replace(/-$/, '');
          if (mod.length > MIN_MODIFIER_QUERY && mod.endsWith('s') && !vocab.has(mod)) mod = mod.slice(0, -1);
          const out = [k, `~${wordKey ? wordKey(head) : head}`];
          const mk = wordKey ? wordKey(mod) : mod;
          if (mod.length >= MIN_MODIFIER_QUERY && mk !== k) {
            modifiers.add(mk);
            out.push(mk);
          }
          return out;
        }
      : undefined;
    search.addAll(docs);
    // Character n-grams of the folded words, as a second MiniSearch index: BM25 over n-grams is the
    // char tf-idf the MELO paper reports, and catches compound parts and spellings the words miss.
    let grams: MiniSearch<Doc> | undefined;
    if (this.gramWeight > 0) {
      grams = new MiniSearch<Doc>({ fields: ['text'], idField: 'id', tokenize: (text) => this.gramsOf(text, stop), processTerm: (t) => t });
      grams.addAll(docs);
    }
    return { language, search, grams, docConcept, docLabel, docWeight, exact, key, heads, vocab, stop, modifierQuery, modifiers };
  }

  private gramsOf(text: string, stop: Set<string>): string[] {
    const n = this.gramSize;
    const out: string[] = [];
    for (const w of words(text)) {
      if (stop.has(foldWord(w))) continue;
      const f = `_${foldWord(w)}_`;
      if (f.length <= n) out.push(f);
      else for (let i = 0; i + n <= f.length; i++) out.push(f.slice(i, i + n));
    }
    return out;
  }

  /** Occupations ranked for a title, best first. */
  search(title: string, options: { limit?: number } = {}): TitleHit[] {
    const limit = options.limit ?? 20;
    const query = stripHyphenEnding(stripGenderMarkers(title));
    const qWords = words(query);
    if (qWords.length === 0) return [];
    const best = new Map<number, TitleHit>();
    const fuzzy = this.fuzzy;
    for (const idx of this.indexes) {
      // a modifier is matched as a prefix, not fuzzily, at its weight
      idx.modifiers.clear();
      const mods = idx.modifiers;
      const results = idx.search.search(query, {
        combineWith: 'OR',
        ...(idx.modifierQuery ? { processTerm: idx.modifierQuery } : {}),
        prefix: (term) => term.length >= 4 && !term.startsWith('~'),
        fuzzy: (term) => (fuzzy > 0 && term.length >= 5 && !term.startsWith('~') && !mods.has(term) ? fuzzy : false),
        boostTerm: (term) => (term.startsWith('~') ? HEAD_WEIGHT : mods.has(term) ? this.modifierWeight : 1),
        weights: { prefix: 0.4, fuzzy: 0.35 },
      });
      const exactConcepts = idx.exact.get(qWords.map(idx.key).join(' '));
      const top = results.length > 0 ? results[0].score : 1;
      const docScore = new Map<number, number>();
      // scores are made relative per language index so English and another language compare
      for (const r of results) docScore.set(r.id as number, r.score / top);
      if (idx.grams) {
        const g = idx.grams.search(this.gramsOf(query, idx.stop).join(' '), { combineWith: 'OR', tokenize: (q) => q.split(' ') });
        const gTop = g.length > 0 ? g[0].score : 1;
        for (const r of g.slice(0, 200)) docScore.set(r.id as number, (docScore.get(r.id as number) ?? 0) + this.gramWeight * (r.score / gTop));
      }
      for (const [id, s] of docScore) {
        const concept = idx.docConcept[id];
        const isExact = exactConcepts?.includes(concept) ?? false;
        const isco = this.taxonomy.occupations[concept].isIscoGroup;
        const score = (s * idx.docWeight[id] + (isExact ? this.exactBonus : 0)) * (isco ? this.iscoGroupWeight : 1);
        const prev = best.get(concept);
        if (!prev || score > prev.score) {
          best.set(concept, {
            index: concept, score, label: idx.docLabel[id], language: idx.language,
            iscoGroup: this.taxonomy.occupations[concept].isIscoGroup, exact: isExact || (prev?.exact ?? false),
          });
        }
      }
    }
    return [...best.values()].sort((a, b) => b.score - a.score || a.index - b.index).slice(0, limit);
  }
}
