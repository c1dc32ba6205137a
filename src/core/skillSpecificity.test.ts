// Tests for skill specificity: the formula on a hand-counted taxonomy (an essential+optional double
// listing counts once, unlinked skills score 1, ISCO groups do not count as occupations), the cache,
// and sanity on the built ESCO asset.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { skillSpecificity } from './skillSpecificity.ts';
import { validateTaxonomy, type OccupationConcept, type SkillConcept, type Taxonomy } from './taxonomy.ts';

const skill = (label: string): SkillConcept => ({ uri: `skill:${label}`, label, altLabels: [], description: '', skillType: 'skill/competence', reuseLevel: '', groups: [] });
const occupation = (label: string, essentialSkills: number[], optionalSkills: number[], isIscoGroup = false): OccupationConcept => ({
  uri: `occupation:${label}`, label, altLabels: [], description: '', iscoCode: '1234', isIscoGroup, parent: -1, essentialSkills, optionalSkills,
});
const taxonomyOf = (skills: SkillConcept[], occupations: OccupationConcept[]): Taxonomy => ({
  format: 1, escoVersion: 'test', language: 'en', contentHash: 'x', skillGroups: [], skills, occupations,
});

describe('skillSpecificity', () => {
  // 3 occupations with links (the ISCO group and the empty occupation do not count): N = 3.
  const tax = taxonomyOf(
    ['everywhere', 'rare', 'twice', 'nowhere'].map(skill),
    [
      occupation('a', [0, 1], [0]), // skill 0 listed twice here: one occupation
      occupation('b', [0], [2]),
      occupation('c', [2], [0]),
      occupation('group', [], [], true),
      occupation('empty', [], []),
    ],
  );
  const expected = (df: number, n = 3) => Math.log((n + 1) / (df + 1)) / Math.log(n + 1);

  it('is ln((N+1)/(n+1)) / ln(N+1) with each occupation counted once per skill', () => {
    const s = skillSpecificity(tax);
    expect(s).toHaveLength(4);
    expect(s[0]).toBeCloseTo(expected(3), 6);
    expect(s[0]).toBeCloseTo(0, 6); // every linked occupation lists it
    expect(s[1]).toBeCloseTo(expected(1), 6);
    expect(s[2]).toBeCloseTo(expected(2), 6);
    expect(s[3]).toBe(1); // no occupation lists it
    expect(s[1]).toBeGreaterThan(s[2]);
  });

  it('is cached per taxonomy object', () => {
    expect(skillSpecificity(tax)).toBe(skillSpecificity(tax));
    const copy = structuredClone(tax);
    copy.occupations[0].essentialSkills = [1, 3];
    const s = skillSpecificity(copy);
    expect(s).not.toBe(skillSpecificity(tax));
    expect(s[3]).toBeCloseTo(expected(1), 6);
  });

  it('gives 1 to every skill when no occupation has links', () => {
    expect([...skillSpecificity(taxonomyOf([skill('x'), skill('y')], [occupation('g', [], [], true)]))]).toEqual([1, 1]);
  });

  it('orders the real ESCO skills by how many occupations list them', () => {
    const real = validateTaxonomy(JSON.parse(readFileSync('public/taxonomy/taxonomy.json', 'utf8')));
    const t0 = performance.now();
    const s = skillSpecificity(real);
    console.log(`skillSpecificity over ${real.skills.length} skills: ${(performance.now() - t0).toFixed(1)} ms`);
    expect(s).toHaveLength(real.skills.length);
    const df = new Array<number>(real.skills.length).fill(0);
    for (const o of real.occupations) for (const i of new Set([...o.essentialSkills, ...o.optionalSkills])) df[i]++;
    for (let i = 0; i < s.length; i++) {
      expect(s[i]).toBeGreaterThanOrEqual(0);
      expect(s[i]).toBeLessThanOrEqual(1);
    }
    const most = df.indexOf(Math.max(...df));
    const once = df.indexOf(1);
    expect(s[most]).toBeLessThan(s[once]);
    expect(Math.min(...s)).toBe(s[most]);
  });
});
