// Document match: a job ad against a CV, from the two texts' extraction candidates. Which of the ad's
// skills the CV shows (met, with both candidates so the UI can point at the evidence in each text),
// which it shows a neighbour of (related: a skill in the same narrowest ESCO skill group), which it
// lacks, and what else the CV offers; the same for occupations; and one match figure weighted by skill
// specificity (skillSpecificity.ts). Uses the threshold cut on each side, never the display cap.
import type { Candidate } from './pipeline.ts';
import { skillSpecificity } from './skillSpecificity.ts';
import { applyThresholdsUncapped, type ShownCandidate, type ThresholdResult, type ThresholdSettings } from './thresholds.ts';
import type { Taxonomy } from './taxonomy.ts';

/** Default share of a skill's weight that a related (same skill group) CV skill earns. */
export const RELATED_CREDIT = 0.5;

export interface MatchOptions {
  /** 0..1; 0 turns related pairs off (those ad skills count as missing). Absent: RELATED_CREDIT. */
  relatedCredit?: number;
}

/** What DocumentMatch.score means, for a given related credit. */
export function matchDefinition(relatedCredit: number = RELATED_CREDIT): string {
  const related = relatedCredit > 0
    ? ` An ad skill the CV lacks, but for which the CV has another skill in the same narrowest ESCO skill group, earns ${Math.round(relatedCredit * 100)} % of its weight (listed as "related").`
    : '';
  return 'Match = the share of the job ad\'s skills that the CV also has, each skill weighted by its specificity ' +
    '(inverse occupation frequency over ESCO\'s occupation-skill links: a skill few occupations list weighs more than one most occupations list).' +
    related +
    ' Only skills at or above the skill threshold count, in the ad and in the CV; the display limit does not apply. ' +
    'If all of the ad\'s skills have specificity 0, every skill weighs the same. Occupations are compared but do not enter the figure.';
}

export const MATCH_DEFINITION = matchDefinition();

export interface SkillPair {
  skillIndex: number;
  /** The weight this skill carries in the score. */
  weight: number;
  ad: ShownCandidate;
  cv: ShownCandidate;
}

export interface RelatedSkillPair {
  /** The ad's skill. */
  skillIndex: number;
  weight: number;
  ad: ShownCandidate;
  /** The CV's skill in the same group. */
  cvSkillIndex: number;
  cv: ShownCandidate;
  /** Index into taxonomy.skillGroups of the group they share. */
  groupIndex: number;
}

export interface AdOnlySkill {
  skillIndex: number;
  weight: number;
  ad: ShownCandidate;
}

export interface CvOnlySkill {
  skillIndex: number;
  cv: ShownCandidate;
}

export interface OccupationPair {
  occupationIndex: number;
  ad: ShownCandidate;
  cv: ShownCandidate;
}

export interface RelatedOccupationPair {
  /** The ad's occupation. */
  occupationIndex: number;
  ad: ShownCandidate;
  cvOccupationIndex: number;
  cv: ShownCandidate;
  /** The ISCO-08 unit group (4 digits) they share. */
  iscoCode: string;
}

export interface AdOnlyOccupation {
  occupationIndex: number;
  ad: ShownCandidate;
}

export interface CvOnlyOccupation {
  occupationIndex: number;
  cv: ShownCandidate;
}

export interface DocumentMatch {
  skills: {
    /** Ad skills the CV has too. Ad score first (then ad offset, then index), as are the other ad-side lists. */
    met: SkillPair[];
    /** Ad skills the CV lacks but has a same-group skill for; empty when the related credit is 0. */
    related: RelatedSkillPair[];
    /** Ad skills with neither. */
    missing: AdOnlySkill[];
    /** CV skills the ad does not ask for and that are no related partner. CV score first. */
    extra: CvOnlySkill[];
  };
  occupations: {
    met: OccupationPair[];
    /** Ad occupations the CV lacks but has one in the same ISCO-08 unit group for. */
    related: RelatedOccupationPair[];
    missing: AdOnlyOccupation[];
    extra: CvOnlyOccupation[];
  };
  /** 0..1 per `definition`; null when the ad has no skills at the current thresholds. */
  score: number | null;
  /** True when the ad has no skills at the current thresholds (then `message` says so). */
  noAdSkills: boolean;
  message: string | null;
  weights: {
    /** Sum of the ad skills' weights (the denominator). */
    total: number;
    met: number;
    related: number;
    /** True when every ad skill had specificity 0 and all weigh 1 instead. */
    uniform: boolean;
  };
  relatedCredit: number;
  definition: string;
}

/** Skills and occupations passing the thresholds, without the display caps, one per concept (its best). */
function passing(taxonomy: Taxonomy, candidates: readonly Candidate[], settings: ThresholdSettings): { skills: ShownCandidate[]; occupations: ShownCandidate[] } {
  const r: ThresholdResult = applyThresholdsUncapped(candidates, settings, taxonomy);
  const unique = (list: ShownCandidate[]) => {
    const seen = new Set<number>();
    return list.filter((s) => {
      if (seen.has(s.candidate.index)) return false;
      seen.add(s.candidate.index);
      return true;
    });
  };
  // applyThresholds sorts by score, then offset; the index decides what is left tied.
  const order = (list: ShownCandidate[]) => list.sort((a, b) => b.score - a.score || a.candidate.firstOffset - b.candidate.firstOffset || a.candidate.index - b.candidate.index);
  return { skills: unique(order(r.skills)), occupations: unique(order(r.occupations)) };
}

function unitGroup(taxonomy: Taxonomy, occupationIndex: number): string {
  const code = taxonomy.occupations[occupationIndex]?.iscoCode ?? '';
  return /^\d{4}/.test(code) ? code.slice(0, 4) : '';
}

/** Compares a job ad's candidates with a CV's; see DocumentMatch and matchDefinition. */
export function compareDocuments(taxonomy: Taxonomy, ad: readonly Candidate[], cv: readonly Candidate[], settings: ThresholdSettings, options: MatchOptions = {}): DocumentMatch {
  const relatedCredit = options.relatedCredit ?? RELATED_CREDIT;
  if (!(relatedCredit >= 0 && relatedCredit <= 1)) throw new RangeError(`relatedCredit must lie in 0..1, got ${relatedCredit}`);
  const a = passing(taxonomy, ad, settings);
  const c = passing(taxonomy, cv, settings);

  // ---- skills ----
  const specificity = skillSpecificity(taxonomy);
  const uniform = a.skills.length > 0 && a.skills.every((s) => !(specificity[s.candidate.index] > 0));
  const weightOf = (skill: number) => (uniform ? 1 : specificity[skill] ?? 0);
  const cvSkill = new Map(c.skills.map((s) => [s.candidate.index, s]));
  const adSkills = new Set(a.skills.map((s) => s.candidate.index));
  // CV skills per skill group, best first (c.skills is in that order).
  const cvByGroup = new Map<number, ShownCandidate[]>();
  for (const s of c.skills) {
    for (const g of taxonomy.skills[s.candidate.index]?.groups ?? []) {
      const list = cvByGroup.get(g);
      if (list) list.push(s);
      else cvByGroup.set(g, [s]);
    }
  }
  const met: SkillPair[] = [];
  const related: RelatedSkillPair[] = [];
  const missing: AdOnlySkill[] = [];
  const partners = new Set<number>();
  const better = (x: ShownCandidate, y: ShownCandidate) => x.score > y.score || (x.score === y.score && (x.candidate.firstOffset < y.candidate.firstOffset || (x.candidate.firstOffset === y.candidate.firstOffset && x.candidate.index < y.candidate.index)));
  for (const s of a.skills) {
    const skill = s.candidate.index;
    const weight = weightOf(skill);
    const hit = cvSkill.get(skill);
    if (hit) {
      met.push({ skillIndex: skill, weight, ad: s, cv: hit });
      continue;
    }
    let partner: { cv: ShownCandidate; group: number } | null = null;
    if (relatedCredit > 0) {
      for (const g of taxonomy.skills[skill]?.groups ?? []) {
        const best = cvByGroup.get(g)?.[0];
        if (best && (!partner || better(best, partner.cv))) partner = { cv: best, group: g };
      }
    }
    if (partner) {
      related.push({ skillIndex: skill, weight, ad: s, cvSkillIndex: partner.cv.candidate.index, cv: partner.cv, groupIndex: partner.group });
      partners.add(partner.cv.candidate.index);
    } else {
      missing.push({ skillIndex: skill, weight, ad: s });
    }
  }
  const extra: CvOnlySkill[] = c.skills
    .filter((s) => !adSkills.has(s.candidate.index) && !partners.has(s.candidate.index))
    .map((s) => ({ skillIndex: s.candidate.index, cv: s }));
  const sum = (list: { weight: number }[]) => list.reduce((t, x) => t + x.weight, 0);
  const metWeight = sum(met);
  const relatedWeight = sum(related);
  // Summed per list so that with nothing related or missing the ratio is exactly 1.
  const total = metWeight + relatedWeight + sum(missing);
  const noAdSkills = a.skills.length === 0;
  const score = noAdSkills ? null : total > 0 ? (metWeight + relatedCredit * relatedWeight) / total : 0;

  // ---- occupations ----
  const cvOccupation = new Map(c.occupations.map((o) => [o.candidate.index, o]));
  const adOccupations = new Set(a.occupations.map((o) => o.candidate.index));
  const occMet: OccupationPair[] = [];
  const occRelated: RelatedOccupationPair[] = [];
  const occMissing: AdOnlyOccupation[] = [];
  const occPartners = new Set<number>();
  for (const o of a.occupations) {
    const index = o.candidate.index;
    const hit = cvOccupation.get(index);
    if (hit) {
      occMet.push({ occupationIndex: index, ad: o, cv: hit });
      continue;
    }
    const group = unitGroup(taxonomy, index);
    // c.occupations is best first, so the first one in the same unit group is the partner.
    const partner = group ? c.occupations.find((x) => x.candidate.index !== index && unitGroup(taxonomy, x.candidate.index) === group) : undefined;
    if (partner) {
      occRelated.push({ occupationIndex: index, ad: o, cvOccupationIndex: partner.candidate.index, cv: partner, iscoCode: group });
      occPartners.add(partner.candidate.index);
    } else {
      occMissing.push({ occupationIndex: index, ad: o });
    }
  }
  const occExtra: CvOnlyOccupation[] = c.occupations
    .filter((o) => !adOccupations.has(o.candidate.index) && !occPartners.has(o.candidate.index))
    .map((o) => ({ occupationIndex: o.candidate.index, cv: o }));

  return {
    skills: { met, related, missing, extra },
    occupations: { met: occMet, related: occRelated, missing: occMissing, extra: occExtra },
    score,
    noAdSkills,
    message: noAdSkills
      ? `The job ad has no skills at the current thresholds (skill threshold ${settings.skillThreshold}), so there is nothing to match the CV against: lower the skill threshold or check the ad text.`
      : null,
    weights: { total, met: metWeight, related: relatedWeight, uniform },
    relatedCredit,
    definition: matchDefinition(relatedCredit),
  };
}
