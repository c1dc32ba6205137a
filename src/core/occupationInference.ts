// Occupations inferred from the skills found in a text: ESCO links every occupation to its essential
// and optional skills (129k links), so the skills that passed the threshold say which occupations
// the text is about even when no occupation is named. Each occupation's share of its own profile
// that was found (weighted by how specific each skill is) is combined with the direct occupation
// matches of the pipeline into one ranking with a one-line explanation. Pure and allocation-light:
// the link index is built once per taxonomy object and a call touches only the occupations linked to
// found skills, so it can run on every slider move.
import { skillSpecificity } from './skillSpecificity.ts';
import type { ShownCandidate } from './thresholds.ts';
import type { Taxonomy } from './taxonomy.ts';

// The per-skill weight (inverse occupation frequency, 0..1, cached per taxonomy object) is shared
// with the document match so both weigh skills the same way; re-exported for callers of this module.
export { skillSpecificity };

/** Weight of an essential link in an occupation's profile. */
export const ESSENTIAL_WEIGHT = 1;
/** Weight of an optional link: half an essential one (ESCO: "may be relevant", not "is required"). */
export const OPTIONAL_WEIGHT = 0.5;
/**
 * Shrinkage of the coverage: the profile's weighted mass is counted as this much larger, as if every
 * occupation had a few more specific essential skills that were not found. Without it an occupation
 * with 3 essential skills would reach 1/3 coverage from one lucky hit and outrank a 20-skill
 * occupation with 7 hits. 3 is about the mass of 5 average essential links (mean specificity ~0.58);
 * it matters little for the median profile (19 essential + 17 optional, mass ~17).
 */
export const PRIOR_MASS = 3;
/**
 * How much a direct occupation score counts in the combined score (see inferOccupations). At 0.5 a
 * direct match of 0.85 is worth a coverage of about 0.43: a direct match with no skill support is
 * outranked only by occupations whose specific profile skills were largely found.
 */
export const DIRECT_WEIGHT = 0.5;
/** Found skills named in an explanation per link kind, most telling first. */
export const EXPLANATION_LABELS = 3;

export interface InferenceOptions {
  essentialWeight?: number;
  optionalWeight?: number;
  priorMass?: number;
  directWeight?: number;
  /** Keep only the best n (default: every ranked occupation). */
  limit?: number;
  explanationLabels?: number;
}

export interface InferredOccupation {
  /** Index into taxonomy.occupations. */
  index: number;
  /** Specificity- and score-weighted share of the occupation's skill profile found, shrunk by PRIOR_MASS; 0..1. */
  coverage: number;
  /** Found essential skills (indices into taxonomy.skills), most telling (specificity x score) first. */
  essentialFound: number[];
  essentialTotal: number;
  optionalFound: number[];
  optionalTotal: number;
  /** The direct occupation score (the pipeline's own match); 0 when it was not directly matched. */
  direct: number;
  /** The combined ranking score, 0..1. */
  score: number;
  explanation: string;
}

/** Skill -> linked occupations (CSR), and each occupation's profile size and specificity mass. */
interface LinkIndex {
  offsets: Int32Array;
  occupations: Int32Array;
  /** 1 for an essential link, 0 for optional. */
  essential: Uint8Array;
  essentialTotal: Int32Array;
  optionalTotal: Int32Array;
  /** Sums of skill specificity over the essential / optional links, so any weights give the mass. */
  essentialMass: Float64Array;
  optionalMass: Float64Array;
}

const indexCache = new WeakMap<Taxonomy, LinkIndex>();

function linkIndex(taxonomy: Taxonomy): LinkIndex {
  const hit = indexCache.get(taxonomy);
  if (hit) return hit;
  const w = skillSpecificity(taxonomy);
  const nOcc = taxonomy.occupations.length;
  const counts = new Int32Array(taxonomy.skills.length + 1);
  const essentialTotal = new Int32Array(nOcc);
  const optionalTotal = new Int32Array(nOcc);
  const essentialMass = new Float64Array(nOcc);
  const optionalMass = new Float64Array(nOcc);
  // A skill listed as both essential and optional for one occupation counts once, as essential.
  const profiles = taxonomy.occupations.map((o) => {
    const ess = [...new Set(o.essentialSkills)];
    const essSet = new Set(ess);
    const opt = [...new Set(o.optionalSkills)].filter((s) => !essSet.has(s));
    return { ess, opt };
  });
  profiles.forEach(({ ess, opt }, o) => {
    essentialTotal[o] = ess.length;
    optionalTotal[o] = opt.length;
    for (const s of ess) {
      essentialMass[o] += w[s];
      counts[s + 1]++;
    }
    for (const s of opt) {
      optionalMass[o] += w[s];
      counts[s + 1]++;
    }
  });
  const offsets = new Int32Array(counts.length);
  for (let s = 1; s < counts.length; s++) offsets[s] = offsets[s - 1] + counts[s];
  const occupations = new Int32Array(offsets[offsets.length - 1]);
  const essential = new Uint8Array(occupations.length);
  const fill = offsets.slice(0, -1);
  profiles.forEach(({ ess, opt }, o) => {
    for (const s of ess) {
      occupations[fill[s]] = o;
      essential[fill[s]++] = 1;
    }
    for (const s of opt) occupations[fill[s]++] = o;
  });
  const index = { offsets, occupations, essential, essentialTotal, optionalTotal, essentialMass, optionalMass };
  indexCache.set(taxonomy, index);
  return index;
}

interface Acc {
  found: number;
  essential: number[];
  optional: number[];
}

const clamp01 = (x: number) => (x > 1 ? 1 : x > 0 ? x : 0);

/**
 * Ranks the occupations linked to any found skill, and the directly matched ones.
 *
 * coverage = F / (T + prior), where F sums specificity(s) x linkWeight x score(s) over the found
 * skills of the occupation's profile (linkWeight: ESSENTIAL_WEIGHT or OPTIONAL_WEIGHT; score(s): the
 * skill's shown score clamped to 0..1, so a 0.9 hit counts a little more than a 0.6 one), T sums
 * specificity x linkWeight over the whole profile and prior = PRIOR_MASS (shrinkage, see there).
 *
 * score = 1 - (1 - coverage) x (1 - DIRECT_WEIGHT x direct): the two as independent evidence
 * (noisy-or), the direct match counting at most DIRECT_WEIGHT. With no direct match the ranking is by
 * coverage; with no skills, by the direct score. Sorted by score, then coverage, then index.
 */
export function inferOccupations(taxonomy: Taxonomy, skills: readonly ShownCandidate[], directOccupations: readonly ShownCandidate[], options: InferenceOptions = {}): InferredOccupation[] {
  const we = options.essentialWeight ?? ESSENTIAL_WEIGHT;
  const wo = options.optionalWeight ?? OPTIONAL_WEIGHT;
  const prior = options.priorMass ?? PRIOR_MASS;
  const dw = options.directWeight ?? DIRECT_WEIGHT;
  const nLabels = options.explanationLabels ?? EXPLANATION_LABELS;
  const idx = linkIndex(taxonomy);
  const spec = skillSpecificity(taxonomy);

  const skillScore = new Map<number, number>();
  for (const { candidate: c, score } of skills) {
    if (c.kind !== 'skill' || c.index < 0 || c.index >= spec.length) continue;
    skillScore.set(c.index, Math.max(skillScore.get(c.index) ?? 0, clamp01(score)));
  }
  const direct = new Map<number, number>();
  for (const { candidate: c, score } of directOccupations) {
    if (c.kind !== 'occupation' || c.index < 0 || c.index >= taxonomy.occupations.length) continue;
    direct.set(c.index, Math.max(direct.get(c.index) ?? 0, clamp01(score)));
  }

  const acc = new Map<number, Acc>();
  for (const [s, q] of skillScore) {
    for (let j = idx.offsets[s]; j < idx.offsets[s + 1]; j++) {
      const o = idx.occupations[j];
      let a = acc.get(o);
      if (!a) {
        a = { found: 0, essential: [], optional: [] };
        acc.set(o, a);
      }
      const ess = idx.essential[j] === 1;
      a.found += spec[s] * (ess ? we : wo) * q;
      (ess ? a.essential : a.optional).push(s);
    }
  }
  for (const o of direct.keys()) if (!acc.has(o)) acc.set(o, { found: 0, essential: [], optional: [] });

  // Scores first; the found lists are sorted and the explanations written only for the kept rows.
  const scored: { o: number; a: Acc; coverage: number; d: number; score: number }[] = [];
  for (const [o, a] of acc) {
    const mass = we * idx.essentialMass[o] + wo * idx.optionalMass[o];
    const coverage = a.found > 0 ? a.found / (mass + prior) : 0;
    const d = direct.get(o) ?? 0;
    scored.push({ o, a, coverage, d, score: 1 - (1 - coverage) * (1 - dw * d) });
  }
  scored.sort((x, y) => y.score - x.score || y.coverage - x.coverage || x.o - y.o);
  const kept = options.limit !== undefined && options.limit < scored.length ? scored.slice(0, Math.max(0, options.limit)) : scored;

  const telling = (a: number, b: number) => spec[b] * (skillScore.get(b) ?? 0) - spec[a] * (skillScore.get(a) ?? 0) || a - b;
  const label = (s: number) => taxonomy.skills[s].label;
  const list = (found: number[]) => (found.length ? `: ${found.slice(0, nLabels).map(label).join(', ')}${found.length > nLabels ? ', …' : ''}` : '');
  return kept.map(({ o, a, coverage, d, score }) => {
    a.essential.sort(telling);
    a.optional.sort(telling);
    const et = idx.essentialTotal[o];
    const ot = idx.optionalTotal[o];
    const parts: string[] = [];
    if (et + ot === 0) parts.push(taxonomy.occupations[o].isIscoGroup ? 'ISCO group, no skill profile' : 'no skill profile in ESCO');
    else {
      parts.push(`${a.essential.length} of ${et} essential skills found${list(a.essential)}`);
      if (a.optional.length || ot) parts.push(`${a.optional.length} of ${ot} optional${list(a.optional)}`);
    }
    if (d > 0) parts.push(`direct match ${d.toFixed(2)}`);
    return { index: o, coverage, essentialFound: a.essential, essentialTotal: et, optionalFound: a.optional, optionalTotal: ot, direct: d, score, explanation: parts.join('; ') };
  });
}
