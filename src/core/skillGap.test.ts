// Tests for the skill gap: found vs missing by skill index, coverage arithmetic, the display cap not
// limiting it, threshold moves, the errors for ISCO groups / unlinked / unknown occupations, and the
// JSON and CSV exports; then the gap lists of a real ESCO occupation against its links.
import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Candidate, Evidence } from './pipeline.ts';
import {
  COVERAGE_DEFINITION, ESSENTIAL_WEIGHT, MESSAGE_SUGGESTIONS, SKILL_GAP_CSV_COLUMNS, computeSkillGap, skillGapCsvRows, skillGapToCsv, skillGapToJson,
  type SkillGap, type SkillGapError,
} from './skillGap.ts';
import type { ThresholdSettings } from './thresholds.ts';
import { validateTaxonomy, type OccupationConcept, type SkillConcept, type Taxonomy } from './taxonomy.ts';

const skill = (label: string, groups: number[] = []): SkillConcept => ({ uri: `http://esco.test/skill/${label}`, label, altLabels: [], description: '', skillType: 'skill/competence', reuseLevel: '', groups });

function occupation(label: string, iscoCode: string, parent: number, essentialSkills: number[], optionalSkills: number[], isIscoGroup = false): OccupationConcept {
  return { uri: `http://esco.test/occupation/${label}`, label, altLabels: [], description: '', iscoCode, isIscoGroup, parent, essentialSkills, optionalSkills };
}

// Skills: 0 python, 1 java, 2 sql, 3 communication, 4 teamwork, 5 docker, 6 cooking.
const SKILLS = ['python', 'java', 'sql', 'communication', 'teamwork', 'docker', 'cooking'];
const S = Object.fromEntries(SKILLS.map((l, i) => [l, i])) as Record<string, number>;

function smallTaxonomy(): Taxonomy {
  return {
    format: 1, escoVersion: 'test', language: 'en', contentHash: 'x', skillGroups: [],
    skills: SKILLS.map((l) => skill(l)),
    occupations: [
      occupation('Professionals', '2', -1, [], [], true), // 0
      occupation('ICT professionals', '25', 0, [], [], true), // 1
      occupation('Software developers', '2512', 1, [], [], true), // 2
      // communication is both essential and optional: it counts once, as essential
      occupation('software developer', '2512', 2, [S.python, S.sql, S.communication], [S.docker, S.teamwork, S.communication]), // 3
      occupation('web developer', '2512', 2, [S.java, S.communication], [S.teamwork]), // 4
      occupation('Cooks', '5120', -1, [], [], true), // 5
      occupation('cook', '5120', 5, [S.cooking, S.communication], []), // 6
      occupation('kitchen ghost', '5120', 5, [], []), // 7: an occupation ESCO leaves without links
    ],
  };
}

let nextOffset = 0;
/** A skill candidate with embedding evidence at the given spans (first span scores `score`). */
function candidate(index: number, score: number, spans: Array<[number, number, number?]> = [], extra: Partial<Candidate> = {}): Candidate {
  const ev: Evidence[] = (spans.length ? spans : [[nextOffset, nextOffset + 1] as [number, number]]).map(([start, end, s]) => ({ start, end, segmentIndex: 0, signal: 'embedding', score: s ?? score }));
  nextOffset += 2;
  return { kind: 'skill', index, retrieval: score, lexical: 0, signals: ['embedding'], evidence: ev, firstOffset: Math.min(...ev.map((e) => e.start)), ...extra };
}

// maxSkills 1: the display cap must not limit the gap.
const SETTINGS: ThresholdSettings = { skillThreshold: 0.5, occupationThreshold: 0.5, maxSkills: 1, maxOccupations: 1, scoreBasis: 'retrieval', includeIscoGroups: false };

const TEXT = 'I write Python, "really"\nand SQL daily; docker at home; I talk a lot; Java once.';
const at = (word: string): [number, number] => {
  const i = TEXT.indexOf(word);
  return [i, i + word.length];
};

function textCandidates(): Candidate[] {
  const [ps, pe] = at('Python, "really"\nand');
  const python = candidate(S.python, 0.9, [[0, 24, 0.6], [ps, pe, 0.9]]);
  // the same span found lexically too: one evidence entry per span, the best
  python.lexical = 1;
  python.signals.push('lexical');
  python.evidence.push({ start: ps, end: pe, segmentIndex: 0, signal: 'lexical', score: 1, label: 'Python' });
  return [
    candidate(S.java, 0.95, [at('Java')]), // not in the profile
    candidate(S.sql, 0.7, [at('SQL')]),
    candidate(S.communication, 0.4, [at('I talk a lot')]), // below the threshold
    candidate(S.docker, 0.55, [at('docker')]),
    python,
    { ...candidate(0, 0.99), kind: 'occupation' }, // occupations are ignored
  ];
}

const asGap = (r: SkillGap | SkillGapError): SkillGap => {
  if (!r.ok) throw new Error(`expected a gap, got ${r.reason}: ${r.message}`);
  return r;
};
const asError = (r: SkillGap | SkillGapError): SkillGapError => {
  if (r.ok) throw new Error('expected an error');
  return r;
};

describe('computeSkillGap', () => {
  const tax = smallTaxonomy();

  it('splits essential and optional skills into found and missing by skill index', () => {
    const gap = asGap(computeSkillGap(tax, 3, textCandidates(), SETTINGS));
    expect(gap.essential.found.map((f) => f.skillIndex)).toEqual([S.python, S.sql]); // best first
    expect(gap.essential.missing.map((m) => m.skillIndex)).toEqual([S.communication]);
    expect(gap.optional.found.map((f) => f.skillIndex)).toEqual([S.docker]);
    expect(gap.optional.missing.map((m) => m.skillIndex)).toEqual([S.teamwork]); // communication counted as essential only
    expect(gap.essential.found.every((f) => f.relation === 'essential')).toBe(true);
    expect(gap.optional.missing[0].relation).toBe('optional');
    expect(gap.essential.found[0].score).toBe(1); // lexical 1 fused with max
    expect(gap.essential.found[1].score).toBeCloseTo(0.7, 6);
    // the candidate under the threshold is reported with its score; teamwork had none
    expect(gap.essential.missing[0].belowThreshold?.score).toBeCloseTo(0.4, 6);
    expect(gap.optional.missing[0].belowThreshold).toBeNull();
  });

  it('ranks evidence best first with one entry per span', () => {
    const gap = asGap(computeSkillGap(tax, 3, textCandidates(), SETTINGS));
    const ev = gap.essential.found[0].evidence;
    expect(ev.map((e) => [e.start, e.signal, e.score])).toEqual([[at('Python, "really"\nand')[0], 'lexical', 1], [0, 'embedding', 0.6]]);
  });

  it('computes coverage and the headline figure as defined', () => {
    const c = asGap(computeSkillGap(tax, 3, textCandidates(), SETTINGS)).coverage;
    expect(c).toMatchObject({ essentialFound: 2, essentialTotal: 3, optionalFound: 1, optionalTotal: 2 });
    expect(c.essentialShare).toBeCloseTo(2 / 3, 10);
    expect(c.optionalShare).toBeCloseTo(1 / 2, 10);
    expect(c.profile).toBeCloseTo(ESSENTIAL_WEIGHT * (2 / 3) + (1 - ESSENTIAL_WEIGHT) * (1 / 2), 10);
    expect(COVERAGE_DEFINITION).toContain(`${ESSENTIAL_WEIGHT * 100} %`);
    // an occupation without optional links: the essential share alone
    const cook = asGap(computeSkillGap(tax, 6, [candidate(S.cooking, 0.8)], SETTINGS)).coverage;
    expect(cook).toMatchObject({ essentialFound: 1, essentialTotal: 2, optionalTotal: 0, optionalShare: null, profile: 0.5 });
    // nothing found
    expect(asGap(computeSkillGap(tax, 3, [], SETTINGS)).coverage.profile).toBe(0);
  });

  it('moves skills between found and missing as the threshold moves', () => {
    const high = asGap(computeSkillGap(tax, 3, textCandidates(), { ...SETTINGS, skillThreshold: 0.8 }));
    expect(high.essential.found.map((f) => f.skillIndex)).toEqual([S.python]);
    expect(high.essential.missing.map((m) => m.skillIndex)).toEqual([S.sql, S.communication]); // link order
    expect(high.optional.found).toEqual([]);
    expect(high.coverage.profile).toBeCloseTo(ESSENTIAL_WEIGHT / 3, 10);
    const low = asGap(computeSkillGap(tax, 3, textCandidates(), { ...SETTINGS, skillThreshold: 0.3 }));
    expect(low.essential.found.map((f) => f.skillIndex)).toEqual([S.python, S.sql, S.communication]);
    expect(low.coverage.essentialShare).toBe(1);
  });

  it('keeps the best of several candidates for one skill', () => {
    const gap = asGap(computeSkillGap(tax, 3, [candidate(S.sql, 0.6), candidate(S.sql, 0.8), candidate(S.sql, 0.3)], SETTINGS));
    expect(gap.essential.found).toHaveLength(1);
    expect(gap.essential.found[0].score).toBeCloseTo(0.8, 6);
    expect(gap.coverage.essentialFound).toBe(1);
  });

  it('refuses an ISCO group and suggests its occupations (found via parent)', () => {
    const e = asError(computeSkillGap(tax, 2, textCandidates(), SETTINGS));
    expect(e.reason).toBe('isco-group');
    expect(e.suggestions).toEqual([3, 4]);
    expect(e.message).toBe("ISCO group 2512 'Software developers' has no skill links in ESCO; pick one of its occupations: 'software developer', 'web developer'.");
    // a higher group reaches them through the groups in between
    expect(asError(computeSkillGap(tax, 0, [], SETTINGS)).suggestions).toEqual([3, 4]);
  });

  it('names only the first few suggestions and counts the rest', () => {
    const big = smallTaxonomy();
    for (let i = 0; i < MESSAGE_SUGGESTIONS + 2; i++) big.occupations.push(occupation(`${i % 2 ? 'Dev' : 'dev'} ${String.fromCharCode(104 - i)}`, '2512', 2, [S.python], []));
    const e = asError(computeSkillGap(big, 2, [], SETTINGS));
    expect(e.suggestions).toHaveLength(MESSAGE_SUGGESTIONS + 4);
    const labels = e.suggestions.map((i) => big.occupations[i].label);
    expect(labels).toEqual([...labels].sort((x, y) => (x.toLowerCase() < y.toLowerCase() ? -1 : 1))); // case-insensitive
    expect(e.message).toContain(' and 4 more.');
    expect(e.message).toContain(`'${labels[MESSAGE_SUGGESTIONS - 1]}'`);
    expect(e.message).not.toContain(`'${labels[MESSAGE_SUGGESTIONS]}'`);
  });

  it('refuses an occupation without links and suggests its siblings that have them', () => {
    const e = asError(computeSkillGap(tax, 7, [], SETTINGS));
    expect(e.reason).toBe('no-skill-links');
    expect(e.suggestions).toEqual([6]);
    expect(e.message).toContain("'kitchen ghost'");
    expect(e.message).toContain("ISCO group 5120 'Cooks'");
    expect(e.message).toContain("'cook'");
  });

  it('refuses an unknown index', () => {
    for (const i of [-1, 8, 1.5, Number.NaN]) {
      const e = asError(computeSkillGap(tax, i, [], SETTINGS));
      expect(e.reason).toBe('unknown-occupation');
      expect(e.message).toContain(String(i));
    }
  });
});

describe('skill gap export', () => {
  const tax = smallTaxonomy();
  const gap = asGap(computeSkillGap(tax, 3, textCandidates(), SETTINGS));

  it('writes JSON with the URIs, statuses, scores and evidence texts', () => {
    const json = JSON.parse(JSON.stringify(skillGapToJson(gap, tax, TEXT)));
    expect(json.occupation).toEqual({ uri: 'http://esco.test/occupation/software developer', label: 'software developer', iscoCode: '2512' });
    expect(json.coverage.profile).toBeCloseTo(gap.coverage.profile, 12);
    expect(json.coverage.definition).toBe(COVERAGE_DEFINITION);
    expect(json.skillThreshold).toBe(0.5);
    const view = json.entries.map((e: { skillUri: string; relation: string; status: string }) => `${e.relation}/${e.status}/${e.skillUri.split('/').pop()}`);
    expect(view).toEqual(['essential/found/python', 'essential/found/sql', 'essential/missing/communication', 'optional/found/docker', 'optional/missing/teamwork']);
    expect(json.entries[1].evidence).toEqual([{ start: at('SQL')[0], end: at('SQL')[1], signal: 'embedding', text: 'SQL' }]);
    expect(json.entries[0].evidence[0].text).toBe('Python, "really"\nand');
    expect(json.entries[2]).toMatchObject({ score: null, evidence: [] });
    expect(json.entries[2].belowThresholdScore).toBeCloseTo(0.4, 6);
  });

  it('refuses a text the evidence does not lie in', () => {
    expect(() => skillGapToJson(gap, tax, TEXT.slice(0, 10))).toThrow(RangeError);
  });

  it('writes CSV in the documented column order that papaparse reads back to the same rows', () => {
    const csv = skillGapToCsv(gap, tax, TEXT);
    const parsed = Papa.parse<Record<string, string>>(csv, { header: true, skipEmptyLines: true });
    expect(parsed.errors).toEqual([]);
    expect(parsed.meta.fields).toEqual([...SKILL_GAP_CSV_COLUMNS]);
    const rows = skillGapCsvRows(gap, tax, TEXT);
    expect(parsed.data).toEqual(rows);
    expect(rows.map((r) => r.skill_label)).toEqual(['python', 'sql', 'communication', 'docker', 'teamwork']);
    const python = parsed.data[0];
    expect(python.status).toBe('found');
    expect(Number(python.score)).toBe(1);
    const offsets = python.evidence_offsets.split(';').map((p) => p.split('-').map(Number));
    expect((JSON.parse(python.evidence_text) as string[])).toEqual(offsets.map(([s, e]) => TEXT.slice(s, e)));
    expect(parsed.data[2]).toMatchObject({ status: 'missing', score: '', evidence_offsets: '', evidence_text: '[]' });
  });
});

describe('skill gap on the ESCO asset', () => {
  let tax: Taxonomy;
  beforeAll(() => {
    tax = validateTaxonomy(JSON.parse(readFileSync('public/taxonomy/taxonomy.json', 'utf8')));
  });

  it("lists exactly software developer's essential and optional links", () => {
    const index = tax.occupations.findIndex((o) => o.label === 'software developer' && !o.isIscoGroup);
    expect(index).toBeGreaterThanOrEqual(0);
    const o = tax.occupations[index];
    const essential = new Set(o.essentialSkills);
    const optional = new Set(o.optionalSkills.filter((s) => !essential.has(s)));
    const sorted = (xs: Iterable<number>) => [...xs].sort((a, b) => a - b);

    const none = asGap(computeSkillGap(tax, index, [], SETTINGS));
    expect(sorted(none.essential.missing.map((m) => m.skillIndex))).toEqual(sorted(essential));
    expect(sorted(none.optional.missing.map((m) => m.skillIndex))).toEqual(sorted(optional));
    expect(none.coverage).toMatchObject({ essentialTotal: essential.size, optionalTotal: optional.size, profile: 0 });

    // every other essential and optional skill found, plus a skill outside the profile
    const outside = tax.skills.findIndex((_, i) => !essential.has(i) && !optional.has(i));
    const hits = [...sorted(essential).filter((_, i) => i % 2 === 0), ...sorted(optional).filter((_, i) => i % 2 === 0), outside];
    const gap = asGap(computeSkillGap(tax, index, hits.map((s, i) => candidate(s, 0.6 + (i % 7) / 20)), SETTINGS));
    const foundEssential = sorted(essential).filter((_, i) => i % 2 === 0);
    const foundOptional = sorted(optional).filter((_, i) => i % 2 === 0);
    expect(sorted(gap.essential.found.map((f) => f.skillIndex))).toEqual(foundEssential);
    expect(sorted(gap.optional.found.map((f) => f.skillIndex))).toEqual(foundOptional);
    expect(sorted([...gap.essential.found, ...gap.essential.missing].map((f) => f.skillIndex))).toEqual(sorted(essential));
    expect(sorted([...gap.optional.found, ...gap.optional.missing].map((f) => f.skillIndex))).toEqual(sorted(optional));
    expect(gap.coverage.essentialFound).toBe(foundEssential.length);
    expect(gap.coverage.optionalFound).toBe(foundOptional.length);
    const json = skillGapToJson(gap, tax, ' '.repeat(2 * nextOffset));
    expect(json.occupation.uri).toBe(o.uri);
    expect(new Set(json.entries.map((e) => e.skillUri))).toEqual(new Set([...essential, ...optional].map((s) => tax.skills[s].uri)));
  });

  it("refuses ISCO group 2512 and suggests exactly its linked occupations", () => {
    const group = tax.occupations.findIndex((o) => o.isIscoGroup && o.iscoCode === '2512');
    const e = asError(computeSkillGap(tax, group, [], SETTINGS));
    const children = tax.occupations.flatMap((o, i) => (o.parent === group && !o.isIscoGroup && o.essentialSkills.length + o.optionalSkills.length > 0 ? [i] : []));
    expect(children.length).toBeGreaterThan(1);
    expect(new Set(e.suggestions)).toEqual(new Set(children));
    expect(e.message).toMatch(new RegExp(`^ISCO group 2512 '${tax.occupations[group].label}' has no skill links in ESCO; pick one of its occupations: '`));
    console.log(e.message);
  });
});
