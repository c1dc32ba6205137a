import { describe, expect, it } from 'vitest';
import type { Candidate, Evidence } from './pipeline.ts';
import { areFoldable, areSkillVariants, contentWords, foldSkillVariants, mutualNeighbours } from './skillVariants.ts';
import type { Taxonomy } from './taxonomy.ts';
import { applyThresholds, applyThresholdsUncapped, defaultThresholds, shownEvidence, thresholdContext } from './thresholds.ts';

/** The spans that show a candidate at a skill cut of `t` (thresholds.ts shownEvidence). */
const at = (t: number) => (x: { candidate: Candidate }) => shownEvidence(x.candidate, { ...defaultThresholds('test'), skillThreshold: t });

const LABELS = [
  'write technical documentation',
  'provide technical documentation',
  'technical documentation',
  'Java (computer programming)',
  'Python (computer programming)',
  'computer programming',
  'manage databases',
  'database',
  'write reports',
  'manage staff',
  'manage musical staff',
];
const taxonomy = {
  skills: LABELS.map((label, i) => ({ uri: `u:${i}`, label, altLabels: [], description: '', skillType: 'skill/competence', reuseLevel: '', groups: [], broaderSkills: i === 10 ? [9] : [] })),
  occupations: [],
  skillGroups: [],
} as unknown as Taxonomy;

function ev(start: number, end: number, score: number, signal: Evidence['signal'] = 'embedding', weak?: boolean): Evidence {
  return { start, end, segmentIndex: 0, signal, score, ...(weak ? { weak } : {}) };
}
function cand(index: number, retrieval: number, evidence: Evidence[]): Candidate {
  return { kind: 'skill', index, retrieval, lexical: 0, signals: ['embedding'], evidence, firstOffset: evidence[0]?.start ?? 0 };
}

describe('contentWords', () => {
  it('drops function words, bracketed qualifiers and a plural s', () => {
    expect([...contentWords('write technical documentation')]).toEqual(['write', 'technical', 'documentation']);
    expect([...contentWords('Java (computer programming)')]).toEqual(['java']);
    expect([...contentWords('manage databases')]).toEqual(['database']);
    expect([...contentWords('use of the C++ language')]).toEqual(['c++', 'language']);
  });
});

describe('areSkillVariants', () => {
  const v = (a: number, b: number) => areSkillVariants(taxonomy, a, b);
  it('holds when the shorter label’s content words are all in the other', () => {
    expect(v(0, 2)).toBe(true);
    expect(v(2, 1)).toBe(true);
    expect(v(6, 7)).toBe(true);
    // Generic verbs ("provide", "use", "manage") carry no content: the same skill, or its other direction, on one phrase.
    expect(v(0, 1)).toBe(true);
  });
  it('does not hold for two different skills, or for a skill and its qualifier’s subject', () => {
    expect(v(0, 8)).toBe(false); // each has a content word the other lacks
    expect(v(3, 4)).toBe(false); // Java vs Python
    expect(v(3, 5)).toBe(false); // Java vs computer programming: the hierarchy's, not a variant
    expect(v(9, 10)).toBe(false); // a skill and its broader one: the grouped views fold those ("within:")
  });
});

describe('mutual nearest neighbours (the model\'s near-duplicates)', () => {
  const near = (index: number, neighbours: number[]) => ({ ...cand(index, 0.9, [ev(0, 30, 0.9)]), neighbours });
  it('holds only when each skill is among the other\'s nearest', () => {
    // "write reports" and "manage databases" share no content word; the model says they are near-duplicates
    expect(mutualNeighbours(near(8, [6, 1]), near(6, [8]))).toBe(true);
    expect(areFoldable(taxonomy, near(8, [6, 1]), near(6, [8]))).toBe(true);
    // one-sided: a hub near many skills folds none of them
    expect(mutualNeighbours(near(8, [6]), near(6, [1, 2]))).toBe(false);
    expect(mutualNeighbours(cand(8, 0.9, []), near(6, [8]))).toBe(false);
    expect(areFoldable(taxonomy, near(8, [1]), near(6, [2]))).toBe(false);
  });
  it('never folds a skill into its broader one, neighbours or not', () => {
    expect(areFoldable(taxonomy, near(9, [10]), near(10, [9]))).toBe(false);
  });
  it('folds a mutual neighbour found on the same words into the higher-ranked entry', () => {
    const ctx = thresholdContext(taxonomy);
    const r = applyThresholds([near(8, [6]), { ...near(6, [8]), retrieval: 0.85 }], { ...defaultThresholds('test'), skillThreshold: 0.5 }, ctx);
    expect(r.skills.map((x) => [x.candidate.index, x.variants?.map((v) => v.candidate.index)])).toEqual([[8, [6]]]);
  });
});

describe('foldSkillVariants', () => {
  const isVariant = (a: Candidate, b: Candidate) => areSkillVariants(taxonomy, a.index, b.index);
  const shown = (c: Candidate) => ({ candidate: c, score: c.retrieval });

  it('folds a variant found on the same words into the higher-ranked entry, keeping order', () => {
    const list = [shown(cand(0, 0.9, [ev(0, 30, 0.9)])), shown(cand(3, 0.88, [ev(40, 44, 0.88)])), shown(cand(2, 0.87, [ev(5, 28, 0.87)]))];
    const folded = foldSkillVariants(list, isVariant, at(0.85));
    expect(folded.map((f) => [f.entry.candidate.index, f.variants.map((x) => x.candidate.index)])).toEqual([
      [0, [2]],
      [3, []],
    ]);
  });
  it('keeps a variant apart when it has evidence of its own elsewhere that passes the cut', () => {
    const list = [shown(cand(0, 0.9, [ev(0, 30, 0.9)])), shown(cand(2, 0.87, [ev(5, 28, 0.87), ev(60, 80, 0.86)]))];
    expect(foldSkillVariants(list, isVariant, at(0.85)).map((f) => f.variants.length)).toEqual([0, 0]);
    // Below the cut, that other span does not count: folded.
    expect(foldSkillVariants(list, isVariant, at(0.865)).map((f) => f.variants.length)).toEqual([1]);
  });
  it('weak mentions do not count as evidence', () => {
    expect(at(0.85)({ candidate: cand(6, 0.9, [ev(0, 8, 0.95, 'lexical', true), ev(10, 20, 0.9)]) }).map((e) => e.start)).toEqual([10]);
  });
});

describe('applyThresholds folds variants in shown lists only', () => {
  const candidates = [cand(0, 0.95, [ev(0, 30, 0.95)]), cand(8, 0.94, [ev(0, 30, 0.94)]), cand(2, 0.93, [ev(0, 30, 0.93)]), cand(3, 0.92, [ev(35, 40, 0.92)])];
  const settings = { ...defaultThresholds('test'), skillThreshold: 0.5, maxSkills: 2 };

  it('the shown list has one entry for the phrase, with its variant, and the cap counts entries', () => {
    const r = applyThresholds(candidates, settings, thresholdContext(taxonomy));
    // 'write reports' is no variant of 'write technical documentation': its own entry; Java is cut by the cap.
    expect(r.skills.map((s) => [s.candidate.index, (s.variants ?? []).map((x) => x.candidate.index)])).toEqual([
      [0, [2]],
      [8, []],
    ]);
  });
  it('analyses (uncapped) keep every skill', () => {
    expect(applyThresholdsUncapped(candidates, settings, taxonomy).skills.map((s) => s.candidate.index)).toEqual([0, 8, 2, 3]);
  });
});
