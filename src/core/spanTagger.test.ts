import { describe, expect, it } from 'vitest';
import { bioSpans, countMatches, documentTagger, featureDims, loadTagger, spanF1, splitWords, taggerFor, tagSpans, viterbiBio, type SpanTaggerJson, type WordStates } from './spanTagger.ts';

const words = (text: string) => splitWords(text).map((w) => text.slice(w.start, w.end));

describe('splitWords', () => {
  it('splits at whitespace and around each punctuation character, as BERT pre-tokenises', () => {
    expect(words('Python, C++ and e-mail (€50).')).toEqual(['Python', ',', 'C', '+', '+', 'and', 'e', '-', 'mail', '(', '€50', ')', '.']);
    expect(words('Erfahrung mit SAP/ERP – Kenntnisse')).toEqual(['Erfahrung', 'mit', 'SAP', '/', 'ERP', '–', 'Kenntnisse']);
    expect(words('  ')).toEqual([]);
  });
  it('gives offsets into the whole text when given a range', () => {
    const t = 'ab cd, ef';
    expect(splitWords(t, 3, 6)).toEqual([
      { start: 3, end: 5 },
      { start: 5, end: 6 },
    ]);
  });
});

describe('BIO decoding', () => {
  it('reads spans, an I after O opening one', () => {
    expect(bioSpans([0, 1, 2, 0, 2, 2, 1, 1])).toEqual([
      [1, 2],
      [4, 5],
      [6, 6],
      [7, 7],
    ]);
  });
  it('Viterbi never puts I after O or at the start', () => {
    const lp = (rows: number[][]) => Float32Array.from(rows.flat().map(Math.log));
    // Greedy would read O I I; the constrained best is B I I (or O O O).
    const tags = viterbiBio(lp([[0.5, 0.2, 0.3], [0.1, 0.1, 0.8], [0.1, 0.1, 0.8]]), 3);
    expect(Array.from(tags)).toEqual([1, 2, 2]);
    const first = viterbiBio(lp([[0.3, 0.1, 0.6]]), 1);
    expect(Array.from(first)).toEqual([0]);
  });
});

/** A hand-made tagger over 2-dim states: [1, 0] reads B, [0, 1] reads I, [0, 0] reads O. */
function toyTagger(context = 0): SpanTaggerJson {
  const fd = featureDims(2, context);
  const w = new Array(3 * fd).fill(0);
  const centre = context * 2;
  w[1 * fd + centre] = 10; // B from dim 0
  w[2 * fd + centre + 1] = 10; // I from dim 1
  return { format: 'esco-span-tagger', version: 1, modelId: 'toy', dims: 2, context, wordState: 'first', prefix: '', heads: [{ type: 'skill', weights: w, bias: [5, 0, 0] }] };
}

describe('tagSpans', () => {
  const text = 'Strong project management and SQL skills';
  const units = splitWords(text);
  // Strong project management and SQL skills
  //   O      B        I       O   B    O
  const states = Float32Array.from([0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0]);

  it('returns character spans of the text with scores', () => {
    const spans = tagSpans(loadTagger(toyTagger()), states, units, 2);
    expect(spans.map((s) => text.slice(s.start, s.end))).toEqual(['project management', 'SQL']);
    for (const s of spans) {
      expect(s.type).toBe('skill');
      expect(s.score).toBeGreaterThan(0.9);
      expect(s.score).toBeLessThanOrEqual(1);
    }
  });
  it('context weights read the neighbours (zero rows past the ends)', () => {
    const spans = tagSpans(loadTagger(toyTagger(1)), states, units, 2);
    expect(spans.map((s) => text.slice(s.start, s.end))).toEqual(['project management', 'SQL']);
  });
  it('oBias and minScore trade recall for precision', () => {
    expect(tagSpans(loadTagger(toyTagger()), states, units, 2, { oBias: 20 })).toEqual([]);
    expect(tagSpans(loadTagger(toyTagger()), states, units, 2, { minScore: 1.01 })).toEqual([]);
  });
  it('refuses states of another width', () => {
    expect(() => tagSpans(loadTagger(toyTagger()), states, units, 3)).toThrow(/2-dimensional/);
  });
});

describe('documentTagger', () => {
  // Word states by the word: "project"/"SQL" read B, "management" reads I, the rest O.
  const STATE: Record<string, [number, number]> = { project: [1, 0], SQL: [1, 0], management: [0, 1] };
  const calls: { texts: string[]; prefix: string }[] = [];
  const wordStates: WordStates = async (texts, o) => {
    calls.push({ texts, prefix: o.prefix });
    return texts.map((t) => {
      const words = splitWords(t);
      return { words, states: Float32Array.from(words.flatMap((w) => STATE[t.slice(w.start, w.end)] ?? [0, 0])) };
    });
  };

  it('tags each non-empty line on its own and gives offsets into the whole text', async () => {
    calls.length = 0;
    const text = 'Our team\n\n- project management\n  \nSQL and more project management';
    const spans = await documentTagger(loadTagger({ ...toyTagger(), prefix: 'query: ' }), wordStates)(text);
    expect(spans.map((s) => text.slice(s.start, s.end))).toEqual(['project management', 'SQL', 'project management']);
    expect(spans[2].start).toBe(text.lastIndexOf('project'));
    // Blank lines are not sent; every line carries the tagger's prefix, in one call.
    expect(calls).toEqual([{ texts: ['Our team', '- project management', 'SQL and more project management'], prefix: 'query: ' }]);
  });
  it('sends nothing for a text without words', async () => {
    calls.length = 0;
    expect(await documentTagger(loadTagger(toyTagger()), wordStates)(' \n\n ')).toEqual([]);
    expect(calls).toEqual([]);
  });
});

describe('taggerFor', () => {
  it('refuses a tagger trained on another model or width', () => {
    expect(taggerFor(toyTagger(), { id: 'toy', dims: 2 }).modelId).toBe('toy');
    expect(() => taggerFor(toyTagger(), { id: 'Xenova/bge-small-en-v1.5', dims: 2 })).toThrow(/trained on toy/);
    expect(() => taggerFor(toyTagger(), { id: 'toy', dims: 384 })).toThrow(/2 dimensions/);
  });
});

describe('loadTagger', () => {
  it('accepts text and objects, refuses what is not a tagger', () => {
    expect(loadTagger(JSON.stringify(toyTagger())).featureDims).toBe(2);
    expect(() => loadTagger({ format: 'x' })).toThrow(/not a span tagger/);
    expect(() => loadTagger({ ...toyTagger(), version: 2 })).toThrow(/version 2/);
    const bad = toyTagger();
    bad.heads[0].weights = [1, 2];
    expect(() => loadTagger(bad)).toThrow(/expected 3 x 2/);
  });
});

describe('span F1', () => {
  it('counts exact matches once per key', () => {
    const c = { gold: 0, predicted: 0, correct: 0 };
    countMatches(['skill:1:2', 'skill:4:4'], ['skill:1:2', 'skill:1:2', 'skill:3:4'], c);
    expect(c).toEqual({ gold: 2, predicted: 2, correct: 1 });
    expect(spanF1(c).f1).toBeCloseTo(0.5);
    expect(spanF1({ gold: 0, predicted: 0, correct: 0 }).f1).toBe(0);
  });
});
