// Tests for the ad/CV match: met, related, missing and extra skills and occupations by index, the
// weighted figure against skillSpecificity, identical documents, an ad without skills, thresholds
// moving the sets, the related credit switch, the uniform-weight fallback and deterministic order.
import { describe, expect, it } from 'vitest';
import { MATCH_DEFINITION, RELATED_CREDIT, compareDocuments, matchDefinition, type DocumentMatch } from './documentMatch.ts';
import type { Candidate } from './pipeline.ts';
import { skillSpecificity } from './skillSpecificity.ts';
import type { ThresholdSettings } from './thresholds.ts';
import type { OccupationConcept, SkillConcept, Taxonomy } from './taxonomy.ts';

const skill = (label: string, groups: number[]): SkillConcept => ({ uri: `skill:${label}`, label, altLabels: [], description: '', skillType: 'skill/competence', reuseLevel: '', groups });
const occupation = (label: string, iscoCode: string, essentialSkills: number[], optionalSkills: number[], isIscoGroup = false): OccupationConcept => ({
  uri: `occupation:${label}`, label, altLabels: [], description: '', iscoCode, isIscoGroup, parent: -1, essentialSkills, optionalSkills,
});

// Groups: 0 programming (python, java), 1 software (sql, docker), 2 transversal (communication, teamwork).
const SKILLS: Array<[string, number[]]> = [['python', [0]], ['java', [0]], ['sql', [1]], ['communication', [2]], ['teamwork', [2]], ['docker', [1]], ['cooking', []]];
const S = Object.fromEntries(SKILLS.map(([l], i) => [l, i])) as Record<string, number>;
const O = { developer: 0, webDeveloper: 1, cook: 2, chef: 3, ictGroup: 4 };

const TAX: Taxonomy = {
  format: 1, escoVersion: 'test', language: 'en', contentHash: 'x',
  skillGroups: [{ uri: 'g:0', label: 'programming', code: 'S1.1.1' }, { uri: 'g:1', label: 'software', code: '0613' }, { uri: 'g:2', label: 'teamwork', code: 'T1.1' }],
  skills: SKILLS.map(([l, g]) => skill(l, g)),
  occupations: [
    occupation('software developer', '2512', [S.python, S.sql, S.communication], [S.docker, S.teamwork]),
    occupation('web developer', '2512', [S.java, S.communication], [S.teamwork]),
    occupation('cook', '5120', [S.cooking, S.communication], []),
    occupation('chef', '3434', [S.cooking], []),
    occupation('ICT professionals', '25', [], [], true),
  ],
};

function cand(kind: Candidate['kind'], index: number, score: number, offset: number): Candidate {
  return { kind, index, retrieval: score, lexical: 0, signals: ['embedding'], evidence: [{ start: offset, end: offset + 5, segmentIndex: 0, signal: 'embedding', score }], firstOffset: offset };
}
const sk = (name: string, score: number, offset: number) => cand('skill', S[name], score, offset);

// maxSkills/maxOccupations 1: the display caps must not limit the match.
const SETTINGS: ThresholdSettings = { skillThreshold: 0.5, occupationThreshold: 0.5, maxSkills: 1, maxOccupations: 1, scoreBasis: 'retrieval', includeIscoGroups: false };

const AD: Candidate[] = [
  sk('python', 0.9, 10), sk('sql', 0.8, 20), sk('teamwork', 0.7, 30), sk('cooking', 0.6, 40), sk('docker', 0.3, 50), // docker below the cut
  cand('occupation', O.developer, 0.9, 0), cand('occupation', O.cook, 0.8, 5), cand('occupation', O.chef, 0.7, 6), cand('occupation', O.ictGroup, 0.95, 0),
];
const CV: Candidate[] = [
  sk('python', 0.7, 100), sk('docker', 0.8, 110), sk('java', 0.9, 120), sk('communication', 0.95, 130),
  cand('occupation', O.webDeveloper, 0.85, 100), cand('occupation', O.cook, 0.6, 140), cand('occupation', O.ictGroup, 0.9, 100),
];

const skillSets = (m: DocumentMatch) => ({
  met: m.skills.met.map((p) => SKILLS[p.skillIndex][0]),
  related: m.skills.related.map((p) => `${SKILLS[p.skillIndex][0]}~${SKILLS[p.cvSkillIndex][0]}`),
  missing: m.skills.missing.map((p) => SKILLS[p.skillIndex][0]),
  extra: m.skills.extra.map((p) => SKILLS[p.skillIndex][0]),
});
const w = (name: string) => skillSpecificity(TAX)[S[name]];

describe('compareDocuments', () => {
  it('sorts ad skills into met, related and missing, and CV skills into extras', () => {
    const m = compareDocuments(TAX, AD, CV, SETTINGS);
    // java is in python's group, but python is met, so java is an extra
    expect(skillSets(m)).toEqual({ met: ['python'], related: ['sql~docker', 'teamwork~communication'], missing: ['cooking'], extra: ['java'] });
    const met = m.skills.met[0];
    expect([met.ad.candidate.firstOffset, met.cv.candidate.firstOffset]).toEqual([10, 100]); // both sides, for the evidence links
    expect(met.ad.score).toBeCloseTo(0.9, 6);
    expect(met.cv.score).toBeCloseTo(0.7, 6);
    expect(m.skills.related[0].groupIndex).toBe(1);
    expect(m.noAdSkills).toBe(false);
    expect(m.message).toBeNull();
  });

  it('weights the figure by specificity and gives related skills partial credit', () => {
    const m = compareDocuments(TAX, AD, CV, SETTINGS);
    const total = w('python') + w('sql') + w('teamwork') + w('cooking');
    expect(m.weights.total).toBeCloseTo(total, 6);
    expect(m.score).toBeCloseTo((w('python') + RELATED_CREDIT * (w('sql') + w('teamwork'))) / total, 6);
    expect(m.skills.met[0].weight).toBeCloseTo(w('python'), 6);
    expect(w('teamwork')).toBeLessThan(w('python')); // two occupations list teamwork, one lists python
    expect(m.definition).toBe(MATCH_DEFINITION);
    expect(MATCH_DEFINITION).toContain(`${RELATED_CREDIT * 100} %`);
  });

  it('with no related credit lists no related pairs: those skills are missing, their partners extras', () => {
    const m = compareDocuments(TAX, AD, CV, SETTINGS, { relatedCredit: 0 });
    expect(skillSets(m)).toEqual({ met: ['python'], related: [], missing: ['sql', 'teamwork', 'cooking'], extra: ['communication', 'java', 'docker'] });
    expect(m.score).toBeCloseTo(w('python') / (w('python') + w('sql') + w('teamwork') + w('cooking')), 6);
    expect(m.definition).toBe(matchDefinition(0));
    expect(m.definition).not.toContain('related');
    expect(() => compareDocuments(TAX, AD, CV, SETTINGS, { relatedCredit: 1.5 })).toThrow(RangeError);
  });

  it('compares occupations: met, same ISCO unit group, missing, extra; ISCO groups only when included', () => {
    const m = compareDocuments(TAX, AD, CV, SETTINGS);
    expect(m.occupations.met.map((p) => p.occupationIndex)).toEqual([O.cook]);
    expect(m.occupations.related.map((p) => [p.occupationIndex, p.cvOccupationIndex, p.iscoCode])).toEqual([[O.developer, O.webDeveloper, '2512']]);
    expect(m.occupations.missing.map((p) => p.occupationIndex)).toEqual([O.chef]);
    expect(m.occupations.extra).toEqual([]);
    const withGroups = compareDocuments(TAX, AD, CV, { ...SETTINGS, includeIscoGroups: true });
    expect(withGroups.occupations.met.map((p) => p.occupationIndex)).toEqual([O.ictGroup, O.cook]); // ad score order
  });

  it('gives 100 % for identical documents', () => {
    const m = compareDocuments(TAX, AD, AD, SETTINGS);
    expect(m.score).toBe(1);
    expect(skillSets(m)).toEqual({ met: ['python', 'sql', 'teamwork', 'cooking'], related: [], missing: [], extra: [] });
    expect(m.occupations.met.map((p) => p.occupationIndex)).toEqual([O.developer, O.cook, O.chef]);
    expect(m.occupations.missing).toEqual([]);
    expect(m.occupations.extra).toEqual([]);
  });

  it('says when the ad has no skills at the current thresholds instead of dividing by zero', () => {
    for (const ad of [[], AD]) {
      const m = compareDocuments(TAX, ad, CV, { ...SETTINGS, skillThreshold: 0.99 });
      expect(m.score).toBeNull();
      expect(m.noAdSkills).toBe(true);
      expect(m.message).toContain('no skills at the current thresholds');
      expect(m.message).toContain('0.99');
      expect(m.weights.total).toBe(0);
    }
    const m = compareDocuments(TAX, [], CV, SETTINGS);
    expect(m.skills.extra.length).toBe(4); // the CV's skills are still listed
    // a CV without skills is a 0 % match, not "no ad skills"
    const empty = compareDocuments(TAX, AD, [], SETTINGS);
    expect(empty.score).toBe(0);
    expect(empty.noAdSkills).toBe(false);
  });

  it('moves skills between the sets as the threshold moves', () => {
    const m = compareDocuments(TAX, AD, CV, { ...SETTINGS, skillThreshold: 0.75 });
    // the CV's python (0.7) drops out: python is now only related, through java; teamwork and cooking leave the ad
    expect(skillSets(m)).toEqual({ met: [], related: ['python~java', 'sql~docker'], missing: [], extra: ['communication'] });
    expect(m.score).toBeCloseTo(RELATED_CREDIT, 6);
    const low = compareDocuments(TAX, AD, CV, { ...SETTINGS, skillThreshold: 0.25 });
    expect(skillSets(low).met).toEqual(['python', 'docker']); // the ad's docker (0.3) now counts
  });

  it('weighs all skills the same when all the ad asks for has specificity 0', () => {
    const everywhere: Taxonomy = { ...TAX, occupations: TAX.occupations.map((o) => (o.isIscoGroup ? o : { ...o, essentialSkills: [S.communication, S.teamwork], optionalSkills: [] })) };
    expect(skillSpecificity(everywhere)[S.communication]).toBeCloseTo(0, 6);
    const ad = [sk('communication', 0.9, 0), sk('teamwork', 0.8, 10)];
    const m = compareDocuments(everywhere, ad, [sk('teamwork', 0.9, 0)], SETTINGS, { relatedCredit: 0 });
    expect(m.weights.uniform).toBe(true);
    expect(m.score).toBe(0.5);
    expect(Number.isNaN(m.score)).toBe(false);
  });

  it('counts a concept once, with its best candidate, and orders by score, then offset, whatever the input order', () => {
    const ad = [sk('sql', 0.8, 30), sk('python', 0.8, 20), sk('java', 0.6, 5), sk('python', 0.6, 1), sk('cooking', 0.8, 25)];
    const cv = [sk('java', 0.7, 3), sk('python', 0.9, 8), sk('sql', 0.8, 2), sk('cooking', 0.8, 2)];
    const a = compareDocuments(TAX, ad, cv, SETTINGS);
    expect(skillSets(a).met).toEqual(['python', 'cooking', 'sql', 'java']);
    expect(a.skills.met[0].ad.candidate.firstOffset).toBe(20);
    const b = compareDocuments(TAX, [...ad].reverse(), [...cv].reverse(), SETTINGS);
    expect(b).toEqual(a);
    expect(a.score).toBe(1);
  });
});
