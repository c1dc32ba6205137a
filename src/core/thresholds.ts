// Thresholds: a pure, allocation-light function from extraction candidates and slider settings to
// the results shown, cheap enough to run on every slider move without calling the worker.
import type { Candidate } from './pipeline.ts';
import type { ConceptKind } from './taxonomy.ts';

/** Which model score the cut applies to. `auto`: reranker probability where present, else cosine. */
export type ScoreBasis = 'auto' | 'retrieval' | 'rerank';

export interface ThresholdSettings {
  skillThreshold: number;
  occupationThreshold: number;
  maxSkills: number;
  maxOccupations: number;
  scoreBasis: ScoreBasis;
  /** ISCO groups are broad; off by default so specific occupations lead. */
  includeIscoGroups: boolean;
}

/**
 * Defaults, per embedding model, because cosine scales differ between models. BGE-M3 cosines for a
 * matching segment/concept pair typically sit in 0.55-0.75 and unrelated pairs in 0.3-0.5; the
 * reranker's sigmoid is calibrated around 0.5. `npm run eval` prints the F1-maximising threshold
 * on labelled data and is how these values get tuned.
 */
export const DEFAULT_THRESHOLDS: Record<string, ThresholdSettings> = {
  'bge-m3': { skillThreshold: 0.6, occupationThreshold: 0.6, maxSkills: 40, maxOccupations: 8, scoreBasis: 'auto', includeIscoGroups: false },
  test: { skillThreshold: 0.55, occupationThreshold: 0.5, maxSkills: 40, maxOccupations: 8, scoreBasis: 'auto', includeIscoGroups: false },
};

export function defaultThresholds(presetId: string): ThresholdSettings {
  return { ...(DEFAULT_THRESHOLDS[presetId] ?? DEFAULT_THRESHOLDS['bge-m3']) };
}

/** The score a candidate is cut and sorted on: the best of its model score and its lexical score. */
export function candidateScore(c: Candidate, basis: ScoreBasis): number {
  let model: number;
  if (basis === 'retrieval') model = c.retrieval;
  else if (basis === 'rerank') model = c.rerank ?? 0;
  else model = c.rerank ?? c.retrieval;
  if (c.document !== undefined && basis !== 'rerank') model = Math.max(model, c.document);
  return Math.max(model, c.lexical);
}

export interface ShownCandidate {
  candidate: Candidate;
  score: number;
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
}

export function applyThresholds(candidates: readonly Candidate[], settings: ThresholdSettings, ctx: ThresholdContext): ThresholdResult {
  const skills: ShownCandidate[] = [];
  const occupations: ShownCandidate[] = [];
  const totals = { skill: 0, occupation: 0 };
  for (const c of candidates) {
    if (c.kind === 'occupation' && !settings.includeIscoGroups && ctx.isIscoGroup(c.index)) continue;
    totals[c.kind]++;
    const score = candidateScore(c, settings.scoreBasis);
    if (c.kind === 'skill' ? score >= settings.skillThreshold : score >= settings.occupationThreshold) {
      (c.kind === 'skill' ? skills : occupations).push({ candidate: c, score });
    }
  }
  const byScore = (a: ShownCandidate, b: ShownCandidate) => b.score - a.score || a.candidate.firstOffset - b.candidate.firstOffset;
  skills.sort(byScore);
  occupations.sort(byScore);
  return { skills: skills.slice(0, settings.maxSkills), occupations: occupations.slice(0, settings.maxOccupations), totals };
}

/** Histogram of candidate scores of one kind over [0, 1] for the slider's backdrop. */
export function scoreHistogram(candidates: readonly Candidate[], kind: ConceptKind, settings: ThresholdSettings, ctx: ThresholdContext, bins = 20): number[] {
  const counts = new Array<number>(bins).fill(0);
  for (const c of candidates) {
    if (c.kind !== kind) continue;
    if (kind === 'occupation' && !settings.includeIscoGroups && ctx.isIscoGroup(c.index)) continue;
    const s = candidateScore(c, settings.scoreBasis);
    counts[Math.min(bins - 1, Math.max(0, Math.floor(s * bins)))]++;
  }
  return counts;
}
