import { describe, expect, it } from 'vitest';
import type { Candidate } from './pipeline.ts';
import { applyThresholds, candidateScore, CONFIRM_SPAN, DEFAULT_THRESHOLDS, defaultThresholds, LABEL_COVERAGE_PIVOT, scoreHistogram, THRESHOLD_CALIBRATION } from './thresholds.ts';

function cand(kind: Candidate['kind'], index: number, retrieval: number, extra: Partial<Candidate> = {}): Candidate {
  return { kind, index, retrieval, lexical: 0, signals: ['embedding'], evidence: [], firstOffset: index, ...extra };
}

const ctx = { isIscoGroup: (i: number) => i >= 100 };

describe('thresholds', () => {
  const candidates = [
    cand('skill', 1, 0.9),
    cand('skill', 2, 0.7),
    cand('skill', 3, 0.4, { lexical: 0.95, signals: ['lexical', 'embedding'] }),
    cand('skill', 4, 0.5, { rerank: 0.8 }),
    cand('occupation', 5, 0.55, { document: 0.75 }),
    cand('occupation', 6, 0.3),
    cand('occupation', 100, 0.99),
  ];

  it('scores with the reranker where present, the lexical floor and the document score', () => {
    expect(candidateScore(candidates[3], 'auto')).toBe(0.8);
    expect(candidateScore(candidates[3], 'retrieval')).toBe(0.5);
    expect(candidateScore(candidates[1], 'rerank')).toBe(0);
    expect(candidateScore(candidates[2], 'retrieval')).toBe(0.95);
    expect(candidateScore(candidates[4], 'auto')).toBe(0.75);
  });

  it('cuts each kind at its own threshold, sorts by score and caps top-k', () => {
    const s = { ...defaultThresholds('bge-m3'), skillThreshold: 0.75, occupationThreshold: 0.5 };
    const r = applyThresholds(candidates, s, ctx);
    expect(r.skills.map((x) => x.candidate.index)).toEqual([3, 1, 4]);
    expect(r.occupations.map((x) => x.candidate.index)).toEqual([5]);
    expect(r.totals).toEqual({ skill: 4, occupation: 2 });
    const capped = applyThresholds(candidates, { ...s, maxSkills: 2 }, ctx);
    expect(capped.skills.map((x) => x.candidate.index)).toEqual([3, 1]);
  });

  it('keeps ISCO groups out unless asked', () => {
    const s = { ...defaultThresholds('bge-m3'), occupationThreshold: 0.5, includeIscoGroups: true };
    expect(applyThresholds(candidates, s, ctx).occupations.map((x) => x.candidate.index)).toEqual([100, 5]);
  });

  it('raising a threshold never adds results', () => {
    let prev = Infinity;
    for (let t = 0; t <= 1; t += 0.05) {
      const n = applyThresholds(candidates, { ...defaultThresholds('test'), skillThreshold: t }, ctx).skills.length;
      expect(n).toBeLessThanOrEqual(prev);
      prev = n;
    }
    expect(prev).toBe(0);
  });

  it('histograms every candidate of a kind into bins over [0, 1]', () => {
    const h = scoreHistogram(candidates, 'skill', defaultThresholds('bge-m3'), ctx, 10);
    expect(h.reduce((a, b) => a + b, 0)).toBe(4);
    expect(h[9]).toBe(2);
    expect(h[8]).toBe(1);
  });

  it('runs in well under a millisecond for a typical ad (logged, not asserted)', () => {
    const many: Candidate[] = Array.from({ length: 1500 }, (_, i) => cand(i % 5 ? 'skill' : 'occupation', i, (i * 7919) % 1000 / 1000));
    const s = defaultThresholds('bge-m3');
    const t0 = performance.now();
    for (let i = 0; i < 100; i++) applyThresholds(many, { ...s, skillThreshold: i / 100 }, ctx);
    console.log(`applyThresholds on 1,500 candidates: ${((performance.now() - t0) / 100).toFixed(3)} ms per call`);
    expect(applyThresholds(many, s, ctx).skills.length).toBeGreaterThan(0);
  });

  it('fuses label mentions and cosines: confirm puts a model-backed mention first and keeps mentions above dense hits', () => {
    const confirmed = cand('skill', 7, 0.8, { lexical: 1, signals: ['lexical', 'embedding'] });
    const bare = cand('skill', 8, 0, { lexical: 1, signals: ['lexical'] });
    const dense = cand('skill', 9, 0.93);
    expect(candidateScore(confirmed, 'auto', 'max')).toBe(candidateScore(bare, 'auto', 'max'));
    expect(candidateScore(confirmed, 'auto', 'confirm')).toBeCloseTo(1 - CONFIRM_SPAN * 0.2);
    expect(candidateScore(bare, 'auto', 'confirm')).toBeCloseTo(1 - CONFIRM_SPAN);
    expect(candidateScore(confirmed, 'auto', 'confirm')).toBeGreaterThan(candidateScore(bare, 'auto', 'confirm'));
    expect(candidateScore(bare, 'auto', 'confirm')).toBeGreaterThan(candidateScore(dense, 'auto', 'confirm'));
    expect(candidateScore(bare, 'auto', 'dense')).toBe(0);
  });

  it('weighs occupation body hits below the title and document scores when asked', () => {
    const occ = cand('occupation', 10, 0.8, { title: 0.77 });
    expect(candidateScore(occ, 'auto')).toBe(0.8);
    expect(candidateScore(occ, 'auto', 'max', 0.05)).toBe(0.77);
    // Without a title or document score there is nothing to weigh against: the body hit counts fully.
    expect(candidateScore(cand('occupation', 11, 0.8), 'auto', 'max', 0.05)).toBe(0.8);
  });

  it("moves a model score by how much of the skill's label its passage says, and not at all where nothing was read", () => {
    const w = { labelCoverageWeight: 0.05 };
    const at = (labelCoverage: number | undefined) => candidateScore(cand('skill', 20, 0.92, labelCoverage === undefined ? {} : { labelCoverage }), 'auto', 'max', 0, w);
    expect(at(undefined)).toBe(0.92);
    expect(at(1)).toBeCloseTo(0.92 + 0.05 * (1 - LABEL_COVERAGE_PIVOT));
    expect(at(0)).toBeCloseTo(0.92 - 0.05 * LABEL_COVERAGE_PIVOT);
    // half the label says less than half the move: the whole label is what counts
    expect(at(0.5) - at(0)).toBeLessThan((at(1) - at(0)) / 2);
    expect(at(Math.sqrt(LABEL_COVERAGE_PIVOT))).toBeCloseTo(0.92);
    // a label mention keeps its score
    expect(candidateScore(cand('skill', 21, 0.9, { lexical: 1, labelCoverage: 0 }), 'auto', 'max', 0, w)).toBe(1);
  });

  it('scores a weak mention the model supported by how well the model read it, when a lift is set', () => {
    const supported = (supportCosine: number) => cand('skill', 30, 0.8, { lexical: 0.95, supportCosine, signals: ['lexical', 'embedding'] });
    const lift = { supportedMentionLift: 0.06 };
    // read well: the label score, capped at the supported score
    expect(candidateScore(supported(0.93), 'auto', 'max', 0, lift)).toBe(0.95);
    // read poorly: its supporting cosine lifted, under a cut of 0.94
    expect(candidateScore(supported(0.84), 'auto', 'max', 0, lift)).toBeCloseTo(0.9, 10);
    // without a lift, or for a skill also named by a strong label, the label score stands
    expect(candidateScore(supported(0.84), 'auto', 'max', 0, {})).toBe(0.95);
    expect(candidateScore(cand('skill', 31, 0.8, { lexical: 0.95 }), 'auto', 'max', 0, lift)).toBe(0.95);
  });

  it('counts a passage that is one word of a skill\'s label less, and scores the skill by its best passage so counted', () => {
    const ev = (score: number, partOfLabel?: true) => ({ start: 0, end: 1, segmentIndex: 0, signal: 'embedding' as const, score, ...(partOfLabel ? { partOfLabel } : {}) });
    const discount = { partOfLabelDiscount: 0.03 };
    // "Software" alone for "install software": under a cut of 0.94
    expect(candidateScore(cand('skill', 50, 0.95, { evidence: [ev(0.95, true)] }), 'auto', 'max', 0, discount)).toBeCloseTo(0.92, 6);
    // a passage that says more counts in full when it is the better one
    expect(candidateScore(cand('skill', 51, 0.95, { evidence: [ev(0.95, true), ev(0.94)] }), 'auto', 'max', 0, discount)).toBeCloseTo(0.94, 6);
    // no discount set, an occupation, or a label mention: as before
    expect(candidateScore(cand('skill', 52, 0.95, { evidence: [ev(0.95, true)] }), 'auto', 'max', 0, {})).toBe(0.95);
    expect(candidateScore(cand('occupation', 53, 0.95, { evidence: [ev(0.95, true)] }), 'auto', 'max', 0, discount)).toBe(0.95);
    expect(candidateScore(cand('skill', 54, 0.95, { lexical: 1, evidence: [ev(0.95, true)] }), 'auto', 'max', 0, discount)).toBe(1);
  });

  it('documents where every preset\'s defaults come from', () => {
    for (const id of Object.keys(DEFAULT_THRESHOLDS)) expect(THRESHOLD_CALIBRATION[id]).toBeTruthy();
    expect(THRESHOLD_CALIBRATION['bge-m3']).toMatch(/provisional/);
  });
});
