// Occupations inferred from found skills: specificity weights, coverage with essential > optional,
// shrinkage against tiny profiles, direct evidence, explanations, and speed on the real taxonomy.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ESSENTIAL_WEIGHT, inferOccupations, OPTIONAL_WEIGHT, skillSpecificity, type InferredOccupation } from './occupationInference.ts';
import type { Candidate } from './pipeline.ts';
import type { ShownCandidate } from './thresholds.ts';
import { validateTaxonomy, type OccupationConcept, type SkillConcept, type Taxonomy } from './taxonomy.ts';

const skill = (label: string): SkillConcept => ({ uri: `s:${label}`, label, altLabels: [], description: '', skillType: 'skill/competence', reuseLevel: '', groups: [] });
const occ = (label: string, essentialSkills: number[], optionalSkills: number[] = [], isIscoGroup = false): OccupationConcept => ({
  uri: `o:${label}`,
  label,
  altLabels: [],
  description: '',
  iscoCode: isIscoGroup ? '25' : '2512',
  isIscoGroup,
  parent: -1,
  essentialSkills,
  optionalSkills,
});

// Skills: 0 communication (linked everywhere), 1 Java, 2 SQL, 3 Kubernetes, 4 baking, 5 icing, 6 Docker, 7 Python.
const SKILLS = ['communication', 'Java', 'SQL', 'Kubernetes', 'baking', 'icing', 'Docker', 'Python'];
function tiny(): Taxonomy {
  return {
    format: 1,
    escoVersion: 'test',
    language: 'en',
    contentHash: 'x',
    skillGroups: [],
    skills: SKILLS.map(skill),
    occupations: [
      occ('software developer', [0, 1, 2], [3]), // 0
      occ('DevOps engineer', [0, 3, 6], [1]), // 1
      occ('baker', [0, 4], [5]), // 2
      occ('pastry chef', [0, 5], [4]), // 3
      occ('ICT professionals', [], [], true), // 4: ISCO group, no links
      occ('data scientist', [0, 7, 2], []), // 5
    ],
  };
}

const shown = (kind: Candidate['kind'], index: number, score: number): ShownCandidate => ({
  candidate: { kind, index, retrieval: score, lexical: 0, signals: ['embedding'], evidence: [], firstOffset: 0 },
  score,
});
const skills = (...xs: [number, number][]) => xs.map(([i, s]) => shown('skill', i, s));
const byIndex = (r: InferredOccupation[], i: number) => r.find((x) => x.index === i);

describe('skillSpecificity', () => {
  it('weighs a skill linked everywhere least and a skill of one occupation most', () => {
    const t = tiny();
    const w = skillSpecificity(t);
    expect(w[0]).toBeLessThan(0.05); // communication: all 5 linked occupations
    expect(w[7]).toBeGreaterThan(0.5); // Python: one occupation
    expect(Math.max(...w.filter((_, s) => s !== 7 && s < SKILLS.length))).toBeLessThanOrEqual(w[7]);
    expect(w[1]).toBeGreaterThan(w[0]);
    expect(w[1]).toBeLessThan(w[7]); // Java: two occupations
    for (const x of w) expect(x >= 0 && x <= 1).toBe(true);
    expect(skillSpecificity(t)).toBe(w); // cached per taxonomy object
  });
});

describe('inferOccupations', () => {
  it('counts an essential link more than an optional one', () => {
    const t = tiny();
    // baking: essential for baker, optional for pastry chef; icing the other way round.
    const r = inferOccupations(t, skills([4, 1]), []);
    expect(r[0].index).toBe(2);
    expect(byIndex(r, 2)!.coverage).toBeGreaterThan(byIndex(r, 3)!.coverage);
    const r2 = inferOccupations(t, skills([5, 1]), []);
    expect(r2[0].index).toBe(3);
    // With equal weights the two are tied: the order above came from the essential weight.
    const eq = inferOccupations(t, skills([4, 1]), [], { optionalWeight: ESSENTIAL_WEIGHT });
    expect(byIndex(eq, 2)!.coverage).toBeCloseTo(byIndex(eq, 3)!.coverage);
    expect(OPTIONAL_WEIGHT).toBeLessThan(ESSENTIAL_WEIGHT);
  });

  it('a generic skill linked everywhere adds little; a specific one decides', () => {
    const t = tiny();
    const generic = inferOccupations(t, skills([0, 1]), []);
    expect(generic.length).toBe(5); // every occupation with links, not the ISCO group
    expect(Math.max(...generic.map((x) => x.coverage))).toBeLessThan(0.02);
    const r = inferOccupations(t, skills([0, 1], [7, 1]), []);
    expect(r[0].index).toBe(5);
    expect(r[0].coverage).toBeGreaterThan(10 * r[1].coverage);
  });

  it('weights a found skill by its own score', () => {
    const t = tiny();
    const strong = byIndex(inferOccupations(t, skills([7, 0.9]), []), 5)!;
    const weak = byIndex(inferOccupations(t, skills([7, 0.6]), []), 5)!;
    expect(strong.coverage).toBeCloseTo((weak.coverage * 0.9) / 0.6);
  });

  it('shrinks tiny profiles: one lucky hit does not beat a large profile mostly found', () => {
    const t = tiny();
    // A 20-skill occupation with 12 found against a 1-skill occupation whose one skill was found.
    const many = Array.from({ length: 20 }, (_, i) => skill(`big ${i}`));
    t.skills.push(...many, skill('lucky'));
    const big = many.map((_, i) => SKILLS.length + i);
    const lucky = SKILLS.length + many.length;
    t.occupations.push(occ('big profile', big), occ('tiny profile', [lucky]));
    const found = skills(...big.slice(0, 12).map((s): [number, number] => [s, 1]), [lucky, 1]);
    const r = inferOccupations(t, found, []);
    expect(r[0].index).toBe(t.occupations.length - 2);
    // Without the prior the tiny profile would have coverage 1 and win.
    expect(inferOccupations(t, found, [], { priorMass: 0 })[0].index).toBe(t.occupations.length - 1);
  });

  it('lifts an occupation with direct evidence, and ranks direct-only occupations', () => {
    const t = tiny();
    const found = skills([1, 1], [2, 1]); // Java, SQL: software developer first
    expect(inferOccupations(t, found, [])[0].index).toBe(0);
    const r = inferOccupations(t, found, [shown('occupation', 5, 0.9)]);
    const ds = byIndex(r, 5)!;
    expect(ds.direct).toBe(0.9);
    expect(ds.score).toBeGreaterThan(byIndex(inferOccupations(t, found, []), 5)!.score);
    expect(r[0].index).toBe(5);
    // Occupations sharing no found skill and not matched directly are not ranked.
    expect(byIndex(r, 2)).toBeUndefined();
    // No skills at all: the direct matches alone, in their order.
    const onlyDirect = inferOccupations(t, [], [shown('occupation', 2, 0.7), shown('occupation', 3, 0.8)]);
    expect(onlyDirect.map((x) => x.index)).toEqual([3, 2]);
  });

  it('gives ISCO groups (no links) a place only through direct evidence', () => {
    const t = tiny();
    const all = skills(...SKILLS.map((_, i): [number, number] => [i, 1]));
    expect(byIndex(inferOccupations(t, all, []), 4)).toBeUndefined();
    const g = byIndex(inferOccupations(t, all, [shown('occupation', 4, 0.8)]), 4)!;
    expect(g.coverage).toBe(0);
    expect(g.essentialTotal).toBe(0);
    expect(g.score).toBeCloseTo(0.4);
    expect(g.explanation).toBe('ISCO group, no skill profile; direct match 0.80');
  });

  it('explains with the right counts and the found skills, most specific first', () => {
    const t = tiny();
    const r = inferOccupations(t, skills([0, 1], [2, 1], [3, 0.9]), [shown('occupation', 0, 0.84)]);
    const dev = byIndex(r, 0)!;
    expect(dev.essentialFound).toEqual([2, 0]);
    expect(dev.essentialTotal).toBe(3);
    expect(dev.optionalFound).toEqual([3]);
    expect(dev.optionalTotal).toBe(1);
    expect(dev.explanation).toBe('2 of 3 essential skills found: SQL, communication; 1 of 1 optional: Kubernetes; direct match 0.84');
    const baker = byIndex(r, 2)!;
    expect(baker.explanation).toBe('1 of 2 essential skills found: communication; 0 of 1 optional');
    // Long lists are cut with an ellipsis.
    const cut = byIndex(inferOccupations(t, skills([0, 1], [1, 1], [2, 1]), [], { explanationLabels: 1 }), 0)!;
    expect(cut.explanation).toMatch(/^3 of 3 essential skills found: (Java|SQL), …; 0 of 1 optional$/);
  });

  it('counts a skill listed twice for one occupation once, as essential, and honours limit', () => {
    const t = tiny();
    t.occupations[0].optionalSkills.push(1); // Java is essential already
    const dev = byIndex(inferOccupations(t, skills([1, 1]), []), 0)!;
    expect(dev.essentialFound).toEqual([1]);
    expect(dev.optionalFound).toEqual([]);
    expect(dev.optionalTotal).toBe(1);
    expect(inferOccupations(t, skills([0, 1]), [], { limit: 2 }).length).toBe(2);
  });
});

describe('on the real taxonomy asset', () => {
  const file = join(__dirname, '..', '..', 'public', 'taxonomy', 'taxonomy.json');
  it('infers the occupation from its own specific skills, quickly', () => {
    expect(existsSync(file), `${file} missing: run "npm run build:taxonomy"`).toBe(true);
    const t = validateTaxonomy(JSON.parse(readFileSync(file, 'utf8')));
    const w = skillSpecificity(t);
    const byLabel = (l: string) => t.skills.findIndex((s) => s.label === l);
    const generic = byLabel('manage staff');
    expect(generic).toBeGreaterThanOrEqual(0);
    expect(w[generic]).toBeLessThan(0.4);

    const target = t.occupations.findIndex((o) => o.label === 'ICT system developer');
    expect(target).toBeGreaterThanOrEqual(0);
    // 40 found skills: the target's essential skills plus generic ones linked to many occupations.
    const profile = t.occupations[target].essentialSkills;
    const fillers = [...w.keys()].filter((s) => w[s] < 0.5 && !profile.includes(s)).slice(0, Math.max(0, 40 - profile.length));
    const found = [...profile, ...fillers].slice(0, 40).map((s, i) => shown('skill', s, 0.86 + (i % 10) / 100));
    expect(found.length).toBe(40);
    const t0 = performance.now();
    const first = inferOccupations(t, found, []);
    const firstMs = performance.now() - t0;
    const runs = 50;
    const t1 = performance.now();
    for (let i = 0; i < runs; i++) inferOccupations(t, found.slice(0, 40 - (i % 5)), []);
    const ms = (performance.now() - t1) / runs;
    const t2 = performance.now();
    for (let i = 0; i < runs; i++) inferOccupations(t, found.slice(0, 40 - (i % 5)), [], { limit: 20 });
    const msTop = (performance.now() - t2) / runs;
    console.log(`inferOccupations on ${t.occupations.length} occupations, 40 found skills: first call ${firstMs.toFixed(1)} ms (builds the link index), then ${ms.toFixed(2)} ms per call with all ${first.length} ranked occupations explained, ${msTop.toFixed(2)} ms with limit 20`);
    expect(inferOccupations(t, found, [], { limit: 20 }).map((x) => x.index)).toEqual(first.slice(0, 20).map((x) => x.index));
    expect(first[0].index).toBe(target);
    expect(first[0].essentialFound.length).toBe(new Set(profile).size);
    expect(first.every((x) => x.coverage >= 0 && x.coverage <= 1 && x.score >= x.coverage - 1e-12)).toBe(true);
    expect(ms).toBeLessThan(50);
    expect(msTop).toBeLessThan(20);
  });
});
