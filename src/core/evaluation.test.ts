import { describe, expect, it } from 'vitest';
import { evaluate, parseDecorteCsv, parseGenericCsv, reciprocalRank, rPrecisionAt } from './evaluation.ts';

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
