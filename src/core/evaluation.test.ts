import { describe, expect, it } from 'vitest';
import { aggregateAdMetrics, bandCounts, evaluate, evaluateOccupations, parseDecorteCsv, parseGenericCsv, parseSkillSpan, postingMetrics, reciprocalRank, reliabilityBands, rPrecisionAt } from './evaluation.ts';

const labels = new Map([
  ['Java (computer programming)', 'u:java'],
  ['JavaScript', 'u:js'],
  ['SQL', 'u:sql'],
]);

describe('evaluation data', () => {
  it('groups Decorte rows by sentence, maps labels to URIs and drops the non-labels', () => {
    const csv = [
      'sentence,span,sub_span,label',
      'javascript reactjs java,javascript,,JavaScript',
      'javascript reactjs java,reactjs,,LABEL NOT PRESENT',
      'javascript reactjs java,java,,Java (computer programming)',
      'javascript reactjs java,java,,Java (computer programming)',
      '"We need, quite simply, SQL",SQL,,SQL',
      'Be nice,nice,,UNDERSPECIFIED',
      'Write Cobol,Cobol,,COBOL (unknown here)',
    ].join('\n');
    const r = parseDecorteCsv(csv, 'x.csv', labels);
    expect(r.sentences).toEqual([
      { text: 'javascript reactjs java', relevant: ['u:js', 'u:java'] },
      { text: 'We need, quite simply, SQL', relevant: ['u:sql'] },
      { text: 'Be nice', relevant: [] },
      { text: 'Write Cobol', relevant: [] },
    ]);
    expect(r.unmappedLabels).toEqual(['COBOL (unknown here)']);
  });

  it('reads the generic text,uri format and names a missing column', () => {
    expect(parseGenericCsv('text,uri\na,u1\na,u2\nb,u3\n', 'g.csv').sentences).toEqual([
      { text: 'a', relevant: ['u1', 'u2'] },
      { text: 'b', relevant: ['u3'] },
    ]);
    expect(() => parseGenericCsv('text,label\na,b\n', 'g.csv')).toThrow(/g\.csv: no column "uri"/);
  });
});

describe('metrics', () => {
  it('computes RP@k and reciprocal rank by definition', () => {
    const rel = new Set(['a', 'b']);
    expect(rPrecisionAt(['x', 'a', 'b'], rel, 1)).toBe(0);
    expect(rPrecisionAt(['x', 'a', 'b'], rel, 5)).toBe(1);
    expect(rPrecisionAt(['a', 'x'], new Set(['a', 'b', 'c', 'd', 'e', 'f']), 5)).toBe(1 / 5);
    expect(reciprocalRank(['x', 'y', 'a'], rel)).toBeCloseTo(1 / 3);
    expect(reciprocalRank(['x'], rel)).toBe(0);
  });

  it('averages ranking metrics over labelled sentences and sweeps the threshold for the best F1', () => {
    const sentences = [
      { text: 's1', relevant: ['a'] },
      { text: 's2', relevant: ['b'] },
      { text: 's3', relevant: [] },
    ];
    const predictions = [
      [{ uri: 'a', score: 0.9 }, { uri: 'x', score: 0.5 }],
      [{ uri: 'y', score: 0.8 }, { uri: 'b', score: 0.7 }],
      [{ uri: 'z', score: 0.4 }],
    ];
    const m = evaluate(sentences, predictions, 0.45);
    expect(m.rankedSentences).toBe(2);
    expect(m.mrr).toBeCloseTo((1 + 0.5) / 2);
    expect(m.rp1).toBeCloseTo(0.5);
    expect(m.rp5).toBeCloseTo(1);
    // At 0.45: kept a,x,y,b -> tp 2, fp 2, fn 0.
    expect(m.precision).toBeCloseTo(0.5);
    expect(m.recall).toBeCloseTo(1);
    // Best: t in (0.5, 0.7] keeps a,y,b -> P 2/3, R 1, F1 0.8.
    expect(m.bestF1).toBeCloseTo(0.8);
    expect(m.bestThreshold).toBeGreaterThan(0.5);
    expect(m.bestThreshold).toBeLessThanOrEqual(0.7);
  });
});

describe('occupation metrics', () => {
  it('computes MRR and accuracy@1/@5 of the single gold concept', () => {
    const items = [
      { text: 'a', relevant: ['g1'] },
      { text: 'b', relevant: ['g2'] },
      { text: 'c', relevant: ['g3'] },
      { text: 'no gold', relevant: [] },
    ];
    const p = (uris: string[], top = 0.9) => uris.map((uri, i) => ({ uri, score: top - i * 0.1 }));
    const m = evaluateOccupations(items, [p(['g1', 'x']), p(['x', 'y', 'g2']), p(['x', 'y', 'z', 'w', 'v', 'g3'], 0.5), p(['x'])], 0.55);
    expect(m.ranked).toBe(3);
    expect(m.mrr).toBeCloseTo((1 + 1 / 3 + 1 / 6) / 3);
    expect(m.acc1).toBeCloseTo(1 / 3);
    expect(m.acc5).toBeCloseTo(2 / 3);
    expect(m.answered).toBeCloseTo(2 / 3);
  });
});

describe('whole postings', () => {
  const lines = [
    { idx: 1, source: 'tech', tokens: ['Java', 'Developer'], tags_skill: ['O', 'O'], tags_knowledge: ['O', 'O'] },
    { idx: 2, source: 'tech', tokens: ['Other'], tags_skill: ['O'], tags_knowledge: ['O'] },
    { idx: 1, source: 'tech', tokens: ['Know', 'Java', 'and', 'Spring', 'Boot', 'well'], tags_skill: ['O', 'O', 'O', 'O', 'O', 'O'], tags_knowledge: ['O', 'B', 'O', 'B', 'I', 'O'] },
    { idx: 1, source: 'house', tokens: ['Communicate', 'clearly'], tags_skill: ['B', 'I'], tags_knowledge: ['O', 'O'] },
  ];
  const jsonl = lines.map((l) => JSON.stringify(l)).join('\n') + '\n';

  it('rebuilds postings by (source, idx) with character spans of the tagged tokens', () => {
    const ps = parseSkillSpan(jsonl);
    expect(ps.map((p) => `${p.source}/${p.idx}`)).toEqual(['tech/1', 'tech/2', 'house/1']);
    const p = ps[0];
    expect(p.text).toBe('Java Developer\nKnow Java and Spring Boot well');
    expect(p.words).toBe(8);
    expect(p.spans.map((s) => `${s.type}:${p.text.slice(s.start, s.end)}`)).toEqual(['knowledge:Java', 'knowledge:Spring Boot']);
    expect(ps[2].spans.map((s) => ps[2].text.slice(s.start, s.end))).toEqual(['Communicate clearly']);
  });

  it('scores shown skills by evidence overlap (precision proxy) and tagged spans by coverage (recall proxy)', () => {
    const p = parseSkillSpan(jsonl)[0];
    const at = (w: string) => ({ start: p.text.lastIndexOf(w), end: p.text.lastIndexOf(w) + w.length });
    const m = postingMetrics(p, [
      { uri: 'java', spans: [at('Java')] },
      { uri: 'dev', spans: [at('Developer')] },
    ]);
    expect(m).toEqual({ shown: 2, supported: 1, tagged: 2, covered: 1, words: 8 });
    const agg = aggregateAdMetrics([m, { shown: 0, supported: 0, tagged: 0, covered: 0, words: 2 }]);
    expect(agg.precisionMicro).toBe(0.5);
    expect(agg.precisionMacro).toBe(0.5);
    expect(agg.recallMicro).toBe(0.5);
    expect(agg.per100Words).toBe(20);
    expect(agg.shownPerPosting).toBe(1);
  });
});

describe('reliability bands', () => {
  it('counts the shown predictions and the right ones per score band, above the threshold only', () => {
    const items = [{ text: 'a', relevant: ['x'] }, { text: 'b', relevant: ['y'] }, { text: 'c', relevant: [] }];
    const preds = [
      [{ uri: 'x', score: 1 }, { uri: 'z', score: 0.9 }, { uri: 'w', score: 0.5 }],
      [{ uri: 'q', score: 0.97 }, { uri: 'y', score: 0.88 }],
      [{ uri: 'x', score: 1 }],
    ];
    const bands = reliabilityBands(items, preds, 0.85, [0.9, 0.95]);
    expect(bands.map((b) => [b.from, b.shown, b.right])).toEqual([[0.85, 1, 1], [0.9, 1, 0], [0.95, 2, 1]]);
  });

  it('bands any scored results from the threshold up, edges under it ignored and the last band open', () => {
    const scored = [{ score: 0.5, right: true }, { score: 0.91, right: true }, { score: 0.93, right: false }, { score: 1, right: true }];
    const bands = bandCounts(scored, 0.9, [0.8, 0.92]);
    expect(bands.map((b) => [b.from, b.to, b.shown, b.right])).toEqual([[0.9, 0.92, 1, 1], [0.92, Infinity, 2, 1]]);
  });
});
