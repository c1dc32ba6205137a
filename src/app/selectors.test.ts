// Unit tests of the derived-state selectors: which result is shown while a newer one is pending,
// thresholded and filtered lists, which evidence spans are highlighted, and the grouped views.
import { describe, expect, it } from 'vitest';
import type { Candidate, ExtractionResult } from '../core/pipeline.ts';
import { defaultThresholds } from '../core/thresholds.ts';
import type { Taxonomy } from '../core/taxonomy.ts';
import { selectBusy, selectDisplayed, selectGrouped, selectHighlight, selectLists, selectThresholded, shownEvidence } from './selectors.ts';
import { INITIAL_LANGUAGE, type AppState, type TextResult } from './store.ts';

const taxonomy = {
  format: 1,
  escoVersion: '1.2.0',
  language: 'en',
  contentHash: 'x',
  skillGroups: [],
  skills: ['Java (computer programming)', 'SQL', 'teamwork principles'].map((label, i) => ({ uri: `u:s${i}`, label, altLabels: [], description: '', skillType: 'knowledge', reuseLevel: '', groups: [] })),
  occupations: [
    { uri: 'u:o0', label: 'software developer', altLabels: [], description: '', iscoCode: '2512', isIscoGroup: false, parent: 1, essentialSkills: [], optionalSkills: [] },
    { uri: 'u:o1', label: 'Software developers', altLabels: [], description: '', iscoCode: '2512', isIscoGroup: true, parent: -1, essentialSkills: [], optionalSkills: [] },
  ],
} as Taxonomy;

function cand(p: Partial<Candidate> & Pick<Candidate, 'kind' | 'index'>): Candidate {
  return { retrieval: 0, lexical: 0, signals: [], evidence: [], firstOffset: 0, ...p };
}

function result(text: string, candidates: Candidate[], stage: ExtractionResult['stage'] = 'lexical'): TextResult {
  return { text, result: { textLength: text.length, segments: [], notices: [], candidates, skippedSections: [], stage, timings: {} } };
}

const TEXT = 'We use SQL and Java. Teamwork matters.';
const lexical = result(TEXT, [
  cand({ kind: 'skill', index: 1, lexical: 1, signals: ['lexical'], firstOffset: 7, evidence: [{ start: 7, end: 10, segmentIndex: 0, signal: 'lexical', score: 1 }] }),
  cand({ kind: 'skill', index: 0, lexical: 0.95, signals: ['lexical'], firstOffset: 15, evidence: [{ start: 15, end: 19, segmentIndex: 0, signal: 'lexical', score: 0.95 }] }),
]);
const dense = result(
  TEXT,
  [
    ...lexical.result.candidates,
    cand({
      kind: 'skill',
      index: 2,
      retrieval: 0.7,
      signals: ['embedding'],
      firstOffset: 21,
      evidence: [
        { start: 0, end: 20, segmentIndex: 0, signal: 'embedding', score: 0.3 },
        { start: 21, end: 38, segmentIndex: 1, signal: 'embedding', score: 0.7 },
      ],
    }),
    cand({ kind: 'occupation', index: 0, retrieval: 0.8, signals: ['embedding', 'document'], document: 0.8 }),
    cand({ kind: 'occupation', index: 1, retrieval: 0.9, signals: ['embedding'] }),
  ],
  'reranked',
);

function state(p: Partial<AppState>): AppState {
  return {
    text: TEXT,
    taxonomy: { phase: 'ready', data: taxonomy, lexical: null },
    language: INITIAL_LANGUAGE,
    lexical: null,
    dense: null,
    densePending: false,
    filter: '',
    settings: { thresholds: defaultThresholds('test'), thresholdsPreset: 'test', sortBy: 'score', modelHost: null, rerankerEnabled: true, forceWasm: false },
    ...p,
  } as AppState;
}

describe('selectDisplayed / selectBusy', () => {
  it('shows the lexical result until a dense one exists for the text', () => {
    expect(selectDisplayed(state({ lexical }))).toBe(lexical);
    expect(selectBusy(state({ lexical, densePending: true }))).toBe(true);
    expect(selectDisplayed(state({ lexical, dense }))).toBe(dense);
    expect(selectBusy(state({ lexical, dense }))).toBe(false);
  });

  it('keeps the previous dense result (busy) while a newer one is pending', () => {
    const newer = result(`${TEXT} More.`, lexical.result.candidates);
    const s = state({ text: newer.text, lexical: newer, dense, densePending: true });
    expect(selectDisplayed(s)).toBe(dense);
    expect(selectBusy(s)).toBe(true);
    // If the dense request failed, the instant lexical result for the new text takes over.
    expect(selectDisplayed({ ...s, densePending: false })).toBe(newer);
  });

  it('shows nothing for blank text', () => {
    expect(selectDisplayed(state({ text: '  ', lexical, dense }))).toBeNull();
    expect(selectBusy(state({ text: '  ' }))).toBe(false);
  });
});

describe('thresholded lists', () => {
  it('cuts, leaves ISCO groups out by default, sorts and filters; memoises by input identity', () => {
    const s = state({ dense, lexical });
    const t = selectThresholded(s)!;
    expect(t.skills.map((x) => x.candidate.index)).toEqual([1, 0, 2]);
    expect(t.occupations.map((x) => x.candidate.index)).toEqual([0]);
    expect(selectThresholded({ ...s })).toBe(t);

    const byAppearance = selectLists({ ...s, settings: { ...s.settings, sortBy: 'appearance' } });
    expect(byAppearance.skills.map((x) => x.candidate.firstOffset)).toEqual([7, 15, 21]);
    const filtered = selectLists({ ...s, filter: 'JAVA' });
    expect(filtered.skills.map((x) => x.candidate.index)).toEqual([0]);
    expect(filtered.kept.skill).toBe(3);
  });
});

describe('selectHighlight', () => {
  it('marks label mentions strongly and only the segments that pass the cut', () => {
    const h = selectHighlight(state({ dense, lexical }))!;
    const marked = h.runs.filter((r) => r.keys.length).map((r) => [TEXT.slice(r.start, r.end), r.keys.join('+'), r.strong]);
    expect(marked).toEqual([
      ['SQL', 'skill:1', true],
      ['Java', 'skill:0', true],
      ['Teamwork matters.', 'skill:2', false],
    ]);
    expect(h.labels.get('skill:2')).toBe('teamwork principles');
  });
});

describe('selectGrouped', () => {
  // computer programming (0) is the broader skill of Java (1); both in ICT, teamwork (2) in another area.
  const hierarchy = {
    ...taxonomy,
    skillGroups: [
      { uri: 'g:K', label: 'knowledge', code: 'K', parents: [] },
      { uri: 'g:06', label: 'information and communication technologies (icts)', code: '06', parents: [0] },
      { uri: 'g:00', label: 'generic programmes and qualifications', code: '00', parents: [0] },
      { uri: 'g:T', label: 'transversal skills and competences', code: 'T', parents: [] },
    ],
    skills: [
      { uri: 'u:s0', label: 'computer programming', altLabels: [], description: '', skillType: 'knowledge', reuseLevel: '', groups: [1], broaderSkills: [] },
      { uri: 'u:s1', label: 'Java (computer programming)', altLabels: [], description: '', skillType: 'knowledge', reuseLevel: '', groups: [1], broaderSkills: [0] },
      { uri: 'u:s2', label: 'teamwork principles', altLabels: [], description: '', skillType: 'skill/competence', reuseLevel: 'transversal', groups: [2], broaderSkills: [] },
    ],
  } as Taxonomy;
  const text = 'We code in Java daily. Teamwork matters.';
  const res = result(
    text,
    [
      cand({ kind: 'skill', index: 1, lexical: 1, signals: ['lexical'], firstOffset: 11, evidence: [{ start: 11, end: 15, segmentIndex: 0, signal: 'lexical', score: 1 }] }),
      // the broader skill, retrieved on the sentence that names Java (and weakly elsewhere: not shown)
      cand({
        kind: 'skill',
        index: 0,
        retrieval: 0.8,
        signals: ['embedding'],
        firstOffset: 0,
        evidence: [
          { start: 0, end: 22, segmentIndex: 0, signal: 'embedding', score: 0.8 },
          { start: 23, end: 40, segmentIndex: 1, signal: 'embedding', score: 0.2 },
        ],
      }),
      cand({ kind: 'skill', index: 2, retrieval: 0.7, signals: ['embedding'], firstOffset: 23, evidence: [{ start: 23, end: 40, segmentIndex: 1, signal: 'embedding', score: 0.7 }] }),
      cand({ kind: 'occupation', index: 0, retrieval: 0.8, signals: ['embedding'] }),
    ],
    'embedding',
  );
  const base = (grouping: string) => {
    const s = state({ text, dense: res, taxonomy: { phase: 'ready', data: hierarchy, lexical: null } });
    return { ...s, settings: { ...s.settings, resultGrouping: grouping } } as AppState;
  };

  it('is null for the flat list (and for an unknown saved value)', () => {
    expect(selectGrouped(base('list'))).toBeNull();
    expect(selectGrouped(base('nonsense'))).toBeNull();
  });

  it('groups skills by top ESCO group, folding the broader skill found on the same highlighted span', () => {
    const g = selectGrouped(base('hierarchy'))!;
    expect(g.skills.map((sec) => [sec.key, sec.heading, sec.entries.map((e) => [e.shown.candidate.index, e.context.map((c) => c.candidate.index)])])).toEqual([
      ['skillGroup:1', '06 information and communication technologies (icts)', [[1, [0]]]],
      ['skillGroup:2', '00 generic programmes and qualifications', [[2, []]]],
    ]);
    // occupations by ISCO major group (the fixture's unit group has no parent: it is its own top)
    expect(g.occupations!.map((sec) => [sec.heading, sec.entries.length])).toEqual([['2512 Software developers', 1]]);
    // memoised on its inputs: a store change elsewhere gives the same object
    const st = base('hierarchy');
    expect(selectGrouped({ ...st, hover: { keys: ['skill:1'], via: 'mouse' } })).toBe(selectGrouped(st));
  });

  it('keeps the broader skill apart once its evidence elsewhere passes the cut', () => {
    const s = base('hierarchy');
    const low = { ...s, settings: { ...s.settings, thresholds: { ...s.settings.thresholds, skillThreshold: 0.15 } } } as AppState;
    const g = selectGrouped(low)!;
    expect(g.skills[0].entries.map((e) => [e.shown.candidate.index, e.context.length])).toEqual([
      [1, 0],
      [0, 0],
    ]);
  });

  it('groups by skill type, occupations staying a flat list', () => {
    const g = selectGrouped(base('skillType'))!;
    expect(g.skills.map((sec) => [sec.heading, sec.entries.map((e) => e.shown.candidate.index)])).toEqual([
      ['Knowledge', [1]],
      ['Transversal skills and competences', [2]],
    ]);
    expect(g.occupations).toBeNull();
  });

  it('gives the highlighted evidence of a candidate: mentions, segments past the cut, else the best one', () => {
    const th = defaultThresholds('test');
    expect(shownEvidence(res.result.candidates[1], th)).toEqual([{ start: 0, end: 22, strong: false }]);
    expect(shownEvidence(res.result.candidates[1], { ...th, skillThreshold: 0.9 })).toEqual([{ start: 0, end: 22, strong: false }]);
    expect(shownEvidence(res.result.candidates[1], { ...th, skillThreshold: 0.1 })).toEqual([
      { start: 0, end: 22, strong: false },
      { start: 23, end: 40, strong: false },
    ]);
    expect(shownEvidence(res.result.candidates[0], th)).toEqual([{ start: 11, end: 15, strong: true }]);
  });

  it('does not highlight a weak mention the model did not support (it is not why the result is shown)', () => {
    const th = defaultThresholds('test');
    const c = res.result.candidates[0];
    const withWeak = { ...c, evidence: [...c.evidence, { start: 30, end: 35, segmentIndex: 0, signal: 'lexical' as const, score: 0.95, weak: true }] };
    expect(shownEvidence(withWeak, th)).toEqual([{ start: 11, end: 15, strong: true }]);
  });
});
