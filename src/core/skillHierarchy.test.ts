// Unit tests of the skill hierarchy helpers on a small hand-made pillar: group paths (own and
// inherited through broader skills, the primary one among several), grouping by level, by skill
// type and by ISCO group, and the folding of broader skills found on the same evidence.
import { describe, expect, it } from 'vitest';
import type { Candidate, Evidence } from './pipeline.ts';
import {
  broaderSkillClosure,
  collapseBroader,
  groupAncestry,
  groupByHierarchy,
  groupByIsco,
  groupBySkillType,
  groupHeading,
  groupSkillIndices,
  iscoAncestry,
  primaryGroupPath,
  sameEvidence,
  skillGroupAt,
  skillGroupPaths,
  skillTypeKey,
} from './skillHierarchy.ts';
import type { ShownCandidate } from './thresholds.ts';
import type { OccupationConcept, SkillConcept, SkillGroupRef, Taxonomy } from './taxonomy.ts';

const G = (code: string, label: string, parents: number[] = []): SkillGroupRef => ({ uri: `g:${code}`, label, code, parents });
// 0 S, 1 S1, 2 S1.1, 3 K, 4 06, 5 061, 6 L, 7 L1, 8 T, 9 T4
const skillGroups = [
  G('S', 'skills'),
  G('S1', 'communication, collaboration and creativity', [0]),
  G('S1.1', 'negotiating', [1]),
  G('K', 'knowledge'),
  G('06', 'information and communication technologies (icts)', [3]),
  G('061', 'information and communication technologies (icts)', [4]),
  G('L', 'language skills and knowledge'),
  G('L1', 'languages', [6]),
  G('T', 'transversal skills and competences'),
  G('T4', 'social and communication skills and competences', [8]),
];
const S = (label: string, groups: number[], broaderSkills: number[] = [], skillType = 'skill/competence', reuseLevel = 'cross-sector'): SkillConcept => ({
  uri: `s:${label}`,
  label,
  altLabels: [],
  description: '',
  skillType,
  reuseLevel,
  groups,
  broaderSkills,
});
const skills = [
  /* 0 */ S('computer programming', [5], [], 'knowledge'),
  /* 1 */ S('Haskell', [], [0], 'knowledge'), // only under a broader skill
  /* 2 */ S('negotiate contracts', [2]),
  /* 3 */ S('English', [9, 7], [], 'knowledge', 'transversal'), // in two pillars; T4 listed first
  /* 4 */ S('functional programming', [5], [0], 'knowledge'),
  /* 5 */ S('Haskell libraries', [], [1], 'knowledge'), // two steps below computer programming
  /* 6 */ S('orphan', []),
  /* 7 */ S('new skill', [1], [], ''),
  /* 8 */ S('cycle a', [], [9]),
  /* 9 */ S('cycle b', [], [8]),
];
const O = (label: string, iscoCode: string, isIscoGroup: boolean, parent: number): OccupationConcept => ({
  uri: `o:${label}`,
  label,
  altLabels: [],
  description: '',
  iscoCode,
  isIscoGroup,
  parent,
  essentialSkills: [],
  optionalSkills: [],
});
const occupations = [
  /* 0 */ O('Professionals', '2', true, -1),
  /* 1 */ O('ICT professionals', '25', true, 0),
  /* 2 */ O('Software developers', '2512', true, 1),
  /* 3 */ O('software developer', '2512', false, 2),
  /* 4 */ O('Managers', '1', true, -1),
  /* 5 */ O('project manager', '1219', false, 4),
  /* 6 */ O('unplaced occupation', '', false, -1),
];
const taxonomy: Taxonomy = { format: 1, escoVersion: 't', language: 'en', contentHash: 'h', skillGroups, skills, occupations };

describe('group paths', () => {
  it('walks a group up to its pillar root, top-down', () => {
    expect(groupAncestry(taxonomy, 2)).toEqual([0, 1, 2]);
    expect(groupAncestry(taxonomy, 3)).toEqual([3]);
  });

  it('gives a skill the paths of its own groups, else those of its nearest broader skills', () => {
    expect(skillGroupPaths(taxonomy, 0)).toEqual([[3, 4, 5]]);
    expect(skillGroupPaths(taxonomy, 1)).toEqual([[3, 4, 5]]);
    expect(skillGroupPaths(taxonomy, 5)).toEqual([[3, 4, 5]]);
    expect(skillGroupPaths(taxonomy, 6)).toEqual([]);
    // broader-skill cycles end (no group on the way)
    expect(skillGroupPaths(taxonomy, 8)).toEqual([]);
  });

  it('picks the longest path, ties by code top-down, whatever order ESCO lists the groups in', () => {
    expect(skillGroupPaths(taxonomy, 3)).toEqual([[8, 9], [6, 7]]);
    expect(primaryGroupPath(taxonomy, 3)).toEqual([6, 7]);
    const reordered: Taxonomy = { ...taxonomy, skills: taxonomy.skills.map((s, i) => (i === 3 ? { ...s, groups: [7, 9] } : s)) };
    expect(primaryGroupPath(reordered, 3)).toEqual([6, 7]);
    // a deeper path wins over a lower code
    const deeper: Taxonomy = { ...taxonomy, skills: taxonomy.skills.map((s, i) => (i === 2 ? { ...s, groups: [4, 2] } : s)) };
    expect(primaryGroupPath(deeper, 2)).toEqual([0, 1, 2]);
  });

  it('files a skill under the group at a level, or the deepest one of a shorter path', () => {
    expect(skillGroupAt(taxonomy, 2, 0)).toBe(0);
    expect(skillGroupAt(taxonomy, 2, 1)).toBe(1);
    expect(skillGroupAt(taxonomy, 2, 2)).toBe(2);
    expect(skillGroupAt(taxonomy, 7, 2)).toBe(1);
    expect(skillGroupAt(taxonomy, 6, 1)).toBe(-1);
  });

  it('reads an asset without hierarchy fields as having none', () => {
    const old: Taxonomy = {
      ...taxonomy,
      skillGroups: skillGroups.map(({ parents: _p, ...g }) => g),
      skills: skills.map(({ broaderSkills: _b, ...s }) => s),
    };
    expect(groupAncestry(old, 2)).toEqual([2]);
    expect(skillGroupPaths(old, 1)).toEqual([]);
    expect(broaderSkillClosure(old, 5).size).toBe(0);
  });

  it('writes headings as code and label', () => {
    expect(groupHeading('S1', 'communication, collaboration and creativity')).toBe('S1 communication, collaboration and creativity');
    expect(groupHeading('', 'skills')).toBe('skills');
  });
});

describe('grouping', () => {
  it('groups skill indices by top group, in order of first appearance, the ungrouped last', () => {
    const buckets = groupSkillIndices(taxonomy, [6, 2, 0, 3, 1, 7]);
    expect(buckets.map((b) => [b.key, b.code, b.items])).toEqual([
      ['skillGroup:1', 'S1', [2, 7]],
      ['skillGroup:4', '06', [0, 1]],
      ['skillGroup:7', 'L1', [3]],
      ['none', '', [6]],
    ]);
    expect(buckets[0].label).toBe('communication, collaboration and creativity');
  });

  it('orders by size on request, and groups at another level', () => {
    expect(groupSkillIndices(taxonomy, [2, 0, 1, 4], 1, 'size').map((b) => b.items)).toEqual([[0, 1, 4], [2]]);
    expect(groupSkillIndices(taxonomy, [2, 7], 2).map((b) => [b.code, b.items])).toEqual([
      ['S1.1', [2]],
      ['S1', [7]],
    ]);
    expect(groupSkillIndices(taxonomy, [2, 0], 0).map((b) => b.label)).toEqual(['skills', 'knowledge']);
  });

  it('groups any item type through an accessor', () => {
    const items = [{ id: 'a', skill: 0 }, { id: 'b', skill: 2 }, { id: 'c', skill: 4 }];
    expect(groupByHierarchy(taxonomy, items, (x) => x.skill).map((b) => b.items.map((x) => x.id))).toEqual([['a', 'c'], ['b']]);
  });

  it('groups by skill type, transversal first of all by reuse level, in a fixed order', () => {
    expect(skillTypeKey(skills[3])).toBe('transversal');
    expect(skillTypeKey(skills[7])).toBe('unspecified');
    const buckets = groupBySkillType(taxonomy, [7, 2, 3, 0], (i) => i);
    expect(buckets.map((b) => [b.key, b.items])).toEqual([
      ['skillType:knowledge', [0]],
      ['skillType:skill/competence', [2]],
      ['skillType:transversal', [3]],
      ['skillType:unspecified', [7]],
    ]);
    expect(buckets[3].kind).toBe('none');
  });

  it('groups occupations by ISCO major group along the parent chain', () => {
    expect(iscoAncestry(taxonomy, 3)).toEqual([0, 1, 2]);
    expect(iscoAncestry(taxonomy, 1)).toEqual([0, 1]);
    const buckets = groupByIsco(taxonomy, [5, 3, 6, 2], (i) => i);
    expect(buckets.map((b) => [b.key, b.code, b.label, b.items])).toEqual([
      ['iscoGroup:4', '1', 'Managers', [5]],
      ['iscoGroup:0', '2', 'Professionals', [3, 2]],
      ['none', '', 'No ISCO group', [6]],
    ]);
    expect(groupByIsco(taxonomy, [3, 2], (i) => i, { level: 2 }).map((b) => b.code)).toEqual(['25']);
  });
});

const ev = (start: number, end: number, signal: Evidence['signal'] = 'lexical'): Evidence => ({ start, end, segmentIndex: 0, signal, score: 1 });
function shown(index: number, evidence: Evidence[], kind: Candidate['kind'] = 'skill', score = 0.9): ShownCandidate {
  return { candidate: { kind, index, retrieval: 0, lexical: 1, signals: ['lexical'], evidence, firstOffset: evidence[0]?.start ?? 0 }, score };
}
const entries = (list: ReturnType<typeof collapseBroader>) => list.map((e) => [e.shown.candidate.index, e.context.map((c) => c.candidate.index)]);

describe('collapseBroader', () => {
  it('defines same evidence as every broader span overlapping a narrower one', () => {
    expect(sameEvidence([{ start: 0, end: 40 }], [{ start: 10, end: 17 }])).toBe(true);
    expect(sameEvidence([{ start: 0, end: 40 }, { start: 50, end: 60 }], [{ start: 10, end: 17 }])).toBe(false);
    expect(sameEvidence([{ start: 0, end: 10 }], [{ start: 10, end: 17 }])).toBe(false);
    expect(sameEvidence([], [{ start: 0, end: 5 }])).toBe(false);
  });

  it('covers a label mention of the broader skill only by a mention of the narrower one, not by a sentence', () => {
    const sentence = { start: 0, end: 40 };
    expect(sameEvidence([{ start: 20, end: 40, strong: true }], [sentence, { start: 5, end: 12, strong: true }])).toBe(false);
    expect(sameEvidence([{ start: 5, end: 12, strong: true }], [{ start: 5, end: 12, strong: true }])).toBe(true);
    expect(sameEvidence([{ start: 0, end: 40 }], [{ start: 5, end: 12, strong: true }])).toBe(true);
  });

  it('folds a broader skill found on the same span into the narrower one, keeping list order', () => {
    const list = [shown(0, [ev(0, 40, 'embedding')]), shown(2, [ev(50, 60)]), shown(1, [ev(10, 17)])];
    expect(entries(collapseBroader(taxonomy, list))).toEqual([
      [2, []],
      [1, [0]],
    ]);
  });

  it('keeps a broader skill with evidence of its own elsewhere', () => {
    const list = [shown(0, [ev(0, 40, 'embedding'), ev(70, 90, 'embedding')]), shown(1, [ev(10, 17)])];
    expect(entries(collapseBroader(taxonomy, list))).toEqual([
      [0, []],
      [1, []],
    ]);
  });

  it('keeps a broader skill named in the text beside the narrower one found on the same sentence', () => {
    // "Strong Ruby and computer programming skills": Ruby by meaning on the sentence and by name,
    // computer programming by name
    const list = [shown(1, [ev(0, 44, 'embedding'), ev(7, 11)]), shown(0, [ev(16, 36)])];
    expect(entries(collapseBroader(taxonomy, list))).toEqual([
      [1, []],
      [0, []],
    ]);
  });

  it('follows broader skills over several steps and folds a whole chain into its most specific skill', () => {
    const list = [shown(0, [ev(0, 40, 'embedding')]), shown(1, [ev(5, 12)]), shown(5, [ev(5, 20)])];
    expect(entries(collapseBroader(taxonomy, list))).toEqual([[5, [0, 1]]]);
  });

  it('leaves unrelated skills and occupations alone, and uses the spans it is given', () => {
    const list = [shown(2, [ev(0, 10)]), shown(0, [ev(0, 10)], 'occupation'), shown(0, [ev(0, 10, 'embedding')]), shown(4, [ev(30, 40)])];
    expect(entries(collapseBroader(taxonomy, list))).toEqual([
      [2, []],
      [0, []],
      [0, []],
      [4, []],
    ]);
    // with the app's own spans (here: one shared span for all) the broader one folds
    expect(entries(collapseBroader(taxonomy, list.slice(2), () => [{ start: 0, end: 1 }]))).toEqual([[4, [0]]]);
  });

  it('survives cycles in the broader relation', () => {
    const list = [shown(8, [ev(0, 5)]), shown(9, [ev(0, 5)])];
    const out = collapseBroader(taxonomy, list);
    expect(out.reduce((n, e) => n + 1 + e.context.length, 0)).toBe(2);
  });
});
