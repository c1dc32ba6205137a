// The extraction pipeline: text -> segments -> per-segment candidates (lexical label mentions,
// dense retrieval against the concept matrices, optional cross-encoder rerank) -> one aggregated
// candidate per concept with every evidence span. Written against the small Embedder/Reranker
// interfaces so the worker, the Node CLIs and tests run the same code with real or stand-in models.
// A skill ESCO lists for the document's occupation (its title's, the whole document's nearest) is the
// likelier reading of a passage's near-equal cosines (setOccupationProfile; thresholds.ts weighs it).
// Sections that are not about the job (company blurb, benefits, legal text, how to apply; sections.ts)
// produce no candidates unless analyseAllSections is set; the result lists them with the reason.
// Quality choices here (query granularity, title line, multi-vector concepts) are measured by
// `npm run eval` and recorded in EVAL.md. The reranker scores a per-document shortlist
// (rerankShortlist.ts) in batches and can report each partial result (ExtractionProgress), so a slow
// device shows refined results as they come.
import { CONCEPT_TEXT_VARIANTS } from './conceptText.ts';
import { stripGenderMarkers } from './genderForms.ts';
import { findMentions, foldPlural, foldWord, type LexicalIndex, type LexicalMatch } from './lexical.ts';
import { passageCoverage, passageKeys, type LabelWordIndex } from './labelWords.ts';
import { conceptTopK, foldRowOwners, rowsPerConceptK, withRows } from './conceptRows.ts';
import type { LabelVectors } from './labelVectors.ts';
import type { Embedder, Reranker } from './models.ts';
import { bandAround, batchesOf, groupByQuery, rerankShortlist, type RerankCandidate } from './rerankShortlist.ts';
import { detectSections, sectionAt, type SkippedSection } from './sections.ts';
import { segmentText, type Segment, type SegmentOptions } from './segment.ts';
import type { ConceptKind, OccupationConcept, SkillConcept, Taxonomy } from './taxonomy.ts';
import { getRow, scoreAll, type ConceptMatrix, type TopKResult } from './vectors.ts';

export type Signal = 'lexical' | 'embedding' | 'reranker' | 'document';

export interface Evidence {
  start: number;
  end: number;
  segmentIndex: number;
  signal: 'lexical' | 'embedding';
  /** Cosine for embedding evidence; the lexical score for a label mention. */
  score: number;
  /** Reranker probability for this segment and concept, when it was reranked. */
  rerank?: number;
  /** Embedding evidence: the concept's rank among those retrieved for this passage (0 = first). */
  rank?: number;
  /** The ESCO label that matched (lexical evidence). */
  label?: string;
  /**
   * A label mention that is weak evidence (LexicalMatch.weak, or one word naming an occupation in the
   * body) the model has not supported (supportWeakMentions): it neither counts nor is highlighted.
   */
  weak?: boolean;
  /**
   * Embedding evidence of a skill: its passage is one word that is one of several words of the skill's
   * label ("Software" for "install software", "textile" for "textile techniques"; oneWordOfLabel): the
   * model read the word they share, not the rest of the label.
   */
  partOfLabel?: true;
}

export interface Candidate {
  kind: ConceptKind;
  index: number;
  /** Best retrieval cosine over all segments (0 when only found lexically). */
  retrieval: number;
  /**
   * Reranker probability against the segment that retrieved it best. 0: retrieved under the
   * shortlist's band (rerankShortlist.ts), taken not to pass. Absent: not scored (no reranker, a
   * label found verbatim, past the shortlist's cap, or not yet in a partial result): its cosine stands.
   */
  rerank?: number;
  /**
   * Lexical score: LEXICAL_SCORE.preferred / .alt when a label was found in the text, .supported for
   * a weak mention the model confirmed, else 0 (an unsupported weak mention is evidence, not a score).
   */
  lexical: number;
  /** Whole-document cosine (occupations only). */
  document?: number;
  /** Cosine against the title line (occupations only; see ExtractOptions.titleLine). */
  title?: number;
  /**
   * Domain skills found by the model: how much closer the concept is to the whole document than the
   * document's retrieved skills are on average (cosines). An ad about software makes "inspect
   * pipelines" (oil) or "install containers" (shipping) fit less than "continuous integration".
   * Absent for transversal and cross-sector skills ("solve problems", "show initiative"), which
   * belong to no domain, so an ad's topic says nothing about them.
   */
  documentFit?: number;
  /**
   * Skills the model retrieved near the top for a passage of the body that ESCO lists as essential or
   * optional for an occupation the document is about (its title's occupation, the whole document's
   * nearest one): setOccupationProfile. Absent: no such relation.
   */
  profile?: OccupationProfileMatch;
  /**
   * Skills: the SKILL_NEIGHBOURS skills nearest to this one among the preset's concept vectors
   * (setSkillNeighbours), so the shown list can fold near-duplicates found on the same words
   * (skillVariants.ts). Absent: not computed (no matrices, or not among the candidates that could be shown).
   */
  neighbours?: number[];
  /**
   * Skills the model found: the largest share of one of the skill's labels (words weighted by their
   * rarity among labels) that a passage retrieving it says in its own words (labelWords.ts), in the
   * text's language or English. Absent: no label-word index given (ExtractionContext.labelWords).
   */
  labelCoverage?: number;
  /**
   * Skills named in the text only by weak mentions the model supported (supportWeakMentions): the
   * best cosine of a passage that supported one. A weak word the model reads as this skill at 0.95 is
   * more evidence than one it ranks first among poor guesses at 0.84 (ThresholdSettings.supportedMentionLift).
   */
  supportCosine?: number;
  signals: Signal[];
  evidence: Evidence[];
  /** Offset of the earliest evidence span, for "order of appearance" sorting. */
  firstOffset: number;
}

/** A skill's relation to one of the document's occupations (ESCO's occupation-skill relations). */
export interface OccupationProfileMatch {
  occupation: number;
  relation: 'essential' | 'optional';
}

export interface ExtractOptions {
  segment: SegmentOptions;
  /** Retrieval candidates kept per segment and kind. */
  topK: number;
  /**
   * The most (segment, concept) pairs the reranker scores per document: the cap of its shortlist
   * (rerankShortlist.ts; each concept once, against its best segment). 0 disables reranking.
   */
  rerankLimit: number;
  /** Pairs scored between two progress reports (ExtractionProgress). */
  rerankBatch: number;
  /** Pairs of the first batch, after which the first refined results show: fewer, so they come sooner. */
  rerankFirstBatch: number;
  /**
   * int8 query quantisation of concept search (vectors.ts SearchOptions). 'i7' runs about 1.5x faster
   * on the relaxed-SIMD kernel where the engine has it (every other path gives the same results); the
   * default stays 'i16' because 7 bits flip borderline results (vectors.ts header).
   */
  int8Query: 'i16' | 'i7';
  /**
   * The cuts (cosine scale, one per kind) the shortlist centres on: candidates nearest to them are the
   * most uncertain and are scored first; those RERANK_BAND_BELOW under them are not scored. The worker
   * passes the current thresholds.
   */
  rerankFocus: Record<ConceptKind, number>;
  /** Occupations ranked against the whole document (job ads are usually about one occupation). */
  documentTopK: number;
  /** Chunk length for the whole-document embedding. */
  documentChunkChars: number;
  maxDocumentChunks: number;
  /**
   * 'pieces': each segment (clause / enumeration item) is a query. 'pieces+sentences': a sentence cut
   * into several pieces is also queried whole, so a skill phrased across an enumeration
   * ("design and build REST APIs") is still seen in one piece of text.
   */
  queryGranularity: 'pieces' | 'pieces+sentences';
  /**
   * Treat a short first line as the job title: it is embedded whole and its occupation cosines are
   * kept as Candidate.title, which the occupation score weighs above body hits (thresholds.ts).
   */
  titleLine: boolean;
  /** Analyse sections that are not about the job too (they are still listed in skippedSections). */
  analyseAllSections: boolean;
}

export const DEFAULT_EXTRACT_OPTIONS: ExtractOptions = {
  segment: {},
  topK: 10,
  // BENCHMARKS.md (2b): a bge-reranker-v2-m3 pair of a 500-word ad costs ~1.7-2.2 s on WASM q8 on a
  // 2-core machine, so 40 pairs take minutes there and a first batch of 2 shows results after ~4 s.
  rerankLimit: 40,
  rerankBatch: 4,
  rerankFirstBatch: 2,
  int8Query: 'i16',
  // The default preset's (bge-m3) cuts, thresholds.ts; the engine passes the preset's or the user's.
  rerankFocus: { skill: 0.6, occupation: 0.6 },
  documentTopK: 10,
  documentChunkChars: 2000,
  maxDocumentChunks: 8,
  queryGranularity: 'pieces',
  // Measured neutral on usa_en.dev (EVAL.md; a bare title is the whole document there) and no labelled
  // ad occupations exist to validate it: off by default, one extra embedding per text when on.
  titleLine: false,
  // EVAL.md: skipping them raised the whole-ad precision proxy (bge-small-en) from 0.569 to 0.626
  // with no change on the sentence benchmarks.
  analyseAllSections: false,
};

/** Scores given to label mentions, so lexical hits sit on the same 0..1 scale as model scores. */
// A weak mention the model supports counts as an alt label found verbatim: the model's support makes
// up for the word's other senses, and it must pass every preset's calibrated cut (e5: 0.94).
export const LEXICAL_SCORE = { preferred: 1, alt: 0.95, iscoGroup: 0.85, supported: 0.95 } as const;

/** An occupation named by the text's title: its row, the span of the title that names it, why. */
export interface TitleMatch {
  index: number;
  start: number;
  end: number;
  label: string;
  reason: string;
}

/**
 * A title whose words name no occupation clearly ("Administrator*in", "Bezorger"): the occupations
 * they may name, best first (titleModel.ts titleShortlist). The whole document decides: of those among
 * its TITLE_SHORTLIST_DOCUMENT_RANK nearest occupations, the nearest becomes the title's occupation.
 */
export interface TitleShortlist {
  shortlist: TitleMatch[];
}

/** What the title says of the occupation: one it names, a shortlist for the document to decide, or nothing. */
export type TitleReading = TitleMatch | TitleShortlist | null;

/**
 * How near the whole document must put a shortlisted title occupation (TitleShortlist): among its
 * first 10 of 3,658 occupations, the nearest of the shortlist taken. Two independent readings
 * agreeing, the title's words and the whole ad's meaning, is evidence neither gives alone (e5 ads:
 * "Bezorger" -> car and van delivery driver, "Administrator*in" -> ICT system administrator). Not
 * fewer: multilingual-e5-small's whole-ad cosines of its first ten occupations lie within 0.005, so
 * a first five moved with the runtime (Node's ONNX runtime and the browser's ranked "Bezorger"'s
 * occupation 2nd and past 5th).
 */
export const TITLE_SHORTLIST_DOCUMENT_RANK = 10;

/** A reading found for a whole text, for a prefix of `length` characters (the pipeline may analyse one): what lies inside it. */
export function titleReadingWithin(reading: TitleReading, length: number): TitleReading {
  if (!reading) return null;
  if (!('shortlist' in reading)) return reading.end <= length ? reading : null;
  const shortlist = reading.shortlist.filter((t) => t.end <= length);
  return shortlist.length ? { shortlist } : null;
}

export interface ExtractionContext {
  taxonomy: Taxonomy;
  lexical: LexicalIndex;
  /** Concept matrices (row i = concept i of that kind); without them only lexical matching runs. */
  matrices?: Record<ConceptKind, ConceptMatrix>;
  embedder?: Embedder;
  reranker?: Reranker;
  /**
   * Instead of `reranker`: a reranker that may still be loading or being timed. It is asked for once
   * the embedding-stage result has gone to ExtractionProgress, so semantic results never wait for it;
   * undefined: the result stays at the embedding stage.
   */
  rerankerWhenReady?: () => Promise<Reranker | undefined>;
  /**
   * Several matrix rows per concept (one per label, ...): row r belongs to concept rowOwners[kind][r]
   * and a concept scores its best row. Absent: row i is concept i.
   */
  rowOwners?: Partial<Record<ConceptKind, Int32Array>>;
  /**
   * Skill labels in the text's language embedded by the same model (labelVectors.ts): each passage
   * is searched against them too, and a skill scores its better reading. Absent: English vectors only.
   */
  labelVectors?: LabelVectors;
  /**
   * Label mentions to use instead of findMentions(lexical, text): the app passes those of the text's
   * language plus English (multilingualLexical.ts findMentionsIn). Spans must be offsets into `text`.
   */
  mentions?: (text: string) => LexicalMatch[];
  /**
   * Skill and knowledge spans of the text (spanTagger.ts over the embedder's word states), character
   * offsets into it: each becomes a query of its own, so a phrase is linked to ESCO by itself rather
   * than only inside its clause. Absent: clause-level queries only.
   */
  tagSpans?: (text: string) => Promise<{ start: number; end: number }[]>;
  /**
   * The occupation the text's title names (languageMatching.ts titleOccupationOf), the strongest
   * occupation signal of an ad: shown as a label match of the title; or a shortlist the document
   * decides among (TitleShortlist). Absent: no title ranking.
   */
  titleOccupation?: (text: string) => TitleReading;
  /**
   * Top-k over `matrices[kind]` done elsewhere (the WGSL kernel on a GPU: workers/gpuConceptSearch.ts),
   * with topK's result shape and within the tolerance of e2e/webgpuSearch.spec.ts. Absent: topK here.
   */
  search?: ConceptSearch;
  /** Label words of the text's language and English (labelWords.ts), for Candidate.labelCoverage. */
  labelWords?: readonly LabelWordIndex[];
}

export type ConceptSearch = (kind: ConceptKind, queries: Float32Array, count: number, k: number) => Promise<TopKResult>;

export type ExtractionStage = 'lexical' | 'embedding' | 'reranked';

/** How far the reranker got: `done` of the shortlist's `total` pairs scored. */
export interface Refinement {
  done: number;
  total: number;
}

/**
 * Called with each partial result while the reranker works through the shortlist: first the
 * embedding-stage result (done 0, before the reranker is asked for), then after each batch but the
 * last (done < total). The promise of extract() resolves with the final result. Partials are copies:
 * later batches do not change them.
 */
export type ExtractionProgress = (partial: ExtractionResult, done: number, total: number) => void;

export interface ExtractionResult {
  textLength: number;
  segments: Segment[];
  notices: string[];
  candidates: Candidate[];
  /** Sections not about the job, with the reason; `analysed` says whether they were analysed anyway. */
  skippedSections: SkippedSection[];
  stage: ExtractionStage;
  /**
   * Present once retrieval ran: the reranker's shortlist size and how much of it was scored (done 0
   * without a reranker; done === total with stage 'reranked').
   */
  refinement?: Refinement;
  /** Set on the partial results given to ExtractionProgress: the reranker is still at work. */
  partial?: true;
  timings: Record<string, number>;
}

const now = () => globalThis.performance.now();
const key = (kind: ConceptKind, index: number) => (kind === 'skill' ? index : -1 - index);

class CandidateMap {
  private readonly map = new Map<number, Candidate>();

  get(kind: ConceptKind, index: number, firstOffset: number): Candidate {
    const k = key(kind, index);
    let c = this.map.get(k);
    if (!c) {
      c = { kind, index, retrieval: 0, lexical: 0, signals: [], evidence: [], firstOffset };
      this.map.set(k, c);
    }
    c.firstOffset = Math.min(c.firstOffset, firstOffset);
    return c;
  }

  /** An entry that exists (every shortlisted or retrieved concept has one). */
  find(kind: ConceptKind, index: number): Candidate {
    const c = this.map.get(key(kind, index));
    if (!c) throw new Error(`no candidate ${kind} ${index}`);
    return c;
  }

  /** Candidates with some signal: a concept named only by an unsupported weak mention is not one. */
  values(): Candidate[] {
    return [...this.map.values()].filter((c) => c.signals.length > 0);
  }

  /** Every entry, weak mentions' included (supportWeakMentions reads them). */
  all(): Candidate[] {
    return [...this.map.values()];
  }
}

function addSignal(c: Candidate, s: Signal) {
  if (!c.signals.includes(s)) c.signals.push(s);
}

function segmentOf(segments: Segment[], offset: number): number {
  let lo = 0;
  let hi = segments.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (segments[mid].end <= offset) lo = mid + 1;
    else if (segments[mid].start > offset) hi = mid - 1;
    else return segments[mid].index;
  }
  return -1;
}

/** The title's occupation as the lexical stage found it: its row (-1: none yet), or the shortlist the document decides among. */
interface TitleFound {
  row: number;
  shortlist: TitleMatch[];
  /** The title words that name the occupation (or the family a shortlist reads). */
  words?: { start: number; end: number };
}

/** Adds the title's occupation to the map as a label match of the title, with `score`. */
function addTitleMatch(map: CandidateMap, segments: Segment[], title: TitleMatch, score: number): void {
  const c = map.get('occupation', title.index, title.start);
  c.lexical = Math.max(c.lexical, score);
  addSignal(c, 'lexical');
  c.evidence.push({ start: title.start, end: title.end, segmentIndex: segmentOf(segments, title.start), signal: 'lexical', score, label: `${title.label} (the ad's title: ${title.reason})` });
}

/** Adds the label mentions (and the title's occupation) to the map. */
function addLexical(ctx: ExtractionContext, text: string, segments: Segment[], map: CandidateMap, skipped: readonly SkippedSection[]): TitleFound {
  const titleLine = titleLineOf(text);
  const reading = ctx.titleOccupation?.(text) ?? null;
  const inText = (t: TitleMatch) => !(skipped.length && sectionAt(skipped, t.start) >= 0);
  const title = reading && !('shortlist' in reading) && inText(reading) ? reading : null;
  if (title) addTitleMatch(map, segments, title, LEXICAL_SCORE.preferred);
  const mentions = ctx.mentions ? ctx.mentions(text) : findMentions(ctx.lexical, text);
  const named = namedSpans(ctx.taxonomy, mentions);
  for (const m of mentions) {
    if (skipped.length && sectionAt(skipped, m.start) >= 0) continue;
    // The words name another concept of this kind by its own name ("SQL", "PowerShell"): an
    // alternative label listing them under a broader concept ("database management systems",
    // "computer programming") is not evidence for it; the model may still find it on its own.
    if (!m.preferred && !namesConcept(ctx.taxonomy, m) && named.has(`${m.kind}:${m.start}:${m.end}`)) continue;
    const isGroup = m.kind === 'occupation' && ctx.taxonomy.occupations[m.index]?.isIscoGroup;
    const score = isGroup ? LEXICAL_SCORE.iscoGroup : m.preferred ? LEXICAL_SCORE.preferred : LEXICAL_SCORE.alt;
    const c = map.get(m.kind, m.index, m.start);
    // An occupation named by one word in the body ("Geschäftsführung", "acteur majeur") is often the
    // employer, a colleague or a customer: it needs the model's support, as a weak mention does.
    const bodyWord = m.kind === 'occupation' && !/\s/.test(text.slice(m.start, m.end).trim()) && !(titleLine && m.start < titleLine.end);
    if (m.weak || bodyWord) {
      c.evidence.push({ start: m.start, end: m.end, segmentIndex: segmentOf(segments, m.start), signal: 'lexical', score: LEXICAL_SCORE.supported, label: m.label, weak: true });
      continue;
    }
    c.lexical = Math.max(c.lexical, score);
    addSignal(c, 'lexical');
    c.evidence.push({ start: m.start, end: m.end, segmentIndex: segmentOf(segments, m.start), signal: 'lexical', score, label: m.label });
  }
  const shortlist = reading && 'shortlist' in reading ? reading.shortlist.filter(inText) : [];
  const words = title ?? shortlist[0];
  return { row: title ? title.index : -1, shortlist, ...(words ? { words: { start: words.start, end: words.end } } : {}) };
}

/**
 * Of the title's shortlist, the occupation the whole document is nearest to, when it is among the
 * document's TITLE_SHORTLIST_DOCUMENT_RANK nearest (`documentRows`, nearest first): added as the
 * title's occupation (a supported label match: below one the title names by a label); its row, or -1.
 */
function confirmTitleShortlist(map: CandidateMap, segments: Segment[], shortlist: readonly TitleMatch[], documentRows: readonly number[]): number {
  const confirmed = documentRows
    .slice(0, TITLE_SHORTLIST_DOCUMENT_RANK)
    .map((row) => shortlist.find((t) => t.index === row))
    .find((t) => t !== undefined);
  if (!confirmed) return -1;
  addTitleMatch(map, segments, confirmed, LEXICAL_SCORE.supported);
  return confirmed.index;
}

/**
 * The title line when its words are only an occupation's name ("Doctor/a", "Vendeur (H/F)",
 * "Construction worker"), else null. Such a title says which occupation the ad is for, not which
 * skills: what the model retrieves for it are the occupation's typical skills ("paediatrics" for
 * "Doctor/a"), which the ad may never ask for. A title with more words ("Dokumentation/
 * Projektmanagement", "DevOps engineer (Azure/AWS)") still names skills.
 */
function titleNamesOnlyOccupation(text: string, title: TitleFound): { start: number; end: number } | null {
  const line = titleLineOf(text);
  if (!line || !title.words || title.words.start < line.start || title.words.end > line.end) return null;
  const rest = stripGenderMarkers(`${text.slice(line.start, title.words.start)} ${text.slice(title.words.end, line.end)}`);
  return /\p{L}{2}/u.test(rest) ? null : line;
}

/** Whether a mention is its concept's name: the preferred label, or its head ("Java" of "Java (computer programming)"). */
function namesConcept(taxonomy: Taxonomy, m: LexicalMatch): boolean {
  if (m.preferred) return true;
  const concept = m.kind === 'skill' ? taxonomy.skills[m.index] : taxonomy.occupations[m.index];
  return Boolean(concept && concept.label.toLowerCase().startsWith(`${m.label.toLowerCase()} (`));
}

/** Spans (`kind:start:end`) where some concept is named by its own name. */
function namedSpans(taxonomy: Taxonomy, mentions: readonly LexicalMatch[]): Set<string> {
  return new Set(mentions.filter((m) => !m.weak && namesConcept(taxonomy, m)).map((m) => `${m.kind}:${m.start}:${m.end}`));
}

/** The most concepts retrieved for a passage that can support a weak mention in it. */
export const SUPPORT_RANK = 3;

/**
 * A weak mention (one everyday word, "Bereich", "Roma") counts once the model supports it: the
 * concept is among the SUPPORT_RANK concepts retrieved first for a query whose span holds the mention.
 * Support is a rank, not a cosine, so it means the same for every model and language; a passage's
 * top 3 of 13,939 skills is about the passage, where its top 10 can follow one word of a long clause.
 * The query must read more than a one-word mention (readsMore). How much a supported mention then
 * counts is the supporting cosine's (Candidate.supportCosine, ThresholdSettings.supportedMentionLift):
 * the top 3 of a passage the model cannot read are poor guesses.
 */
function supportWeakMentions(candidates: Candidate[], text: string, taxonomy: Taxonomy): void {
  // the best cosine of a passage supporting mention w of c (-1: none)
  const supportFor = (c: Candidate, w: Evidence): number => {
    let best = -1;
    for (const e of c.evidence) {
      if (e.signal === 'embedding' && (e.rank ?? 0) < SUPPORT_RANK && e.start <= w.start && w.end <= e.end && readsMore(text, e, w)) best = Math.max(best, e.score);
    }
    return best;
  };
  // a passage the model reads as a skill built on a knowledge concept ("write English") supports that
  // subject's name in it ("la lingua inglese" -> English): the top 3 for such a passage are the skills.
  // Not for a skill's narrower skills: those are other activities ("Temps de travail" is no time management)
  const narrower = new Map<number, Candidate[]>();
  for (const d of candidates) {
    if (d.kind !== 'skill') continue;
    for (const b of taxonomy.skills[d.index]?.broaderSkills ?? []) {
      const list = narrower.get(b);
      if (list) list.push(d);
      else narrower.set(b, [d]);
    }
  }
  for (const c of candidates) {
    const named = c.lexical > 0;
    // the best cosine of a passage that supported a mention of c itself; a subject supported through its
    // narrower skills has no cosine worth reading (the model never ranks the bare subject high)
    let cosine = -1;
    let throughNarrower = false;
    for (const w of c.evidence) {
      if (!w.weak) continue;
      const subject = c.kind === 'skill' && taxonomy.skills[c.index]?.skillType === 'knowledge';
      const direct = supportFor(c, w);
      const narrowerSupport = direct < 0 && subject && narrower.get(c.index)?.some((d) => supportFor(d, w) >= 0);
      if (direct < 0 && !narrowerSupport) continue;
      // an occupation named by one word needs the whole text to be about it too (its document top-k)
      if (c.kind === 'occupation' && c.document === undefined) continue;
      // supported: it counts, and is shown as evidence like any label match
      w.weak = false;
      c.lexical = Math.max(c.lexical, LEXICAL_SCORE.supported);
      addSignal(c, 'lexical');
      cosine = Math.max(cosine, direct);
      throughNarrower ||= Boolean(narrowerSupport);
    }
    if (c.kind === 'skill' && !named && cosine >= 0 && !throughNarrower) c.supportCosine = cosine;
  }
}

/**
 * Whether a query can support a weak mention inside it. A one-word mention ("Software", an everyday
 * word that several skills share) needs a query with another word of two letters or more: a tagged
 * phrase that is the word alone retrieves the concept for the same word the label matcher found, so
 * its rank repeats the mention instead of reading what the word means here. A weak phrase of
 * several words ("information technology") says more, and its own phrase is support enough.
 */
function readsMore(text: string, query: { start: number; end: number }, mention: { start: number; end: number }): boolean {
  if (/\s/.test(text.slice(mention.start, mention.end).trim())) return true;
  return /\p{L}{2}/u.test(text.slice(query.start, mention.start)) || /\p{L}{2}/u.test(text.slice(mention.end, query.end));
}

/** Splits the text into at most `max` chunks of about `chunkChars`, at segment boundaries. */
function documentChunks(segments: Segment[], chunkChars: number, max: number): string[] {
  const chunks: string[] = [];
  let current = '';
  for (const s of segments) {
    if (current && current.length + s.text.length + 1 > chunkChars) {
      chunks.push(current);
      if (chunks.length === max) return chunks;
      current = '';
    }
    current = current ? `${current}\n${s.text}` : s.text;
  }
  if (current) chunks.push(current);
  return chunks;
}

/** Candidate.documentFit of the domain skills the model retrieved: their concept's cosine to the document, minus the mean of the retrieved skills'. */
function setDocumentFit(candidates: Candidate[], taxonomy: Taxonomy, matrix: ConceptMatrix, docVector: Float32Array, owners?: Int32Array): void {
  const retrieved = candidates.filter((c) => c.kind === 'skill' && c.retrieval > 0);
  if (!retrieved.length) return;
  const rows = scoreAll(matrix, docVector, 1);
  let perConcept: Float32Array = rows;
  if (owners) {
    perConcept = new Float32Array(owners.reduce((m, o) => Math.max(m, o + 1), 0)).fill(-Infinity);
    owners.forEach((o, r) => (perConcept[o] = Math.max(perConcept[o], rows[r])));
  }
  let sum = 0;
  for (const c of retrieved) sum += perConcept[c.index];
  const mean = sum / retrieved.length;
  for (const c of retrieved) {
    const level = taxonomy.skills[c.index]?.reuseLevel;
    if (level === 'sector-specific' || level === 'occupation-specific') c.documentFit = perConcept[c.index] - mean;
  }
}

/** Candidate.labelCoverage of every skill the model found: its best over the passages that retrieved it. */
export function setLabelCoverage(candidates: readonly Candidate[], text: string, indexes: readonly LabelWordIndex[]): void {
  if (!indexes.length) return;
  const keys = new Map<string, Set<string>[]>();
  for (const c of candidates) {
    if (c.kind !== 'skill' || c.retrieval <= 0) continue;
    let best: number | undefined;
    for (const e of c.evidence) {
      if (e.signal !== 'embedding') continue;
      const at = `${e.start}:${e.end}`;
      let k = keys.get(at);
      if (!k) keys.set(at, (k = indexes.map((ix) => passageKeys(ix, text.slice(e.start, e.end)))));
      const v = passageCoverage(indexes, k, c.index);
      if (v !== undefined && (best === undefined || v > best)) best = v;
    }
    if (best !== undefined) c.labelCoverage = best;
  }
}

/** The most concepts retrieved for a passage among which a skill counts as found there for setOccupationProfile. */
export const PROFILE_RANK = 3;

/**
 * The occupations a document is about, for setOccupationProfile: the one its title names, and the one
 * nearest to the whole document (both, when they differ: a title names the post, the body says
 * what it involves).
 */
function documentOccupations(candidates: Candidate[], titleOccupation: number): number[] {
  const out = titleOccupation >= 0 ? [titleOccupation] : [];
  let nearest: Candidate | undefined;
  for (const c of candidates) if (c.kind === 'occupation' && c.document !== undefined && (!nearest || c.document > nearest.document!)) nearest = c;
  if (nearest && !out.includes(nearest.index)) out.push(nearest.index);
  return out;
}

/**
 * Candidate.profile: a skill among the PROFILE_RANK concepts retrieved first for a passage of the body
 * (not the title line, which names the occupation rather than a duty) that ESCO lists as essential or
 * optional for one of the document's occupations. ESCO's own occupation profiles are the prior: of
 * the near-equal cosines of a short passage, the duty of this occupation is the likelier reading, in
 * any language, since the relation is the taxonomy's and not the text's.
 */
function setOccupationProfile(candidates: Candidate[], taxonomy: Taxonomy, occupations: number[], text: string, tagged: readonly { start: number; end: number }[] | null): void {
  if (!occupations.length) return;
  const title = titleLineOf(text);
  const relation = new Map<number, OccupationProfileMatch>();
  for (const o of occupations) {
    const occ = taxonomy.occupations[o];
    if (!occ) continue;
    for (const s of occ.optionalSkills) if (!relation.has(s)) relation.set(s, { occupation: o, relation: 'optional' });
    for (const s of occ.essentialSkills) if (relation.get(s)?.relation !== 'essential') relation.set(s, { occupation: o, relation: 'essential' });
  }
  const best = new Map<string, { c: Candidate; rank: number; score: number }>();
  for (const c of candidates) {
    if (c.kind !== 'skill' || !relation.has(c.index)) continue;
    const label = taxonomy.skills[c.index]?.label ?? '';
    for (const e of c.evidence) {
      const rank = e.rank ?? 0;
      if (e.signal !== 'embedding' || rank >= PROFILE_RANK || (title && e.start < title.end && e.end > title.start) || oneWordOfLabel(text.slice(e.start, e.end), label)) continue;
      if (!readsOneThing(text, e, tagged)) {
        c.profile = relation.get(c.index);
        continue;
      }
      const key = `${e.start}:${e.end}`;
      const b = best.get(key);
      if (!b || rank < b.rank || (rank === b.rank && e.score > b.score)) best.set(key, { c, rank, score: e.score });
    }
  }
  for (const { c } of best.values()) c.profile ??= relation.get(c.index);
}

/**
 * Whether a passage gives the occupation profile one skill only, its first reading: a passage where
 * the tagger (`tagged`; null: none ran) found no skill phrase states no duty clearly ("serás una
 * pieza clave en nuestro restaurante" is near several of the waiter's duties and states none), and
 * one word names one thing. A phrase of several words, or a clause with phrases, may hold several.
 */
export function readsOneThing(text: string, passage: { start: number; end: number }, tagged: readonly { start: number; end: number }[] | null): boolean {
  if (!/\s/.test(text.slice(passage.start, passage.end).trim())) return true;
  return tagged !== null && !tagged.some((t) => passage.start <= t.start && t.end <= passage.end);
}

/**
 * Whether a passage is one word that is one of several words of the label ("patient" for "transfer
 * patients", "roads" for "road traffic laws"): the model retrieved the skill for the word the two
 * share, and the rest of the label, the duty, is what the ad does not say. A one-word passage that
 * is the whole label, or another word for it ("nettoyer" for "cleaning techniques",
 * "endocrinología" for "endocrinology"), is read as it is.
 */
export function oneWordOfLabel(passage: string, label: string): boolean {
  const word = passage.trim();
  if (/\s/.test(word)) return false;
  const labelWords = label.match(/[\p{L}\p{N}]+/gu) ?? [];
  const key = foldPlural(foldWord(word));
  return labelWords.length > 1 && labelWords.some((w) => foldPlural(foldWord(w)) === key);
}

/** How many nearest skills a skill candidate lists (Candidate.neighbours). */
export const SKILL_NEIGHBOURS = 3;
/** The skill candidates, best first, that get their neighbours: more than a shown list holds (40). */
export const NEIGHBOUR_CANDIDATES = 64;

/**
 * Candidate.neighbours of the best NEIGHBOUR_CANDIDATES skills (by their cosine or label score): one
 * search with their own concept vectors as queries (about 20 ms for 64 on a CPU). Skipped where a skill
 * has several rows (rowOwners), whose nearest rows would mostly be its own.
 */
async function setSkillNeighbours(ctx: ExtractionContext, candidates: Candidate[], int8Query: ExtractOptions['int8Query']): Promise<void> {
  const matrix = ctx.matrices?.skill;
  if (!matrix || ctx.rowOwners?.skill || !matrix.rows) return;
  const best = candidates
    .filter((c) => c.kind === 'skill' && (c.retrieval > 0 || c.lexical > 0))
    .sort((a, b) => Math.max(b.retrieval, b.lexical) - Math.max(a.retrieval, a.lexical))
    .slice(0, NEIGHBOUR_CANDIDATES);
  if (!best.length) return;
  const queries = new Float32Array(best.length * matrix.dims);
  best.forEach((c, i) => queries.set(getRow(matrix, c.index), i * matrix.dims));
  const k = Math.min(SKILL_NEIGHBOURS + 1, matrix.rows);
  const hits = await searchConcepts(ctx, 'skill', queries, best.length, k, int8Query);
  best.forEach((c, q) => {
    const row = Array.from(hits.indices.subarray(q * hits.k, (q + 1) * hits.k));
    c.neighbours = row.filter((i) => i >= 0 && i !== c.index).slice(0, SKILL_NEIGHBOURS);
  });
}

function meanOfRows(rows: Float32Array, from: number, count: number, dims: number, weights: number[]): Float32Array {
  const out = new Float32Array(dims);
  for (let r = 0; r < count; r++) {
    const base = (from + r) * dims;
    for (let d = 0; d < dims; d++) out[d] += rows[base + d] * weights[r];
  }
  let norm = 0;
  for (let d = 0; d < dims; d++) norm += out[d] * out[d];
  norm = Math.sqrt(norm) || 1;
  for (let d = 0; d < dims; d++) out[d] /= norm;
  return out;
}

const KINDS: ConceptKind[] = ['skill', 'occupation'];

// The cross-encoder reads the concept with its alternative labels and description whatever the
// embedding template is: a bare label gives it too little to judge a segment against.
const RERANK_TEXT = CONCEPT_TEXT_VARIANTS['label-alt-desc'];

/** The passage the reranker reads for a concept (also what the engine times it on). */
export function rerankPassage(concept: SkillConcept | OccupationConcept): string {
  return RERANK_TEXT.texts(concept)[0];
}

/** Lexical matching only: synchronous and instant, usable before any model has loaded. */
export function extractLexical(text: string, ctx: ExtractionContext, options: Partial<ExtractOptions> = {}): ExtractionResult {
  const { result, map } = lexicalStage(text, ctx, options);
  result.candidates = map.values();
  return result;
}

/** Segments and label mentions; the map is where the dense and rerank stages add to the same entries. */
function lexicalStage(text: string, ctx: ExtractionContext, options: Partial<ExtractOptions>): { result: ExtractionResult; map: CandidateMap; title: TitleFound } {
  const t0 = now();
  const seg = segmentText(text, options.segment ?? DEFAULT_EXTRACT_OPTIONS.segment);
  const analysed = seg.segments.length ? text.slice(0, seg.segments[seg.segments.length - 1].end) : '';
  // Heading lines ("Job description:", "Stellenbeschreibung:") name a part of the ad, not a skill.
  const sections = detectSections(analysed, { headings: true });
  const analyseAll = options.analyseAllSections ?? DEFAULT_EXTRACT_OPTIONS.analyseAllSections;
  for (const s of sections) s.analysed = analyseAll;
  const skipped = analyseAll ? [] : sections;
  const map = new CandidateMap();
  const title = addLexical(ctx, analysed, seg.segments, map, skipped);
  const result: ExtractionResult = {
    textLength: text.length,
    segments: seg.segments,
    notices: seg.notices,
    candidates: [],
    skippedSections: sections,
    stage: 'lexical',
    timings: { lexicalMs: now() - t0 },
  };
  return { result, map, title };
}

/**
 * Segments outside the skipped sections: the ones the model sees. The document's own vector also
 * reads the job details (`withDetails`): a place, a contract and hours are part of what the ad is,
 * though no skill is found in them.
 */
function analysedSegments(result: ExtractionResult, withDetails = false): Segment[] {
  const skipped = result.skippedSections.filter((s) => !s.analysed && !(withDetails && s.reason === 'details'));
  if (!skipped.length) return result.segments;
  return result.segments.filter((s) => sectionAt(skipped, s.start) < 0);
}

/** A query text with the span it evidences and the segment index evidence points to. */
interface Query {
  text: string;
  start: number;
  end: number;
  segmentIndex: number;
}

/** Whole sentences that the segmenter cut into several pieces (ExtractOptions.queryGranularity). */
function sentenceQueries(text: string, segments: Segment[]): Query[] {
  const out: Query[] = [];
  for (let i = 0; i < segments.length; ) {
    let j = i;
    while (j + 1 < segments.length && segments[j + 1].group !== undefined && segments[j + 1].group === segments[i].group) j++;
    if (j > i) out.push({ text: text.slice(segments[i].start, segments[j].end), start: segments[i].start, end: segments[j].end, segmentIndex: segments[i].index });
    i = j + 1;
  }
  return out;
}

const TITLE_MAX_CHARS = 100;
const TITLE_MAX_WORDS = 12;

/** The first non-empty line when it is short enough to be a title (a bare title counts too). */
export function titleLineOf(text: string): { start: number; end: number } | null {
  const m = /\S[^\n\r]*/.exec(text);
  if (!m) return null;
  const line = m[0].trimEnd();
  if (line.length > TITLE_MAX_CHARS || line.split(/\s+/).length > TITLE_MAX_WORDS) return null;
  return { start: m.index, end: m.index + line.length };
}

/**
 * conceptTopK through the context's search when it has one. `passages`: the queries are the text's
 * passages, which the skill labels in the text's language (ctx.labelVectors) are searched for too;
 * concept vectors as queries (setSkillNeighbours) stay in the English space.
 */
async function searchConcepts(ctx: ExtractionContext, kind: ConceptKind, queries: Float32Array, count: number, k: number, int8Query: 'i16' | 'i7', passages = false): Promise<TopKResult> {
  const matrix = ctx.matrices![kind];
  const owners = ctx.rowOwners?.[kind];
  let hits: TopKResult;
  if (!ctx.search) hits = conceptTopK(matrix, owners, queries, count, k, { int8Query });
  else if (!owners) hits = await ctx.search(kind, queries, count, k);
  else hits = foldRowOwners(await ctx.search(kind, queries, count, rowsPerConceptK(matrix, k)), owners, count, k);
  return passages && kind === 'skill' ? withRows(hits, ctx.labelVectors, queries, k, { int8Query }) : hits;
}

/**
 * Full extraction. Runs dense retrieval when both an embedder and matrices are present, and the
 * reranker over the document's shortlist when one is given and rerankLimit > 0; otherwise degrades to
 * lexical matching. `onProgress` receives the partial results while the reranker works.
 */
export async function extract(text: string, ctx: ExtractionContext, options: Partial<ExtractOptions> = {}, onProgress?: ExtractionProgress): Promise<ExtractionResult> {
  const opts = { ...DEFAULT_EXTRACT_OPTIONS, ...options };
  const { result, map, title: titleFound } = lexicalStage(text, ctx, opts);
  let titleOccupation = titleFound.row;
  result.candidates = map.values();
  const { embedder, matrices } = ctx;
  const segments = analysedSegments(result);
  if (!embedder || !matrices || segments.length === 0) return result;

  const docChunks = opts.documentTopK > 0 ? documentChunks(analysedSegments(result, true), opts.documentChunkChars, opts.maxDocumentChunks) : [];
  const queries: Query[] = segments.map((s) => ({ text: s.text, start: s.start, end: s.end, segmentIndex: s.index }));
  if (opts.queryGranularity === 'pieces+sentences') queries.push(...sentenceQueries(text, segments));
  // the tagger's phrases (null: no tagger ran)
  let tagged: { start: number; end: number }[] | null = null;
  let t = now();
  if (ctx.tagSpans) {
    const analysed = text.slice(0, segments[segments.length - 1].end);
    tagged = [];
    for (const sp of await ctx.tagSpans(analysed)) {
      // spans outside the analysed segments (skipped sections, headings) are left out
      const seg = segments.find((x) => x.start <= sp.start && sp.end <= x.end);
      if (seg && sp.end - sp.start >= 2) {
        queries.push({ text: text.slice(sp.start, sp.end), start: sp.start, end: sp.end, segmentIndex: seg.index });
        tagged.push(sp);
      }
    }
    result.timings.tagMs = now() - t;
  }
  const nameOnlyTitle = titleNamesOnlyOccupation(text, titleFound);
  const title = opts.titleLine ? titleLineOf(text) : null;
  const titleText = title && (!result.skippedSections.length || sectionAt(result.skippedSections.filter((s) => !s.analysed), title.start) < 0) ? text.slice(title.start, title.end) : '';
  // One embed call for all queries, document chunks and the title: the embedder batches them together.
  t = now();
  const vectors = await embedder.embed([...queries.map((q) => q.text), ...docChunks, ...(titleText ? [titleText] : [])]);
  const dims = embedder.dims;
  result.timings.embedMs = now() - t;

  t = now();
  const queryVectors = vectors.subarray(0, queries.length * dims);
  const [skillHits, occupationHits] = await Promise.all([
    searchConcepts(ctx, 'skill', queryVectors, queries.length, opts.topK, opts.int8Query, true),
    searchConcepts(ctx, 'occupation', queryVectors, queries.length, opts.topK, opts.int8Query),
  ]);
  const hits: Record<ConceptKind, TopKResult> = { skill: skillHits, occupation: occupationHits };
  // Each retrieved concept's best query: the one pair the reranker would score for it.
  const rerankable: RerankCandidate[] = [];
  for (const kind of KINDS) {
    const { indices, scores, k } = hits[kind];
    const best = new Map<number, RerankCandidate>();
    for (let s = 0; s < queries.length; s++) {
      const q = queries[s];
      if (kind === 'skill' && nameOnlyTitle && q.start >= nameOnlyTitle.start && q.end <= nameOnlyTitle.end) continue;
      for (let j = 0; j < k; j++) {
        const index = indices[s * k + j];
        if (index < 0) break;
        const score = scores[s * k + j];
        const c = map.get(kind, index, q.start);
        c.retrieval = Math.max(c.retrieval, score);
        addSignal(c, 'embedding');
        const ev: Evidence = { start: q.start, end: q.end, segmentIndex: q.segmentIndex, signal: 'embedding', score, rank: j };
        if (kind === 'skill' && oneWordOfLabel(q.text, ctx.taxonomy.skills[index]?.label ?? '')) ev.partOfLabel = true;
        c.evidence.push(ev);
        const b = best.get(index);
        if (!b) best.set(index, { kind, index, retrieval: score, lexical: 0, query: s });
        else if (score > b.retrieval) {
          b.retrieval = score;
          b.query = s;
        }
      }
    }
    rerankable.push(...best.values());
  }
  if (titleText && title) {
    const tv = vectors.subarray((queries.length + docChunks.length) * dims, (queries.length + docChunks.length + 1) * dims);
    const th = await searchConcepts(ctx, 'occupation', tv, 1, Math.max(opts.documentTopK, opts.topK), opts.int8Query);
    for (let j = 0; j < th.k && th.indices[j] >= 0; j++) {
      const c = map.get('occupation', th.indices[j], title.start);
      c.title = th.scores[j];
      addSignal(c, 'embedding');
      c.evidence.push({ start: title.start, end: title.end, segmentIndex: segmentOf(result.segments, title.start), signal: 'embedding', score: th.scores[j] });
    }
  }
  if (docChunks.length > 0) {
    const weights = docChunks.map((c) => c.length);
    const docVector = meanOfRows(vectors, queries.length, docChunks.length, dims, weights);
    const doc = await searchConcepts(ctx, 'occupation', docVector, 1, opts.documentTopK, opts.int8Query);
    for (let j = 0; j < doc.k && doc.indices[j] >= 0; j++) {
      const c = map.get('occupation', doc.indices[j], segments[0].start);
      c.document = doc.scores[j];
      addSignal(c, 'document');
    }
    if (titleOccupation < 0 && titleFound.shortlist.length) titleOccupation = confirmTitleShortlist(map, result.segments, titleFound.shortlist, Array.from(doc.indices));
    setDocumentFit(map.values(), ctx.taxonomy, matrices.skill, docVector, ctx.rowOwners?.skill);
  }
  if (ctx.labelWords) setLabelCoverage(map.values(), text, ctx.labelWords);
  setOccupationProfile(map.values(), ctx.taxonomy, documentOccupations(map.values(), titleOccupation), text, tagged);
  supportWeakMentions(map.all(), text, ctx.taxonomy);
  await setSkillNeighbours(ctx, map.values(), opts.int8Query);
  for (const r of rerankable) r.lexical = map.find(r.kind, r.index).lexical;
  const focus = opts.rerankFocus;
  const shortlist = rerankShortlist(rerankable, { skill: bandAround(focus.skill), occupation: bandAround(focus.occupation) }, opts.rerankLimit);
  result.timings.searchMs = now() - t;
  result.stage = 'embedding';
  result.refinement = { done: 0, total: shortlist.items.length };
  result.candidates = map.values();

  if (opts.rerankLimit <= 0 || !(ctx.reranker || ctx.rerankerWhenReady)) return result;
  const total = shortlist.items.length;
  const report = (done: number) => onProgress?.(snapshot(result, map.values(), { done, total }), done, total);
  report(0);
  const reranker = ctx.reranker ?? (await ctx.rerankerWhenReady?.());
  if (reranker) {
    t = now();
    // Under the band: the reranker is taken not to change their fate, so they are marked unconfirmed
    // (0 keeps their cosine, another scale, out of the 'auto' cut; the 'retrieval' basis still shows them).
    for (const r of shortlist.below) map.find(r.kind, r.index).rerank = 0;
    let done = 0;
    const batches = batchesOf(shortlist.items, opts.rerankBatch, opts.rerankFirstBatch);
    for (const batch of batches) {
      for (const { query, items } of groupByQuery(batch)) {
        const q = queries[query];
        const probs = await reranker.rerank(q.text, items.map((r) => rerankPassage(conceptOf(ctx.taxonomy, r.kind, r.index))));
        items.forEach((r, j) => {
          const c = map.find(r.kind, r.index);
          c.rerank = probs[j];
          addSignal(c, 'reranker');
          const ev = c.evidence.find((e) => e.signal === 'embedding' && e.segmentIndex === q.segmentIndex && e.start === q.start && e.end === q.end);
          if (ev) ev.rerank = probs[j];
        });
      }
      done += batch.length;
      if (done < total) report(done);
    }
    result.timings.rerankMs = now() - t;
    result.stage = 'reranked';
    result.refinement = { done, total };
    result.candidates = map.values();
  }
  return result;
}

function conceptOf(taxonomy: Taxonomy, kind: ConceptKind, index: number): SkillConcept | OccupationConcept {
  return kind === 'skill' ? taxonomy.skills[index] : taxonomy.occupations[index];
}

/** A copy of the result as it stands, for a progress report (the stages go on changing the map's entries). */
function snapshot(result: ExtractionResult, candidates: Candidate[], refinement: Refinement): ExtractionResult {
  return {
    ...result,
    notices: [...result.notices],
    skippedSections: result.skippedSections.map((s) => ({ ...s })),
    candidates: candidates.map((c) => ({ ...c, signals: [...c.signals], evidence: c.evidence.map((e) => ({ ...e })) })),
    refinement,
    partial: true,
    timings: { ...result.timings },
  };
}
